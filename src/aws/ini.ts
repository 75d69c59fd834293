// A reader for the AWS shared files that follows what the AWS CLI actually does: botocore's
// raw_config_parse on Python's configparser.RawConfigParser (strict, '=' or ':' between key
// and value, '#'/';' only as whole-line comments, indented lines continue the value above,
// [DEFAULT] inherited by every section, duplicates fatal), then botocore's one level of
// nested "key =\n  sub = value" blocks. The npm `ini` package differs on inline comments,
// quotes, duplicates and continuation lines; where they differ the AWS CLI wins, because it
// reads the same files next. Unlike configparser we keep the line of every key, so an error
// can name it. https://github.com/python/cpython/blob/3.11/Lib/configparser.py (_read)
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

// Python's str.isspace() set: JS \s adds U+FEFF and lacks U+001C..U+001F and U+0085.
const PY_SPACE = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');
const RSTRIP = new RegExp(`[${PY_SPACE}]+$`);
const NON_SPACE = new RegExp(`[^${PY_SPACE}]`);
const SECTION = /^\[(.+)\]/s;
const OPTION = new RegExp(`^(.*?)[${PY_SPACE}]*([=:])[${PY_SPACE}]*(.*)$`, 's');

export const pyStrip = (s: string): string => s.replace(STRIP, '');

/** Decodes file bytes as UTF-8, refusing invalid sequences with the line they are on. */
export function decodeUtf8(file: string, bytes: Uint8Array): string {
  // isUtf8 is native and cheap; a fatal TextDecoder costs ms to set up (ICU).
  if (isUtf8(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  // Name the first line that is not valid on its own.
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

/** Parses the text of one file into its sections, in file order. */
export function parseIni(file: string, text: string): IniSection[] {
  if (text.startsWith('\ufeff')) {
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
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.at(-1) === '') lines.pop();

  const sections: IniSection[] = [];
  const byName = new Map<string, IniSection>();
  const defaults: IniSection = { name: 'DEFAULT', line: 0, values: new Map() };
  // Raw multi-line values, joined at the end as configparser does.
  const raw = new Map<IniSection, Map<string, { parts: string[]; line: number }>>();
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
    const lineNo = index + 1;
    const stripped = pyStrip(line);
    const isComment = stripped.startsWith('#') || stripped.startsWith(';');
    if (isComment || stripped === '') {
      // A blank line (not a comment) inside a value is kept as an empty line of it.
      if (!isComment && current && option !== undefined) {
        partsOf(current).get(option)?.parts.push('');
      }
      return;
    }
    const indent = line.search(NON_SPACE);
    if (current && option !== undefined && indent > indentLevel) {
      partsOf(current).get(option)?.parts.push(stripped);
      return;
    }
    indentLevel = indent;
    const header = SECTION.exec(stripped);
    if (header) {
      const name = header[1]!;
      if (name === 'DEFAULT') {
        current = defaults;
      } else {
        if (seenSections.has(name)) {
          throw new ConfigError(file, lineNo, `section [${name}] appears twice; the AWS CLI refuses such a file`);
        }
        seenSections.add(name);
        current = { name, line: lineNo, values: new Map() };
        sections.push(current);
        byName.set(name, current);
      }
      option = undefined;
      return;
    }
    if (!current) {
      throw new ConfigError(file, lineNo, 'a key comes before any [section] header');
    }
    const opt = OPTION.exec(stripped);
    if (!opt || opt[1] === '') {
      throw new ConfigError(
        file,
        lineNo,
        opt ? 'a line has a value but no key name' : 'a line is neither a [section], a comment nor key = value',
      );
    }
    const key = opt[1]!.replace(RSTRIP, '').toLowerCase();
    const parts = partsOf(current);
    if (parts.has(key)) {
      throw new ConfigError(file, lineNo, `key '${key}' appears twice in [${current.name}]; the AWS CLI refuses such a file`);
    }
    parts.set(key, { parts: [pyStrip(opt[3]!)], line: lineNo });
    option = key;
  });

  for (const [section, options] of raw) {
    for (const [key, { parts, line }] of options) {
      const joined = parts.join('\n').replace(RSTRIP, '');
      section.values.set(key, { value: joined.startsWith('\n') ? parseNested(file, line, key, joined) : joined, line });
    }
  }
  // [DEFAULT]'s keys are inherited by every section that does not set them itself.
  for (const section of sections) {
    for (const [key, value] of defaults.values) if (!section.values.has(key)) section.values.set(key, value);
  }
  return sections;
}

/** botocore's _parse_nested: one level of "sub = value" lines. */
function parseNested(file: string, line: number, key: string, value: string): Record<string, string> {
  const nested: Record<string, string> = {};
  const lines = value.split('\n');
  lines.forEach((l, i) => {
    if (pyStrip(l) === '') return;
    const eq = l.indexOf('=');
    if (eq < 0) throw new ConfigError(file, line + i, `an indented line under '${key}' has no '=' (nested settings are 'name = value')`);
    nested[pyStrip(l.slice(0, eq))] = pyStrip(l.slice(eq + 1));
  });
  return nested;
}
