// awsenv rotate PROFILE: replace the profile's long-term access key (IAM), safely. Flags,
// then the core (core/rotate.ts, a lazy bundle with the IAM SDK behind it: `use` never
// loads either). Its messages go to stderr as each step is done; stdout stays empty.
import { loadProfiles } from '../files/profiles.js';
import { realDeps } from '../core/deps.js';
import { realIam } from '../sessions/iam.js';
import type { Context, Output } from './context.js';

export interface RotateArgs {
  profile: string;
  mfaCode?: string | undefined;
  keepOld?: boolean | undefined;
  dryRun?: boolean | undefined;
}

export async function rotate(args: RotateArgs, ctx: Context): Promise<Output> {
  const { rotateKey } = await import('../core/rotate.js');
  const { swapKeys } = await import('../core/credentials-file.js');
  const base = realDeps(ctx.env, ctx.now, ctx.warn);
  await rotateKey(loadProfiles(ctx.env), args.profile, { mfaCode: args.mfaCode, keepOld: args.keepOld, dryRun: args.dryRun }, {
    env: ctx.env,
    now: ctx.now,
    sts: base.sts,
    iam: (region, credentials) => realIam(ctx.env, region, credentials),
    cache: base.cache,
    askMfaCode: base.askMfaCode,
    progress: base.progress ?? (() => () => {}),
    say: ctx.warn,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    writeKeys: (_file, section, from, to) => swapKeys(ctx.env, section, from, to),
  });
  return { stdout: '' };
}
