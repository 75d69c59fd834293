// `complete profiles` of a big config without a string per name (issue 15, peak memory: the
// 50,000 names of a generated config, split, prefix-stripped, joined into a set, sorted,
// joined and encoded again took more memory than the rest of the run). The config's kept
// names file (index-cache.ts) is read as bytes; each profile name is a range of it (plain
// `[profile NAME]` headers) or of a small buffer of the rest (other headers, named as
// ProfileMap does, and the credentials file's names); the ranges are sorted by their bytes,
// duplicates dropped, and copied to the output.
//
// Byte order is JS's default sort (UTF-16 code units) only for ASCII: any name with a byte
// outside printable ASCII (or a control character: line breaks are left out by complete)
// and undefined is returned, and the caller takes the string path. So is a config without
// kept names. test/files/name-bytes.test.ts holds it to the string path.
import type { ProfileSet } from './profiles.js';
import { configProfileName } from './profiles.js';

const PREFIX = Buffer.from('profile ');
const NOT_PLAIN = /[^\x20-\x7e]/;

/** Whether every byte of b[start, end) is printable ASCII or a line feed. */
function plainAscii(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if ((c < 0x20 && c !== 0x0a) || c > 0x7e) return false;
  }
  return true;
}

/** The profile names, sorted and each once, as ranges of two buffers; undefined when they cannot be (see above). */
export function sortedNameBytes(set: ProfileSet): ((emit: (b: Uint8Array, start: number, end: number) => void) => void) | undefined {
  const config = set.files?.config;
  const credentials = set.files?.credentials;
  const kept = config?.nameBytes?.();
  if (!config || !credentials || !kept) return undefined;
  const { bytes, body } = kept;
  if (!plainAscii(bytes, body, bytes.length)) return undefined;
  const odd = new Set(config.irregular().map(([, i]) => i));
  const others: string[] = [];
  // Ranges: [start, end) of `bytes`, or of `rest` (made below) when start < 0 (start ~x, end ~y).
  // At most a name per config section and one per credentials section.
  const credentialNames = credentials.names();
  let lines = 0;
  for (let at = body; at < bytes.length; lines++) at = bytes.indexOf(0x0a, at) + 1;
  let n = 0;
  const starts = new Int32Array(lines + credentialNames.length);
  const ends = new Int32Array(lines + credentialNames.length);
  const push = (start: number, end: number) => {
    starts[n] = start;
    ends[n++] = end;
  };
  for (let at = body, i = 0; at < bytes.length; i++) {
    const eol = bytes.indexOf(0x0a, at);
    if (!odd.has(i) && eol - at >= PREFIX.length && bytes.compare(PREFIX, 0, PREFIX.length, at, at + PREFIX.length) === 0) {
      if (eol > at + PREFIX.length) push(at + PREFIX.length, eol);
    } else {
      const name = configProfileName(bytes.toString('latin1', at, eol));
      if (name !== undefined && name !== '') others.push(name);
    }
    at = eol + 1;
  }
  for (const name of credentialNames) others.push(name);
  if (others.some((name) => NOT_PLAIN.test(name))) return undefined;
  const rest = Buffer.from(others.join('\n'), 'latin1');
  let at = 0;
  for (const name of others) {
    push(~at, ~(at + name.length));
    at += name.length + 1;
  }

  // The first 8 bytes of each as two numbers (big-endian, 0 past the end: no name holds a
  // NUL), so that most comparisons are of numbers; then the rest, byte by byte.
  const buf = (r: number) => (starts[r]! < 0 ? rest : bytes);
  const from = (r: number) => (starts[r]! < 0 ? ~starts[r]! : starts[r]!);
  const to = (r: number) => (starts[r]! < 0 ? ~ends[r]! : ends[r]!);
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  for (let r = 0; r < n; r++) {
    const b = buf(r);
    const s = from(r);
    const len = to(r) - s;
    let h = 0;
    let l = 0;
    for (let j = 0; j < 4; j++) h = h * 256 + (j < len ? b[s + j]! : 0);
    for (let j = 4; j < 8; j++) l = l * 256 + (j < len ? b[s + j]! : 0);
    hi[r] = h;
    lo[r] = l;
  }
  const compare = (x: number, y: number): number => {
    const d = hi[x]! - hi[y]! || lo[x]! - lo[y]!;
    if (d !== 0) return d;
    const bx = buf(x);
    const by = buf(y);
    const ex = to(x);
    const ey = to(y);
    let i = from(x) + 8;
    let j = from(y) + 8;
    for (; i < ex && j < ey; i++, j++) {
      const c = bx[i]! - by[j]!;
      if (c !== 0) return c;
    }
    return ex - i - (ey - j);
  };
  const order = new Uint32Array(n);
  for (let r = 0; r < n; r++) order[r] = r;
  order.sort(compare);
  return (emit) => {
    for (let k = 0; k < n; k++) {
      const r = order[k]!;
      if (k > 0 && compare(order[k - 1]!, r) === 0) continue;
      emit(buf(r), from(r), to(r));
    }
  };
}
