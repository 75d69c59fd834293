// A shared file read without parsing all of it: one pass over its bytes, a chunk at a time,
// that checks the whole file as parseIni would and notes where each [section] header is;
// a section's keys are parsed only when a command asks for that section. SSO config
// generators write files of 50,000 profiles, and `use` needs two or three of them: parsing
// all of them, keeping the text and a Map per profile cost half a second and 30 × the
// file's size in memory (issue 15).
//
// The scan only ever says "this file is fine, here are its headers" or "I cannot tell":
// on anything it does not follow line by line (a duplicate, any malformed line, [DEFAULT],
// a byte-order mark, a NUL, bytes that are not UTF-8) it gives up, and the caller reads the
// file the old way, whole, through parseIni, which then throws the error that names file,
// line and key, exactly as before. So a file that is malformed anywhere, even in a section
// far from the profile asked for, is still refused by every command, as the AWS CLI
// refuses it. test/files/scan.test.ts compares both paths on generated files.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { ConfigError } from '../errors.js';
import { type IniSection, isPySpace, parseIni, pyStrip } from './ini.js';

/** The headers of a file the scan found sound; sections are parsed from disk on demand. */
export interface IniIndex {
  /** Section names in file order ([DEFAULT] never: a file with one is not indexed). */
  names: string[];
  /** The line of each header, 1-based. */
  lines: number[];
  /** The byte offset of each header line; a section ends where the next one starts. */
  starts: number[];
  /** Section name → its position. */
  byName: Map<string, number>;
  size: number;
  /** To see that the file read later for a section is the file scanned. */
  stamp: string;
}

const CHUNK = 1 << 20;
const EQ = 0x3d;
const COLON = 0x3a;

// ASCII bytes of Python's isspace() set that can be inside a line (\n and \r end it).
const isAsciiSpace = (b: number): boolean => b === 0x20 || b === 0x09 || b === 0x0b || b === 0x0c || (b >= 0x1c && b <= 0x1f);

const stampOf = (fd: number): string => {
  const s = fstatSync(fd);
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
};

/**
 * Scans an open regular file; undefined when the caller must parse it whole instead (it
 * then gets parseIni's own result or error).
 */
export function scanIni(fd: number): IniIndex | undefined {
  const stamp = stampOf(fd);
  const names: string[] = [];
  const lines: number[] = [];
  const starts: number[] = [];
  const byName = new Map<string, number>();

  // parseIni's state: inside a section, a key open for continuation lines, the indent of
  // the last line that was not a continuation, and whether the open key's value is empty
  // on its own line (its continuation lines then make a nested block, each "sub = value").
  let inSection = false;
  let optionOpen = false;
  let indentLevel = 0;
  let nested = false;
  const keys = new Set<string>();

  let buf = Buffer.allocUnsafe(CHUNK);
  let filled = 0;
  let base = 0; // file offset of buf[0]
  let lineNo = 0;
  let eof = false;
  let size = 0;

  // One line, buf[ls, le): false when the scan gives up.
  const line = (ls: number, le: number, odd: boolean): boolean => {
    lineNo++;
    if (odd) return slowLine(buf.toString('utf8', ls, le), ls);
    let st = ls;
    while (st < le && isAsciiSpace(buf[st]!)) st++;
    if (st === le) return true; // blank
    const first = buf[st]!;
    if (first === 0x23 || first === 0x3b) return true; // '#', ';': a comment
    let en = le;
    while (en > st && isAsciiSpace(buf[en - 1]!)) en--;
    const indent = st - ls;
    if (inSection && optionOpen && indent > indentLevel) {
      if (!nested) return true;
      for (let i = st; i < en; i++) if (buf[i] === EQ) return true;
      return false;
    }
    indentLevel = indent;
    if (first === 0x5b) {
      let close = en - 1;
      while (close > st && buf[close] !== 0x5d) close--;
      if (close > st + 1) return header(buf.toString('latin1', st + 1, close), ls);
    }
    let d = st;
    while (d < en && buf[d] !== EQ && buf[d] !== COLON) d++;
    if (!inSection || d === en || d === st) return false;
    let ke = d;
    while (ke > st && isAsciiSpace(buf[ke - 1]!)) ke--;
    let v = d + 1;
    while (v < en && isAsciiSpace(buf[v]!)) v++;
    return key(buf.toString('latin1', st, ke).toLowerCase(), v === en);
  };

  // A line with bytes outside printable ASCII, decoded: parseIni's steps on the string.
  const slowLine = (text: string, ls: number): boolean => {
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
    if (stripped.startsWith('[') && close > 1) return header(stripped.slice(1, close), ls);
    const d = stripped.search(/[=:]/);
    if (!inSection || d <= 0) return false;
    let ke = d;
    while (ke > 0 && isPySpace(stripped, ke - 1)) ke--;
    return key(stripped.slice(0, ke).toLowerCase(), pyStrip(stripped.slice(d + 1)) === '');
  };

  const header = (name: string, ls: number): boolean => {
    if (name === 'DEFAULT' || byName.has(name)) return false;
    byName.set(name, names.length);
    names.push(name);
    lines.push(lineNo);
    starts.push(base + ls);
    inSection = true;
    optionOpen = false;
    keys.clear();
    return true;
  };

  const key = (name: string, empty: boolean): boolean => {
    if (keys.has(name)) return false;
    keys.add(name);
    optionOpen = true;
    nested = empty;
    return true;
  };

  for (;;) {
    if (filled === buf.length) {
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
      while (cut > 0 && buf[cut - 1] !== 0x0a) cut--;
      if (cut === 0) continue;
    }
    const part = buf.subarray(0, cut);
    if (base === 0 && cut >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return undefined;
    if (!isUtf8(part)) return undefined;
    let ls = 0;
    let odd = false;
    for (let i = 0; i < cut; i++) {
      const b = buf[i]!;
      if (b === 0x0a || b === 0x0d) {
        if (!line(ls, i, odd)) return undefined;
        // Universal newlines: \r\n, \r and \n each end a line.
        if (b === 0x0d && i + 1 < cut && buf[i + 1] === 0x0a) i++;
        ls = i + 1;
        odd = false;
      } else if (b >= 0x80 || (b < 0x20 && b !== 0x09)) {
        odd = true;
      }
    }
    if (ls < cut && !line(ls, cut, odd)) return undefined;
    if (eof) break;
    buf.copy(buf, 0, cut, filled);
    filled -= cut;
    base += cut;
  }
  if (stampOf(fd) !== stamp) return undefined;
  return { names, lines, starts, byName, size, stamp };
}

/** Section i of an indexed file, parsed from its bytes as parseIni parses the whole file. */
export function readSection(file: string, index: IniIndex, i: number): IniSection {
  const start = index.starts[i]!;
  const end = i + 1 < index.names.length ? index.starts[i + 1]! : index.size;
  const bytes = Buffer.allocUnsafe(end - start);
  const fd = openSync(file, 'r');
  try {
    if (stampOf(fd) !== index.stamp) throw changed(file);
    let got = 0;
    while (got < bytes.length) {
      const n = readSync(fd, bytes, got, bytes.length - got, start + got);
      if (n === 0) throw changed(file);
      got += n;
    }
  } finally {
    closeSync(fd);
  }
  // From its header on, a section parses alone exactly as within the file: a header line
  // leaves parseIni in the same state wherever it stands.
  const [section, ...rest] = parseIni(file, bytes.toString('utf8'), index.lines[i]!);
  if (!section || rest.length > 0 || section.name !== index.names[i]) throw changed(file);
  return section;
}

const changed = (file: string) => new ConfigError(file, undefined, 'changed while awsenv was reading it; run the command again');
