// The dialect table. SHELL_NAMES is the one list of shell names: it feeds yargs' choices and
// zod; `satisfies Record<ShellName, Dialect>` makes a name without a module a compile error.
import type { Dialect } from './dialect.js';
import { bash } from './bash.js';
import { cmd } from './cmd.js';
import { fish } from './fish.js';
import { pwsh } from './pwsh.js';
import { setx } from './setx.js';
import { sh } from './sh.js';
import { tcsh } from './tcsh.js';
import { zsh } from './zsh.js';

export const SHELL_NAMES = ['bash', 'zsh', 'sh', 'fish', 'pwsh', 'cmd', 'setx', 'tcsh'] as const;
export type ShellName = (typeof SHELL_NAMES)[number];

export const DIALECTS = { bash, zsh, sh, fish, pwsh, cmd, setx, tcsh } satisfies Record<ShellName, Dialect>;

/** An environment change: a string sets the variable, null unsets it. */
export type EnvChange = Record<string, string | null>;

/** Renders the change for one shell: unsets first, then sets, each group sorted by name. */
export function render(shell: ShellName, change: EnvChange): string {
  const dialect: Dialect = DIALECTS[shell];
  const names = Object.keys(change).sort();
  const lines: string[] = [];
  for (const name of names) if (change[name] === null) lines.push(dialect.unset(name));
  for (const name of names) {
    const value = change[name];
    if (typeof value === 'string') lines.push(dialect.set(name, value));
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

export function isShellName(name: string): name is ShellName {
  return (SHELL_NAMES as readonly string[]).includes(name);
}
