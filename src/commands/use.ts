// awsenv use PROFILE: the statements that make this shell's environment match PROFILE.
import { cacheDir, profileIndexCache } from '../sessions/cache.js';
import { loadProfiles } from '../files/profiles.js';
import { STATE } from '../core/variables.js';
import { recentFailure, recordRenewal, RETRY_AFTER_MS, stampFor, untilStamp } from '../core/watch.js';
import { realDeps } from '../core/deps.js';
import { useChange } from '../core/environment.js';
import { Resolver } from '../core/resolve.js';
import { AwsenvError, UsageError } from '../errors.js';
import { detectShell } from '../shells/detect.js';
import { render, type ShellName } from '../shells/index.js';
import { fishQuote } from '../shells/fish.js';
import { posixQuote } from '../shells/posix.js';
import { pwshQuote } from '../shells/pwsh.js';
import { tcshQuote } from '../shells/tcsh.js';
import { windowsArgQuote } from '../shells/setx.js';
import { printable } from '../util/printable.js';
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
  /** Print the statements even when stdout is a terminal. */
  print?: boolean | undefined;
}

/** A plain name is shown as is; anything else quoted for the shell that will read the line. */
function shellWord(shell: ShellName, word: string): string {
  if (/^[A-Za-z0-9_.@:+-]+$/.test(word) && !word.startsWith('-')) return word;
  const quoted =
    shell === 'fish' ? fishQuote(word) : shell === 'tcsh' ? tcshQuote(word) : shell === 'pwsh' ? pwshQuote(word) : shell === 'cmd' || shell === 'setx' ? windowsArgQuote(word) : posixQuote(word);
  return word.startsWith('-') ? `-- ${quoted}` : quoted;
}

/** The line that applies `awsenv use PROFILE` in this shell without the hook. */
export function applyLine(shell: ShellName, profile: string): string {
  const p = shellWord(shell, profile);
  switch (shell) {
    case 'fish':
      return `awsenv use ${p} | source`;
    case 'tcsh':
      return `eval "\`awsenv use ${p}\`"`;
    case 'pwsh':
      return `awsenv use ${p} --shell pwsh | Out-String | Invoke-Expression`;
    case 'cmd':
      return `shell\\awsenv.cmd use ${p}`;
    case 'setx':
      return `for /f "delims=" %a in ('awsenv use ${p} --shell setx') do @%a`;
    default:
      return `eval "$(awsenv use ${p})"`;
  }
}

/**
 * `awsenv use admin` typed without eval and without the hook would print the secret key and
 * token into the terminal and its scrollback, and apply nothing. Said instead, exit 2.
 */
function notOnTerminal(shell: ShellName, profile: string): Output {
  const hook = shell === 'cmd' || shell === 'setx' ? '' : ", or install the hook (./install.sh) so that plain `awsenv use` applies them";
  return {
    stdout: '',
    stderr:
      `awsenv: stdout is a terminal: the statements would only be shown (secrets and all), not applied.\n` +
      `awsenv: apply them with: ${printable(applyLine(shell, profile))}${hook}; --print prints them anyway\n`,
    exitCode: 2,
  };
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
  // Before any request too: nothing printed to a terminal is applied.
  if (ctx.stdoutIsTTY && !args.print) return notOnTerminal(shell, profile);
  // Editing the credentials file is rare: its code loads only for --save-as.
  const files = args.saveAs === undefined ? undefined : await import('../core/credentials-file.js');
  const badName = args.saveAs === undefined ? undefined : files!.checkSectionName(args.saveAs);
  if (badName) throw new UsageError(`--save-as: the section name ${badName}`);
  const deps = realDeps(ctx.env, ctx.now, ctx.warn, { login: args.login, refreshProfile: args.refresh ? profile : undefined });
  const resolver = new Resolver(loadProfiles(ctx.env, profileIndexCache(ctx.env)), deps, {
    mfaCode: args.mfaCode,
    durationSeconds: args.duration,
    refresh: args.refresh,
  });
  // The prompt hook renews in the background (AWSENV_NONINTERACTIVE=1): after a failure, the
  // next renewal of the profile in any shell is refused at once for a minute, so a broken
  // network or endpoint costs one deadline (AWSENV_STS_TIMEOUT) a minute, not every prompt.
  const background = ctx.env.AWSENV_NONINTERACTIVE === '1';
  const cache = cacheDir(ctx.env);
  if (background) {
    const failedAt = recentFailure(cache, profile, ctx.now());
    if (failedAt) {
      const again = new Date(failedAt.getTime() + RETRY_AFTER_MS).toISOString().slice(11, 19);
      throw new AwsenvError(`the last renewal of '${profile}' failed less than a minute ago; the hook tries again after ${again} UTC (run \`awsenv use\` yourself to try now)`);
    }
  }
  let resolved: Awaited<ReturnType<Resolver['resolve']>>;
  try {
    resolved = await resolver.resolve(profile);
  } catch (error) {
    if (background) recordRenewal(cache, profile, true, ctx.now());
    throw error;
  }
  if (background) recordRenewal(cache, profile, false, ctx.now());
  const change = useChange(resolved.profile, resolved.credentials, resolved.region, ctx.env);
  // The prompt hook watches the file static keys came from, so rotated keys are picked up;
  // for a session it gets a stamp dated at the session's end instead (fish's clock).
  const watch = resolved.from === 'files' ? resolved.keyFile : undefined;
  const expiry = resolved.credentials.expiration;
  let stamp: string | undefined;
  try {
    stamp = watch ? stampFor(watch, cacheDir(ctx.env)) : expiry ? untilStamp(expiry, cacheDir(ctx.env)) : undefined;
  } catch (error) {
    // The statements matter more than the watch: without a usable cache directory the
    // prompt hook just does not see rotated keys (or, in fish, the time left).
    const why = error instanceof AwsenvError ? error.message : `cannot write a stamp (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`;
    ctx.warn(`${why}; the prompt hook's ${watch ? 'watch for rotated keys' : 'session clock'} is off for this profile`);
  }
  change[STATE.watch] = watch && stamp ? watch : null;
  change[STATE.stamp] = stamp ?? null;
  // Rendered before saving: a value the shell cannot carry fails before the file changes.
  const stdout = render(shell, change);
  if (args.saveAs !== undefined) await files!.saveSessionAs(args.saveAs, resolved.profile, resolved.credentials, ctx.env, ctx.warn);
  return { stdout };
}
