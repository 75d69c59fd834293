// Which dialect to print when --shell is not given: the hook's AWSENV_SHELL, then the
// shell that started us (Linux /proc, no process spawned), then $SHELL.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Env } from '../files/files.js';
import { UsageError } from '../errors.js';
import { failStatement, isShellName, type ShellName } from './index.js';

const ALIASES: Record<string, ShellName> = {
  bash: 'bash',
  zsh: 'zsh',
  sh: 'sh',
  dash: 'sh',
  ash: 'sh',
  ksh: 'sh',
  ksh93: 'sh',
  mksh: 'sh',
  busybox: 'sh',
  fish: 'fish',
  pwsh: 'pwsh',
  powershell: 'pwsh',
  tcsh: 'tcsh',
  csh: 'tcsh',
  cmd: 'cmd',
};

export function shellFromName(name: string | undefined): ShellName | undefined {
  if (!name) return undefined;
  const base = basename(name.trim()).replace(/^-/, '').replace(/\.exe$/i, '').toLowerCase();
  return ALIASES[base];
}

function parentShell(ppid: number): ShellName | undefined {
  try {
    return shellFromName(readFileSync(`/proc/${ppid}/comm`, 'utf8'));
  } catch {
    return undefined;
  }
}

export function detectShell(flag: string | undefined, env: Env, ppid: number): ShellName {
  if (flag) {
    if (isShellName(flag)) return flag;
    throw new UsageError(`unknown shell '${flag}'`);
  }
  const fromHook = env.AWSENV_SHELL;
  if (fromHook && isShellName(fromHook)) return fromHook;
  const found = parentShell(ppid) ?? shellFromName(env.SHELL);
  if (found) return found;
  throw new UsageError('cannot tell which shell to print for; pass --shell (bash, zsh, sh, fish, pwsh, cmd, setx, tcsh)');
}

/**
 * The failing statement (failStatement) for an eval'd command that failed, in the shell it
 * would have printed for; when that cannot be told, `false`.
 */
export function failureFor(flag: string | undefined, env: Env, ppid: number): string {
  let shell: ShellName | undefined;
  try {
    shell = detectShell(flag, env, ppid);
  } catch {
    shell = undefined;
  }
  return failStatement(shell);
}

/** `--shell S` / `--shell=S` in raw arguments, for the failure of a command yargs rejected. */
export function shellFlagIn(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg === '--shell') return argv[i + 1];
    if (arg.startsWith('--shell=')) return arg.slice('--shell='.length);
  }
  return undefined;
}
