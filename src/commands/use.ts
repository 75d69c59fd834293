// awsenv use PROFILE: the statements that make this shell's environment match PROFILE.
import { cacheDir } from '../aws/cache.js';
import { loadProfiles } from '../aws/profiles.js';
import { STATE } from '../core/variables.js';
import { stampFor } from '../core/watch.js';
import { realDeps } from '../core/deps.js';
import { useChange } from '../core/environment.js';
import { Resolver } from '../core/resolve.js';
import { detectShell } from '../shells/detect.js';
import { render } from '../shells/index.js';
import type { Context, Output } from './context.js';

export interface UseArgs {
  profile: string;
  shell?: string | undefined;
  mfaCode?: string | undefined;
  duration?: number | undefined;
  refresh?: boolean | undefined;
}

export async function use(args: UseArgs, ctx: Context): Promise<Output> {
  // Before any request: an unknown shell must not cost an MFA code.
  const shell = detectShell(args.shell, ctx.env, ctx.ppid);
  const resolver = new Resolver(loadProfiles(ctx.env), realDeps(ctx.env, ctx.now, ctx.warn), {
    mfaCode: args.mfaCode,
    durationSeconds: args.duration,
    refresh: args.refresh,
  });
  const resolved = await resolver.resolve(args.profile);
  const change = useChange(resolved.profile, resolved.credentials, resolved.region, ctx.env);
  // Static keys are watched by the prompt hook, so rotated keys are picked up.
  const watch = resolved.from === 'files' ? resolved.keyFile : undefined;
  const stamp = watch ? stampFor(watch, cacheDir(ctx.env)) : undefined;
  change[STATE.watch] = stamp ? watch! : null;
  change[STATE.stamp] = stamp ?? null;
  return { stdout: render(shell, change) };
}
