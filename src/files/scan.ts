// A shared file read without parsing all of it: one pass over its bytes, a chunk at a time,
// that checks the whole file as parseIni would and notes where each [section] header is;
// a section's keys are parsed only when a command asks for that section, and the section
// names are decoded only when a command lists them. SSO config generators write files of
// 50,000 profiles, and `use` needs two or three of them: parsing all of them, keeping the
// text and a Map per profile cost half a second and 30 × the file's size in memory (issue 15).
//
// The scan only ever says "this file is fine, here are its headers" or "I cannot tell":
// on anything it does not follow (a duplicate section or key, any malformed line,
// [DEFAULT], a byte-order mark, a NUL, bytes that are not UTF-8, a nested block with a line
// that is not "sub = value") it gives up, and the caller reads the file the old way, whole,
// through parseIni, which then throws the error that names file, line and key, exactly as
// before. So a file that is malformed anywhere, even in a section far from the profile asked
// for, is still refused by every command, as the AWS CLI refuses it. Names are compared by
// two 32-bit hashes of their bytes, never by a string per header: equal names always collide,
// so a duplicate is never missed, and two different names that collide only send the file
// to the whole parse. test/files/scan.test.ts compares both paths on generated files.
//
// A big file's bytes go through WebAssembly (scan.wat, built into scan-wasm.ts): the same
// steps as `line()` below, compiled by Liftoff at once, where the JavaScript would run
// before the JIT warmed up (a 10 MB config: about 85 ms of JavaScript on this machine, a
// third of that in WebAssembly). The chunk is read straight into its memory, and the
// records, flags and table are written there (the index's arrays are views of it). Every
// line it does not follow, and every line to refuse, it hands back to `line()` or
// `slowLine()` here, with parseIni's state: so the two paths give the same index, and the
// JavaScript path is the reference (the tests run both and compare them field by field).
import { type BigIntStats, fstatSync, readSync } from 'node:fs';
import { isAscii, isUtf8 } from 'node:buffer';
import { ConfigError } from '../errors.js';
import { type IniSection, isPySpace, parseIni, pyStrip } from './ini.js';
import { SCAN_WASM } from './scan-wasm.js';

/** The headers of a file the scan found sound; sections are parsed from disk on demand. */
export interface IniIndex {
  count: number;
  /**
   * Per header, STRIDE numbers (typed, so 50,000 headers are 1.2 MB outside the GC's heap):
   * its line (1-based), the byte offset of its line (a section ends where the next one
   * starts), where its name starts and ends (-1 for a name in `decoded`), and the two
   * hashes of its name.
   */
  rec: Int32Array;
  /** The names of header lines that were not ASCII (nameStarts is -1 for them). */
  decoded: Map<number, string>;
  /**
   * The positions by name hash (nameTable below): `buckets(count)` bucket starts, then
   * `count`, then the positions, bucket by bucket, each bucket's ascending.
   */
  table: Int32Array;
  /** Headers that start with 'profile' or 'sso-session' but are not `PREFIX WORD` plainly. */
  irregular: [string, number][];
  /** Per header, FLAG_* bits: what `doctor` and `exec --server` look for without reading every section. */
  flags: Uint8Array;
  size: number;
  /** To see that the file read later for a section is the file scanned. */
  stamp: string;
}

/** A header's name neither starts with 'profile' nor is 'default' (sso-session, services, a typo). */
export const FLAG_OTHER = 1;
/**
 * The section sets aws_access_key_id (or a key whose hash is the same: a flag may be set
 * for a section without the key, never missing for one with it).
 */
export const FLAG_KEY_ID = 2;

/**
 * Bytes read at a time (tests make it tiny so that lines and sections straddle chunks), and
 * the size from which a file is scanned by the WebAssembly (below it, compiling the module
 * costs more than it saves), or from which it is once the module is compiled in this
 * process (a big config was scanned: its credentials file of 50 KB then takes a millisecond
 * where the JavaScript, before the JIT has warmed up, takes 4 to 9). Tests set both to 0
 * or Infinity to run one path or the other.
 */
export const SCAN = { chunk: 1 << 20, wasmFrom: 1 << 18, warmFrom: 1 << 14 };
/**
 * The WebAssembly's chunk at most: a smaller buffer, reused more often, is less fresh
 * memory to fault in (slow on these VMs) for the same bytes read.
 */
const WASM_CHUNK = 1 << 18;
/** The biggest file scanned by the WebAssembly: its addresses are 32 bits. */
const WASM_MAX = 1 << 30;

// The little of the WebAssembly API used here (the project's types are Node's, without DOM).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmGlobal {
  value: number;
}
interface ScanExports {
  run(p: number, cut: number, simple: number): number;
  add(line: number, start: number, nameStart: number, nameEnd: number, a: number, c: number, flag: number): number;
  key(hash: number): number;
  build(bits: number): number;
  rec: WasmGlobal;
  flags: WasmGlobal;
  cap: WasmGlobal;
  keys: WasmGlobal;
  kcap: WasmGlobal;
  table: WasmGlobal;
  keyId: WasmGlobal;
  delta: WasmGlobal;
  inSection: WasmGlobal;
  optionOpen: WasmGlobal;
  indentLevel: WasmGlobal;
  nested: WasmGlobal;
  lineNo: WasmGlobal;
  count: WasmGlobal;
  keyCount: WasmGlobal;
  le: WasmGlobal;
  next: WasmGlobal;
  odd: WasmGlobal;
  need: WasmGlobal;
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
};
let wasmModule: object | null | undefined;
/**
 * The scan's module, compiled once per process (a few KB, by Liftoff: about a millisecond,
 * most of it V8 starting WebAssembly at all); null where it cannot be (no WebAssembly under
 * --jitless, no SIMD on the CPU): the JavaScript scans then.
 */
function scanModule(): object | null {
  if (wasmModule === undefined) {
    try {
      wasmModule = typeof WebAssembly === 'object' ? new WebAssembly.Module(Buffer.from(SCAN_WASM, 'base64')) : null;
    } catch {
      wasmModule = null;
    }
  }
  return wasmModule;
}
const PAGE = 1 << 16;
/** Past the chunk: room for the WebAssembly's 8-byte loads near a line's end. */
const SLACK = 16;
const EQ = 0x3d;
const COLON = 0x3a;
const PROFILE = Buffer.from('profile');
const SSO_SESSION = Buffer.from('sso-session');
const DEFAULT = Buffer.from('DEFAULT');
const DEFAULT_PROFILE = Buffer.from('default');
// Bytes other than printable ASCII that change how a line reads: NUL (refused), and the
// control characters Python counts as spaces or (in a nested block) as line breaks.
const CONTROL = [0x00, 0x0b, 0x0c, 0x1c, 0x1d, 0x1e, 0x1f];

/** What tells a file from its next version: device, inode, size, times to the nanosecond. */
export const stampOfStats = (st: BigIntStats): string => `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
const stampOf = (fd: number): string => stampOfStats(fstatSync(fd, { bigint: true }));
/**
 * Whether the file open as `fd` still holds the bytes `stamp` was taken of: device, inode,
 * size and modification time. Not the change time, which moves when the file is renamed
 * over or unlinked (its bytes stay what they were; they are what is read through `fd`).
 */
const unchanged = (fd: number, stamp: string): boolean => stampOf(fd).replace(/:\d+$/, '') === stamp.replace(/:\d+$/, '');

// FNV-1a and a multiply-by-31 hash, the pair taken as one 64-bit name hash.
let hashA = 0;
let hashB = 0;
function hashBytes(b: Uint8Array, start: number, end: number): void {
  let a = 0x811c9dc5;
  let c = 7;
  for (let i = start; i < end; i++) {
    const x = b[i]!;
    a = Math.imul(a ^ x, 0x01000193);
    c = (Math.imul(c, 31) + x) | 0;
  }
  hashA = a | 0;
  hashB = c;
}

/**
 * A key's hash (for the same key twice in a section, and aws_access_key_id's flag): FNV-1a's
 * step taken over the bytes [start, end) four at a time, as little-endian words (the last
 * one zero-padded; a key holds no NUL), ASCII letters lowercased. scan.wat's `line` takes
 * the same, a word per step: byte by byte, its chain of multiplications was a sixth of the
 * first scan of a 10 MB config.
 */
function keyHashOf(b: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  let word = 0;
  let shift = 0;
  for (let i = start; i < end; i++) {
    let x = b[i]!;
    if (x >= 0x41 && x <= 0x5a) x += 0x20;
    word |= x << shift;
    shift += 8;
    if (shift === 32) {
      hash = Math.imul(hash ^ word, 0x01000193);
      word = 0;
      shift = 0;
    }
  }
  if (shift !== 0) hash = Math.imul(hash ^ word, 0x01000193);
  return hash | 0;
}

/** The hash of a key given as a string (lowercased), as `line` takes it of an ASCII key's bytes. */
function hashKey(key: string): number {
  const bytes = Buffer.from(key, 'utf8');
  return keyHashOf(bytes, 0, bytes.length);
}
const KEY_ID = hashKey('aws_access_key_id');

const startsWithBytes = (b: Uint8Array, start: number, end: number, prefix: Uint8Array): boolean => {
  if (end - start < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (b[start + i] !== prefix[i]) return false;
  return true;
};

/** `PREFIX WORD` with WORD one shell word that needs no unquoting. */
function plainBytes(b: Uint8Array, start: number, end: number, prefix: Uint8Array): boolean {
  const at = start + prefix.length;
  if (end - at < 2 || b[at] !== 0x20) return false;
  for (let i = at + 1; i < end; i++) {
    const x = b[i]!;
    if (x === 0x20 || x === 0x09 || x === 0x22 || x === 0x27 || x === 0x5c) return false;
  }
  return true;
}

// The name table: the headers' positions grouped by a bucket of their first hash (about 4
// to 8 names a bucket). Built once the scan has every header, in one pass of counting and
// one of placing, the same steps in scan.wat's build. It replaced an open-addressing table
// filled as headers came: 1 MB for 50,000 headers, written at random into fresh pages
// (slow to fault in on these VMs): 10 to 15 ms of the first scan of a 10 MB config. This
// one is 230 KB, written in order, and in the WebAssembly it goes into the chunk buffer's
// pages, already faulted in. A name twice is found within its bucket.

/** log2 of the buckets for `count` headers: count/8 to count/4 of them, at least 16. */
const bucketBits = (count: number): number => Math.min(24, Math.max(4, 32 - Math.clz32(count >>> 3)));
/** A name's bucket (Fibonacci hashing of its first hash: the high bits of the product). */
const bucketOf = (a: number, bits: number): number => Math.imul(a, 0x9e3779b1) >>> (32 - bits);
/** More names than this in one bucket and the scan gives up (no pathological file is slow). */
const MAX_BUCKET = 64;
/** The length of the name table of `count` headers. */
export const tableLength = (count: number): number => (1 << bucketBits(count)) + 1 + count;

/**
 * The name table of `count` headers, or undefined for a name seen twice (or two names whose
 * hashes are both equal) or a bucket too full: the caller gives up, as for a line it does
 * not follow.
 */
function nameTable(rec: Int32Array, count: number): Int32Array | undefined {
  const bits = bucketBits(count);
  const nb = 1 << bits;
  const table = new Int32Array(nb + 1 + count);
  for (let i = 0; i < count; i++) {
    const b = bucketOf(rec[i * STRIDE + H1]!, bits);
    table[b] = table[b]! + 1;
  }
  // Each bucket's end, then each position placed last to first: a bucket's positions come
  // out ascending, and its end moves down to its start.
  let sum = 0;
  for (let b = 0; b < nb; b++) {
    const n = table[b]!;
    if (n > MAX_BUCKET) return undefined;
    table[b] = sum += n;
  }
  table[nb] = count;
  for (let i = count - 1; i >= 0; i--) {
    const b = bucketOf(rec[i * STRIDE + H1]!, bits);
    table[nb + 1 + --table[b]!] = i;
  }
  for (let b = 0; b < nb; b++) {
    for (let j = table[b]! + 1; j < table[b + 1]!; j++) {
      const rj = table[nb + 1 + j]! * STRIDE;
      for (let k = table[b]!; k < j; k++) {
        const rk = table[nb + 1 + k]! * STRIDE;
        if (rec[rk + H1] === rec[rj + H1] && rec[rk + H2] === rec[rj + H2]) return undefined;
      }
    }
  }
  return table;
}

/**
 * Whether `table` is laid out as a name table of `count` headers (a kept index, read back:
 * index-cache.ts): its length, and bucket starts that climb from 0 to `count` (they equal
 * their sorted copy: native steps, where a loop costs 2-3 ms of a `use` before the JIT
 * warms up).
 */
export function tableFits(table: Int32Array, count: number): boolean {
  const nb = 1 << bucketBits(count);
  if (table.length !== nb + 1 + count || table[0] !== 0 || table[nb] !== count) return false;
  const starts = table.subarray(0, nb + 1);
  const sorted = starts.slice().sort();
  return Buffer.from(sorted.buffer).equals(Buffer.from(starts.buffer, starts.byteOffset, starts.byteLength));
}

/** The position of a section by name (the hash pair as lookUp computes it), or -1. */
function probe(index: IniIndex, a: number, c: number): number {
  const { table, rec, count } = index;
  const bits = bucketBits(count);
  const at = (1 << bits) + 1;
  const b = bucketOf(a, bits);
  for (let k = Math.max(0, table[b]!), end = Math.min(count, table[b + 1]!); k < end; k++) {
    const i = table[at + k]!;
    if (i >= 0 && i < count && rec[i * STRIDE + H1] === a && rec[i * STRIDE + H2] === c) return i;
  }
  return -1;
}

export const STRIDE = 6;
export const LINE = 0;
export const START = 1;
const NAME_START = 2;
const NAME_END = 3;
const H1 = 4;
const H2 = 5;

/** The position of the section named `name` in an indexed file. */
export function lookUp(index: IniIndex, name: string): number | undefined {
  const bytes = Buffer.from(name, 'utf8');
  hashBytes(bytes, 0, bytes.length);
  const at = probe(index, hashA, hashB);
  return at < 0 ? undefined : at;
}

/**
 * Scans an open regular file; undefined when the caller must parse it whole instead (it
 * then gets parseIni's own result or error).
 */
export function scanIni(fd: number): IniIndex | undefined {
  const stats = fstatSync(fd, { bigint: true });
  const stamp = stampOfStats(stats);
  // Sized for the file at once (a generated profile takes 150 to 300 bytes): growing the
  // arrays as headers come copies them and touches fresh memory each time, which costs
  // more than the copy where page faults are slow.
  const expected = Math.min(1 << 22, Math.max(1024, Math.ceil(Number(stats.size) / 128)));
  // The WebAssembly's memory, when it scans: the arrays below, in the same sizes, then the
  // chunk buffer; a region outgrown moves to the end (memory only ever grows; a region
  // given out is fresh, so zero, as a new typed array is).
  let w: ScanExports | undefined;
  let mem: WasmMemory | undefined;
  let top = 0;
  let bufAt = 0;
  const alloc = (n: number): number => {
    const at = (top + 15) & ~15;
    top = at + n;
    const have = mem!.buffer.byteLength;
    if (top > have) {
      // Growing detaches the views of the memory (a detached view's length is 0).
      const length = buf.length;
      mem!.grow(Math.ceil((top - have) / PAGE));
      buf = Buffer.from(mem!.buffer, bufAt, length);
    }
    return at;
  };
  // (need: 1 the records and flags, 2 the keys.)
  const room = (need: number): void => {
    const x = w!;
    if (need === 1) {
      const cap = x.cap.value;
      const r = alloc(cap * 2 * STRIDE * 4);
      const f = alloc(cap * 2);
      const bytes = new Uint8Array(mem!.buffer);
      bytes.copyWithin(r, x.rec.value, x.rec.value + cap * STRIDE * 4);
      bytes.copyWithin(f, x.flags.value, x.flags.value + cap);
      x.rec.value = r;
      x.flags.value = f;
      x.cap.value = cap * 2;
    } else if (need === 2) {
      const k = alloc(x.kcap.value * 2 * 4);
      new Uint8Array(mem!.buffer).copyWithin(k, x.keys.value, x.keys.value + x.keyCount.value * 4);
      x.keys.value = k;
      x.kcap.value = x.kcap.value * 2;
    }
  };
  const compiled = (stats.size >= SCAN.wasmFrom || (wasmModule && stats.size >= SCAN.warmFrom)) && stats.size <= WASM_MAX ? scanModule() : null;
  const wasm = compiled !== null;
  let buf = wasm ? Buffer.alloc(0) : Buffer.allocUnsafe(SCAN.chunk);
  if (wasm) {
    // (A file smaller than a chunk gets a buffer its size: one that grew while read makes the buffer grow.)
    const chunk = Math.min(SCAN.chunk, WASM_CHUNK, Math.max(1, Number(stats.size) + 1));
    const sizes = [expected * STRIDE * 4, expected, 64 * 4, chunk + SLACK];
    mem = new WebAssembly.Memory({ initial: Math.ceil(sizes.reduce((sum, n) => sum + ((n + 15) & ~15), 0) / PAGE) });
    w = new WebAssembly.Instance(compiled!, { env: { mem } }).exports as ScanExports;
    const [r, f, k, b] = sizes.map(alloc) as [number, number, number, number];
    w.rec.value = r;
    w.flags.value = f;
    w.cap.value = expected;
    w.keys.value = k;
    w.kcap.value = 64;
    w.keyId.value = KEY_ID;
    bufAt = b;
    buf = Buffer.from(mem.buffer, bufAt, chunk);
  }
  let rec = new Int32Array(wasm ? 0 : STRIDE * expected);
  let count = 0;
  const irregular: [string, number][] = [];
  let flags = new Uint8Array(wasm ? 0 : expected);

  // parseIni's state: inside a section, a key open for continuation lines, the indent of
  // the last line that was not a continuation, and whether the open key's value is empty
  // on its own line (its continuation lines then make a nested block, each "sub = value").
  let inSection = false;
  let optionOpen = false;
  let indentLevel = 0;
  let nested = false;
  // The current section's key hashes (a section has a handful of keys), in an array that
  // is reused: emptying a JS array drops its storage, one allocation per section.
  let keys = new Int32Array(64);
  let keyCount = 0;

  let filled = 0;
  let base = 0; // file offset of buf[0]
  let lineNo = 0;
  let eof = false;
  let size = 0;

  const header = (ls: number, nameStart: number, nameEnd: number, name?: string): boolean => {
    const at = w === undefined ? count : w.count.value;
    let flag = 0;
    if (name !== undefined) {
      // A decoded (non-ASCII) line: the same bytes as the file's.
      const bytes = Buffer.from(name, 'utf8');
      if (name === 'DEFAULT') return false;
      hashBytes(bytes, 0, bytes.length);
      if (name.startsWith('profile') || name.startsWith('sso-session')) irregular.push([name, at]);
      if (!name.startsWith('profile') && name !== 'default') flag = FLAG_OTHER;
    } else {
      const length = nameEnd - nameStart;
      if (length === DEFAULT.length && startsWithBytes(buf, nameStart, nameEnd, DEFAULT)) return false;
      const profile = startsWithBytes(buf, nameStart, nameEnd, PROFILE);
      const sso = !profile && startsWithBytes(buf, nameStart, nameEnd, SSO_SESSION);
      if ((profile && !plainBytes(buf, nameStart, nameEnd, PROFILE)) || (sso && !plainBytes(buf, nameStart, nameEnd, SSO_SESSION))) {
        irregular.push([buf.toString('latin1', nameStart, nameEnd), at]);
      }
      if (!profile && !(length === DEFAULT_PROFILE.length && startsWithBytes(buf, nameStart, nameEnd, DEFAULT_PROFILE))) flag = FLAG_OTHER;
      hashBytes(buf, nameStart, nameEnd);
    }
    if (w !== undefined) {
      // The records, flags and table are the WebAssembly's: the same steps, in scan.wat's add.
      if (base + ls > 0x7fffffff) return false;
      let r: number;
      while ((r = w.add(lineNo, base + ls, name === undefined ? base + nameStart : -1, name === undefined ? base + nameEnd : -1, hashA, hashB, flag)) === -2) room(w.need.value);
      if (name !== undefined) decoded.set(at, name);
      inSection = true;
      optionOpen = false;
      return true;
    }
    if (base + ls > 0x7fffffff) return false; // past 2 GB: for the whole parse to refuse
    if ((at + 1) * STRIDE > rec.length) {
      const bigger = new Int32Array(rec.length * 2);
      bigger.set(rec);
      rec = bigger;
      const more = new Uint8Array(flags.length * 2);
      more.set(flags);
      flags = more;
    }
    flags[at] = flag;
    const r = at * STRIDE;
    rec[r + LINE] = lineNo;
    rec[r + START] = base + ls;
    rec[r + NAME_START] = name === undefined ? base + nameStart : -1;
    rec[r + NAME_END] = name === undefined ? base + nameEnd : -1;
    rec[r + H1] = hashA;
    rec[r + H2] = hashB;
    count++;
    if (name !== undefined) decoded.set(at, name);
    inSection = true;
    optionOpen = false;
    keyCount = 0;
    return true;
  };
  // Names of decoded header lines, by position (their bytes are not where nameStarts says).
  const decoded = new Map<number, string>();

  const key = (hash: number, empty: boolean): boolean => {
    if (w !== undefined) {
      let r: number;
      while ((r = w.key(hash)) === -2) room(w.need.value);
      if (r === 0) return false; // the same key twice (or a collision)
      optionOpen = true;
      nested = empty;
      return true;
    }
    for (let k = 0; k < keyCount; k++) if (keys[k] === hash) return false; // the same key twice (or a collision)
    if (keyCount === keys.length) {
      const more = new Int32Array(keys.length * 2);
      more.set(keys);
      keys = more;
    }
    keys[keyCount++] = hash;
    if (hash === KEY_ID) flags[count - 1] = flags[count - 1]! | FLAG_KEY_ID;
    optionOpen = true;
    nested = empty;
    return true;
  };

  // One line, buf[ls, le) of printable ASCII and tabs: false when the scan gives up.
  // (In such a line the only spaces are ' ' and '\t': written out, not called, since this
  // runs on every line, before the JIT has warmed up.)
  const line = (ls: number, le: number): boolean => {
    lineNo++;
    let st = ls;
    let b = 0;
    while (st < le && ((b = buf[st]!) === 0x20 || b === 0x09)) st++;
    if (st === le) return true; // blank
    const first = buf[st]!;
    if (first === 0x23 || first === 0x3b) return true; // '#', ';': a comment
    let en = le;
    while (en > st && ((b = buf[en - 1]!) === 0x20 || b === 0x09)) en--;
    const indent = st - ls;
    if (inSection && optionOpen && indent > indentLevel) {
      if (!nested) return true;
      const eq = buf.indexOf(EQ, st);
      return eq >= 0 && eq < en;
    }
    indentLevel = indent;
    if (first === 0x5b) {
      let close = en - 1;
      while (close > st && buf[close] !== 0x5d) close--;
      if (close > st + 1) return header(ls, st + 1, close);
    }
    // The key: up to the first '=' or ':', without its trailing spaces and tabs.
    let d = st;
    let ke = st;
    for (; d < en; d++) {
      b = buf[d]!;
      if (b === EQ || b === COLON) break;
      if (b !== 0x20 && b !== 0x09) ke = d + 1;
    }
    if (!inSection || d === en || d === st) return false;
    let v = d + 1;
    while (v < en && ((b = buf[v]!) === 0x20 || b === 0x09)) v++;
    return key(keyHashOf(buf, st, ke), v === en);
  };

  // A line with bytes outside printable ASCII, decoded: parseIni's steps on the string.
  const slowLine = (ls: number, le: number): boolean => {
    lineNo++;
    const text = buf.toString('utf8', ls, le);
    if (text.includes('\0')) return false;
    const stripped = pyStrip(text);
    if (stripped === '') return true;
    if (stripped.startsWith('#') || stripped.startsWith(';')) return true;
    let indent = 0;
    while (isPySpace(text, indent)) indent++;
    if (inSection && optionOpen && indent > indentLevel) {
      if (!nested) return true;
      // botocore's _parse_nested splits a value where Python's splitlines() does.
      return stripped.split(/[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]/).every((l) => pyStrip(l) === '' || l.includes('='));
    }
    indentLevel = indent;
    const close = stripped.lastIndexOf(']');
    if (stripped.startsWith('[') && close > 1) return header(ls, -1, -1, stripped.slice(1, close));
    const d = stripped.search(/[=:]/);
    if (!inSection || d <= 0) return false;
    let ke = d;
    while (ke > 0 && isPySpace(stripped, ke - 1)) ke--;
    return key(hashKey(stripped.slice(0, ke).toLowerCase()), pyStrip(stripped.slice(d + 1)) === '');
  };

  for (;;) {
    if (filled === buf.length && w !== undefined) {
      const length = buf.length * 2;
      const at = alloc(length + SLACK);
      new Uint8Array(mem!.buffer).copyWithin(at, bufAt, bufAt + filled);
      bufAt = at;
      buf = Buffer.from(mem!.buffer, bufAt, length);
    } else if (filled === buf.length) {
      // A line longer than the buffer: make room for it.
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, filled);
      buf = bigger;
    }
    const n = eof ? 0 : readSync(fd, buf, filled, buf.length - filled, null);
    if (n === 0) eof = true;
    filled += n;
    size += n;
    // Whole lines only: up to the last '\n' (a UTF-8 sequence never holds one), or all at the end.
    let cut = filled;
    if (!eof) {
      cut = buf.lastIndexOf(0x0a, filled - 1) + 1;
      if (cut === 0) continue;
    }
    const part = buf.subarray(0, cut);
    if (base === 0 && cut >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return undefined;
    // (ASCII is UTF-8: a second pass over the chunk only for one that is not.)
    const ascii = isAscii(part);
    if (!ascii && !isUtf8(part)) return undefined;
    // Universal newlines: \r\n, \r and \n each end a line. A chunk of printable ASCII lines
    // ending in \n or \r\n is cut at each \n natively; any other goes byte by byte.
    let simple = ascii && !CONTROL.some((b) => part.indexOf(b) >= 0);
    let crlf = false;
    for (let r = part.indexOf(0x0d); simple && r >= 0; r = part.indexOf(0x0d, r + 1)) {
      crlf = true;
      if (part[r + 1] !== 0x0a) simple = false;
    }
    let ls = 0;
    if (w !== undefined) {
      // (A file that grew past 2 GB while read: its stamp, checked below, refuses it anyway.)
      if (base + cut > 0x7fffffff) return undefined;
      w.delta.value = base - bufAt;
      let p = bufAt;
      for (;;) {
        const r = w.run(p, bufAt + cut, simple ? 1 : 0);
        if (r === -1) break;
        if (r === -2) {
          room(w.need.value);
          p = w.next.value;
          continue;
        }
        // A line for the JavaScript, in the state the WebAssembly left.
        inSection = w.inSection.value !== 0;
        optionOpen = w.optionOpen.value !== 0;
        indentLevel = w.indentLevel.value;
        nested = w.nested.value !== 0;
        lineNo = w.lineNo.value;
        if (!(w.odd.value !== 0 ? slowLine(r - bufAt, w.le.value - bufAt) : line(r - bufAt, w.le.value - bufAt))) return undefined;
        w.inSection.value = inSection ? 1 : 0;
        w.optionOpen.value = optionOpen ? 1 : 0;
        w.indentLevel.value = indentLevel;
        w.nested.value = nested ? 1 : 0;
        w.lineNo.value = lineNo;
        p = w.next.value;
      }
    } else if (simple) {
      while (ls < cut) {
        let nl = part.indexOf(0x0a, ls);
        if (nl < 0) nl = cut;
        if (!line(ls, crlf && nl > ls && part[nl - 1] === 0x0d ? nl - 1 : nl)) return undefined;
        ls = nl + 1;
      }
    } else {
      let odd = false;
      for (let i = 0; i < cut; i++) {
        const b = buf[i]!;
        if (b === 0x0a || b === 0x0d) {
          if (!(odd ? slowLine(ls, i) : line(ls, i))) return undefined;
          if (b === 0x0d && i + 1 < cut && buf[i + 1] === 0x0a) i++;
          ls = i + 1;
          odd = false;
        } else if (b >= 0x80 || (b < 0x20 && b !== 0x09)) {
          odd = true;
        }
      }
      if (ls < cut && !(odd ? slowLine(ls, cut) : line(ls, cut))) return undefined;
    }
    if (eof) break;
    buf.copy(buf, 0, cut, filled);
    filled -= cut;
    base += cut;
  }
  if (stampOf(fd) !== stamp) return undefined;
  let table: Int32Array | undefined;
  if (w !== undefined) {
    count = w.count.value;
    // The name table in the chunk buffer (done with, its pages already touched) when it fits.
    const length = tableLength(count);
    w.table.value = length * 4 <= buf.length + SLACK ? bufAt : alloc(length * 4);
    if (w.build(bucketBits(count)) === 0) return undefined;
    // Views of the WebAssembly's memory, which grows no more.
    rec = new Int32Array(mem!.buffer, w.rec.value, STRIDE * w.cap.value);
    table = new Int32Array(mem!.buffer, w.table.value, length);
    flags = new Uint8Array(mem!.buffer, w.flags.value, w.cap.value);
  } else {
    table = nameTable(rec, count);
    if (table === undefined) return undefined;
  }
  return { count, rec, decoded, table, irregular, flags: flags.subarray(0, count), size, stamp };
}

/**
 * Bytes start..end of the file indexed, read through `fd`: the descriptor the index was
 * made (or checked) through, kept open, so a file replaced since (another awsenv's
 * --save-as, `aws configure`, an editor: each renames a new file into place) is still read
 * as it was when scanned. Only a change of the file in place is an error.
 */
export function readRange(file: string, fd: number, index: IniIndex, start: number, end: number): Buffer {
  const bytes = Buffer.allocUnsafe(end - start);
  if (!unchanged(fd, index.stamp)) throw changed(file);
  let got = 0;
  while (got < bytes.length) {
    const n = readSync(fd, bytes, got, bytes.length - got, start + got);
    if (n === 0) throw changed(file);
    got += n;
  }
  return bytes;
}

/** Section i of an indexed file, parsed from its bytes as parseIni parses the whole file. */
export function readSection(file: string, fd: number, index: IniIndex, i: number): IniSection {
  const start = index.rec[i * STRIDE + START]!;
  const end = i + 1 < index.count ? index.rec[(i + 1) * STRIDE + START]! : index.size;
  if (!(start >= 0 && start < end && end <= index.size)) throw changed(file);
  // From its header on, a section parses alone exactly as within the file: a header line
  // leaves parseIni in the same state wherever it stands.
  const [section, ...rest] = parseIni(file, readRange(file, fd, index, start, end).toString('utf8'), index.rec[i * STRIDE + LINE]!);
  if (!section || rest.length > 0 || section.line !== index.rec[i * STRIDE + LINE]) throw changed(file);
  // The section indexed, not another: its name has the hashes noted.
  const bytes = Buffer.from(section.name, 'utf8');
  hashBytes(bytes, 0, bytes.length);
  if (hashA !== index.rec[i * STRIDE + H1] || hashB !== index.rec[i * STRIDE + H2]) throw changed(file);
  return section;
}

/** Whether `name` has the hashes noted for section i. */
export function nameMatches(index: IniIndex, i: number, name: string): boolean {
  const bytes = Buffer.from(name, 'utf8');
  hashBytes(bytes, 0, bytes.length);
  return hashA === index.rec[i * STRIDE + H1] && hashB === index.rec[i * STRIDE + H2];
}

/** The name of section i alone (a few of them: headerNames reads them all in one pass). */
export function nameAt(file: string, fd: number, index: IniIndex, i: number): string {
  const start = index.rec[i * STRIDE + NAME_START]!;
  const end = index.rec[i * STRIDE + NAME_END]!;
  const name = start < 0 ? index.decoded.get(i) : start <= end && end <= index.size ? readRange(file, fd, index, start, end).toString('latin1') : undefined;
  // ASCII (the line was checked byte by byte), and the name the hashes were taken of.
  if (name === undefined || !nameMatches(index, i, name)) throw changed(file);
  return name;
}

/** Every section's name, in file order: one more pass over the file, decoding only the names. */
export function headerNames(file: string, fd: number, index: IniIndex): string[] {
  const names: string[] = new Array<string>(index.count);
  let chunk = Buffer.allocUnsafe(Math.max(1, Math.min(SCAN.chunk, index.size)));
  let from = 0;
  let to = 0;
  {
    if (!unchanged(fd, index.stamp)) throw changed(file);
    for (let i = 0; i < index.count; i++) {
      const start = index.rec[i * STRIDE + NAME_START]!;
      const end = index.rec[i * STRIDE + NAME_END]!;
      if (start < 0) {
        const name = index.decoded.get(i);
        if (name === undefined) throw changed(file);
        names[i] = name;
        continue;
      }
      if (!(start <= end && end <= index.size)) throw changed(file);
      if (start < from || end > to) {
        if (end - start > chunk.length) chunk = Buffer.allocUnsafe(end - start);
        let got = 0;
        for (let n = 1; n > 0 && got < chunk.length; got += n) n = readSync(fd, chunk, got, chunk.length - got, start + got);
        from = start;
        to = start + got;
        if (end > to) throw changed(file);
      }
      // ASCII: the line was checked byte by byte.
      names[i] = chunk.toString('latin1', start - from, end - from);
    }
  }
  return names;
}

/** The error of a file that changed in place while it was read (scan.ts, files.ts). */
export const changed = (file: string) => new ConfigError(file, undefined, 'changed while awsenv was reading it; run the command again');
