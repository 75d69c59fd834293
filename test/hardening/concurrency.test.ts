// Concurrency (Hardening, item 5): twenty awsenv processes writing the same credentials
// file (a symlinked one, with comments), or the same session cache, at once. The file that
// remains is valid, has every writer's section, keeps every byte it had, stays 0600 and a
// link; writers killed among them lose only their own section, never another's.
import { chmodSync, lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type Sandbox, sandbox } from '../helpers/env.js';
import { crashAt, filesIn, locksIn, run, tempsIn, WRITE_POINTS, type WritePoint } from '../helpers/crash.js';
import { CacheFile, CLEARED, exportsOf, FIXTURE, SESSION, savedBlock } from '../helpers/hardening.js';
import { ACCOUNT, type Moto, startMoto } from '../helpers/moto.js';
import { skip } from '../helpers/tools.js';

const N = 20;
const names = Array.from({ length: N }, (_, i) => `par-${i}`);
const saveAs = (name: string) => ['use', 'session-src', '--shell', 'bash', '--save-as', name];

/** The file is `prefix` followed by exactly the blocks of `saved`, in any order. */
function assertPrefixAndBlocks(text: string, prefix: string, saved: string[]): void {
  assert.ok(text.startsWith(prefix), 'every byte the file had is still there, in place');
  const rest = text.slice(prefix.length);
  // Each saved block is "\n[NAME]\n…\n": split before every "\n[".
  const blocks = rest === '' ? [] : rest.split(/(?=\n\[)/);
  const found = blocks.map((b) => /^\n\[([^\]]+)\]\n/.exec(b)?.[1] ?? `(not a saved block: ${JSON.stringify(b.slice(0, 40))})`);
  assert.equal([...found].sort(), [...saved].sort(), 'every section, none twice, nothing else');
  blocks.forEach((b, i) => assert.is(b, savedBlock(found[i]!), `[${found[i]}] byte for byte`));
}

let box: Sandbox;
let real: string;
const files = suite(`${N} concurrent writers of one credentials file`);
files.before.each(() => {
  box = sandbox();
  real = join(box.dir, 'dotfiles/aws-credentials');
  mkdirSync(dirname(real), { recursive: true });
  writeFileSync(real, FIXTURE);
  chmodSync(real, 0o600);
  symlinkSync('../../dotfiles/aws-credentials', box.credentials);
});
files.after.each(() => box.cleanup());

function assertFileKept(): void {
  assert.ok(lstatSync(box.credentials).isSymbolicLink(), 'still a link');
  assert.is(readlinkSync(box.credentials), '../../dotfiles/aws-credentials');
  assert.is(statSync(real).mode & 0o777, 0o600);
  assert.equal(tempsIn(dirname(real)), [], 'no temporary file left');
  assert.equal(filesIn(dirname(box.credentials)), ['credentials'], 'nothing written next to the link');
}

files(`${N} × use --save-as NAME_i through a symlink: all ${N} sections, every original byte, 0600, still a link`, async () => {
  const runs = await Promise.all(names.map((n) => run(saveAs(n), box.env)));
  for (const r of runs) {
    assert.is(r.exitCode, 0, r.stderr);
    assert.is(exportsOf(r.stdout).AWS_SESSION_TOKEN, SESSION.sessionToken, 'the exports are printed too');
  }
  assertPrefixAndBlocks(readFileSync(real, 'utf8'), FIXTURE, names);
  assertFileKept();
  assert.equal([...locksIn(box.env.AWSENV_CACHE_DIR!), ...locksIn(dirname(real))], []);
  // The AWS CLI's reading of it (awsenv's is the same, checked on fixtures): every section usable.
  for (const n of ['par-0', 'par-19', 'other']) {
    const r = await run(['use', n, '--shell', 'bash'], box.env);
    assert.is(r.exitCode, 0, r.stderr);
  }
});

files(`${N / 2} × --save-as mixed with ${N / 2} × clear --stale-tokens: the stale lines go, every section is saved, the rest is byte-identical`, async () => {
  const saving = names.slice(0, N / 2);
  const runs = await Promise.all(
    names.map((n, i) => (i < N / 2 ? run(saveAs(n), box.env) : run(['clear', '--shell', 'bash', '--stale-tokens'], box.env))),
  );
  for (const r of runs) assert.is(r.exitCode, 0, r.stderr);
  // Exactly one clear removed the stale lines; the others found none.
  const clears = runs.slice(N / 2);
  assert.is(clears.filter((r) => /removed from /.test(r.stderr)).length, 1);
  assert.is(clears.filter((r) => /no stale session tokens/.test(r.stderr)).length, N / 2 - 1);
  assertPrefixAndBlocks(readFileSync(real, 'utf8'), CLEARED, saving);
  assertFileKept();
});

const CRASHERS: Record<number, WritePoint> = {
  3: 'after-temp-open',
  7: 'mid-temp-write',
  11: 'before-rename',
  15: 'after-rename',
  19: 'after-dir-fsync',
};
files(`${N} writers, ${Object.keys(CRASHERS).length} of them SIGKILLed mid-write: the others' sections all there, the killed ones' whole or absent`, async () => {
  const runs = await Promise.all(
    names.map((n, i) => {
      const point = CRASHERS[i];
      return run(saveAs(n), point ? crashAt(box.env, point, real) : box.env);
    }),
  );
  const expected: string[] = [];
  runs.forEach((r, i) => {
    const point = CRASHERS[i];
    if (!point) {
      assert.is(r.exitCode, 0, r.stderr);
      expected.push(names[i]!);
      return;
    }
    assert.is(r.signal, 'SIGKILL', `${names[i]}: ${r.stderr}`);
    assert.is(r.stdout, '');
    if (WRITE_POINTS.indexOf(point) >= WRITE_POINTS.indexOf('after-rename')) expected.push(names[i]!);
  });
  assertPrefixAndBlocks(readFileSync(real, 'utf8'), FIXTURE, expected);
  // One more writer: not blocked by a dead writer's lock; it cleans up what they left.
  const last = await run(saveAs('last'), box.env);
  assert.is(last.exitCode, 0, last.stderr);
  assertPrefixAndBlocks(readFileSync(real, 'utf8'), FIXTURE, [...expected, 'last']);
  assertFileKept();
  assert.equal([...locksIn(box.env.AWSENV_CACHE_DIR!), ...locksIn(dirname(real))], []);
});

files.run();

// --- the session cache (moto_server as STS)

const cache = suite(`${N} concurrent writers of the session cache (moto_server)`);
let moto: Moto | undefined;
let sts: { box: Sandbox; env: Record<string, string>; dir: string };

cache.before(async () => {
  moto = await startMoto();
  if (!moto) return; // each test says it was skipped
  const alice = await moto.createUser('alice');
  const admin = await moto.createRole('admin', `arn:aws:iam::${ACCOUNT}:user/alice`);
  const b = sandbox();
  b.write('credentials', `[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`);
  // role-i: one cache key each (the session name is part of it).
  b.write(
    'config',
    [`[profile admin]\nrole_arn = ${admin}\nsource_profile = alice\n`, ...names.map((n) => `[profile role-${n}]\nrole_arn = ${admin}\nsource_profile = alice\nrole_session_name = s-${n}\n`)].join(''),
  );
  sts = { box: b, env: { ...b.env, AWS_ENDPOINT_URL_STS: moto.endpoint }, dir: b.env.AWSENV_CACHE_DIR! };
});
cache.after(async () => {
  await moto?.stop();
  sts?.box.cleanup();
});

const jsons = () => filesIn(sts.dir).filter((f) => f.endsWith('.json'));
function entry(file: string) {
  const parsed = CacheFile.safeParse(JSON.parse(readFileSync(join(sts.dir, file), 'utf8')));
  assert.ok(parsed.success, `${file} is a whole, valid cache file`);
  assert.is(statSync(join(sts.dir, file)).mode & 0o777, 0o600);
  return parsed.data!;
}
function assertCacheClean(): void {
  assert.equal(tempsIn(sts.dir), []);
  assert.equal(locksIn(sts.dir), []);
  assert.is(statSync(sts.dir).mode & 0o777, 0o700);
}

cache(`${N} × use of one role, cold cache: one AssumeRole, one valid cache file, the same session everywhere`, async () => {
  if (!moto) return skip('moto_server is not installed');
  const before = await moto.requests();
  const runs = await Promise.all(names.map(() => run(['use', 'admin', '--shell', 'bash'], sts.env)));
  for (const r of runs) assert.is(r.exitCode, 0, r.stderr);
  assert.is(await moto.requests() - before, 1);
  assert.is(jsons().length, 1);
  const e = entry(jsons()[0]!);
  for (const r of runs) assert.is(exportsOf(r.stdout).AWS_SESSION_TOKEN, e.sessionToken);
  assertCacheClean();
});

cache(`${N} × use --refresh of one role: ${N} sessions written one after another over one file, which holds the last one whole`, async () => {
  if (!moto) return skip('moto_server is not installed');
  const runs = await Promise.all(names.map(() => run(['use', 'admin', '--shell', 'bash', '--refresh'], sts.env)));
  for (const r of runs) assert.is(r.exitCode, 0, r.stderr);
  const tokens = runs.map((r) => exportsOf(r.stdout).AWS_SESSION_TOKEN);
  assert.is(new Set(tokens).size, N, 'each run its own session');
  assert.is(jsons().length, 1);
  assert.ok(tokens.includes(entry(jsons()[0]!).sessionToken), 'one of them, not a mix');
  assertCacheClean();
});

cache(`${N} × use of ${N} roles at once: ${N} more cache files, each the session its run exported`, async () => {
  if (!moto) return skip('moto_server is not installed');
  const before = new Set(jsons());
  const runs = await Promise.all(names.map((n) => run(['use', `role-${n}`, '--shell', 'bash'], sts.env)));
  for (const r of runs) assert.is(r.exitCode, 0, r.stderr);
  const added = jsons().filter((f) => !before.has(f));
  assert.is(added.length, N);
  const byToken = new Map(added.map((f) => [entry(f).sessionToken, entry(f)]));
  runs.forEach((r, i) => {
    const e = byToken.get(exportsOf(r.stdout).AWS_SESSION_TOKEN!);
    assert.ok(e, `the session of role-${names[i]} is cached`);
    assert.is(e!.profile, `role-${names[i]}`);
  });
  assertCacheClean();
});

cache.run();
