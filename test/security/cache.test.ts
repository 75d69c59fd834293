// Attacks on the session cache by another local user (issue 12, item 2), performed for real:
// a second user made with useradd plants a cache directory, a session for the victim's
// role, stamps that are links to the victim's files, and a session file owned by itself in
// the victim's directory. Each must fail safely: nothing planted is exported, nothing is
// written through a link, and one line says what is wrong. Root only (useradd, chown);
// skipped loudly otherwise, and a failure under CI=true.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sessionKey } from '../../src/sessions/cache.js';
import { awsenv, sandbox, type Sandbox } from '../helpers/env.js';

const test = suite('security: the cache directory against another local user');

const ROLE = 'arn:aws:iam::123456789012:role/deploy';
const SOURCE_KEY = 'AKIAVICTIMSOURCE0001';
const PLANTED = 'ASIAPLANTEDBYATTACKR';

/** Runs `fn` with a fresh local user; removed after, whatever happens. */
async function withSecondUser(fn: (user: { name: string; uid: number; gid: number; run(script: string): string }) => Promise<void>): Promise<boolean> {
  if (process.getuid?.() !== 0) {
    const message = 'not root: the attacks of another local user need useradd and chown';
    if (process.env.CI === 'true') throw new Error(`${message} (CI runs as root)`);
    console.error(`\n!!! SKIPPED: ${message}. Run as root to perform them. !!!\n`);
    return false;
  }
  const name = `awsenvatk${process.pid % 100000}`;
  execFileSync('useradd', ['--no-create-home', '--shell', '/bin/sh', '--user-group', name]);
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
    const run = (script: string) => execFileSync('runuser', ['-u', name, '--', 'sh', '-c', script], { encoding: 'utf8', cwd: '/' });
    await fn({ name, uid, gid, run });
  } finally {
    execFileSync('userdel', [name]);
  }
  return true;
}

function profiles(box: Sandbox): void {
  box.write('credentials', `[admin]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = SECRET-admin\n\n[src]\naws_access_key_id = ${SOURCE_KEY}\naws_secret_access_key = SECRET-src\n`);
  box.write('config', `[profile deploy]\nrole_arn = ${ROLE}\nsource_profile = src\nregion = eu-west-1\n`);
}

/** The file name `use deploy` reads its session from: the key holds no secret, so anyone can compute it. */
const roleFile = `${sessionKey({ op: 'assume-role', source: SOURCE_KEY, roleArn: ROLE, externalId: undefined, sessionName: undefined, duration: undefined, mfaSerial: undefined })}.json`;

const planted = JSON.stringify({
  version: 1,
  profile: 'deploy',
  accessKeyId: PLANTED,
  secretAccessKey: 'attacker-secret',
  sessionToken: 'attacker-token',
  expiration: '2999-01-01T00:00:00Z',
  mfa: false,
});

/** STS that does not exist: any request fails fast, so a refused cache never turns into a network wait. */
const noSts = { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9', AWSENV_STS_TIMEOUT: '5' };

test('control: a session in the victim\'s own directory is used (the planted file name is right)', async () => {
  const box = sandbox();
  try {
    profiles(box);
    const cache = box.env.AWSENV_CACHE_DIR!;
    mkdirSync(cache, { mode: 0o700 });
    writeFileSync(join(cache, roleFile), planted, { mode: 0o600 });
    const r = await awsenv(['use', 'deploy', '--shell', 'bash'], { ...box.env, ...noSts });
    assert.is(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`export AWS_ACCESS_KEY_ID='${PLANTED}'`));
  } finally {
    box.cleanup();
  }
});

test('a cache directory made first by another user: use ROLE refuses it in one line, static use works without the watch', async () => {
  const box = sandbox();
  const shared = mkdtempSync(join(tmpdir(), 'awsenv-shared-'));
  try {
    profiles(box);
    chmodSync(shared, 0o1777); // a shared /tmp
    const victimFile = join(box.dir, 'victim-file');
    writeFileSync(victimFile, 'precious\n', { mode: 0o600 });
    chmodSync(box.dir, 0o755); // so that the attacker can name (not read) the victim's file
    const ran = await withSecondUser(async (atk) => {
      const cache = join(shared, 'cache');
      // The attacker's moves: the directory, a session for the victim's role, stamps and
      // `clock` as links to the victim's files, all before the victim's first use.
      atk.run(
        [
          `mkdir -m 777 '${cache}' '${cache}/stamps'`,
          `printf '%s' '${planted}' > '${cache}/${roleFile}'`,
          `chmod 666 '${cache}/${roleFile}'`,
          `ln -s '${victimFile}' '${cache}/clock'`,
          `ln -s '${victimFile}' '${cache}/stamps/until-32503680000'`,
          `for i in 0 1 2 3 4 5 6 7 8 9; do ln -s '${join(box.dir, 'created-')}'$i '${cache}/stamps/x'$i; done`,
        ].join(' && '),
      );
      const env = { ...box.env, ...noSts, AWSENV_CACHE_DIR: cache };
      const role = await awsenv(['use', 'deploy', '--shell', 'bash'], env);
      assert.is(role.exitCode, 1);
      assert.is(role.stdout, 'false\n');
      assert.not.match(role.stdout + role.stderr, new RegExp(PLANTED));
      assert.is(role.stderr.trim().split('\n').length, 1, role.stderr);
      assert.match(role.stderr, new RegExp(`cache directory ${cache} belongs to user ${atk.uid}, not to you`));

      // Static keys need no cache: exported, the watch off, one notice.
      const admin = await awsenv(['use', 'admin', '--shell', 'bash'], env);
      assert.is(admin.exitCode, 0, admin.stderr);
      assert.match(admin.stdout, /export AWS_ACCESS_KEY_ID='AKIAIOSFODNN7EXAMPLE';/);
      assert.match(admin.stdout, /unset AWSENV_STAMP;/);
      assert.match(admin.stdout, /unset AWSENV_WATCH;/);
      assert.match(admin.stderr, /belongs to user \d+, not to you.*watch for rotated keys is off/);
      assert.is(admin.stderr.trim().split('\n').length, 1);

      // Nothing written through the links, nothing created where they point.
      assert.is(readFileSync(victimFile, 'utf8'), 'precious\n');
      assert.equal(readdirSync(box.dir).filter((n) => n.startsWith('created-')), []);
      assert.ok(lstatSync(join(cache, 'clock')).isSymbolicLink());
    });
    if (!ran) return;
  } finally {
    rmSync(shared, { recursive: true, force: true });
    box.cleanup();
  }
});

test('a cache directory inside another user\'s directory, or one others can write: refused', async () => {
  const box = sandbox();
  const shared = mkdtempSync(join(tmpdir(), 'awsenv-shared-'));
  try {
    profiles(box);
    await withSecondUser(async (atk) => {
      // The parent belongs to the attacker: it could rename the victim's directory away.
      chownSync(shared, atk.uid, atk.gid);
      chmodSync(shared, 0o755);
      const env = { ...box.env, ...noSts, AWSENV_CACHE_DIR: join(shared, 'cache') };
      const r = await awsenv(['use', 'deploy', '--shell', 'bash'], env);
      assert.is(r.exitCode, 1);
      assert.match(r.stderr, new RegExp(`is inside ${shared}, which belongs to user ${atk.uid}`));
      // A group-writable parent of the victim's own (a group-writable home).
      const home = join(box.dir, 'group-home');
      mkdirSync(home, { mode: 0o775 });
      chmodSync(home, 0o775);
      const g = await awsenv(['use', 'deploy', '--shell', 'bash'], { ...env, AWSENV_CACHE_DIR: join(home, 'cache') });
      assert.is(g.exitCode, 1);
      assert.match(g.stderr, /which others can write to/);
      // The victim's own directory with mode 0755: refused, with the fix.
      const open = join(box.dir, 'open-cache');
      mkdirSync(open, { mode: 0o755 });
      chmodSync(open, 0o755);
      const o = await awsenv(['use', 'deploy', '--shell', 'bash'], { ...env, AWSENV_CACHE_DIR: open });
      assert.is(o.exitCode, 1);
      assert.match(o.stderr, /has mode 0755, so others can read or write it; it must be 0700: chmod 700/);
      // A symbolic link, even to a good directory of the victim's.
      const real = join(box.dir, 'real-cache');
      mkdirSync(real, { mode: 0o700 });
      symlinkSync(real, join(box.dir, 'link-cache'));
      const l = await awsenv(['use', 'deploy', '--shell', 'bash'], { ...env, AWSENV_CACHE_DIR: join(box.dir, 'link-cache') });
      assert.is(l.exitCode, 1);
      assert.match(l.stderr, /is a symbolic link/);
    });
  } finally {
    rmSync(shared, { recursive: true, force: true });
    box.cleanup();
  }
});

test('inside the victim\'s own directory: a session file of another owner, or a link, is not read; stamp links are replaced, not followed', async () => {
  const box = sandbox();
  try {
    profiles(box);
    await withSecondUser(async (atk) => {
      const cache = box.env.AWSENV_CACHE_DIR!;
      mkdirSync(join(cache, 'stamps'), { recursive: true, mode: 0o700 });
      const session = join(cache, roleFile);
      writeFileSync(session, planted, { mode: 0o600 });
      chownSync(session, atk.uid, atk.gid);
      const env = { ...box.env, ...noSts };
      const r = await awsenv(['use', 'deploy', '--shell', 'bash'], env);
      assert.not.match(r.stdout + r.stderr, new RegExp(PLANTED));
      assert.is(r.exitCode, 1); // it asked the (absent) STS instead
      // A link to a file of the victim's own holding the session: not followed either.
      rmSync(session);
      const elsewhere = join(box.dir, 'elsewhere.json');
      writeFileSync(elsewhere, planted, { mode: 0o600 });
      symlinkSync(elsewhere, session);
      const l = await awsenv(['use', 'deploy', '--shell', 'bash'], env);
      assert.not.match(l.stdout, new RegExp(PLANTED));
      // Stamps: learn the static profile's stamp name, then make it a link to a victim file.
      const first = await awsenv(['use', 'admin', '--shell', 'bash'], env);
      const stamp = /export AWSENV_STAMP='([^']+)'/.exec(first.stdout)![1]!;
      rmSync(stamp);
      const victimFile = join(box.dir, 'victim-file');
      writeFileSync(victimFile, 'precious\n');
      const before = statSync(victimFile).mtimeMs;
      symlinkSync(victimFile, stamp);
      const again = await awsenv(['use', 'admin', '--shell', 'bash'], env);
      assert.is(again.exitCode, 0, again.stderr);
      assert.ok(lstatSync(stamp).isFile(), 'the link was replaced by a stamp of our own');
      assert.is(statSync(victimFile).mtimeMs, before, 'the victim file was not touched through the link');
      assert.is(readFileSync(victimFile, 'utf8'), 'precious\n');
      assert.ok(existsSync(stamp));
    });
  } finally {
    box.cleanup();
  }
});

test('a cache directory that cannot be created: static use works, one notice; a session use says why in one line', async () => {
  const box = sandbox();
  try {
    profiles(box);
    // A path under a regular file: no user, root included, can create it.
    const env = { ...box.env, ...noSts, AWSENV_CACHE_DIR: join(box.credentials, 'cache') };
    const s = await awsenv(['use', 'admin', '--shell', 'bash'], env);
    assert.is(s.exitCode, 0, s.stderr);
    assert.match(s.stdout, /export AWS_ACCESS_KEY_ID=/);
    assert.match(s.stderr, /cache directory .* cannot be used .*watch for rotated keys is off/);
    assert.is(s.stderr.trim().split('\n').length, 1);
    const r = await awsenv(['use', 'deploy', '--shell', 'bash'], env);
    assert.is(r.exitCode, 1);
    assert.not.match(r.stderr, /unexpected error/);
    assert.match(r.stderr, /cache directory .* cannot be (used|created)/);
  } finally {
    box.cleanup();
  }
});

test.run();
