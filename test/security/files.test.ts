// Rewriting the credentials file (issue 12, items 5 and 10), performed for real: root
// editing a user's file keeps its owner; a user who cannot keep the owner is refused; a
// read-only file is refused; writers with different cache directories still take turns;
// hostile 1 MB lines are edited in linear time.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { dropStaleTokens, scan, splitLines } from '../../src/files/edit.js';
import { awsenv, CLI, sandbox } from '../helpers/env.js';

const test = suite('security: rewriting the credentials file');

const STALE = '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = SECRET-default\naws_session_token = STALE-TOKEN\n';
const SESSION = '[src]\naws_access_key_id = ASIASESSION000000001\naws_secret_access_key = SECRET-src\naws_session_token = TOKEN-src\nexpiration = 2999-01-01T00:00:00Z\n';

function asRoot(): boolean {
  if (process.getuid?.() === 0) return true;
  const message = 'not root: keeping another user\'s owner needs root and a second user';
  if (process.env.CI === 'true') throw new Error(`${message} (CI runs as root)`);
  console.error(`\n!!! SKIPPED: ${message}. !!!\n`);
  return false;
}

async function withUser(fn: (u: { name: string; uid: number; gid: number }) => Promise<void>): Promise<void> {
  const name = `awsenvown${process.pid % 100000}`;
  execFileSync('useradd', ['--no-create-home', '--shell', '/bin/sh', '--user-group', name]);
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
    await fn({ name, uid, gid });
  } finally {
    execFileSync('userdel', [name]);
  }
}

test('root (sudo -E) runs clear --stale-tokens on a user\'s file: owner and group kept', async () => {
  if (!asRoot()) return;
  const box = sandbox();
  try {
    await withUser(async (u) => {
      box.write('credentials', STALE);
      chownSync(box.credentials, u.uid, u.gid);
      const r = await awsenv(['clear', '--shell', 'bash', '--stale-tokens'], box.env);
      assert.is(r.exitCode, 0, r.stderr);
      assert.not.match(readFileSync(box.credentials, 'utf8'), /STALE-TOKEN/);
      const st = statSync(box.credentials);
      assert.is(st.uid, u.uid, 'owner kept');
      assert.is(st.gid, u.gid, 'group kept');
      assert.is(st.mode & 0o777, 0o600);
    });
  } finally {
    box.cleanup();
  }
});

test('a user who could write the file but not keep its owner: refused, the file left as it was', async () => {
  if (!asRoot()) return;
  const shared = mkdtempSync(join(tmpdir(), 'awsenv-owner-'));
  try {
    await withUser(async (u) => {
      chmodSync(shared, 0o777);
      const file = join(shared, 'credentials');
      writeFileSync(file, STALE);
      chmodSync(file, 0o666); // root's, writable by all: a rename would hand it to the user
      const cache = join(shared, 'cache');
      mkdirSync(cache, { mode: 0o700 });
      chownSync(cache, u.uid, u.gid);
      const out = execFileSync(
        'runuser',
        ['-u', u.name, '--', 'env', '-i', `PATH=${process.env.PATH}`, `HOME=${shared}`, `AWS_SHARED_CREDENTIALS_FILE=${file}`, `AWS_CONFIG_FILE=${join(shared, 'config')}`, `AWSENV_CACHE_DIR=${cache}`, 'sh', '-c', `'${process.execPath}' '${CLI}' clear --shell bash --stale-tokens; echo "rc=$?"`],
        { encoding: 'utf8', cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] },
      );
      assert.match(out, /rc=1/);
      assert.is(readFileSync(file, 'utf8'), STALE, 'unchanged');
      assert.is(statSync(file).uid, 0, 'still root\'s');
    });
  } catch (error) {
    // execFileSync throws on stderr output only with a non-zero status of runuser itself.
    throw error;
  } finally {
    rmSync(shared, { recursive: true, force: true });
  }
});

test('a read-only credentials file (0400): --save-as and --stale-tokens refuse with a clear line, file unchanged', async () => {
  const box = sandbox();
  try {
    box.write('credentials', STALE + SESSION);
    chmodSync(box.credentials, 0o400);
    for (const args of [['use', 'src', '--shell', 'bash', '--save-as', 'copy'], ['clear', '--shell', 'bash', '--stale-tokens']]) {
      const r = await awsenv(args, box.env);
      assert.is(r.exitCode, 1, args.join(' '));
      assert.is(r.stdout, 'false\n');
      assert.match(r.stderr, /is read-only \(mode 0400\), so awsenv leaves it as it is; to let it write: chmod u\+w/);
      assert.is(readFileSync(box.credentials, 'utf8'), STALE + SESSION);
      assert.is(statSync(box.credentials).mode & 0o777, 0o400);
    }
  } finally {
    box.cleanup();
  }
});

test('20 writers with two different cache directories take turns: all 20 sections kept', async () => {
  const box = sandbox();
  try {
    box.write('credentials', SESSION);
    const names = Array.from({ length: 20 }, (_, i) => `par-${i}`);
    const runs = await Promise.all(
      names.map((n, i) => awsenv(['use', 'src', '--shell', 'bash', '--save-as', n], { ...box.env, AWSENV_CACHE_DIR: join(box.dir, `cache-${i % 2}`) })),
    );
    for (const r of runs) assert.is(r.exitCode, 0, r.stderr);
    const text = readFileSync(box.credentials, 'utf8');
    for (const n of names) assert.ok(text.includes(`[${n}]`), `[${n}] kept`);
  } finally {
    box.cleanup();
  }
});

test('1 MB lines: the edit scanner and clear --stale-tokens take linear time', async () => {
  const MB = 1024 * 1024;
  const hostile = [
    `k${' '.repeat(MB)}x = 1`, // the quadratic case of the old `^(.*?)\s*[=:]`
    `k = ${' '.repeat(MB)}x`,
    `${'k'.repeat(MB)} = v`,
    `k${' \t'.repeat(MB / 2)}`,
    `[${'['.repeat(MB)}`,
  ];
  for (const line of hostile) {
    const text = `[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n${line.startsWith('[') ? '' : line}\naws_session_token = t\n`;
    const started = process.hrtime.bigint();
    scan(splitLines(text));
    dropStaleTokens(text, new Date());
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    // Linear: a few ms per MB. The old patterns took 6 s at 40 KB and ~1 hour at 1 MB.
    assert.ok(ms < 5000, `${JSON.stringify(line.slice(0, 12))}…: ${ms} ms`);
  }
  const box = sandbox();
  try {
    box.write('credentials', `[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\naws_session_token = STALE\nk${' '.repeat(MB)}x = 1\n`);
    const started = Date.now();
    const r = await awsenv(['clear', '--shell', 'bash', '--stale-tokens'], box.env);
    assert.is(r.exitCode, 0, r.stderr);
    assert.not.match(readFileSync(box.credentials, 'utf8'), /STALE/);
    assert.ok(Date.now() - started < 30_000, `${Date.now() - started} ms`);
  } finally {
    box.cleanup();
  }
});

test.run();
