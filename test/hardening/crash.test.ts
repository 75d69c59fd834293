// Crash safety (Hardening, item 3): the built CLI is SIGKILLed at every point of every
// write it makes (util/atomic.ts WRITE_POINTS) — `use --save-as`, `clear --stale-tokens`,
// session cache writes — and the file on disk must be the old one byte for byte (killed
// before the rename) or the complete new one (after it), never a mix or a truncated file;
// nothing is printed; the killed writer's temporary file and lock do not get in the way
// of the next run, which cleans them up.
import { lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type Sandbox, sandbox } from '../helpers/env.js';
import { crashAt, filesIn, locksIn, pauseAt, run, tempsIn, WRITE_POINTS, type WritePoint } from '../helpers/crash.js';
import { CacheFile, CLEARED, exportsOf, FIXTURE, FUTURE, SESSION, savedBlock, sectionsOf } from '../helpers/hardening.js';
import { ACCOUNT, type Moto, startMoto } from '../helpers/moto.js';
import { skip } from '../helpers/tools.js';

const at = (p: WritePoint) => WRITE_POINTS.indexOf(p);
/** From this point on the target is the new file. */
const renamedBy = (p: WritePoint) => at(p) >= at('after-rename');
/** Between these the killed writer leaves its temporary file behind. */
const tempLeftBy = (p: WritePoint) => at(p) >= at('after-temp-open') && at(p) <= at('before-rename');

/** No group or other access: a leftover temporary file may hold the secrets. */
function assertPrivate(dir: string, names: string[]): void {
  for (const n of names) assert.is(statSync(join(dir, n)).mode & 0o077, 0, `${n} is private`);
}

// --- the credentials file

interface Op {
  name: string;
  args: string[];
  /** The file after the op, from FIXTURE. */
  after: string;
}

const OPS: Op[] = [
  { name: 'use --save-as (a new section)', args: ['use', 'session-src', '--shell', 'bash', '--save-as', 'saved'], after: FIXTURE + savedBlock('saved') },
  {
    name: 'use --save-as (over a saved session)',
    args: ['use', 'session-src', '--shell', 'bash', '--save-as', 'old-mfa'],
    after: FIXTURE.replace(
      'aws_access_key_id = ASIAOLDSESSION000001\naws_secret_access_key = old-secret-value-0001\naws_session_token = OLD-TOKEN-VALUE-0001\n  continued-token-line\nexpiration = 2020-01-01T00:00:00Z\n',
      `aws_access_key_id = ${SESSION.accessKeyId}\naws_secret_access_key = ${SESSION.secretAccessKey}\naws_session_token = ${SESSION.sessionToken}\nexpiration = ${FUTURE}\n`,
    ),
  },
  { name: 'clear --stale-tokens', args: ['clear', '--shell', 'bash', '--stale-tokens'], after: CLEARED },
];

/** A sandbox whose credentials file is FIXTURE, plain or reached through a symlink. */
function credentialsBox(symlink: boolean): { box: Sandbox; real: string } {
  const box = sandbox();
  if (!symlink) {
    box.write('credentials', FIXTURE);
    return { box, real: box.credentials };
  }
  const real = join(box.dir, 'dotfiles/aws-credentials');
  mkdirSync(dirname(real), { recursive: true });
  writeFileSync(real, FIXTURE, { mode: 0o600 });
  symlinkSync('../../dotfiles/aws-credentials', box.credentials);
  return { box, real };
}

const file = suite('SIGKILL at every point of a credentials-file write');

file('the expected results hold without a crash (the oracle is right)', async () => {
  for (const op of OPS) {
    const { box, real } = credentialsBox(false);
    try {
      const r = await run(op.args, box.env);
      assert.is(r.exitCode, 0, r.stderr);
      assert.is(readFileSync(real, 'utf8'), op.after, op.name);
    } finally {
      box.cleanup();
    }
  }
});

file('the hooks are inert for another target: the write completes', async () => {
  const { box, real } = credentialsBox(false);
  try {
    const r = await run(OPS[0]!.args, crashAt(box.env, 'before-rename', '/no/such/target'));
    assert.is(r.exitCode, 0, r.stderr);
    assert.is(readFileSync(real, 'utf8'), OPS[0]!.after);
  } finally {
    box.cleanup();
  }
});

for (const op of OPS) {
  for (const symlink of [false, true]) {
    for (const point of WRITE_POINTS) {
      file(`${op.name}${symlink ? ', through a symlink' : ''}: killed at ${point}`, async () => {
        const { box, real } = credentialsBox(symlink);
        // The edit lock lives next to the file it protects (issue 12), not in the cache.
        const cache = dirname(real);
        try {
          const r = await run(op.args, crashAt(box.env, point, real));
          assert.is(r.signal, 'SIGKILL', `not killed: ${r.stderr}`);
          assert.is(r.stdout, '', 'a crashed run prints nothing to eval');
          const expected = renamedBy(point) ? op.after : FIXTURE;
          assert.ok(readFileSync(real).equals(Buffer.from(expected)), `${renamedBy(point) ? 'the new' : 'the old'} file, byte for byte`);
          assert.is(statSync(real).mode & 0o777, 0o600);
          if (symlink) {
            assert.ok(lstatSync(box.credentials).isSymbolicLink(), 'still a link');
            assert.is(readlinkSync(box.credentials), '../../dotfiles/aws-credentials');
          }
          const temps = tempsIn(dirname(real));
          assert.is(temps.length, tempLeftBy(point) ? 1 : 0, `temporary files: ${temps}`);
          assertPrivate(dirname(real), temps);
          assert.is(locksIn(cache).length, 1, 'the killed writer held the lock');

          // The next run: not blocked by the dead writer's lock, and it cleans up.
          const next = await run(op.args, box.env);
          assert.is(next.exitCode, 0, next.stderr);
          assert.ok(readFileSync(real).equals(Buffer.from(op.after)));
          assert.equal(tempsIn(dirname(real)), [], 'leftover removed');
          assert.equal(locksIn(cache), [], 'lock released');
          if (symlink) assert.ok(lstatSync(box.credentials).isSymbolicLink());
        } finally {
          box.cleanup();
        }
      });
    }
  }
}

file.run();

// --- killed from outside while paused mid-write (kill -9, as a user or the OOM killer would)

const outside = suite('kill -9 from outside, mid-write');

for (const point of WRITE_POINTS) {
  outside(`paused at ${point}: readers see a whole file; kill -9; the next writer goes on`, async () => {
    const op = OPS[0]!;
    const { box, real } = credentialsBox(false);
    const cache = dirname(real); // where the edit lock lives
    try {
      const paused = await pauseAt(op.args, box.env, point, real, join(box.dir, 'paused'));
      const expected = Buffer.from(renamedBy(point) ? op.after : FIXTURE);
      assert.ok(readFileSync(real).equals(expected), 'whole while the writer is stopped');
      // Readers take no lock and read a whole file, the old or the new.
      const reader = await run(['use', 'session-src', '--shell', 'bash'], box.env);
      assert.is(reader.exitCode, 0, reader.stderr);
      assert.is(exportsOf(reader.stdout).AWS_SESSION_TOKEN, SESSION.sessionToken);
      const locks = locksIn(cache);
      assert.is(locks.length, 1);
      assert.ok(readFileSync(join(cache, locks[0]!), 'utf8').startsWith(`${paused.pid} `), 'the lock names its holder');

      process.kill(paused.pid, 'SIGKILL');
      const ended = await paused.ended;
      assert.is(ended.signal, 'SIGKILL');
      assert.is(ended.stdout, '');
      assert.ok(readFileSync(real).equals(expected));

      const next = await run(['use', 'session-src', '--shell', 'bash', '--save-as', 'next'], box.env);
      assert.is(next.exitCode, 0, next.stderr);
      assert.is(readFileSync(real, 'utf8'), (renamedBy(point) ? op.after : FIXTURE) + savedBlock('next'));
      assert.equal(tempsIn(dirname(real)), []);
      assert.equal(locksIn(cache), []);
    } finally {
      box.cleanup();
    }
  });
}

outside('released instead of killed: the write completes; a writer that came meanwhile loses nothing', async () => {
  const { box, real } = credentialsBox(false);
  try {
    const first = await pauseAt(OPS[0]!.args, box.env, 'before-rename', real, join(box.dir, 'paused'));
    const second = run(['use', 'session-src', '--shell', 'bash', '--save-as', 'second'], box.env);
    first.release();
    const [a, b] = [await first.ended, await second];
    assert.is(a.exitCode, 0, a.stderr);
    assert.is(b.exitCode, 0, b.stderr);
    assert.is(readFileSync(real, 'utf8'), FIXTURE + savedBlock('saved') + savedBlock('second'));
    assert.equal(tempsIn(dirname(real)), []);
    assert.equal(locksIn(dirname(real)), []);
  } finally {
    box.cleanup();
  }
});

outside.run();

// --- the session cache (moto_server as STS)

const cacheSuite = suite('SIGKILL at every point of a session cache write (moto_server)');
let moto: Moto | undefined;
let credentialsText = '';
let configText = '';

cacheSuite.before(async () => {
  moto = await startMoto();
  if (!moto) return; // each test says it was skipped
  const alice = await moto.createUser('alice');
  const admin = await moto.createRole('admin', `arn:aws:iam::${ACCOUNT}:user/alice`);
  credentialsText = `# alice\n[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n\n[mfa]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\nmfa_serial = arn:aws:iam::${ACCOUNT}:mfa/alice\n`;
  configText = `[profile admin]\nrole_arn = ${admin}\nsource_profile = alice\nrole_session_name = awsenv-crash\n`;
});
cacheSuite.after(async () => {
  await moto?.stop();
});

function stsBox(): { box: Sandbox; env: Record<string, string>; cache: string } {
  const box = sandbox();
  box.write('credentials', credentialsText);
  box.write('config', configText);
  return { box, env: { ...box.env, AWS_ENDPOINT_URL_STS: moto!.endpoint }, cache: box.env.AWSENV_CACHE_DIR! };
}

const jsonsIn = (dir: string) => filesIn(dir).filter((f) => f.endsWith('.json'));
function cacheEntry(dir: string): ReturnType<typeof CacheFile.parse> {
  const files = jsonsIn(dir);
  assert.is(files.length, 1, `one cache file: ${files}`);
  const parsed = CacheFile.safeParse(JSON.parse(readFileSync(join(dir, files[0]!), 'utf8')));
  assert.ok(parsed.success, 'a whole, valid cache file');
  return parsed.data!;
}

const CACHE_OPS = [
  { name: 'use of a role (AssumeRole), cold cache', args: ['use', 'admin', '--shell', 'bash'], warm: false },
  { name: 'use --refresh of a role over its cached session', args: ['use', 'admin', '--shell', 'bash', '--refresh'], warm: true },
  { name: 'use of an MFA profile (GetSessionToken), cold cache', args: ['use', 'mfa', '--shell', 'bash', '--mfa-code', '123456'], warm: false },
];

for (const op of CACHE_OPS) {
  for (const point of WRITE_POINTS) {
    cacheSuite(`${op.name}: killed at ${point}`, async () => {
      if (!moto) return skip('moto_server is not installed');
      const { box, env, cache } = stsBox();
      try {
        let old: Buffer | undefined;
        if (op.warm) {
          const first = await run(['use', 'admin', '--shell', 'bash'], env);
          assert.is(first.exitCode, 0, first.stderr);
          old = readFileSync(join(cache, jsonsIn(cache)[0]!));
        }
        // The session file (*.json) is the write under test: an MFA use also records the
        // accepted code's hash in the cache directory (mfa-codes-used), written first.
        const r = await run(op.args, crashAt(env, point, '.json'));
        assert.is(r.signal, 'SIGKILL', `not killed: ${r.stderr}`);
        assert.is(r.stdout, '');
        if (renamedBy(point)) {
          const entry = cacheEntry(cache);
          if (old) assert.not.ok(readFileSync(join(cache, jsonsIn(cache)[0]!)).equals(old), 'the new session');
          assert.is(entry.profile, op.args[1]);
        } else if (old) {
          assert.is(jsonsIn(cache).length, 1);
          assert.ok(readFileSync(join(cache, jsonsIn(cache)[0]!)).equals(old), 'the old cache file, byte for byte');
        } else {
          assert.equal(jsonsIn(cache), [], 'no cache file yet');
        }
        const temps = tempsIn(cache);
        assert.is(temps.length, tempLeftBy(point) ? 1 : 0, `temporary files: ${temps}`);
        assertPrivate(cache, temps);
        assert.is(locksIn(cache).length, 1, 'the killed writer held the lock');
        assert.is(statSync(cache).mode & 0o777, 0o700);

        const before = await moto.requests();
        const next = await run(op.args.filter((a) => a !== '--refresh'), env);
        assert.is(next.exitCode, 0, next.stderr);
        const entry = cacheEntry(cache);
        assert.is(exportsOf(next.stdout).AWS_SESSION_TOKEN, entry.sessionToken, 'the cached session is the one exported');
        // A complete file left by the crash is used as it is: no new request (and no lock
        // taken, so the dead writer's lock and leftovers wait for the next write).
        assert.is(await moto.requests() - before, renamedBy(point) || old ? 0 : 1);
        const renew = await run([...op.args.filter((a) => a !== '--refresh'), '--refresh'], env);
        assert.is(renew.exitCode, 0, renew.stderr);
        assert.is(exportsOf(renew.stdout).AWS_SESSION_TOKEN, cacheEntry(cache).sessionToken);
        assert.equal(tempsIn(cache), [], 'leftover removed');
        assert.equal(locksIn(cache), [], 'lock released');
        for (const f of jsonsIn(cache)) assert.is(statSync(join(cache, f)).mode & 0o777, 0o600);
      } finally {
        box.cleanup();
      }
    });
  }
}

for (const point of WRITE_POINTS) {
  cacheSuite(`use of a role --save-as: killed at ${point} of the credentials write, after the cache write`, async () => {
    if (!moto) return skip('moto_server is not installed');
    const { box, env, cache } = stsBox();
    try {
      const args = ['use', 'admin', '--shell', 'bash', '--save-as', 'admin-session'];
      const r = await run(args, crashAt(env, point, box.credentials));
      assert.is(r.signal, 'SIGKILL', `not killed: ${r.stderr}`);
      assert.is(r.stdout, '');
      const session = cacheEntry(cache);
      const text = readFileSync(box.credentials, 'utf8');
      const saved = `\n[admin-session]\naws_access_key_id = ${session.accessKeyId}\naws_secret_access_key = ${session.secretAccessKey}\naws_session_token = ${session.sessionToken}\nexpiration = ${session.expiration.replace(/\.\d{3}Z$/, 'Z')}\n`;
      assert.is(text, renamedBy(point) ? credentialsText + saved : credentialsText);
      assert.is(tempsIn(dirname(box.credentials)).length, tempLeftBy(point) ? 1 : 0);

      const next = await run(args, env);
      assert.is(next.exitCode, 0, next.stderr);
      assert.is(readFileSync(box.credentials, 'utf8'), credentialsText + saved, 'the cached session, saved once');
      assert.equal(sectionsOf(readFileSync(box.credentials, 'utf8')).get('alice'), credentialsText.slice(credentialsText.indexOf('[alice]'), credentialsText.indexOf('[mfa]')));
      assert.equal(tempsIn(dirname(box.credentials)), []);
      assert.equal(locksIn(cache), []);
    } finally {
      box.cleanup();
    }
  });
}

cacheSuite.run();
