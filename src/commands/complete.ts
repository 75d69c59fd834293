// awsenv complete profiles: the profile names of both files, one a line, for the shell
// completions in shell/ (called only when the user presses TAB). Hidden from --help. It reads
// the two files and nothing else: no validation, no session cache, no STS.
import { loadProfiles } from '../files/profiles.js';
import type { Context, Output } from './context.js';

export const COMPLETIONS = ['profiles'] as const;
export type Completion = (typeof COMPLETIONS)[number];

export function complete(args: { what: Completion }, ctx: Context): Output {
  // A name with a line break would complete as two: those are left out.
  const names = [...loadProfiles(ctx.env).profiles.keys()].filter((n) => !/[\r\n]/.test(n)).sort();
  return { stdout: names.map((n) => `${n}\n`).join('') };
}
