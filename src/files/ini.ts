// A reader for the AWS shared files that follows what the AWS CLI actually does: botocore's
// raw_config_parse on Python's configparser.RawConfigParser (strict, '=' or ':' between key
// and value, '#'/';' only as whole-line comments, indented lines continue the value above,
// [DEFAULT] inherited by every section, duplicates fatal), then botocore's one level of
// nested "key =\n  sub = value" blocks. The npm `ini` package differs on inline comments,
// quotes, duplicates and continuation lines; where they differ the AWS CLI wins, because it
// reads the same files next. Unlike configparser we keep the line of every key, so an error
// can name it. https://github.com/python/cpython/blob/3.11/Lib/configparser.py (_read),
// https://github.com/aws/aws-cli/blob/v2/awscli/botocore/configloader.py (raw_config_parse)
//
// Checked against aws-cli 2.9.19 (Python 3.11) with test/aws/awscli.test.ts. Where awsenv
// deliberately refuses what the CLI reads, the check says why:
// - a NUL byte: Python reads it as a character; awsenv refuses the file, since no text file
//   holds one (it is what a crash leaves in a half-written block) and no shell can hold it;
// - bytes that are not UTF-8: the CLI decodes with the locale's encoding, so under a Latin-1
//   locale it would read them; awsenv always reads UTF-8 (what the CLI does in a UTF-8 or
//   C locale, where Python 3.7+ uses UTF-8 too) and names the line.
import { isUtf8 } from 'node:buffer';
import { ConfigError } from '../errors.js';

export interface IniValue {
  /** The value; a nested block ("s3 =\n  k = v") is an object, as botocore makes it. */
  value: string | Record<string, string>;
  line: number;
}

export interface IniSection {
  name: string;
  line: number;
  values: Map<string, IniValue>;
}

// Python's str.isspace() set, which str.strip() and the `\s` of configparser's regular
// expressions use: JS \s adds U+FEFF and lacks U+001C..U+001F and U+0085.
const PY_SPACE = new Set(
  [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680]
    .concat(Array.from({ length: 11 }, (_, i) => 0x2000 + i))
    .concat([0x2028, 0x2029, 0x202f, 0x205f, 0x3000]),
);
export const isPySpace = (s: string, i: number): boolean => PY_SPACE.has(s.charCodeAt(i));

// Loops rather than regular expressions: `[ \t…]+$` backtracks quadratically over a long
// run of spaces that does not end the string, and a 5 MB file may hold one.
export function pyStrip(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isPySpace(s, start)) start++;
  while (end > start && isPySpace(s, end - 1)) end--;
  return s.slice(start, end);
}

export function pyRstrip(s: string): string {
  let end = s.length;
  while (end > 0 && isPySpace(s, end - 1)) end--;
  return s.slice(0, end);
}

/** Python's str.splitlines() boundaries, which botocore's _parse_nested splits on. */
const PY_LINE_BREAK = /\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]/;

/** Decodes file bytes as UTF-8, refusing invalid sequences with the line they are on. */
export function decodeUtf8(file: string, bytes: Uint8Array): string {
  // isUtf8 is native and cheap; a fatal TextDecoder costs ms to set up (ICU).
  if (isUtf8(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new ConfigError(file, 1, 'is UTF-16 text (as Notepad saves "Unicode"); the AWS CLI reads UTF-8 only, so save it as UTF-8');
  }
  // The first line that is not valid on its own: a UTF-8 sequence never holds 0x0a.
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      if (!isUtf8(bytes.subarray(start, i))) throw new ConfigError(file, line, 'is not valid UTF-8 text');
      line++;
      start = i + 1;
    }
  }
  throw new ConfigError(file, undefined, 'is not valid UTF-8 text');
}

/**
 * Parses the text of one file into its sections, in file order. `firstLine` is the line the
 * text starts on: one section's text, from its header on, parses alone (scan.ts).
 */
export function parseIni(file: string, text: string, firstLine = 1): IniSection[] {
  if (text.startsWith('\ufeff')) {
    // Python opens the file as 'utf-8', not 'utf-8-sig': the BOM stays on the first line,
    // which then is neither a section nor a comment, and the CLI refuses the whole file.
    throw new ConfigError(
      file,
      1,
      'starts with a byte-order mark, which the AWS CLI cannot read; save the file as UTF-8 without BOM',
    );
  }
  if (text.includes('\0')) {
    const line = text.slice(0, text.indexOf('\0')).split(/\r\n|\r|\n/).length;
    throw new ConfigError(file, line, 'contains a NUL byte; this is not a text file');
  }
  // Python reads text files with universal newlines: \r\n, \r and \n each end a line (and
  // nothing else does: \x0b, \x85, U+2028 stay inside the line).
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.at(-1) === '') lines.pop();

  const sections: IniSection[] = [];
  const defaults: IniSection = { name: 'DEFAULT', line: 0, values: new Map() };
  // Raw multi-line values, each part with its line, joined at the end as configparser does.
  const raw = new Map<IniSection, Map<string, { parts: string[]; lines: number[] }>>();
  const seenSections = new Set<string>();
  let current: IniSection | undefined;
  let option: string | undefined;
  let indentLevel = 0;

  const partsOf = (s: IniSection) => {
    let m = raw.get(s);
    if (!m) raw.set(s, (m = new Map()));
    return m;
  };

  lines.forEach((line, index) => {
    const lineNo = index + firstLine;
    const stripped = pyStrip(line);
    const isComment = stripped.startsWith('#') || stripped.startsWith(';');
    if (isComment || stripped === '') {
      // A blank line (not a comment) inside a value is kept as an empty line of it.
      if (!isComment && current && option !== undefined) {
        const value = partsOf(current).get(option);
        value?.parts.push('');
        value?.lines.push(lineNo);
      }
      return;
    }
    let indent = 0;
    while (isPySpace(line, indent)) indent++;
    if (current && option !== undefined && indent > indentLevel) {
      const value = partsOf(current).get(option);
      value?.parts.push(stripped);
      value?.lines.push(lineNo);
      return;
    }
    indentLevel = indent;
    // configparser's SECTCRE, `\[(?P<header>.+)\]`, matched at the start: everything up to
    // the last ']' is the name, and whatever follows that ']' is ignored.
    const close = stripped.lastIndexOf(']');
    if (stripped.startsWith('[') && close > 1) {
      const name = stripped.slice(1, close);
      if (name === 'DEFAULT') {
        // configparser does not count [DEFAULT] as a section: it may appear twice (its keys
        // may not, which the key check below catches).
        current = defaults;
      } else {
        if (seenSections.has(name)) {
          throw new ConfigError(file, lineNo, `section [${name}] appears twice; the AWS CLI refuses such a file`);
        }
        seenSections.add(name);
        current = { name, line: lineNo, values: new Map() };
        sections.push(current);
      }
      option = undefined;
      return;
    }
    // configparser's OPTCRE: the first '=' or ':' ends the key.
    const delimiter = stripped.search(/[=:]/);
    const badHeader =
      delimiter >= 0 || !stripped.startsWith('[')
        ? undefined
        : stripped.startsWith('[]')
          ? 'a [section] header has no name'
          : "a [section] header has no closing ']'";
    if (!current) throw new ConfigError(file, lineNo, badHeader ?? 'a key comes before any [section] header');
    if (delimiter < 0) {
      throw new ConfigError(file, lineNo, badHeader ?? 'a line is neither a [section], a comment nor key = value');
    }
    if (delimiter === 0) throw new ConfigError(file, lineNo, 'a line has a value but no key name');
    const key = pyRstrip(stripped.slice(0, delimiter)).toLowerCase();
    const parts = partsOf(current);
    if (parts.has(key)) {
      throw new ConfigError(file, lineNo, `key '${key}' appears twice in [${current.name}]; the AWS CLI refuses such a file`);
    }
    parts.set(key, { parts: [pyStrip(stripped.slice(delimiter + 1))], lines: [lineNo] });
    option = key;
  });

  for (const [section, options] of raw) {
    for (const [key, { parts, lines: partLines }] of options) {
      const joined = pyRstrip(parts.join('\n'));
      const line = partLines[0]!;
      section.values.set(key, {
        value: joined.startsWith('\n') ? parseNested(file, key, parts, partLines) : joined,
        line,
      });
    }
  }
  // [DEFAULT]'s keys are inherited by every section that does not set them itself.
  for (const section of sections) {
    for (const [key, value] of defaults.values) if (!section.values.has(key)) section.values.set(key, value);
  }
  return sections;
}

/**
 * botocore's _parse_nested: one level of "sub = value" lines, split where Python's
 * splitlines() splits, sub-keys kept as written (not lowercased), a later one winning.
 */
function parseNested(file: string, key: string, parts: string[], lines: number[]): Record<string, string> {
  // No prototype: a sub-key named __proto__ is just a key.
  const nested = Object.create(null) as Record<string, string>;
  parts.forEach((part, i) => {
    for (const l of part.split(PY_LINE_BREAK)) {
      if (pyStrip(l) === '') continue;
      const eq = l.indexOf('=');
      if (eq < 0) {
        throw new ConfigError(file, lines[i], `an indented line under '${key}' has no '=' (nested settings are 'name = value')`);
      }
      nested[pyStrip(l.slice(0, eq))] = pyStrip(l.slice(eq + 1));
    }
  });
  return nested;
}
