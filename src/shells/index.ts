// The dialect table. SHELL_NAMES is the one list of shell names: it feeds yargs' choices and
// zod; `satisfies Record<ShellName, Dialect>` makes a name without a module a compile error.
import { UnsafeVariableName } from '../errors.js';
import type { Dialect } from './dialect.js';
import { bash } from './bash.js';
import { cmd } from './cmd.js';
import { fish } from './fish.js';
import { PWSH_FAILURE, pwsh } from './pwsh.js';
import { setx } from './setx.js';
import { sh } from './sh.js';
import { tcsh } from './tcsh.js';
import { zsh } from './zsh.js';

export const SHELL_NAMES = ['bash', 'zsh', 'sh', 'fish', 'pwsh', 'cmd', 'setx', 'tcsh'] as const;
export type ShellName = (typeof SHELL_NAMES)[number];

export const DIALECTS = { bash, zsh, sh, fish, pwsh, cmd, setx, tcsh } satisfies Record<ShellName, Dialect>;

/** An environment change: a string sets the variable, null unsets it. */
export type EnvChange = Record<string, string | null>;

/**
 * The only variable names that may reach a statement (CONTRACT.md). Names are written
 * unquoted in every dialect (`unset NAME`, `set -e NAME`, `$env:NAME`, `NAME=`), so a name
 * like `AWSUME_x;touch X;#` would be code. Checked in render() itself, so no command can
 * forget it; a command that takes names from outside (clear --all) filters them first.
 */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isVariableName(name: string): boolean {
  return VARIABLE_NAME.test(name);
}

/** Renders the change for one shell: unsets first, then sets, each group sorted by name. */
export function render(shell: ShellName, change: EnvChange): string {
  const dialect: Dialect = DIALECTS[shell];
  const names = Object.keys(change).sort();
  const unsafe = names.find((name) => !isVariableName(name));
  if (unsafe !== undefined) throw new UnsafeVariableName(unsafe);
  const lines: string[] = [];
  for (const name of names) if (change[name] === null) lines.push(dialect.unset(name));
  for (const name of names) {
    const value = change[name];
    if (typeof value === 'string') lines.push(dialect.set(name, value));
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/**
 * What stdout holds when a command whose output is eval'd fails (CONTRACT.md): one
 * statement that sets a failing status and changes nothing, so `eval "$(awsenv use x)"`
 * fails and `eval "$(awsenv use x)" && deploy` stops. `false` is a command in every POSIX
 * shell, fish and tcsh (and /bin/false for PowerShell on Linux, for an unknown shell).
 * PowerShell: a non-terminating error inside Invoke-Expression leaves `$?` true (tried in
 * pwsh 7), so only `throw` stops `… | Invoke-Expression && deploy` and leaves `$?` false;
 * like `set -e`, it also ends a script. cmd and setx lines are data applied by a `for /f`
 * loop: there nothing at all is what changes nothing (shell/awsenv.cmd returns 1 on no lines).
 */
export function failStatement(shell: ShellName | undefined): string {
  switch (shell) {
    case 'cmd':
    case 'setx':
      return '';
    case 'pwsh':
      return `${PWSH_FAILURE}\n`;
    default:
      return 'false\n';
  }
}

export function isShellName(name: string): name is ShellName {
  return (SHELL_NAMES as readonly string[]).includes(name);
}
