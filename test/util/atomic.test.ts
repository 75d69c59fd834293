// Atomic writes: through symlinks (dangling ones too), mode independent of the umask, no
// temporary file left behind on failure, the old file whole when the write fails.
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveLinks, writeFileAtomic } from '../../src/util/atomic.js';

let dir: string;
const atomic = suite('atomic writes');
atomic.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'awsenv-atomic-'));
});
atomic.after.each(() => {
  chmodSync(dir, 0o700);
  rmSync(dir, { recursive: true, force: true });
});

atomic('resolveLinks follows relative and absolute links, and a dangling last link', () => {
  mkdirSync(join(dir, 'real'));
  writeFileSync(join(dir, 'real/file'), 'x');
  symlinkSync('real/file', join(dir, 'a'));
  symlinkSync(join(dir, 'a'), join(dir, 'b'));
  assert.is(resolveLinks(join(dir, 'b')), join(dir, 'real/file'));
  symlinkSync('real/not-yet', join(dir, 'dangling'));
  assert.is(resolveLinks(join(dir, 'dangling')), join(dir, 'real/not-yet'));
  assert.is(resolveLinks(join(dir, 'plain')), join(dir, 'plain'));
});

atomic('resolveLinks reports a loop', () => {
  symlinkSync('y', join(dir, 'x'));
  symlinkSync('x', join(dir, 'y'));
  assert.throws(() => resolveLinks(join(dir, 'x')), (e: NodeJS.ErrnoException) => e.code === 'ELOOP');
});

atomic('writes the mode asked for whatever the umask, and replaces the file', () => {
  const file = join(dir, 'f');
  writeFileSync(file, 'old', { mode: 0o644 });
  const old = process.umask(0o000);
  try {
    writeFileAtomic(file, 'new');
  } finally {
    process.umask(old);
  }
  assert.is(readFileSync(file, 'utf8'), 'new');
  assert.is(statSync(file).mode & 0o777, 0o600);
  assert.equal(readdirSync(dir), ['f'], 'no temporary file left');
});

atomic('creates missing directories 0700', () => {
  const file = join(dir, 'a/b/f');
  writeFileAtomic(file, 'x');
  assert.is(statSync(join(dir, 'a/b')).mode & 0o777, 0o700);
  assert.is(lstatSync(file).isFile(), true);
});

atomic('a failed write leaves the old file whole and no temporary file', () => {
  if (process.getuid?.() === 0) {
    // root writes into a read-only directory anyway: fail the rename instead (target is a directory).
    mkdirSync(join(dir, 'target-dir'));
    writeFileSync(join(dir, 'target-dir/inside'), 'keep');
    assert.throws(() => writeFileAtomic(join(dir, 'target-dir'), 'new'));
    assert.equal(readdirSync(dir).sort(), ['target-dir']);
    assert.is(readFileSync(join(dir, 'target-dir/inside'), 'utf8'), 'keep');
    return;
  }
  const file = join(dir, 'f');
  writeFileSync(file, 'old');
  chmodSync(dir, 0o500);
  assert.throws(() => writeFileAtomic(file, 'new'));
  chmodSync(dir, 0o700);
  assert.is(readFileSync(file, 'utf8'), 'old');
  assert.equal(readdirSync(dir), ['f']);
});

atomic.run();
