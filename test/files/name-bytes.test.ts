// `complete profiles` from the kept names file as bytes (files/name-bytes.ts, copied to
// stdout a chunk at a time by util/chunks.ts) against the string path it stands in for
// (every name a string, sorted with JS's default sort, joined): byte for byte, on big
// configs of many shapes, with chunks of the normal size and of a few bytes; non-ASCII names
// go the string path; and through the built CLI, a failure leaves stdout empty.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { completeProfiles, profileNamesText } from '../../src/commands/complete.js';
import { sortedNameBytes } from '../../src/files/name-bytes.js';
import { loadProfiles } from '../../src/files/profiles.js';
import { CHUNK, ChunkWriter, collect } from '../../src/util/chunks.js';
import { execa } from 'execa';
import { awsenv, CLI, sandbox } from '../helpers/env.js';
import { mulberry32 } from '../fuzz/prng.js';

const dir = mkdtempSync(join(tmpdir(), 'awsenv-name-bytes-'));
const paths = { config: join(dir, 'config'), credentials: join(dir, 'credentials') };
const env = { HOME: '/nonexistent', AWS_CONFIG_FILE: paths.config, AWS_SHARED_CREDENTIALS_FILE: paths.credentials };
/** A cache whose clock is 10 s ahead: the files just written are old enough to index. */
const later = () => ({ dir: join(dir, `index-${Math.random()}`), trusted: () => true, now: () => Date.now() + 10_000 });

const test = suite('complete profiles: kept names as bytes, the same as the string path');

/** Writes the files; returns what the string path gives, after a first run has kept the index and names. */
function prepare(config: string, credentials: string) {
  writeFileSync(paths.config, config);
  writeFileSync(paths.credentials, credentials);
  const cache = later();
  const want = profileNamesText(loadProfiles(env));
  // The first run keeps the index and, listing the names, the names file.
  assert.is(profileNamesText(loadProfiles(env, cache)), want);
  return { cache, want };
}

function fastOutput(cache: ReturnType<typeof later>): string | undefined {
  const set = loadProfiles(env, cache);
  if (!sortedNameBytes(set)) return undefined;
  const out = completeProfiles(set);
  assert.is(out.stdout, '');
  assert.ok(out.produce, 'the chunked path');
  return collect(out.produce!).toString('utf8');
}

function same(config: string, credentials: string, fast = true) {
  const { cache, want } = prepare(config, credentials);
  for (const size of [64 * 1024, 1, 7, 100]) {
    CHUNK.size = size;
    try {
      const got = fastOutput(cache);
      if (!fast) {
        assert.is(got, undefined, 'the string path');
        assert.is(completeProfiles(loadProfiles(env, cache)).stdout, want);
        continue;
      }
      assert.is(got, want, `chunk of ${size}`);
    } finally {
      CHUNK.size = 64 * 1024;
    }
  }
}

const pad = `# ${'x'.repeat(200)}\n`.repeat(1400); // over INDEX_MIN_SIZE (256 KB)
const section = (header: string) => `[${header}]\nregion = eu-west-1\n\n`;
const shuffle = <T>(xs: T[], seed: number): T[] => {
  const rnd = mulberry32(seed).next;
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};

test('generated names in random order: prefixes of each other, 8-byte prefixes shared, every printable byte', () => {
  const names = [
    ...Array.from({ length: 3000 }, (_, i) => `p${i}`),
    ...Array.from({ length: 500 }, (_, i) => `account-${String(i).padStart(6, '0')}-admin`),
    ...Array.from({ length: 94 }, (_, i) => `x${String.fromCharCode(0x21 + i)}y`).filter((n) => !/["'\\\]#;]/.test(n)),
    'abcdefgh',
    'abcdefg',
    'abcdefghi',
    'abcdefgh0',
    'ABCDEFGH',
    'Z',
    'a',
    '~',
    '-',
    '0',
  ];
  const config = pad + shuffle(names, 7).map((n) => section(`profile ${n}`)).join('');
  same(config, '[p1]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n[only-in-credentials]\naws_access_key_id = AKIA2\naws_secret_access_key = s\n');
});

test('duplicates: [default] and [profile default], a quoted alias, names in both files', () => {
  const config = `${pad}[default]\nregion = a\n[profile default]\nregion = b\n${section('profile twice')}${section('profile "q"')}${section('profile q')}${section("profile 'single quoted'")}${section('profile  spaced')}${section('sso-session corp')}${section('services s')}${section('profile')}${section('profile ')}${section('profilex')}${Array.from({ length: 2000 }, (_, i) => section(`profile n${i}`)).join('')}`;
  same(config, `[twice]\nx = 1\n[n5]\nx = 1\n[default]\nx = 1\n[zz]\nx = 1\n[a b]\nx = 1\n`);
});

test('no credentials file, and a config of sso-sessions only', () => {
  same(pad + Array.from({ length: 3000 }, (_, i) => section(`profile r${(i * 7919) % 3000}`)).join(''), '');
  same(pad + Array.from({ length: 300 }, (_, i) => section(`sso-session s${i}`)).join(''), '[c]\nx = 1\n');
});

test('a name longer than a chunk', () => {
  same(`${pad}${section(`profile ${'n'.repeat(70_000)}`)}${section(`profile ${'n'.repeat(69_999)}`)}${section('profile m')}`, '');
});

test('non-ASCII or control characters in a name: the string path, which sorts by UTF-16 code units', () => {
  same(`${pad}${section('profile \u{1F600}')}${section('profile \uFF21')}${section('profile a')}`, '', false);
  same(`${pad}${section('profile a')}`, '[caf\u00e9]\nx = 1\n', false);
  same(`${pad}${section('profile a')}`, '[\ta b]\nx = 1\n', false);
});

test.run();

const writer = suite('util/chunks: ChunkWriter gives the bytes it was given, in order, whatever the chunk size');

writer('strings (multi-byte, longer than a chunk), bytes and single bytes', () => {
  const rnd = mulberry32(3).next;
  const pieces: (string | Buffer | number)[] = [];
  for (let i = 0; i < 400; i++) {
    const r = rnd();
    if (r < 0.4) pieces.push('é€😀abc'.repeat(Math.floor(rnd() * 40)));
    else if (r < 0.8) pieces.push(Buffer.from(`bytes-${i}-`.repeat(Math.floor(rnd() * 30))));
    else pieces.push(Math.floor(rnd() * 256));
  }
  const want = Buffer.concat(pieces.map((p) => (typeof p === 'number' ? Buffer.from([p]) : Buffer.from(p))));
  for (const size of [1, 2, 3, 5, 64, 1000, 64 * 1024]) {
    CHUNK.size = size;
    try {
      const got = collect((emit) => {
        const out = new ChunkWriter(emit);
        for (const p of pieces) {
          if (typeof p === 'number') out.byte(p);
          else if (typeof p === 'string') out.string(p);
          else out.bytes(p, 0, p.length);
        }
        out.end();
      });
      assert.ok(got.equals(want), `chunk of ${size}`);
    } finally {
      CHUNK.size = 64 * 1024;
    }
  }
});

writer.run();

const cli = suite('complete profiles and list through the CLI: the kept names path, and a failure leaves stdout empty');

cli('a big config, twice old enough to keep its index and names: the same output both times, the second from the names file', async () => {
  const box = sandbox();
  try {
    const names = shuffle(Array.from({ length: 3000 }, (_, i) => `prof-${i}`), 11);
    box.write('config', pad + names.map((n) => section(`profile ${n}`)).join(''));
    box.write('credentials', '[zeta]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n');
    const want = `${[...names, 'zeta'].sort().join('\n')}\n`;
    // The index is kept only for a file whose times are over two seconds old.
    const written = Date.now();
    while (Date.now() - written < 2200) await new Promise((r) => setTimeout(r, 100));
    for (let run = 0; run < 3; run++) {
      const r = await awsenv(['complete', 'profiles'], box.env);
      assert.is(r.exitCode, 0, r.stderr);
      assert.is(r.stdout, want, `run ${run}`);
    }
  } finally {
    box.cleanup();
  }
});

cli('a config that cannot be read: non-zero, nothing on stdout', async () => {
  const box = sandbox();
  try {
    mkdirSync(join(box.dir, 'config-dir'));
    const env = { ...box.env, AWS_CONFIG_FILE: join(box.dir, 'config-dir') };
    for (const args of [['complete', 'profiles'], ['list']]) {
      const r = await awsenv(args, env);
      assert.is.not(r.exitCode, 0);
      assert.is(r.stdout, '', args.join(' '));
      assert.match(r.stderr, 'config-dir');
    }
  } finally {
    box.cleanup();
  }
});

cli('stdout a non-blocking pipe that fills (EAGAIN): every chunk arrives, in order', async () => {
  const box = sandbox();
  try {
    box.write('config', Array.from({ length: 8000 }, (_, i) => section(`profile pipe-profile-with-a-long-name-${i}`)).join(''));
    box.write('credentials', '');
    const want = await awsenv(['list'], box.env);
    assert.is(want.exitCode, 0, want.stderr);
    assert.ok(want.stdout.length > 4 * 65536, 'more than a pipe holds');
    // The pipe made non-blocking before node starts; its reader waits before reading, so the
    // pipe fills and writeSync answers EAGAIN (whether it does or not, the bytes must be these).
    const setNonBlocking = 'use Fcntl; my $f = fcntl(STDOUT, F_GETFL, 0) or die; fcntl(STDOUT, F_SETFL, $f | O_NONBLOCK) or die; exec @ARGV or die';
    const script = `perl -e "$0" node "$1" list | { sleep 0.5; cat; }`;
    const r = await execa('bash', ['-c', script, setNonBlocking, CLI], { env: box.env, extendEnv: false, reject: false, stripFinalNewline: false, stdin: 'ignore' });
    assert.is(r.exitCode, 0, String(r.stderr));
    assert.is(String(r.stdout), want.stdout);
  } finally {
    box.cleanup();
  }
});

cli.run();

process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
