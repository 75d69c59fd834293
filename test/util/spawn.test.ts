// util/spawn.ts: exec's child started through the process_wrap binding (Node 20) gives the
// same result as through node:child_process, case by case: status, signal, the environment
// exactly, arguments, PATH looked up in the given environment, the errors a shell reports as
// 127/126, signals passed on, and the same stdin/stdout/stderr. Then the built CLI under
// --pending-deprecation: the public module, and no warning.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { available, type Exit, spawnInherit } from '../../src/util/spawn.js';
import { awsenv, type Sandbox, sandbox } from '../helpers/env.js';

const test = suite('spawn with stdio inherited: the binding and node:child_process agree');
let dir: string;
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'awsenv-spawn-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

const IMPLS = ['binding', 'child_process'] as const;
const PATH = process.env.PATH ?? '/usr/bin:/bin';

/** The exit without the error's stack, which names where it was made. */
function plain(exit: Exit): unknown {
  if (!('error' in exit)) return exit;
  const { code, errno, syscall, path, message } = exit.error;
  return { code, errno, syscall, path, message };
}

/** Runs the same command through both, returns both results (and asserts they agree). */
async function both(file: string, args: string[], env: Record<string, string>, after?: (impl: string) => void): Promise<unknown> {
  const results: unknown[] = [];
  for (const impl of IMPLS) {
    results.push(plain(await spawnInherit(file, args, env, impl).exited));
    after?.(impl);
  }
  assert.equal(results[0], results[1], `binding vs child_process for ${file}`);
  return results[0];
}

test('on Node 20 the binding is the one taken (else the fast path would go untested)', () => {
  if (process.versions.node.startsWith('20.') && process.platform !== 'win32') assert.is(available(), 'binding');
  else assert.is(available(), 'child_process');
});

test('exit statuses 0, 3 and 255', async () => {
  for (const status of [0, 3, 255]) {
    assert.equal(await both('/bin/sh', ['-c', `exit ${status}`], { PATH }), { code: status, signal: null });
  }
});

test('the environment is exactly the one given: nothing of ours added, values byte for byte', async () => {
  const env = { PATH, ODD: 'a b\nc=d "e" \'f\' $g é 😀', EMPTY: '', 'WITH=EQUALS': 'x' };
  const seen: Record<string, string> = {};
  await both('/bin/sh', ['-c', `env -0 > "$0"`, join(dir, 'env')], env, (impl) => {
    seen[impl] = readFileSync(join(dir, 'env'), 'utf8');
  });
  assert.is(seen.binding, seen.child_process);
  const got = seen.binding!.split('\0').filter(Boolean).sort();
  // sh adds PWD (and may add SHLVL, _): what the child was given is everything else.
  const given = got.filter((kv) => !/^(PWD|SHLVL|_|OLDPWD)=/.test(kv));
  assert.equal(given, Object.entries(env).map(([k, v]) => `${k}=${v}`).sort());
});

test('arguments arrive unchanged: empty, spaces, quotes, globs, non-ASCII', async () => {
  const args = ['', 'a b', '"q"', "'s'", '*', '$HOME', 'é😀', '--', '-c'];
  const seen: Record<string, string> = {};
  await both('/bin/sh', ['-c', 'for a in "$@"; do printf "%s\\0" "$a"; done > "$0"', join(dir, 'args'), ...args], { PATH }, (impl) => {
    seen[impl] = readFileSync(join(dir, 'args'), 'utf8');
  });
  assert.is(seen.binding, seen.child_process);
  assert.equal(seen.binding!.split('\0').slice(0, -1), args);
});

test("a bare name is looked up in the given environment's PATH, not ours", async () => {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'only-here'), '#!/bin/sh\nexit 42\n', { mode: 0o755 });
  assert.equal(await both('only-here', [], { PATH: `${bin}:${PATH}` }), { code: 42, signal: null });
  const missing = (await both('only-here', [], { PATH })) as { code: string };
  assert.is(missing.code, 'ENOENT');
});

test('not found (ENOENT) and not runnable (EACCES): the same error from both', async () => {
  const notFound = (await both(join(dir, 'nosuch'), [], { PATH })) as { code: string; syscall: string };
  assert.is(notFound.code, 'ENOENT');
  assert.is(notFound.syscall, `spawn ${join(dir, 'nosuch')}`);
  const file = join(dir, 'not-executable');
  writeFileSync(file, '#!/bin/sh\nexit 0\n');
  chmodSync(file, 0o644);
  const denied = (await both(file, [], { PATH })) as { code: string };
  assert.is(denied.code, 'EACCES');
});

test('errors child_process throws rather than emits (ENOTDIR, ELOOP): the same error from both', async () => {
  // child_process emits EACCES/EAGAIN/EMFILE/ENFILE/ENOENT but throws any other spawn error;
  // exec must see every one as "cannot run", whichever path started the child.
  const notDir = (await both('/etc/passwd/x', [], { PATH })) as { code: string };
  assert.is(notDir.code, 'ENOTDIR');
  const loop = join(dir, 'loop');
  symlinkSync(loop, loop);
  const looped = (await both(loop, [], { PATH })) as { code: string };
  assert.is(looped.code, 'ELOOP');
});

test('a child killed by a signal reports the signal, not a status', async () => {
  assert.equal(await both('/bin/sh', ['-c', 'kill -TERM $$'], { PATH }), { code: null, signal: 'SIGTERM' });
  assert.equal(await both('/bin/sh', ['-c', 'kill -USR1 $$'], { PATH }), { code: null, signal: 'SIGUSR1' });
});

test('kill() passes a signal on; after the child ended it does nothing', async () => {
  for (const impl of IMPLS) {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const) {
      const child = spawnInherit('/bin/sleep', ['30'], { PATH }, impl);
      // sleep may not have exec'd yet: a signal then reaches the forked copy, which dies the same way.
      child.kill(signal);
      assert.equal(plain(await child.exited), { code: null, signal }, `${impl} ${signal}`);
      child.kill('SIGTERM'); // ended: no throw, no stray signal
    }
  }
});

test('stdin, stdout and stderr are ours, and no other descriptor of ours is passed on', async () => {
  const ours = [0, 1, 2].map((fd) => readlinkSync(`/proc/self/fd/${fd}`));
  const seen: Record<string, string> = {};
  await both('/bin/sh', ['-c', 'for fd in 0 1 2 3 4 5 6 7 8 9; do if [ -e /proc/$$/fd/$fd ]; then readlink /proc/$$/fd/$fd; else echo none; fi; done > "$0"', join(dir, 'fds')], { PATH }, (impl) => {
    seen[impl] = readFileSync(join(dir, 'fds'), 'utf8');
  });
  // fd 1 of the shell is the file here; fds 0 and 2 are the inherited ones.
  const lines = seen.binding!.trim().split('\n');
  assert.is(seen.binding, seen.child_process);
  assert.is(lines[0], ours[0]);
  assert.is(lines[2], ours[2]);
  assert.equal(lines.slice(3), Array(7).fill('none'));
});

test.run();

const cli = suite('exec under --pending-deprecation: no warning, same result');
let box: Sandbox;
cli.before(() => {
  box = sandbox();
  box.write('credentials', '[static]\naws_access_key_id = AKIASTATIC000000001\naws_secret_access_key = static-secret\n');
});
cli.after(() => box.cleanup());

cli('NODE_OPTIONS=--pending-deprecation and NODE_PENDING_DEPRECATION=1', async () => {
  const extras: Record<string, string>[] = [{ NODE_OPTIONS: '--pending-deprecation' }, { NODE_PENDING_DEPRECATION: '1' }, {}];
  for (const extra of extras) {
    const r = await awsenv(['exec', 'static', '--', 'sh', '-c', 'echo "$AWS_ACCESS_KEY_ID"; exit 7'], { ...box.env, ...extra });
    assert.is(r.exitCode, 7, JSON.stringify(extra));
    assert.is(r.stdout, 'AKIASTATIC000000001\n');
    assert.is(r.stderr, '', `${JSON.stringify(extra)}: ${r.stderr}`);
  }
});

cli.run();
