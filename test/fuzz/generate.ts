// Value generators for the fuzz tests, pure functions of a seeded Rng: random UTF-8 from
// every plane, dense mixes of shell metacharacters, commands that must never run, long runs,
// and the bytes the files must refuse. Plus the rules for what the AWS files can carry,
// written from src/files/ini.ts's documented rules (configparser), not by calling it.
import type { Rng } from './prng.js';

/** The file a value would create if any shell ever ran it as code, relative to the empty working directory. */
export const CANARY = 'CANARY';

/** Pieces that run `touch CANARY` (or cmd's `echo pwned> CANARY`) if a value is ever parsed as code. */
export const INJECTIONS: readonly string[] = [
  // POSIX shells, zsh, ksh
  `$(touch ${CANARY})`,
  `\`touch ${CANARY}\``,
  `; touch ${CANARY};`,
  `| touch ${CANARY}`,
  `&& touch ${CANARY}`,
  `|| touch ${CANARY}`,
  `'; touch ${CANARY}; '`,
  `"; touch ${CANARY}; "`,
  `'$(touch ${CANARY})'`,
  `'\\''; touch ${CANARY}; '\\''`,
  `\ntouch ${CANARY}\n`,
  `\r\ntouch ${CANARY}\r\n`,
  `$'\\n'touch ${CANARY}`,
  `\${IFS}touch\${IFS}${CANARY}`,
  `=(touch ${CANARY})`,
  `<(touch ${CANARY})`,
  // history expansion (bash, zsh, tcsh)
  '!touch',
  '!!',
  '!-1',
  '!$',
  '!#',
  '^touch^x^',
  `\\!touch ${CANARY}`,
  // fish: (…) is command substitution unquoted, $(…) since 3.4
  `(touch ${CANARY})`,
  `\\'(touch ${CANARY})\\'`,
  // tcsh
  `\`touch ${CANARY}\`:q`,
  `$< touch ${CANARY}`,
  // cmd
  `%COMSPEC% /c echo pwned> ${CANARY}`,
  `& echo pwned> ${CANARY}`,
  `^& echo pwned> ${CANARY}`,
  `" & echo pwned> ${CANARY} & "`,
  `) & echo pwned> ${CANARY}`,
  `| echo pwned> ${CANARY}`,
  `%PATH%`,
  '!PATH!',
  '%%',
  '%~dp0',
  `%=echo pwned> ${CANARY}%`,
  // PowerShell, with its whole quote set
  `'+(ni ${CANARY})+'`,
  `\u2019;ni ${CANARY};\u2018`,
  `\u201a;ni ${CANARY};\u201b`,
  `\u201c$(ni ${CANARY})\u201d`,
  `"$(ni ${CANARY})"`,
  '${env:PATH}',
];

/** Shell metacharacters of every dialect, curly and PowerShell quotes included. */
export const METACHARACTERS = [..."'\"`$!^%&|<>(){}[];,*?~#=\\@:+-./ \t", '\u2018', '\u2019', '\u201c', '\u201d', '\u201a', '\u201b', '\u201e', '\u00ab', '\u00bb'];

/** Python's str.isspace(): what the INI reader strips from the ends of values (src/files/ini.ts PY_SPACE). */
export const PY_SPACE: ReadonlySet<number> = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680,
  ...Array.from({ length: 11 }, (_, i) => 0x2000 + i),
  0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

export type Alphabet = 'unicode' | 'ascii';

const span = (lo: number, hi: number) => [lo, hi] as const;

/** Code point pools, weighted: every plane, and the classes that break shells and readers. */
const UNICODE_POOLS: readonly (readonly [number, readonly (readonly [number, number])[]])[] = [
  [30, [span(0x20, 0x7e)]], // printable ASCII
  [6, [span(0x01, 0x1f), span(0x7f, 0x7f)]], // C0 controls but NUL, DEL
  [4, [span(0x80, 0x9f)]], // C1 controls
  [5, [span(0xa0, 0xff)]], // Latin-1, NBSP first
  [5, [span(0x300, 0x36f), span(0x1ab0, 0x1aff), span(0x20d0, 0x20ff), span(0xfe00, 0xfe0f)]], // combining marks, variation selectors
  [5, [span(0x590, 0x5ff), span(0x600, 0x6ff), span(0x200e, 0x200f), span(0x202a, 0x202e), span(0x2066, 0x2069)]], // RTL and bidi controls
  [5, [span(0x85, 0x85), span(0x1680, 0x1680), span(0x2000, 0x200d), span(0x2028, 0x202f), span(0x205f, 0x2060), span(0x3000, 0x3000), span(0xfeff, 0xfeff)]], // spaces, breaks, zero widths, BOM
  [6, [span(0x100, 0xd7ff), span(0xe000, 0xfffd)]], // the rest of the BMP (no surrogates)
  [3, [span(0xe000, 0xf8ff), span(0xf0000, 0xffffd), span(0x100000, 0x10fffd)]], // private use (fish keeps bytes in U+F600..)
  [3, [span(0xfdd0, 0xfdef), span(0xfffe, 0xffff), span(0x1fffe, 0x1ffff), span(0x10fffe, 0x10ffff)]], // noncharacters
  [5, [span(0x1f300, 0x1faff), span(0x1f1e6, 0x1f1ff), span(0x1f3fb, 0x1f3ff)]], // emoji, flags, skin tones
  [4, [span(0x10000, 0x10fffd)]], // any astral plane
];

/** Wine's cmd reads a command's output through a single-byte code page (see test/e2e/cmd.test.ts). */
const ASCII_POOLS: typeof UNICODE_POOLS = [
  [40, [span(0x20, 0x7e)]],
  [4, [span(0x01, 0x1f), span(0x7f, 0x7f)]],
];

function codePoint(rng: Rng, alphabet: Alphabet): number {
  const spans = rng.weighted(alphabet === 'ascii' ? ASCII_POOLS : UNICODE_POOLS);
  const [lo, hi] = rng.pick(spans);
  return rng.between(lo, hi);
}

/** Random valid text of `length` code points (a few grapheme tricks mixed in). */
export function randomText(rng: Rng, length: number, alphabet: Alphabet): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    if (alphabet === 'unicode' && rng.chance(0.03)) {
      // An emoji ZWJ sequence with a variation selector.
      out += rng.pick(['\u{1F468}\u200d\u{1F469}\u200d\u{1F467}', '\u2764\ufe0f', '\u{1F3F3}\ufe0f\u200d\u{1F308}', 'e\u0301\u0302']);
      continue;
    }
    out += String.fromCodePoint(codePoint(rng, alphabet));
  }
  return out;
}

function metaMix(rng: Rng, length: number, alphabet: Alphabet): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    const c = rng.pick(METACHARACTERS);
    out += alphabet === 'ascii' && c.codePointAt(0)! > 0x7f ? rng.pick(["'", '"', '%', '^', '!', '&']) : c;
  }
  return out;
}

function injection(rng: Rng, alphabet: Alphabet): string {
  const s = rng.pick(INJECTIONS);
  return alphabet === 'ascii' ? s.replace(/[^\x00-\x7f]/g, "'") : s;
}

/** Concatenated pieces of every kind: the dense mixes that quoting code gets wrong. */
function mixed(rng: Rng, pieces: number, alphabet: Alphabet): string {
  let out = '';
  for (let i = 0; i < pieces; i++) {
    const kind = rng.weighted([
      [3, 'text'],
      [3, 'meta'],
      [2, 'inject'],
    ] as const);
    out += kind === 'text' ? randomText(rng, rng.between(1, 6), alphabet) : kind === 'meta' ? metaMix(rng, rng.between(1, 6), alphabet) : injection(rng, alphabet);
  }
  return out;
}

/** A chunk repeated to a random length of 1 KB to `maxBytes` UTF-8 bytes. */
function longRun(rng: Rng, alphabet: Alphabet, maxBytes: number): string {
  const chunk = rng.chance(0.5) ? mixed(rng, rng.between(1, 3), alphabet) : randomText(rng, rng.between(1, 16), alphabet);
  return truncateBytes(chunk.repeat(Math.ceil(maxBytes / Math.max(1, Buffer.byteLength(chunk)))), rng.between(Math.min(1024, maxBytes), maxBytes));
}

export interface ValueOptions {
  alphabet: Alphabet;
  /** Longest value in UTF-8 bytes (8 KB by default). */
  maxBytes?: number;
}

/** One fuzz value: any kind, any length up to maxBytes. May be empty, may hold CR, LF. */
export function fuzzValue(rng: Rng, options: ValueOptions): string {
  const maxBytes = options.maxBytes ?? 8192;
  const a = options.alphabet;
  const kind = rng.weighted([
    [3, 'text'],
    [3, 'meta'],
    [2, 'inject'],
    [3, 'mixed'],
    [1, 'long'],
    [0.2, 'empty'],
  ] as const);
  const short = () => rng.weighted([
    [6, rng.between(1, 12)],
    [3, rng.between(13, 64)],
    [1, rng.between(65, 400)],
  ] as const);
  let v: string;
  switch (kind) {
    case 'text':
      v = randomText(rng, short(), a);
      break;
    case 'meta':
      v = metaMix(rng, short(), a);
      break;
    case 'inject':
      v = injection(rng, a);
      break;
    case 'mixed':
      v = mixed(rng, rng.between(2, 12), a);
      break;
    case 'long':
      v = longRun(rng, a, maxBytes);
      break;
    case 'empty':
      v = '';
  }
  return truncateBytes(v, maxBytes);
}

/** The longest prefix of whole code points within `max` UTF-8 bytes. */
export function truncateBytes(value: string, max: number): string {
  if (Buffer.byteLength(value) <= max) return value;
  let out = '';
  let bytes = 0;
  for (const c of value) {
    const n = Buffer.byteLength(c);
    if (bytes + n > max) break;
    out += c;
    bytes += n;
  }
  return out;
}

const isPySpaceAt = (s: string, i: number) => PY_SPACE.has(s.charCodeAt(i));

/** Python's str.strip(), written again here as the oracle for what the reader yields. */
export function pyStrip(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isPySpaceAt(s, start)) start++;
  while (end > start && isPySpaceAt(s, end - 1)) end--;
  return s.slice(start, end);
}

/** Replaces what no single INI line can hold (CR, LF, NUL) with printable ASCII. */
export function oneLine(rng: Rng, value: string): string {
  return value.replace(/[\r\n\0]/g, () => String.fromCharCode(rng.between(0x21, 0x7e)));
}

/**
 * What a `key = value` line carries exactly: one line (no CR, LF), no NUL, no Python
 * whitespace at either end (the reader strips it). Made non-empty with `filler` if needed.
 */
export function fileValue(rng: Rng, value: string, filler = 'x'): string {
  const v = pyStrip(oneLine(rng, value));
  return v === '' ? filler : v;
}

/**
 * Whether a value can be written as `key = first` plus indented continuation lines and read
 * back whole (configparser joins them with LF): the first line non-empty, no line with
 * whitespace at an end, no continuation line starting with # or ; (a comment), no CR, no
 * trailing empty line.
 */
export function continuationCarries(value: string): boolean {
  if (/[\r\0]/.test(value)) return false;
  const [first, ...rest] = value.split('\n');
  if (!first) return false;
  if (rest.at(-1) === '') return false;
  return [first, ...rest].every((line) => line === '' || (pyStrip(line) === line && (line === first || !/^[#;]/.test(line))));
}

/** `key = value` with continuation lines, for a value continuationCarries() accepts. */
export function iniEntry(key: string, value: string): string {
  const [first, ...rest] = value.split('\n');
  return [`${key} = ${first}`, ...rest.map((line) => (line === '' ? '' : `  ${line}`))].join('\n');
}

/**
 * A profile name the credentials file carries as `[name]`: the reader takes everything
 * between the '[' and the line's last ']' (so ']', '[', '#', ';' and spaces at the ends are
 * all kept), one line, not DEFAULT (configparser's own section). Names starting with '-'
 * cannot be given to `awsenv use` (the CLI reads them as options, see the fuzz report), so
 * they get a leading 'p'.
 */
export function profileName(rng: Rng, value: string): string {
  let v = oneLine(rng, value);
  if (v === '' || v === 'DEFAULT') v = `p${v}`;
  if (v.startsWith('-')) v = `p${v}`;
  return v;
}

/** Invalid UTF-8: stray continuation bytes, overlong forms, surrogates, past U+10FFFF, truncated sequences. */
export const INVALID_UTF8: readonly number[][] = [
  [0x80],
  [0xbf],
  [0xc0, 0x80],
  [0xc1, 0xbf],
  [0xe0, 0x80, 0x80],
  [0xed, 0xa0, 0x80],
  [0xed, 0xbf, 0xbf],
  [0xf0, 0x80, 0x80, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf5, 0x80, 0x80, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xfe],
  [0xff],
  [0xc3],
  [0xe2, 0x82],
  [0xf0, 0x9f, 0x98],
  [0xc3, 0x28],
];

/** A value's bytes with an invalid UTF-8 sequence spliced in at a code point boundary. */
export function withInvalidUtf8(rng: Rng, value: string): Buffer {
  const points = [...value];
  const at = rng.int(points.length + 1);
  return Buffer.concat([Buffer.from(points.slice(0, at).join('')), Buffer.from(rng.pick(INVALID_UTF8)), Buffer.from(points.slice(at).join(''))]);
}

/** A value with a NUL at a random place. */
export function withNul(rng: Rng, value: string): string {
  const points = [...value];
  points.splice(rng.int(points.length + 1), 0, '\0');
  return points.join('');
}
