// The headers of a big shared file (scan.ts), kept between runs: a `use` with a config of
// 50,000 generated profiles then reads 2 MB of index instead of scanning 10 MB of text
// (issue 15). Only a file's scan is kept, never its values: the sections a command needs
// are still read from the file itself, and checked to be the ones indexed.
//
// An index is used only for the very file it was made from: same device, inode, size, and
// change and modification times to the nanosecond (any write, rename over or chmod moves
// the change time, which no user can set). A file changed within the clock tick it was
// scanned in could keep all of those, so an index is saved only for a file whose times are
// more than two seconds old when it is scanned (git's "racily clean" rule). Anything odd
// about a saved index (another version, wrong lengths, offsets that do not climb, not the
// user's own regular file) and it is ignored and the file scanned again; failing to save
// one changes nothing.
import type { BigIntStats } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import { readOwnBytes } from '../util/own-file.js';
import { sha256Hex } from '../util/hash.js';
import { type IniIndex, LINE, nameMatches, START, STRIDE, tableFits, tableLength as tableLengthOf } from './scan.js';

/** Where indexes go, and the check that the directory is the user's own (sessions/cache.ts). */
export interface IndexCache {
  dir: string;
  trusted(): boolean;
  /** The clock the two-second rule reads (tests move it). */
  now?(): number;
}

/** Smaller files are scanned every time: the scan takes under a millisecond per 100 KB. */
export const INDEX_MIN_SIZE = 256 * 1024;
// 2: the header flags (FLAG_*) follow the table. 3: the name table is buckets of positions
// (scan.ts's nameTable), no longer open addressing.
const VERSION = 3;
const MAX_INDEX = 256 * 1024 * 1024;

const pathOf = (cache: IndexCache, file: string) => join(cache.dir, `${sha256Hex(file)}.idx`);

interface Header {
  v: number;
  file: string;
  stamp: string;
  size: number;
  count: number;
  tableLength: number;
  irregular: [string, number][];
  decoded: [number, string][];
}

/** Whether `list` is pairs of a name and the position (index `at` of the pair) of one of `count` headers. */
const pairsFit = (list: unknown, count: number, at: 0 | 1): boolean =>
  Array.isArray(list) &&
  list.every((pair: unknown) => Array.isArray(pair) && pair.length === 2 && typeof pair[1 - at] === 'string' && Number.isSafeInteger(pair[at]) && pair[at] >= 0 && pair[at] < count);

/** The saved index of `file` as it is now (its stamp), or undefined. */
export function loadIndex(cache: IndexCache, file: string, stamp: string): IniIndex | undefined {
  try {
    if (!cache.trusted()) return undefined;
    // The header's first fields, as saveIndex writes them: an index of another version of
    // the file (the common case after an edit) is refused before its 2 MB are read.
    const head = Buffer.from(`${JSON.stringify({ v: VERSION, file, stamp }).slice(0, -1)},`);
    const bytes = readOwnBytes(pathOf(cache, file), MAX_INDEX, head);
    if (!bytes) return undefined;
    const eol = bytes.indexOf(0x0a);
    if (eol < 0) return undefined;
    const h = JSON.parse(bytes.toString('utf8', 0, eol)) as Header;
    if (h.v !== VERSION || h.file !== file || h.stamp !== stamp) return undefined;
    const { count, tableLength } = h;
    if (!Number.isSafeInteger(count) || count < 0 || count > MAX_INDEX || tableLength !== tableLengthOf(count)) return undefined;
    // The header's other fields are used long after this (irregular by every name listing,
    // size by every read): a wrong shape is refused here, not met as a TypeError later.
    if (!Number.isSafeInteger(h.size) || h.size < 0 || !pairsFit(h.irregular, count, 1) || !pairsFit(h.decoded, count, 0)) return undefined;
    // The header is padded so that the numbers start 4-aligned: read in place, not copied.
    const body = eol + 1;
    const flagsAt = body + 4 * (count * STRIDE + tableLength);
    if (body % 4 !== 0 || bytes.byteOffset % 4 !== 0 || bytes.length !== flagsAt + count) return undefined;
    const rec = new Int32Array(bytes.buffer, bytes.byteOffset + body, count * STRIDE);
    const table = new Int32Array(bytes.buffer, bytes.byteOffset + body + 4 * count * STRIDE, tableLength);
    const flags = new Uint8Array(bytes.buffer, bytes.byteOffset + flagsAt, count);
    // The table's buckets climb from 0 to count; offsets and lines climb (the rest is
    // checked when a section or name is read: scan.ts).
    if (!tableFits(table, count)) return undefined;
    let lastStart = -1;
    let lastLine = 0;
    for (let r = 0; r < rec.length; r += STRIDE) {
      const start = rec[r + START]!;
      const line = rec[r + LINE]!;
      if (start <= lastStart || line <= lastLine) return undefined;
      lastStart = start;
      lastLine = line;
    }
    if (lastStart >= h.size) return undefined;
    return { count, rec, table, irregular: h.irregular, decoded: new Map(h.decoded), flags, size: h.size, stamp };
  } catch {
    return undefined;
  }
}

/**
 * Whether a file whose times are these (ns) is old enough to trust them: the two-second
 * rule above (git's "racily clean"), for a kept index and for list's kept recipe alike.
 */
export function oldEnough(cache: IndexCache, mtimeNs: bigint, ctimeNs: bigint): boolean {
  const newest = (mtimeNs > ctimeNs ? mtimeNs : ctimeNs) / 1_000_000n;
  return BigInt(cache.now?.() ?? Date.now()) - newest > 2000n;
}

/** Keeps the index of `file` for the next run, when the file is old enough to trust its times; whether it did. */
export function saveIndex(cache: IndexCache, file: string, index: IniIndex, st: BigIntStats): boolean {
  if (!oldEnough(cache, st.mtimeNs, st.ctimeNs)) return false;
  try {
    if (!cache.trusted()) return false;
    // v, file and stamp first, in this order: loadIndex compares them before reading further.
    const header: Header = {
      v: VERSION,
      file,
      stamp: index.stamp,
      size: index.size,
      count: index.count,
      tableLength: index.table.length,
      irregular: index.irregular,
      decoded: [...index.decoded],
    };
    const rec = index.rec.subarray(0, index.count * STRIDE);
    let head = JSON.stringify(header);
    head += ' '.repeat((4 - ((Buffer.byteLength(head) + 1) % 4)) % 4);
    writeFileAtomic(
      pathOf(cache, file),
      Buffer.concat([
        Buffer.from(`${head}\n`),
        Buffer.from(rec.buffer, rec.byteOffset, rec.byteLength),
        Buffer.from(index.table.buffer, index.table.byteOffset, index.table.byteLength),
        Buffer.from(index.flags.buffer, index.flags.byteOffset, index.count),
      ]),
    );
    return true;
  } catch {
    // Only speed is lost: the next run scans the file again.
    return false;
  }
}

// The section names of a file with a kept index, beside it (`complete` and `list` read 2 MB
// of names instead of the 10 MB file): the file's stamp, then the names a line each (a name
// never holds a line break). Written only for a file whose index was kept (so old enough).
const namesPathOf = (cache: IndexCache, file: string) => join(cache.dir, `${sha256Hex(file)}.names`);

/**
 * The kept names file of `file` when it belongs to this index: the directory trusted, the
 * stamp line, a line break last (nothing after the stamp line for no names). Its bytes and
 * where the names start.
 */
function namesFile(cache: IndexCache, file: string, index: IniIndex): { bytes: Buffer; body: number } | undefined {
  if (!cache.trusted()) return undefined;
  const bytes = readOwnBytes(namesPathOf(cache, file), MAX_INDEX);
  if (!bytes) return undefined;
  const eol = bytes.indexOf(0x0a);
  if (eol < 0 || bytes.toString('utf8', 0, eol) !== `${VERSION} ${index.stamp}`) return undefined;
  const body = eol + 1;
  if (index.count === 0 ? bytes.length !== body : bytes[bytes.length - 1] !== 0x0a) return undefined;
  return { bytes, body };
}

/** Whether a few names (first, middle, last; `nameOf` gives each) match the index's hashes. */
const samplesMatch = (index: IniIndex, nameOf: (i: number) => string): boolean =>
  index.count === 0 || [0, index.count >> 1, index.count - 1].every((i) => nameMatches(index, i, nameOf(i)));

export function loadNames(cache: IndexCache, file: string, index: IniIndex): string[] | undefined {
  try {
    const kept = namesFile(cache, file, index);
    if (!kept) return undefined;
    const { bytes, body } = kept;
    const names = index.count === 0 ? [] : bytes.toString('utf8', body, bytes.length - 1).split('\n');
    return names.length === index.count && samplesMatch(index, (i) => names[i]!) ? names : undefined;
  } catch {
    return undefined;
  }
}

export function saveNames(cache: IndexCache, file: string, index: IniIndex, names: readonly string[]): void {
  try {
    if (!cache.trusted() || names.some((n) => n.includes('\n'))) return;
    writeFileAtomic(namesPathOf(cache, file), `${VERSION} ${index.stamp}\n${names.map((n) => `${n}\n`).join('')}`);
  } catch {
    // Only speed is lost.
  }
}

/**
 * The kept names of `file` as the bytes of the names file and where its names start (the
 * same checks as loadNames), for `complete profiles`, which copies them to stdout without
 * making a string of each (files/name-bytes.ts).
 */
export function loadNameBytes(cache: IndexCache, file: string, index: IniIndex): { bytes: Buffer; body: number } | undefined {
  try {
    const kept = namesFile(cache, file, index);
    if (!kept) return undefined;
    const { bytes, body } = kept;
    // Exactly count lines, and the sampled names decoded on the way.
    const sampled = new Map([0, index.count >> 1, index.count - 1].map((i) => [i, ''] as [number, string]));
    let lines = 0;
    for (let at = body; at < bytes.length; lines++) {
      const end = bytes.indexOf(0x0a, at);
      if (sampled.has(lines)) sampled.set(lines, bytes.toString('utf8', at, end));
      at = end + 1;
    }
    return lines === index.count && samplesMatch(index, (i) => sampled.get(i)!) ? kept : undefined;
  } catch {
    return undefined;
  }
}
