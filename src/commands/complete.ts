// awsenv complete profiles: the profile names of both files, one a line, for the shell
// completions in shell/ (called only when the user presses TAB). Hidden from --help. It reads
// the two files and nothing else: no validation, no session cache, no STS.
// awsenv complete shown -- VALUE: for the tcsh hook, which cannot escape a character without
// a process: VALUE with its control characters escaped, then VALUE quoted for tcsh and
// escaped the same way (the fix commands in its notices), a line each.
import { sortedNameBytes } from '../files/name-bytes.js';
import { loadProfiles, type ProfileSet } from '../files/profiles.js';
import { profileIndexCache } from '../sessions/cache.js';
import { tcshQuote } from '../shells/tcsh.js';
import { ChunkWriter } from '../util/chunks.js';
import { printable } from '../util/printable.js';
import type { Context, Output } from './context.js';

export const COMPLETIONS = ['profiles', 'shown'] as const;
export type Completion = (typeof COMPLETIONS)[number];

export function complete(args: { what: Completion; value?: string | undefined }, ctx: Context): Output {
  if (args.what === 'shown') {
    const value = args.value ?? '';
    return { stdout: `${printable(value)}\n${printable(tcshQuote(value))}\n` };
  }
  return completeProfiles(loadProfiles(ctx.env, profileIndexCache(ctx.env)));
}

/** `complete profiles` of these files. */
export function completeProfiles(set: ProfileSet): Output {
  // A big config's kept names, as bytes copied to stdout a chunk at a time (files/name-bytes.ts).
  const ranges = sortedNameBytes(set);
  if (ranges) {
    return {
      stdout: '',
      produce: (emit) => {
        const out = new ChunkWriter(emit);
        ranges((b, start, end) => {
          out.bytes(b, start, end);
          out.byte(0x0a);
        });
        out.end();
      },
    };
  }
  return { stdout: profileNamesText(set) };
}

/** The string path: every name, sorted, a line each. A name with a line break would complete as two: those are left out. */
export function profileNamesText(set: ProfileSet): string {
  const names = [...set.profiles.keys()].filter((n) => !n.includes('\n') && !n.includes('\r')).sort();
  return names.length === 0 ? '' : `${names.join('\n')}\n`;
}
