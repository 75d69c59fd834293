// awsenv hook SHELL: prints shell/awsenv.SHELL with this binary's path quoted in, for
// `eval "$(awsenv hook bash)"`; install.sh writes the same text to a file the rc sources,
// so opening a shell starts no Node process.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.js';
import { fishQuote } from '../shells/fish.js';
import { posixQuote } from '../shells/posix.js';
import { pwshQuote } from '../shells/pwsh.js';
import { tcshQuote } from '../shells/tcsh.js';
import type { Context, Output } from './context.js';

/** The placeholder, written in each hook file inside that shell's single quotes. */
const PLACEHOLDER = "'@AWSENV_BIN@'";
/** Where the completion table goes: a quoted string in bash, zsh and fish; words in tcsh. */
const COMPLETION_PLACEHOLDER = "'@AWSENV_COMPLETION@'";
const COMMANDS_PLACEHOLDER = '@AWSENV_COMMANDS@';
/** fish: a comment line that becomes its `complete` lines (fishComplete). */
const FISH_COMPLETE_PLACEHOLDER = '# @AWSENV_FISH_COMPLETE@';

/**
 * What the shells complete: every command and its options. The one list of commands for
 * every hook (a new command is added here, and `awsenv hook` renders it into each), checked
 * against `--help` by test/hooks/complete.test.ts. Profile names after use/export/exec/
 * doctor/rotate come from `awsenv complete profiles`, on TAB.
 */
export const COMPLETION: Record<string, readonly string[]> = {
  use: ['--shell', '--print', '--mfa-code', '--duration', '--refresh', '--login', '--save-as'],
  clear: ['--shell', '--all', '--stale-tokens', '--dry-run'],
  list: ['--json'],
  current: ['--json'],
  doctor: ['--json', '--offline'],
  hook: [],
  export: ['--format', '--mfa-code'],
  exec: ['--server', '--mfa-code'],
  rotate: ['--mfa-code', '--keep-old', '--dry-run'],
  setup: ['--shell', '--uninstall', '--purge', '--dry-run', '--no-modify-rc', '--allow-root'],
};

/** The table as lines of words, `command --option …`, for the hooks to read. */
export function completionTable(): string {
  return Object.entries(COMPLETION)
    .map(([command, options]) => [command, ...options].join(' '))
    .join('\n');
}

/**
 * The table as fish `complete` lines: the commands in one, each command's options in one
 * more. Static text, so that sourcing the hook splits nothing (each command substitution
 * costs fish a pipe and a thread).
 */
function fishComplete(): string {
  const lines = [`complete -c awsenv -f -n __fish_use_subcommand -a ${fishQuote(Object.keys(COMPLETION).join(' '))}`];
  for (const [command, options] of Object.entries(COMPLETION)) {
    if (options.length === 0) continue;
    const longs = options.map((o) => `-l ${fishQuote(o.replace(/^--/, ''))}`).join(' ');
    lines.push(`complete -c awsenv -f -n ${fishQuote(`__fish_seen_subcommand_from ${command}`)} ${longs}`);
  }
  return lines.join('\n');
}

export const HOOK_SHELLS = {
  bash: { file: 'awsenv.bash', quote: posixQuote },
  zsh: { file: 'awsenv.zsh', quote: posixQuote },
  fish: { file: 'awsenv.fish', quote: fishQuote },
  tcsh: { file: 'awsenv.tcsh', quote: tcshQuote },
  pwsh: { file: 'awsenv.ps1', quote: pwshQuote },
} as const;
export type HookShell = keyof typeof HOOK_SHELLS;
export const HOOK_SHELL_NAMES = Object.keys(HOOK_SHELLS) as HookShell[];

/** shell/ of the package: next to dist/ when bundled, three levels up when compiled for tests. */
export function shellDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'shell', 'awsenv.bash'))) return join(dir, 'shell');
    dir = dirname(dir);
  }
  throw new UsageError('cannot find the hook scripts (shell/ next to the awsenv package)');
}

export function renderHook(shell: HookShell, binary: string): string {
  const { file, quote } = HOOK_SHELLS[shell];
  let text = readFileSync(join(shellDir(), file), 'utf8');
  // eval "`awsenv hook tcsh`" runs the whole text as one line, where a comment would hide
  // everything after it (and an interactive tcsh has no comments): the comment lines go.
  if (shell === 'tcsh') text = text.replace(/^[ \t]*#.*\n/gm, '');
  // Functions, not strings: `$&`, `$'` in a path must not act as replacement patterns.
  return text
    .replace(PLACEHOLDER, () => quote(binary))
    .replace(COMPLETION_PLACEHOLDER, () => quote(completionTable()))
    .replace(COMMANDS_PLACEHOLDER, () => Object.keys(COMPLETION).join(' '))
    .replace(FISH_COMPLETE_PLACEHOLDER, () => (shell === 'fish' ? fishComplete() : FISH_COMPLETE_PLACEHOLDER));
}

export function hook(args: { shell: HookShell }, _ctx: Context): Output {
  return { stdout: renderHook(args.shell, resolve(process.argv[1] ?? 'awsenv')) };
}
