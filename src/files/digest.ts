// What `awsenv list` needs of every section of an indexed file (scan.ts), read straight from
// its bytes without parsing it into Maps: which of the keys parseSettings validates are set,
// and the values of the few that list shows or follows (region, role_arn, source_profile,
// the SSO keys, the access key). 50,000 generated profiles parsed, merged and validated one
// by one took most of list's 2.9 s and 370 MB (issue 15).
//
// Only sections written the plain way are read here: lines of printable ASCII, none
// indented (no continuation lines or nested blocks), every validated key with a non-empty
// value, and none of the keys whose checks need more than "is it set" (the session token
// keys, expiration, duration_seconds, credential_source). Any other section is marked
// `odd`, and list takes such a profile the old way, through loadProfiles, settingsOf and
// profileFindings. The scan already checked the whole file (no duplicate sections or keys,
// no malformed line), so a plain section's keys are exactly what parseIni would make of it.
import { isAscii } from 'node:buffer';
import type { IniFile } from './files.js';
import { SETTING_KEYS } from './profiles.js';
import { readRange, START, STRIDE } from './scan.js';

/** The validated keys, each a bit of `present`. */
export const FIELDS = SETTING_KEYS;
export type Field = (typeof FIELDS)[number];
export const bit = (field: Field): number => 1 << FIELDS.indexOf(field);
/** Keys whose checks need their value (a date, a number, one of three words) or the token logic. */
const ODD_KEYS: Field[] = ['aws_session_token', 'aws_security_token', 'expiration', 'duration_seconds', 'credential_source'];
const ODD_MASK = ODD_KEYS.reduce((m, f) => m | bit(f), 0);
/** Keys whose values are kept (the others only count as set or not). */
export const VALUE_FIELDS: Field[] = [
  'region',
  'role_arn',
  'source_profile',
  'external_id',
  'role_session_name',
  'mfa_serial',
  'aws_access_key_id',
  'aws_secret_access_key',
  'sso_session',
  'sso_start_url',
  'sso_region',
];
/** Sign bit of `present`: the section is not plain (see above). */
export const ODD = 1 << 31;

export interface Digest {
  count: number;
  /** Per section: a bit per FIELDS key set; ODD when the section must be parsed. */
  present: Int32Array;
  /** Per VALUE_FIELDS key, per section: the value's number in `strings` + 1 (0: not set). */
  values: Map<Field, Int32Array>;
  strings: string[];
}

/** Bytes read at a time (whole sections; tests make it tiny). */
export const DIGEST = { chunk: 1 << 20 };

// FNV-1a of each validated key, to find a line's key without making a string of it.
const KEY_HASH = new Map<number, number>();
const KEY_BYTES = FIELDS.map((f) => Buffer.from(f, 'latin1'));
const fnv = (bytes: Uint8Array): number => {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193);
  return h | 0;
};
KEY_BYTES.forEach((b, i) => KEY_HASH.set(fnv(b), i));
const VALUE_SLOT = new Int8Array(FIELDS.length).fill(-1);
VALUE_FIELDS.forEach((f, i) => (VALUE_SLOT[FIELDS.indexOf(f)] = i));

/** NUL, and the control bytes Python strips as spaces or splits lines at (besides \t, \n, \r). */
const SPACES = [0x00, 0x0b, 0x0c, 0x1c, 0x1d, 0x1e, 0x1f];
/** Bytes outside printable ASCII and tab that change how a line reads (or may): each makes a line odd. */
const odd = (b: number) => b >= 0x7f || (b < 0x20 && b !== 0x09);

/** Every section's digest, or undefined for a file that was not indexed (it was parsed whole). */
export function digestFile(ini: IniFile): Digest | undefined {
  const indexed = ini.indexed;
  if (!indexed) return ini.names().length === 0 ? { count: 0, present: new Int32Array(0), values: new Map(), strings: [] } : undefined;
  const { fd, index } = indexed;
  const count = index.count;
  const present = new Int32Array(count);
  const slots = VALUE_FIELDS.map(() => new Int32Array(count));
  const strings: string[] = [];
  const interned = new Map<string, number>();
  const startOf = (i: number) => (i < count ? index.rec[i * STRIDE + START]! : index.size);

  let i = 0;
  while (i < count) {
    // Whole sections, about a chunk of bytes (or one section if it is bigger).
    const from = startOf(i);
    let j = i + 1;
    while (j < count && startOf(j + 1) - from <= DIGEST.chunk) j++;
    const to = startOf(j);
    const buf = readRange(ini.file, fd, index, from, to);
    // Printable ASCII with \n or \r\n line ends: no byte needs looking at twice.
    let checked = isAscii(buf);
    // (Other control bytes are part of a key or value like any letter: Python's strip and
    // line splitting leave them alone.)
    if (checked) for (const b of SPACES) if (buf.indexOf(b) >= 0) checked = false;
    // A \r must end its line (\r\n); a lone one is a line break of its own (checked byte by byte).
    for (let r = checked ? buf.indexOf(0x0d) : -1; r >= 0; r = buf.indexOf(0x0d, r + 1)) {
      if (buf[r + 1] !== 0x0a) {
        checked = false;
        break;
      }
    }
    for (; i < j; i++) {
      const end = startOf(i + 1) - from;
      let p = buf.indexOf(0x0a, startOf(i) - from);
      // The header line is skipped: the name comes from the index.
      let flags = 0;
      p = p < 0 || p >= end ? end : p + 1;
      while (p < end && flags >= 0) {
        let nl = buf.indexOf(0x0a, p);
        if (nl < 0 || nl > end) nl = end;
        let e = nl;
        if (e > p && buf[e - 1] === 0x0d) e--;
        const next = nl + 1;
        if (!checked) {
          for (let k = p; k < e; k++) {
            if (odd(buf[k]!)) {
              flags = ODD;
              break;
            }
          }
          if (flags < 0) break;
        }
        const first = p < e ? buf[p]! : -1;
        if (first === 0x20 || first === 0x09) {
          // Blank, or an indented line: a continuation, which only parseIni follows.
          let k = p;
          while (k < e && (buf[k] === 0x20 || buf[k] === 0x09)) k++;
          if (k < e) flags = ODD;
          p = next;
          continue;
        }
        if (first === -1 || first === 0x23 || first === 0x3b) {
          p = next;
          continue;
        }
        if (first === 0x5b) {
          // A header inside a section's bytes: not a plain line.
          flags = ODD;
          break;
        }
        // The key, lowercased and hashed up to the first '=' or ':'.
        const ls = p;
        let d = p;
        let h = 0x811c9dc5;
        let keyHash = h;
        let keyEnd = p;
        for (; d < e; d++) {
          let b = buf[d]!;
          if (b === 0x3d || b === 0x3a) break;
          if (b >= 0x41 && b <= 0x5a) b += 0x20;
          h = Math.imul(h ^ b, 0x01000193);
          if (b !== 0x20 && b !== 0x09) {
            keyHash = h;
            keyEnd = d + 1;
          }
        }
        p = next;
        const field = KEY_HASH.get(keyHash | 0);
        if (field === undefined || d === e) continue;
        // The hash names a validated key: the bytes must be its name.
        const want = KEY_BYTES[field]!;
        let same = keyEnd - ls === want.length;
        for (let k = 0; same && k < want.length; k++) {
          let b = buf[ls + k]!;
          if (b >= 0x41 && b <= 0x5a) b += 0x20;
          if (b !== want[k]) same = false;
        }
        if (!same) continue;
        let v = d + 1;
        while (v < e && (buf[v] === 0x20 || buf[v] === 0x09)) v++;
        let ve = e;
        while (ve > v && (buf[ve - 1] === 0x20 || buf[ve - 1] === 0x09)) ve--;
        // An empty value fails validation (or is a nested block): parsed the old way.
        if (ve === v) {
          flags = ODD;
          break;
        }
        flags |= 1 << field;
        const slot = VALUE_SLOT[field]!;
        if (slot >= 0) {
          const text = buf.toString('latin1', v, ve);
          let n = interned.get(text);
          if (n === undefined) {
            n = strings.length;
            strings.push(text);
            interned.set(text, n);
          }
          slots[slot]![i] = n + 1;
        }
      }
      present[i] = flags & ODD_MASK ? ODD : flags;
    }
  }
  return { count, present, values: new Map(VALUE_FIELDS.map((f, k) => [f, slots[k]!])), strings };
}
