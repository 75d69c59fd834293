// awsenv complete WHAT: words for the shell completions in shell/ (called only when the user
// presses TAB). Hidden from --help. `commands` and `args COMMAND` come from the one table
// below, so a new command is completed in every shell by adding it here; `profiles` reads
// the two files and nothing else: no validation, no session cache, no STS.
import { loadProfiles } from '../files/profiles.js';
import { HOOK_SHELL_NAMES } from './hook.js';
import type { Context, Output } from './context.js';

export const COMPLETIONS = ['profiles', 'commands', 'args'] as const;
export type Completion = (typeof COMPLETIONS)[number];

/** Every command users type, in the order completion offers them, and what its first argument is. */
export const COMMANDS = {
  use: 'profile',
  clear: 'none',
  list: 'none',
  current: 'none',
  doctor: 'profile',
  hook: 'shell',
  export: 'profile',
  exec: 'profile',
  rotate: 'profile',
  setup: 'none',
} as const satisfies Record<string, 'profile' | 'shell' | 'none'>;

const lines = (words: readonly string[]) => words.map((w) => `${w}\n`).join('');

function profiles(ctx: Context): string[] {
  // A name with a line break would complete as two: those are left out.
  return [...loadProfiles(ctx.env).profiles.keys()].filter((n) => !/[\r\n]/.test(n)).sort();
}

export function complete(args: { what: Completion; command?: string | undefined }, ctx: Context): Output {
  switch (args.what) {
    case 'profiles':
      return { stdout: lines(profiles(ctx)) };
    case 'commands':
      return { stdout: lines(Object.keys(COMMANDS)) };
    case 'args': {
      const takes = Object.hasOwn(COMMANDS, args.command ?? '') ? COMMANDS[args.command as keyof typeof COMMANDS] : 'none';
      return { stdout: lines(takes === 'profile' ? profiles(ctx) : takes === 'shell' ? HOOK_SHELL_NAMES : []) };
    }
  }
}
