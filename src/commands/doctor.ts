// awsenv doctor [PROFILE]: the checklist for "The security token included in the request
// is invalid", one line per check with the command that fixes it. Exit 0 when healthy.
import { loadProfiles } from '../files/profiles.js';
import { realSts } from '../sessions/sts.js';
import { cacheDir, profileIndexCache } from '../sessions/cache.js';
import { realIam } from '../sessions/iam.js';
import { recordKeyAges } from '../sessions/iam-key-ages.js';
import { realDeps } from '../core/deps.js';
import { syntaxFor } from '../core/checks.js';
import { diagnose, type DoctorReport } from '../core/doctor.js';
import { detectShell } from '../shells/detect.js';
import type { ShellName } from '../shells/index.js';
import { Resolver } from '../core/resolve.js';
import { styleFor } from '../util/table.js';
import { printable } from '../util/printable.js';
import { lazy } from '../util/lazy.js';
import type { Context, Output } from './context.js';

export async function doctor(
  args: { profile?: string | undefined; json?: boolean | undefined; offline?: boolean | undefined },
  ctx: Context,
): Promise<Output> {
  // Never stop to ask for an MFA code: doctor only looks.
  const env = { ...ctx.env, AWSENV_NONINTERACTIVE: '1' };
  let shell: ShellName | undefined;
  try {
    shell = detectShell(undefined, ctx.env, ctx.ppid);
  } catch {
    // no shell known: the fixes in POSIX syntax
  }
  // The files are read once (through the kept index at 50,000 profiles) for the checks
  // and the resolving both.
  const load = lazy(() => loadProfiles(env, profileIndexCache(env)));
  const report = await diagnose(args.profile, args.offline === true, {
    syntax: syntaxFor(shell),
    env: ctx.env,
    now: ctx.now(),
    load,
    resolve: async (profile) => {
      const r = await new Resolver(load(), realDeps(env, ctx.now, ctx.warn)).resolve(profile);
      return { credentials: r.credentials, from: r.from };
    },
    sts: (region) => realSts(env, region),
    keyCreated: async (credentials, userName, region) => {
      // An STS of its own (an emulator, a proxy) vouched for the key: the real IAM knows nothing of it.
      if (ctx.env.AWS_ENDPOINT_URL_STS && !ctx.env.AWS_ENDPOINT_URL_IAM && !ctx.env.AWS_ENDPOINT_URL) return undefined;
      const keys = await (await realIam(env, region, credentials)).listAccessKeys(userName);
      // Remembered for `awsenv list`, which makes no request of its own.
      recordKeyAges(cacheDir(env), ctx.now(), Object.fromEntries(keys.filter((k) => k.createDate).map((k) => [k.accessKeyId, k.createDate!])));
      return keys.find((k) => k.accessKeyId === credentials.accessKeyId)?.createDate;
    },
  });
  const exitCode = report.healthy ? 0 : 1;
  if (args.json) return { stdout: `${JSON.stringify(report, null, 2)}\n`, exitCode };
  return { stdout: humanReport(report, ctx), exitCode };
}

function humanReport(report: DoctorReport, ctx: Context): string {
  const style = styleFor(ctx.stdoutIsTTY, ctx.env);
  const mark = { ok: style.green('✓'), warning: style.yellow('!'), problem: style.red('✗') };
  // Profile names, environment values and STS's own words: control characters escaped.
  const from = report.source === 'none' ? 'no credentials found' : `credentials from ${report.source === 'environment' ? 'the environment' : printable(report.source)}`;
  const lines = [`awsenv doctor: profile '${printable(report.profile)}', ${from}`];
  for (const c of report.checks) {
    lines.push(`${mark[c.status]} ${printable(c.message)}`);
    if (c.fix) lines.push(`    fix: ${printable(c.fix)}`);
  }
  const problems = report.checks.filter((c) => c.status === 'problem').length;
  lines.push(report.healthy ? style.green('healthy') : style.red(`${problems} problem${problems === 1 ? '' : 's'} found`));
  return `${lines.join('\n')}\n`;
}
