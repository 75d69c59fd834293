// awsenv use PROFILE: the statements that make this shell's environment match PROFILE.
import { cacheDir } from '../sessions/cache.js';
import { loadProfiles } from '../files/profiles.js';
import { STATE } from '../core/variables.js';
import { stampFor, untilStamp } from '../core/watch.js';
import { realDeps } from '../core/deps.js';
import { useChange } from '../core/environment.js';
import { Resolver } from '../core/resolve.js';
import { UsageError } from '../errors.js';
import { detectShell } from '../shells/detect.js';
import { render } from '../shells/index.js';
import type { Context, Output } from './context.js';

export interface UseArgs {
  /** Undefined: pick one on the terminal (commands/pick.ts). */
  profile?: string | undefined;
  shell?: string | undefined;
  mfaCode?: string | undefined;
  duration?: number | undefined;
  refresh?: boolean | undefined;
  /** SSO: run `aws sso login` when the token is missing, expired or rejected. */
  login?: boolean | undefined;
  /** Also write the session into section [NAME] of the credentials file. */
  saveAs?: string | undefined;
}

export async function use(args: UseArgs, ctx: Context): Promise<Output> {
  // Before any request: an unknown shell or a bad section name must not cost an MFA code.
  // No profile: a picker on the terminal (a bundle of its own, loaded only here); without a
  // terminal, a usage error before anything else.
  const picker = args.profile === undefined ? await import('./pick.js') : undefined;
  const terminal = picker?.terminalForPicker();
  const shell = detectShell(args.shell, ctx.env, ctx.ppid);
  if (picker) {
    const chosen = await picker.pickProfile(ctx, terminal!);
    if (chosen === undefined) return { stdout: '', exitCode: 1 }; // Esc: nothing to apply, nothing to say
    args = { ...args, profile: chosen };
  }
  const profile = args.profile!;
  // Editing the credentials file is rare: its code loads only for --save-as.
  const files = args.saveAs === undefined ? undefined : await import('../core/credentials-file.js');
  const badName = args.saveAs === undefined ? undefined : files!.checkSectionName(args.saveAs);
  if (badName) throw new UsageError(`--save-as: the section name ${badName}`);
  const deps = realDeps(ctx.env, ctx.now, ctx.warn, { login: args.login, refreshProfile: args.refresh ? profile : undefined });
  const resolver = new Resolver(loadProfiles(ctx.env), deps, {
    mfaCode: args.mfaCode,
    durationSeconds: args.duration,
    refresh: args.refresh,
  });
  const resolved = await resolver.resolve(profile);
  const change = useChange(resolved.profile, resolved.credentials, resolved.region, ctx.env);
  // The prompt hook watches the file static keys came from, so rotated keys are picked up;
  // for a session it gets a stamp dated at the session's end instead (fish's clock).
  const watch = resolved.from === 'files' ? resolved.keyFile : undefined;
  const expiry = resolved.credentials.expiration;
  const stamp = watch ? stampFor(watch, cacheDir(ctx.env)) : expiry ? untilStamp(expiry, cacheDir(ctx.env)) : undefined;
  change[STATE.watch] = watch && stamp ? watch : null;
  change[STATE.stamp] = stamp ?? null;
  // Rendered before saving: a value the shell cannot carry fails before the file changes.
  const stdout = render(shell, change);
  if (args.saveAs !== undefined) await files!.saveSessionAs(args.saveAs, resolved.profile, resolved.credentials, ctx.env, ctx.warn);
  return { stdout };
}
