// awsenv exec PROFILE -- CMD…: runs CMD with PROFILE's environment (exactly what `use`
// would leave), stdio inherited, its exit status passed through (128+N for a signal, as
// shells report it).
import { constants } from 'node:os';
import { loadProfiles } from '../files/profiles.js';
import { realDeps } from '../core/deps.js';
import { useChange } from '../core/environment.js';
import { Resolver } from '../core/resolve.js';
import { AwsenvError, UsageError } from '../errors.js';
import { refuseNul } from '../shells/dialect.js';

/** Exit status 127, as a shell reports a command it cannot run. */
class CommandNotRun extends AwsenvError {
  override readonly exitCode = 127;
}
import type { Context, Output } from './context.js';

export async function exec(
  args: { profile: string; command: string[]; mfaCode?: string | undefined },
  ctx: Context,
): Promise<Output> {
  const [file, ...rest] = args.command;
  if (!file) throw new UsageError('name a command to run: awsenv exec PROFILE -- CMD [ARG…]');
  const resolved = await new Resolver(loadProfiles(ctx.env), realDeps(ctx.env, ctx.now, ctx.warn), {
    mfaCode: args.mfaCode,
  }).resolve(args.profile);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) env[k] = v;
  for (const [k, v] of Object.entries(useChange(resolved.profile, resolved.credentials, resolved.region, ctx.env))) {
    if (v === null) {
      delete env[k];
    } else {
      // A value from credential_process or SSO may hold a NUL, which no environment can carry.
      refuseNul(k, "the command's environment", v);
      env[k] = v;
    }
  }
  const { execa } = await import('execa');
  const child = execa(file, rest, { env, extendEnv: false, stdio: 'inherit', reject: false });
  // While the child runs, signals meant for it (Ctrl-C reaches both) must not kill us first.
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];
  for (const s of signals) process.on(s, forward);
  try {
    const result = await child;
    if (result.signal) return { stdout: '', exitCode: 128 + (constants.signals[result.signal] ?? 0) };
    if (result.exitCode === undefined) throw new CommandNotRun(`cannot run '${file}': ${result.code ?? 'not found'}`);
    return { stdout: '', exitCode: result.exitCode };
  } finally {
    for (const s of signals) process.off(s, forward);
  }
}
