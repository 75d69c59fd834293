// The parser as a table: text in, sections (with lines) or FILE:LINE errors out.
// The expectations were checked against aws-cli 2.9.19: each input was written to a file and
// read by the CLI's own parser, awscli.botocore.configloader.raw_config_parse, under
// /usr/bin/python3 (3.11.2, the interpreter /usr/bin/aws runs), which gave the same values or
// raised ConfigParseError ("Unable to parse config file" from the CLI); the one exception is
// marked. awscli.test.ts re-checks the committed fixtures with the CLI itself.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeUtf8, type IniSection, parseIni, pyStrip } from '../../src/files/ini.js';
import { ConfigError } from '../../src/errors.js';

type View = Record<string, Record<string, [string | Record<string, string>, number]>>;

/** Sections as `{ "name@line": { key: [value, line] } }`, for tables that read like the file. */
function view(sections: IniSection[]): View {
  const out: View = {};
  for (const s of sections) {
    out[`${s.name}@${s.line}`] = Object.fromEntries(
      // Nested blocks have no prototype; spread them into plain objects to compare.
      [...s.values].map(([k, v]) => [k, [typeof v.value === 'string' ? v.value : { ...v.value }, v.line]]),
    );
  }
  return out;
}

const parse = suite('ini: what the AWS CLI reads');
const table: [string, string, View][] = [
  ['inline ; and # are part of the value', '[a]\nk = v ; c\nl = v # c\n', { 'a@1': { k: ['v ; c', 2], l: ['v # c', 3] } }],
  ['whole-line comments, indented too', '# c\n; c\n[a]\n  # c\n\t; c\nk = v\n', { 'a@3': { k: ['v', 6] } }],
  ['quotes are kept', `[a]\nk = "v"\nl = 'v'\n`, { 'a@1': { k: ['"v"', 2], l: ["'v'", 3] } }],
  [
    'the first = or : ends the key',
    '[a]\nk: v\nl = a=b:c\nm : x = y\nn=\n',
    { 'a@1': { k: ['v', 2], l: ['a=b:c', 3], m: ['x = y', 4], n: ['', 5] } },
  ],
  [
    'keys are lowercased and may hold spaces or brackets',
    '[a]\nAWS_Key = v\nkey with spaces = w\n[] = x\n',
    { 'a@1': { aws_key: ['v', 2], 'key with spaces': ['w', 3], '[]': ['x', 4] } },
  ],
  [
    'deeper lines continue a value: blank lines kept, comments dropped, trailing blanks trimmed',
    '[a]\nk = one\n  two\n\n  # dropped\n\tthree\n\n\nl = v\n',
    { 'a@1': { k: ['one\ntwo\n\nthree', 2], l: ['v', 9] } },
  ],
  ['an empty value followed by blank lines stays empty', '[a]\nk =\n\n\nl = w\n', { 'a@1': { k: ['', 2], l: ['w', 5] } }],
  ['keys indented alike are separate keys', '[a]\n  k = v\n  l = w\n', { 'a@1': { k: ['v', 2], l: ['w', 3] } }],
  ['a key indented deeper is part of the value above', '[a]\n  k = v\n    l = w\n', { 'a@1': { k: ['v\nl = w', 2] } }],
  ['a continuation line never starts a section', '[a]\nk = v\n  [b]\n', { 'a@1': { k: ['v\n[b]', 2] } }],
  ['an indented header is a header', '  [a]\n  k = v\n', { 'a@1': { k: ['v', 2] } }],
  [
    "a header ends at its last ']'; text after it is ignored",
    '[a] ; c\nk = v\n[b]c]x\nl = w\n[ c ]\n',
    { 'a@1': { k: ['v', 2] }, 'b]c@3': { l: ['w', 4] }, ' c @5': {} },
  ],
  [
    'a nested block: one level, sub-keys as written, comments dropped',
    '[a]\ns3 =\n  x = 1\n  # c\n  Y = a=b\nk = v\n',
    { 'a@1': { s3: [{ x: '1', Y: 'a=b' }, 2], k: ['v', 6] } },
  ],
  ["nested lines split where Python's splitlines() does", '[a]\ns3 =\n  x = 1\x0by = 2\n', { 'a@1': { s3: [{ x: '1', y: '2' }, 2] } }],
  [
    '[DEFAULT] (twice) is inherited by every section and is not one',
    '[DEFAULT]\nk = d\nr = d\n[a]\nk = a\n[DEFAULT]\nm = d2\n[b]\n',
    {
      'a@4': { k: ['a', 5], r: ['d', 3], m: ['d2', 7] },
      'b@8': { k: ['d', 2], r: ['d', 3], m: ['d2', 7] },
    },
  ],
  ['[default] and [Default] are two sections', '[default]\nk = 1\n[Default]\nk = 2\n', { 'default@1': { k: ['1', 2] }, 'Default@3': { k: ['2', 4] } }],
  ['CRLF', '[a]\r\nk = v\r\n\r\nl = w\r\n', { 'a@1': { k: ['v', 2], l: ['w', 4] } }],
  ['lone CR', '[a]\rk = v\rl = w', { 'a@1': { k: ['v', 2], l: ['w', 3] } }],
  ['CR CR LF is two line ends', '[a]\r\r\nk = v\n', { 'a@1': { k: ['v', 3] } }],
  [
    "Python's whitespace is stripped (no-break space, \\x1c), U+FEFF and line separators are not",
    '[a]\nk\u00a0=\u00a0v\u00a0\nl = \ufeffw\nm = x\x0by\u2028z\nn = \x1cv\x1c\n',
    { 'a@1': { k: ['v', 2], l: ['\ufeffw', 3], m: ['x\x0by\u2028z', 4], n: ['v', 5] } },
  ],
  ['non-ASCII names and values', '[prod-é🙂]\nk = sécret\n', { 'prod-é🙂@1': { k: ['sécret', 2] } }],
  ["no interpolation: '%' stays", '[a]\nk = %(x)s %%\n', { 'a@1': { k: ['%(x)s %%', 2] } }],
  ['sections without keys', '[a]\n[b]\n', { 'a@1': {}, 'b@2': {} }],
  ['an empty file', '', {}],
  ['only comments and blank lines', '\n\n# c\n  \n', {}],
];
for (const [name, text, expected] of table) {
  parse(name, () => assert.equal(view(parseIni('f', text)), expected));
}
parse('a nested sub-key named __proto__ is a plain key', () => {
  const value = parseIni('f', '[a]\ns3 =\n  __proto__ = 1\n')[0]!.values.get('s3')!.value as Record<string, string>;
  assert.is(Object.getPrototypeOf(value), null);
  assert.is(Object.getOwnPropertyDescriptor(value, '__proto__')?.value, '1');
});
parse('sections keep file order', () => {
  assert.equal(parseIni('f', '[b]\n[a]\n[c]\n').map((s) => s.name), ['b', 'a', 'c']);
});
parse('pyStrip strips what str.strip() strips', () => {
  assert.is(pyStrip('\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000x \ufeff'), 'x \ufeff');
});
parse('a long run of spaces takes linear time', () => {
  const spaces = ' '.repeat(1_000_000);
  const started = Date.now();
  const [a] = parseIni('f', `[a]\nk = a${spaces}b\nl${spaces}= v${spaces}\n${spaces}\n`);
  assert.is((a!.values.get('k')!.value as string).length, 1_000_002);
  assert.is(a!.values.get('l')!.value, 'v');
  // A hang guard, not a speed test (speed is `npm run bench`'s): quadratic work on a million
  // spaces would take hours, linear work well under a second even on a loaded machine.
  assert.ok(Date.now() - started < 60_000, `took ${Date.now() - started} ms`);
});
parse.run();

const errors = suite('ini: what the AWS CLI refuses, as FILE:LINE');
const refused: [string, string, number, string][] = [
  ['a section twice', '[a]\nk = 1\n[a]\n', 3, 'section [a] appears twice'],
  ['a key twice, whatever its case', '[a]\nk = 1\nK = 2\n', 3, "key 'k' appears twice in [a]"],
  ['a key twice in [DEFAULT], across two [DEFAULT]s', '[DEFAULT]\nk = 1\n[DEFAULT]\nk = 2\n', 4, "key 'k' appears twice in [DEFAULT]"],
  ['a key before any section', '# c\nk = v\n[a]\n', 2, 'a key comes before any [section] header'],
  ["a header without ']' first", '[a\nk = v\n', 1, "a [section] header has no closing ']'"],
  ["a header without ']' later", '[a]\nk = v\n[b\n', 3, "a [section] header has no closing ']'"],
  ['an empty header', '[a]\n[]\n', 2, 'a [section] header has no name'],
  ['a line without = or :', '[a]\nk = v\njunk\n', 3, 'a line is neither a [section], a comment nor key = value'],
  ['a value without a key', '[a]\n= v\n', 2, 'a line has a value but no key name'],
  ["a nested line without '='", '[a]\ns3 =\n  x = 1\n  y\n', 4, "an indented line under 's3' has no '='"],
  ["a nested line without '=', after a comment and a blank line", '[a]\ns3 =\n  x = 1\n  # c\n\n  y\n', 6, "under 's3'"],
  ['a byte-order mark', '\ufeff[a]\nk = v\n', 1, 'byte-order mark'],
  ['line numbers count CRLF and CR alike', '[a]\r\n\rk = 1\r\nk = 2\n', 4, "key 'k' appears twice"],
];
for (const [name, text, line, problem] of refused) {
  errors(name, () => {
    try {
      parseIni('/home/u/.aws/credentials', text);
      assert.unreachable('parsed');
    } catch (error) {
      assert.instance(error, ConfigError);
      const e = error as ConfigError;
      assert.is(e.file, '/home/u/.aws/credentials');
      assert.is(e.line, line);
      assert.ok(e.problem.includes(problem), e.problem);
      assert.ok(e.message.startsWith(`/home/u/.aws/credentials:${line}: `), e.message);
    }
  });
}
errors('a NUL byte: the CLI reads it as a character, awsenv refuses the file on purpose', () => {
  assert.throws(() => parseIni('f', '[a]\nk = v\n# \0\n'), (e: ConfigError) => e.line === 3 && e.problem.includes('NUL'));
});
errors('an error never quotes the line, which may hold a secret', () => {
  const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  for (const text of [
    `[a]\n${secret}\n`,
    `[a]\naws_secret_access_key = ${secret}\naws_secret_access_key = ${secret}\n`,
    `aws_secret_access_key = ${secret}\n`,
    `[a]\ns3 =\n  ${secret}\n`,
  ]) {
    try {
      parseIni('f', text);
      assert.unreachable('parsed');
    } catch (error) {
      assert.instance(error, ConfigError);
      assert.not.ok((error as Error).message.includes(secret), (error as Error).message);
    }
  }
});
errors.run();

const decode = suite('ini: bytes to text');
const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
decode('UTF-8 decodes, and a BOM is kept for parseIni to refuse', () => {
  assert.is(decodeUtf8('f', bytes([0xef, 0xbb, 0xbf], '[a]\n')), '\ufeff[a]\n');
  assert.is(decodeUtf8('f', bytes('[é]\n')), '[é]\n');
});
const undecodable: [string, Buffer, number, string][] = [
  ['a Latin-1 byte names its line', bytes('[a]\nk = v\nl = caf', [0xe9], '\n'), 3, 'is not valid UTF-8 text'],
  ['a truncated sequence at the end', bytes('[a]\nk = ', [0xe2, 0x82]), 2, 'is not valid UTF-8 text'],
  ['an encoded surrogate', bytes('[a]\n', [0xed, 0xa0, 0x80], '\n'), 2, 'is not valid UTF-8 text'],
  ['UTF-16 says so', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('[a]\n', 'utf16le')]), 1, 'UTF-16'],
];
for (const [name, input, line, problem] of undecodable) {
  decode(name, () => {
    try {
      decodeUtf8('f', input);
      assert.unreachable('decoded');
    } catch (error) {
      assert.instance(error, ConfigError);
      assert.is((error as ConfigError).line, line);
      assert.ok((error as ConfigError).problem.includes(problem));
    }
  });
}
decode.run();
