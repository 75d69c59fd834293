// The indexed read (scan.ts: headers found in one pass, a section parsed when asked for,
// profiles built when asked for) against the whole parse it replaces: on generated files,
// good and malformed, every profile and sso-session, every lookup and every error must be
// what parseIni of the whole file and the eager merge (below, as profiles.ts did it before
// the index) give. The files are written to disk, read with a normal chunk and with chunks
// of a few bytes (so that lines, \r\n pairs, UTF-8 sequences and sections straddle them).
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readIniFile } from '../../src/files/files.js';
import type { IniSection } from '../../src/files/ini.js';
import { configProfileName, loadProfiles, mergeProfile, type Profile, type ProfileSet, ssoSessionName } from '../../src/files/profiles.js';
import { type IniIndex, SCAN, scanIni, stampOfStats, STRIDE } from '../../src/files/scan.js';
import { loadIndex } from '../../src/files/index-cache.js';
import { readOwnBytes } from '../../src/util/own-file.js';
import { ConfigError } from '../../src/errors.js';

/** profiles.ts's buildProfiles before the index: every profile merged up front. */
function eager(paths: { config: string; credentials: string }, config: IniSection[], credentials: IniSection[]) {
  const configured = new Map<string, IniSection>();
  const ssoSessions = new Map<string, Profile>();
  for (const section of config) {
    const name = configProfileName(section.name);
    if (name !== undefined && name !== '') configured.set(name, section);
    const sso = ssoSessionName(section.name);
    if (sso !== undefined) ssoSessions.set(sso, mergeProfile(sso, { section, file: paths.config }));
  }
  const credentialed = new Map(credentials.map((s) => [s.name, s]));
  const profiles = new Map<string, Profile>();
  for (const name of new Set([...configured.keys(), ...credentialed.keys()])) {
    const c = configured.get(name);
    const k = credentialed.get(name);
    profiles.set(name, mergeProfile(name, c && { section: c, file: paths.config }, k && { section: k, file: paths.credentials }));
  }
  return { profiles, ssoSessions };
}

const plain = (p: Profile | undefined) =>
  p && {
    ...p,
    settings: [...p.settings].map(([k, v]) => [k, typeof v.value === 'object' ? { ...v.value } : v.value, v.file, v.line]),
    config: p.config && [...p.config].map(([k, v]) => [k, typeof v.value === 'object' ? { ...v.value } : v.value, v.line]),
    credentials: p.credentials && [...p.credentials].map(([k, v]) => [k, typeof v.value === 'object' ? { ...v.value } : v.value, v.line]),
  };

type Outcome = { error: string } | { names: string[]; profiles: unknown[]; sessions: unknown[]; lookups: unknown[]; flagged: unknown[] };

/** Each file's others() and withAccessKey() as the whole parse gives them. */
const flaggedOf = (sections: IniSection[]) => [
  sections.flatMap((s, i) => (!s.name.startsWith('profile') && s.name !== 'default' ? [[s.name, i]] : [])),
  sections.flatMap((s, i) => (s.values.has('aws_access_key_id') ? [i] : [])),
];

/** What the whole parse gives, for the names asked about. */
function expected(paths: { config: string; credentials: string }, asked: string[]): Outcome {
  try {
    const { profiles, ssoSessions } = eager(paths, readIniFile(paths.config), readIniFile(paths.credentials));
    return {
      flagged: [...flaggedOf(readIniFile(paths.config)), ...flaggedOf(readIniFile(paths.credentials))],
      names: [...profiles.keys()],
      profiles: [...profiles.values()].map(plain),
      sessions: [...ssoSessions].map(([n, s]) => [n, plain(s)]),
      lookups: asked.map((n) => [n, plain(profiles.get(n)) ?? null, plain(ssoSessions.get(n)) ?? null]),
    };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { error: error.message };
  }
}

/** What the indexed read gives: lookups first (each section read alone), then everything. */
function actual(paths: { config: string; credentials: string }, asked: string[]): Outcome {
  try {
    const env = { HOME: '/nonexistent', AWS_CONFIG_FILE: paths.config, AWS_SHARED_CREDENTIALS_FILE: paths.credentials };
    const lookups = ((set: ProfileSet) => asked.map((n) => [n, plain(set.profiles.get(n)) ?? null, plain(set.ssoSessions?.get(n)) ?? null]))(loadProfiles(env));
    // Before any name is listed: others() reads its names one by one.
    const { config, credentials } = loadProfiles(env).files!;
    const flagged = [config.others(), config.withAccessKey(), credentials.others(), credentials.withAccessKey()];
    const set = loadProfiles(env);
    const names = [...set.profiles.keys()];
    return {
      flagged,
      names,
      profiles: [...set.profiles.values()].map(plain),
      sessions: [...set.ssoSessions!].map(([n, s]) => [n, plain(s)]),
      lookups,
    };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { error: error.message };
  }
}

// --- a generator of AWS-file-like text, good lines mostly, with every kind of oddity
function prng(seed: number) {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const NAMES = ['a', 'b', 'dev', 'prod', 'default', 'Dev', 'ü-team', 'x y', 'corp', 'lab', 'q"r', '', 'a\u00a0b'];
const HEADERS = (n: string) => [
  `profile ${n}`,
  `profile ${n}`,
  `profile ${n}`,
  n || 'x',
  `profile "${n}"`,
  `profile  ${n}`,
  `profile\t${n}`,
  `sso-session ${n}`,
  `sso-session '${n}'`,
  `profilex ${n}`,
  'default',
  'DEFAULT',
  `services ${n}`,
  `plugins`,
];
const KEYS = ['region', 'aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'role_arn', 'source_profile', 'sso_session', 'sso_account_id', 'sso_role_name', 'sso_start_url', 'sso_region', 's3', 'output', 'ke y', 'ünï'];
const VALUES = ['us-east-1', 'AKIAEXAMPLE', 'x', '', 'a = b', 'with ; semicolon', 'tab\there', 'ünïcode', 'nbsp\u00a0end', 'vt\x0bmid', 'arn:aws:iam::123456789012:role/r', 'has]bracket', '\u2028sep'];
const SPACES = ['', '', '', ' ', '  ', '\t', '\u00a0', '\x0c', '\u3000'];
const EOLS = ['\n', '\n', '\n', '\n', '\r\n', '\r'];

function generate(seed: number, bad: boolean): string {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const out: string[] = [];
  const eol = r() < 0.8 ? '\n' : pick(EOLS);
  const odd = (p: number) => r() < p;
  if (odd(0.3)) out.push(`# ${pick(['generated', 'ünï', '[profile x]'])}`);
  const sections = 1 + Math.floor(r() * 5);
  for (let n = 0; n < sections; n++) {
    out.push(`${odd(0.05) ? pick(SPACES) : ''}[${pick(HEADERS(pick(NAMES)))}]${odd(0.05) ? ' # trailing' : ''}`);
    const keys = [...KEYS].sort(() => r() - 0.5).slice(0, Math.floor(r() * 6));
    for (const key of keys) {
      const nested = odd(0.1);
      out.push(`${odd(0.03) ? pick(SPACES) : ''}${odd(0.1) ? key.toUpperCase() : key}${pick(SPACES)}${odd(0.9) ? '=' : ':'}${pick(SPACES)}${nested ? '' : pick(VALUES)}${odd(0.1) ? pick(SPACES) : ''}`);
      if (nested || odd(0.1)) {
        for (let k = Math.floor(r() * 3); k >= 0; k--) {
          out.push(`${pick(['  ', '\t', ' ', '\u00a0 '])}${(odd(0.05) ? 'k\x0bv = 1' : pick(['max_concurrent_requests = 20', 'addressing_style = path', 'k = v\x0bw = 1', 'x = 1', 'y=2']))}`);
        }
      }
      if (odd(0.1)) out.push(pick(['', ' ', '\t', '\u00a0']));
      if (odd(0.05)) out.push(`${pick(['#', ';', '  #'])} ${pick(['comment', '[profile commented]', 'ünï'])}`);
    }
    if (odd(0.3)) out.push('');
  }
  if (bad) {
    const at = Math.floor(r() * (out.length + 1));
    out.splice(at, 0, pick(['no delimiter here', '= value', '[', '[]', '[unclosed', 'key = \x00nul', '  continued', 'region = again', '[profile a]', 's3 =', '  broken']));
  }
  const text = out.map((l) => l + (odd(0.05) ? pick(EOLS) : eol)).join('');
  return !bad && odd(0.01) ? `\ufeff${text}` : text;
}

const dir = mkdtempSync(join(tmpdir(), 'awsenv-scan-'));
const paths = { config: join(dir, 'config'), credentials: join(dir, 'credentials') };
const ASKED = [...NAMES, 'profile a', 'nonexistent', 'DEFAULT'];

/** An index as plain data, every field (the arrays whole, spare room included). */
const fields = (index: IniIndex | undefined) =>
  index && { ...index, rec: [...index.rec], table: [...index.table], flags: [...index.flags], decoded: [...index.decoded] };

/** scanIni of a file through the WebAssembly (wasmFrom 0) or the JavaScript alone (Infinity). */
function scanWith(file: string, wasmFrom: number) {
  SCAN.wasmFrom = SCAN.warmFrom = wasmFrom;
  const fd = openSync(file, 'r');
  try {
    return scanIni(fd);
  } finally {
    closeSync(fd);
    [SCAN.wasmFrom, SCAN.warmFrom] = DEFAULT_WASM_FROM;
  }
}
const DEFAULT_WASM_FROM = [SCAN.wasmFrom, SCAN.warmFrom] as const;
const PATHS = { wasm: 0, js: Infinity };

function compare(config: string | Buffer, credentials: string | Buffer, what: string): void {
  writeFileSync(paths.config, config);
  writeFileSync(paths.credentials, credentials);
  const want = expected(paths, ASKED);
  const files = `\n--- config\n${JSON.stringify(String(config))}\n--- credentials\n${JSON.stringify(String(credentials))}`;
  for (const chunk of [1 << 20, 7, 1]) {
    SCAN.chunk = chunk;
    try {
      // Both scans give the same index, field by field...
      for (const file of [paths.config, paths.credentials]) assert.equal(fields(scanWith(file, PATHS.wasm)), fields(scanWith(file, PATHS.js)), `${what}, chunk ${chunk}, ${file}: WebAssembly and JavaScript differ${files}`);
      // ...and every profile, lookup and error is the whole parse's, through either.
      for (const [path, wasmFrom] of Object.entries(PATHS)) {
        SCAN.wasmFrom = SCAN.warmFrom = wasmFrom;
        assert.equal(actual(paths, ASKED), want, `${what}, chunk ${chunk}, ${path}${files}`);
      }
    } finally {
      SCAN.chunk = 1 << 20;
      [SCAN.wasmFrom, SCAN.warmFrom] = DEFAULT_WASM_FROM;
    }
  }
}

const generated = suite('scan: the indexed read gives what the whole parse gives');
// An indexed file keeps its descriptor until the GC finalizes it (files.ts): between
// batches, a collection and a turn of the event loop (where finalizers run), so that the
// thousands of files opened here stay under the descriptor limit.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const settle = async () => {
  gc();
  await new Promise((done) => setTimeout(done, 0));
};

generated('1,500 generated pairs of files, good and malformed, three chunk sizes, both scans', async () => {
  let errors = 0;
  for (let seed = 1; seed <= 1500; seed++) {
    if (seed % 100 === 0) await settle();
    const bad = seed % 4 === 0;
    const config = generate(seed * 2, bad);
    const credentials = generate(seed * 2 + 1, bad && seed % 8 === 0);
    compare(config, credentials, `seed ${seed}`);
    const outcome = expected(paths, []);
    if ('error' in outcome) errors++;
    if (process.env.SCAN_TEST_DEBUG && 'error' in outcome) console.log(outcome.error.replace(/^[^:]*:\d*:? ?/, ''));
  }
  // Both outcomes are well represented (the generator is not all errors or all good files).
  assert.ok(errors > 150 && errors < 1000, `${errors} of 1500 were errors`);
});

generated('a sound file is indexed, not read whole (the fast path is the one tested)', () => {
  let indexed = 0;
  for (let seed = 1; seed <= 300; seed++) {
    const text = generate(seed * 2, false);
    writeFileSync(paths.config, text);
    if ('error' in expected({ config: paths.config, credentials: '' }, [])) continue;
    // The scan leaves only [DEFAULT] and a byte-order mark to the whole parse.
    const shouldIndex = !/^[^\S\r\n]*\[DEFAULT\]/m.test(text) && !text.startsWith('\ufeff');
    for (const [path, wasmFrom] of Object.entries(PATHS)) {
      const index = scanWith(paths.config, wasmFrom);
      // (The WebAssembly's arrays are views of its memory, which holds more: the path tested is the one named.)
      if (index) assert.is(index.rec.buffer.byteLength > index.rec.byteLength, path === 'wasm', `seed ${seed}: scanned by the ${path} path`);
      if (index) indexed++;
      else assert.ok(!shouldIndex, `seed ${seed}, ${path}: a sound file was not indexed\n${JSON.stringify(text)}`);
    }
  }
  assert.ok(indexed > 200, `only ${indexed} indexed`);
});

const cases = suite('scan: malformed files give the whole parse\'s error, wherever the fault is');
const GOOD = '[profile a]\nregion = eu-west-1\n\n';
const far = (n: number) => Array.from({ length: n }, (_, i) => `[profile p${i}]\nregion = us-east-1\n`).join('');
for (const [what, config] of [
  ['a duplicate section far below the profile', `${GOOD}${far(300)}[profile a]\nregion = x\n`],
  ['a duplicate key in another section', `${GOOD}${far(50)}[profile z]\nregion = a\nRegion = b\n`],
  ['a line with no delimiter at the end', `${GOOD}${far(50)}oops\n`],
  ['a key before any section', `region = x\n${GOOD}`],
  ['a nested block with a line without =', `${GOOD}[profile n]\ns3 =\n  max = 1\n  broken\n`],
  ['a nested block line split by U+2028', `${GOOD}[profile n]\ns3 =\n  a = 1\u2028b\n`],
  ['a NUL byte', `${GOOD}[profile n]\nregion = a\x00b\n`],
  ['a byte-order mark', `\ufeff${GOOD}`],
  ['[DEFAULT] (read whole, inherited)', `[DEFAULT]\nregion = d\n${GOOD}[profile b]\noutput = json\n`],
  ['a header with no name', `${GOOD}[]\n`],
  ['a duplicate section with non-ASCII names', `[profile ü]\nregion = a\n${far(10)}[profile ü]\n`],
  ['a duplicate key spelled in another case, in a non-ASCII line', `[profile a]\nsso_account_name = ü\nSSO_ACCOUNT_NAME = x\n`],
  ['CRLF line ends throughout', `${GOOD}${far(20)}`.replaceAll('\n', '\r\n')],
  ['CR line ends throughout', `${GOOD}${far(20)}`.replaceAll('\n', '\r')],
  ['a lone CR in a CRLF file', `${GOOD}${far(5)}`.replaceAll('\n', '\r\n').replace('region = us-east-1\r\n', 'region = us\reast\r\n')],
  ['an indented header after a key (a continuation line)', `${GOOD}[profile b]\nregion = x\n  [profile a]\n`],
  ['a quoted profile and a plain one for the same name', `[profile "a"]\nregion = q\n[profile a]\nregion = p\n[profile  a]\nregion = s\n`],
  ['[default] and [profile default]', `[profile default]\nregion = p\n[default]\nregion = d\n`],
  ['no newline at the end', `${GOOD}[profile b]\nregion = x`],
  ['a section of 100 keys (more than the first key array of the scan holds)', `${GOOD}[profile many]\n${Array.from({ length: 100 }, (_, i) => `k${i} = v\n`).join('')}${GOOD.replace('a]', 'c]')}`],
  ['a section of 100 keys, the last one a duplicate of the first', `${GOOD}[profile many]\n${Array.from({ length: 100 }, (_, i) => `k${i} = v\n`).join('')}K0 = again\n`],
] as const) {
  cases(what, () => compare(config, '[a]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n', what));
}
// What the WebAssembly takes itself, and where it hands a line back to the JavaScript.
const many = (n: number) => Array.from({ length: n }, (_, i) => `[p${i}]\n`).join('');
for (const [what, config] of [
  ['tabs around keys, values and headers', `\t[profile a]\t\nregion\t=\teu-west-1\t\n[profile\tb]\nk\t:\tv\n`],
  ['a key with no value, then a nested block', `${GOOD}[profile n]\ns3 =\n  max_concurrent_requests = 20\n\taddressing_style = path\nregion=x\n`],
  ['a key with no value and no nested lines', `${GOOD}[profile n]\ns3 =\nregion = x\nempty:\n`],
  ['continuation lines of a value', `${GOOD}[profile n]\nregion = a\n  continued here\n\tand here [x]\nout = y\n`],
  ['a nested block line without =, after good ones', `${GOOD}[profile n]\ns3 =\n  a = 1\n  b\n`],
  ['comments after indentation, and inside a nested block', `${GOOD}[profile n]\n  # indented\n\t; tabbed\ns3 =\n  # a comment line in the block\n  a = 1\n`],
  ['[-lines that are not headers', `${GOOD}[profile n]\n[x = y\n[] = 1\n[=]\n`],
  ['[-lines that are not headers, outside a section', `[x = y\n${GOOD}`],
  ['a header with text after the bracket', `[profile a] # note\nregion = x\n[profile b]]\nregion = y\n[[profile c]\n`],
  ['a header line holding several brackets', `[profile a][b]\nregion = x\n`],
  ['0x7f and other control characters in a simple file', `[profile a\x7f]\nregion = x\x7fy\nk\x01 = v\x02\n[profile b]\nke\x7fy = 1\n`],
  ['0x7f and control characters in a file with non-ASCII lines', `[profile a\x7f]\nregion = ü\nk\x01 = v\x02\n[profile b]\nke\x7fy = 1\n`],
  ['a vertical tab in a key line (a Python space)', `${GOOD}[profile n]\nregion\x0b= x\n`],
  ['CRLF with tabs and blank lines', `${GOOD}[profile n]\t\r\n\r\n\tregion = x\r\n  \r\nout = y\r\n`],
  ['CRLF with a key with no value and a nested block', `[profile n]\r\ns3 =\r\n  a = 1\r\n  b = 2\r\n`],
  ['irregular names with the quote, tab or backslash 14 to 33 bytes in (a name is checked 16 bytes at a time)', Array.from({ length: 20 }, (_, i) => `[profile ${'n'.repeat(i + 13)}${['"', '\t', '\\', "'", ' x'][i % 5]}z]\nregion = r\n[sso-session ${'s'.repeat(i + 13)}${["'", ' ', '"'][i % 3]}]\n[profile ${'p'.repeat(i + 13)}]\n`).join('')],
  ['irregular names among plain ones', `${GOOD}[profile "q a"]\nregion = q\n[profile  spaced]\n[sso-session 'x']\n[profile\ttab]\n[profilex]\n[sso-session]\n[sso-sessions x]\n[profile b]\n`],
  ['[DEFAULT] after many sections', `${GOOD}${far(30)}[DEFAULT]\nregion = d\n`],
  ['[default] and names of seven letters', `[default]\nregion = d\n[Default]\n[DEFAULTS]\n[profile]\n[profile default]\n`],
  ['a duplicate of a non-ASCII name by an ASCII line', `[profile ü]\n[profile a]\n[profile ü]\n`],
  ['a duplicate key in another case', `${GOOD}[profile n]\nREGION = x\nRegion = y\n`],
  ['an access key in some sections, its hash in another', `[profile a]\naws_access_key_id = A\n[profile b]\nAWS_Access_Key_ID= B\n[c]\nregion = x\n`],
  ['very long lines: a value, a comment, a name', `${GOOD}[profile l]\nregion = ${'v'.repeat(70000)}\n# ${'c'.repeat(70000)}\n[profile ${'n'.repeat(70000)}]\nk = v\n`],
  ['3,000 headers (the arrays and the table grow)', `${many(3000)}[p5]\n`],
  ['3,000 headers, sound', many(3000)],
  ['a line straddling a 7-byte chunk at every offset', `[profile abcdefg]\nregion = abcdefghijklmnopq\n s = t\n[profile hijklmno]\nk=v\n`],
  ['no newline at the end, after a key with no value', `${GOOD}[profile n]\ns3 =`],
  ['a lone CR at the very end', `${GOOD}[profile n]\nregion = x\r`],
] as const) {
  cases(what, () => compare(config, '[a]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n', what));
}
cases('bytes that are not UTF-8 far below', () => compare(Buffer.concat([Buffer.from(`${GOOD}${far(40)}`), Buffer.from([0x5b, 0xff, 0x5d, 0x0a])]), '', 'not UTF-8'));
cases('a section name longer than the chunk, and a long value', () => compare(`[profile ${'n'.repeat(5000)}]\nregion = ${'r'.repeat(9000)}\n${GOOD}`, '', 'long lines'));
// The name table (scan.ts's nameTable): names in buckets by their first hash, found twice
// within a bucket; a bucket of more than 64 names and the scan gives up (the whole parse reads
// the file). The names of one bucket, found the way the scan hashes: FNV-1a, then the high
// bits of its product with 0x9e3779b1 (16 buckets for 65 to 127 headers).
const fnv1a = (name: string) => [...Buffer.from(name)].reduce((h, b) => Math.imul(h ^ b, 0x01000193), 0x811c9dc5) | 0;
const oneBucket = (n: number) => {
  const names: string[] = [];
  for (let i = 0; names.length < n; i++) if (Math.imul(fnv1a(`profile b${i}`), 0x9e3779b1) >>> 28 === 5) names.push(`profile b${i}`);
  return names;
};
cases('65 names in one bucket of the name table: the whole parse reads the file', () => {
  const config = oneBucket(65).map((name) => `[${name}]\nregion = x\n`).join('');
  compare(config, '', 'one bucket of 65');
  writeFileSync(paths.config, config);
  for (const wasmFrom of Object.values(PATHS)) assert.is(scanWith(paths.config, wasmFrom), undefined);
});
cases('64 names in one bucket (with one more header elsewhere), then one of them twice', () => {
  const names = oneBucket(64);
  const config = `[profile elsewhere]\n${names.map((name) => `[${name}]\nregion = x\n`).join('')}`;
  compare(config, '', 'one bucket of 64');
  writeFileSync(paths.config, config);
  for (const wasmFrom of Object.values(PATHS)) assert.is(scanWith(paths.config, wasmFrom)?.count, 65);
  compare(`${config}[${names[40]}]\n`, '', 'one bucket of 64, a name twice');
});

generated.run();
cases.run();

const kept = suite('scan: an index kept between runs (index-cache.ts) serves only the file it was made from');
function bigConfig(region: string): string {
  const profiles = Array.from({ length: 4000 }, (_, i) => `[profile p${i}]\nsso_session = corp\nsso_account_id = ${100000000000 + i}\nregion = ${region}\n\n`);
  return `[sso-session corp]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n\n${profiles.join('')}[profile "quoted one"]\nregion = q\n`;
}
const later = { dir: join(dir, 'index'), trusted: () => true, now: () => Date.now() + 10_000 };
const env = { HOME: '/nonexistent', AWS_CONFIG_FILE: paths.config, AWS_SHARED_CREDENTIALS_FILE: paths.credentials };
const everything = (set: ProfileSet) => ({ names: [...set.profiles.keys()], profiles: [...set.profiles.values()].map(plain), one: plain(set.profiles.get('p3999')), quoted: plain(set.profiles.get('quoted one')) });
const indexFiles = () => (existsSync(later.dir) ? readdirSync(later.dir).filter((f) => f.endsWith('.idx')) : []);

kept('saved after a scan, used by the next run, the same profiles as the whole parse', () => {
  rmSync(later.dir, { recursive: true, force: true });
  writeFileSync(paths.config, bigConfig('eu-west-1'));
  writeFileSync(paths.credentials, '[p1]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n');
  const want = everything(loadProfiles(env));
  assert.equal(everything(loadProfiles(env, later)), want);
  assert.equal(indexFiles().length, 1, 'the big config is indexed, the small credentials file is not');
  assert.equal(everything(loadProfiles(env, later)), want);
  const eagerly = eager(paths, readIniFile(paths.config), readIniFile(paths.credentials));
  assert.equal(want.profiles, [...eagerly.profiles.values()].map(plain));
});

kept('the kept index is read back for the file it was made from, and refused from its first bytes for any other version', () => {
  rmSync(later.dir, { recursive: true, force: true });
  writeFileSync(paths.config, bigConfig('eu-west-1'));
  const stamp = () => stampOfStats(statSync(paths.config, { bigint: true }));
  const scanned = scanWith(paths.config, Infinity);
  loadProfiles(env, later);
  const index = loadIndex(later, paths.config, stamp());
  assert.ok(index, 'the index saved is the one read back');
  assert.equal([...index.rec], [...scanned!.rec.subarray(0, index.count * STRIDE)]);
  assert.is(loadIndex(later, paths.config, stamp().replace(/:(\d+):(\d+)$/, ':1:$2')), undefined, 'another modification time');
  assert.is(loadIndex(later, paths.config.replace(/config$/, 'other'), stamp()), undefined, 'another file');
  // What loadIndex asks of the index file: its first bytes, compared before the rest is read.
  const [name] = indexFiles();
  const file = join(later.dir, name!);
  const bytes = readFileSync(file);
  assert.equal(readOwnBytes(file, 1 << 30, bytes.subarray(0, 40)), bytes);
  assert.equal(readOwnBytes(file, 1 << 30, Buffer.alloc(0)), bytes);
  assert.is(readOwnBytes(file, 1 << 30, Buffer.concat([bytes.subarray(0, 39), Buffer.from('?')])), undefined);
  assert.is(readOwnBytes(file, 1 << 30, Buffer.concat([bytes, Buffer.from('more')])), undefined, 'a head longer than the file');
});

kept('a file changed to the same size is scanned again, not read through the old index', () => {
  writeFileSync(paths.config, bigConfig('eu-west-1'));
  loadProfiles(env, later);
  writeFileSync(paths.config, bigConfig('us-west-2'));
  assert.is(loadProfiles(env, later).profiles.get('p3999')?.settings.get('region')?.value, 'us-west-2');
  // A file whose sections moved: the old index would point into the middle of a section.
  writeFileSync(paths.config, bigConfig('eu-west-1'));
  loadProfiles(env, later);
  const moved = bigConfig('eu-west-1').replace('[profile p5]\nsso_session = corp\n', '[profile p5]\n[profile p5x]\nr=12\n');
  assert.is(moved.length, bigConfig('eu-west-1').length);
  writeFileSync(paths.config, moved);
  assert.equal(everything(loadProfiles(env, later)), everything(loadProfiles(env)));
});

kept('a file changed within two seconds of its scan is not indexed (its times could not tell the next change)', () => {
  rmSync(later.dir, { recursive: true, force: true });
  writeFileSync(paths.config, bigConfig('eu-west-1'));
  loadProfiles(env, { ...later, now: () => Date.now() });
  assert.equal(indexFiles(), []);
});

kept('a damaged or foreign index is ignored', () => {
  rmSync(later.dir, { recursive: true, force: true });
  writeFileSync(paths.config, bigConfig('eu-west-1'));
  const want = everything(loadProfiles(env));
  loadProfiles(env, later);
  const [name] = indexFiles();
  const file = join(later.dir, name!);
  const good = readFileSync(file);
  const damaged = [
    good.subarray(0, good.length - 4),
    Buffer.concat([good, Buffer.alloc(4)]),
    Buffer.from(good.toString('latin1').replace('"v":3', '"v":9'), 'latin1'),
    (() => {
      // Bucket starts of the name table that do not climb.
      const copy = Buffer.from(good);
      const table = copy.indexOf(0x0a) + 1 + 4 * 6 * JSON.parse(good.subarray(0, good.indexOf(0x0a)).toString()).count;
      copy.writeInt32LE(1_000_000, table + 4 * 3);
      return copy;
    })(),
    (() => {
      // Offsets that do not climb.
      const copy = Buffer.from(good);
      const body = copy.indexOf(0x0a) + 1;
      copy.writeInt32LE(copy.readInt32LE(body + 4 * 7) + 1_000_000, body + 4);
      return copy;
    })(),
    Buffer.from('not an index'),
    // Header fields of the wrong shape (they are used long after the load: refused at it).
    ...[
      { irregular: 5 },
      { irregular: [[1, 2]] },
      { irregular: [['profile x', 1e9]] },
      { decoded: 5 },
      { decoded: [['x', 'y']] },
      { decoded: [[-1, 'profile x']] },
      { size: 'x' },
      { size: -1 },
    ].map((change) => {
      const eol = good.indexOf(0x0a);
      let head = JSON.stringify({ ...JSON.parse(good.subarray(0, eol).toString()), ...change });
      head += ' '.repeat((4 - ((Buffer.byteLength(head) + 1) % 4)) % 4);
      return Buffer.concat([Buffer.from(`${head}\n`), good.subarray(eol + 1)]);
    }),
  ];
  for (const bytes of damaged) {
    writeFileSync(file, bytes);
    assert.equal(everything(loadProfiles(env, later)), want);
  }
  // A names file beside the index (written the first time names are listed), damaged.
  writeFileSync(file, good);
  assert.equal(everything(loadProfiles(env, later)), want);
  const namesFile = file.replace(/\.idx$/, '.names');
  assert.ok(existsSync(namesFile), 'the names are kept once listed');
  const names = readFileSync(namesFile, 'utf8');
  // Checked: the stamp, the count, and the first, middle and last names against the index's
  // hashes (the file is awsenv's own, written whole; a full check would cost what it saves).
  for (const bad of [names.replace('profile "quoted one"\n', 'profile "quoted two"\n'), names.replace('profile p2000\n', 'profile p2009\n'), names.replace('sso-session corp\n', 'sso-session corq\n'), names.slice(0, -1), `${names}extra\n`, names.replace(/^3 /, '4 ')]) {
    assert.is.not(bad, names);
    writeFileSync(namesFile, bad);
    assert.equal(everything(loadProfiles(env, later)), want);
  }
  // An untrusted cache directory: not read, not written.
  rmSync(later.dir, { recursive: true, force: true });
  assert.equal(everything(loadProfiles(env, { ...later, trusted: () => false })), want);
  assert.equal(indexFiles(), []);
});
kept.run();

const replaced = suite('scan: a file replaced while awsenv reads it lazily');

replaced('a file renamed into place after the scan (another --save-as, an editor) is read as it was scanned: no error', () => {
  writeFileSync(paths.config, '[profile a]\nregion = eu-west-1\n\n[profile b]\nregion = us-east-1\n');
  writeFileSync(paths.credentials, '[a]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n');
  const set = loadProfiles(env);
  // What awsenv's own atomic writes do: a new file renamed over the old one.
  writeFileSync(`${paths.config}.new`, '[profile b]\nregion = ap-south-1\n\n[profile a]\nregion = eu-central-1\nrole_arn = x\n');
  renameSync(`${paths.config}.new`, paths.config);
  assert.is(set.profiles.get('b')?.settings.get('region')?.value, 'us-east-1');
  assert.is(set.profiles.get('a')?.settings.get('region')?.value, 'eu-west-1');
  assert.is(loadProfiles(env).profiles.get('b')?.settings.get('region')?.value, 'ap-south-1', 'the next read sees the new file');
});

replaced('a file changed in place after the scan is refused with one clear line, never read half old, half new', () => {
  writeFileSync(paths.config, '[profile a]\nregion = eu-west-1\n\n[profile b]\nregion = us-east-1\n');
  const set = loadProfiles(env);
  writeFileSync(paths.config, '[profile a]\nregion = eu-west-2\n\n[profile b]\nregion = us-east-2\n');
  try {
    set.profiles.get('b');
    assert.unreachable('read a file changed in place');
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    assert.match(error.message, 'changed while awsenv was reading it');
  }
});

replaced.after(() => rmSync(dir, { recursive: true, force: true }));
replaced.run();
