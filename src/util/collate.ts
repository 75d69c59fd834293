// The order of String.prototype.localeCompare, without ICU where that is sure to give the
// same answer: the first localeCompare of a process loads ICU's locale and collation data,
// 10-20 ms on this project's machines (a third of `awsenv list`). Names of printable ASCII
// under a locale whose collation of ASCII is the root one (CLDR: en, de, fr, it, es, pt, nl;
// also C, POSIX or none, which ICU reads as en-US) are compared here with the root
// collation's weights; anything else goes to localeCompare. test/util/collate.test.ts holds
// this against Intl.Collator for each of those locales.
import type { Env } from '../files/files.js';

/** Printable ASCII in the root collation's order; a letter's two cases share a place. */
const ORDER = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789aAbBcCdDeEfFgGhHiIjJkKlLmMnNoOpPqQrRsStTuUvVwWxXyYzZ";
/** Per code unit: primary weight (×2) plus 1 for an upper-case letter (the tertiary level); -1: not ours. */
const WEIGHT = new Int16Array(128).fill(-1);
{
  let primary = 0;
  for (let i = 0; i < ORDER.length; i++) {
    const c = ORDER[i]!;
    const upper = c >= 'A' && c <= 'Z';
    if (!upper) primary++;
    WEIGHT[c.charCodeAt(0)] = primary * 2 + (upper ? 1 : 0);
  }
}

/** Languages whose collation of ASCII is the root one (checked by the test, per locale). */
const ROOT_ASCII = new Set(['en', 'de', 'fr', 'it', 'es', 'pt', 'nl']);

/**
 * Whether every locale variable ICU may take its default locale from names a language of
 * ROOT_ASCII (or C/POSIX, which ICU makes en-US). Which one wins does not matter: all must agree.
 */
export function asciiCollationIsRoot(env: Env): boolean {
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'LANG'] as const) {
    const value = env[name];
    if (value === undefined) continue;
    const language = value.split(/[_.@-]/)[0]!;
    if (value === '' || language === 'C' || language === 'POSIX') continue;
    if (!ROOT_ASCII.has(language)) return false;
  }
  return true;
}

/** a.localeCompare(b)'s sign for the strings of ORDER; undefined for anything else. */
export function collateAscii(a: string, b: string): number | undefined {
  let tertiary = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    const wx = x < 128 ? WEIGHT[x]! : -1;
    const wy = y < 128 ? WEIGHT[y]! : -1;
    if (wx < 0 || wy < 0) return undefined;
    const px = wx >> 1;
    const py = wy >> 1;
    if (px !== py) {
      // The primary level decides; the rest need only be ours.
      return rest(a, i) && rest(b, i) ? px - py : undefined;
    }
    if (tertiary === 0) tertiary = (wx & 1) - (wy & 1);
  }
  if (!rest(a, n) || !rest(b, n)) return undefined;
  // One a prefix of the other at the primary level: the shorter first; else lower case first.
  return a.length !== b.length ? a.length - b.length : tertiary;
}

function rest(s: string, from: number): boolean {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || WEIGHT[c]! < 0) return false;
  }
  return true;
}

/** A comparator with localeCompare's order, for `env`'s locale. */
export function localeOrder(env: Env): (a: string, b: string) => number {
  if (!asciiCollationIsRoot(env)) return (a, b) => a.localeCompare(b);
  return (a, b) => collateAscii(a, b) ?? a.localeCompare(b);
}

/** Whether collateAscii orders `s` against any other such string (every character in ORDER). */
export function isRootAscii(s: string): boolean {
  return rest(s, 0);
}
