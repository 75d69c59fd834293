// Writing a file so that a crash leaves either the old file whole or the new one: a
// temporary file in the same directory (same file system, so rename is atomic), flushed,
// then renamed over the target. A symlinked file is written through its link: the link's
// final target is replaced and the link stays a link (rename over the link would replace
// the link itself with a regular file). Temporary files a killed writer left behind are
// removed by the next write of the same file.
import {
  closeSync,
  fchmodSync,
  fchownSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { os } from './os.js';

/** Linux's MAXSYMLINKS: more hops than this is a loop (ELOOP). */
const MAX_LINKS = 40;

/**
 * The file a path finally names, following every symbolic link on the way, including a
 * dangling last link (its target is where a new file is created). Unlike realpath, the
 * target need not exist yet.
 */
export function resolveLinks(path: string): string {
  let current = resolve(path);
  for (let hops = 0; ; hops++) {
    let isLink: boolean;
    try {
      isLink = lstatSync(current).isSymbolicLink();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return current;
      throw error;
    }
    if (!isLink) return current;
    if (hops >= MAX_LINKS) {
      throw Object.assign(new Error(`too many levels of symbolic links: ${path}`), { code: 'ELOOP' });
    }
    const target = readlinkSync(current);
    current = isAbsolute(target) ? target : resolve(dirname(current), target);
  }
}

// --- which process wrote a file: for temporary files and locks left by a killed process

/** FNV-1a, 32 bits: this host's name, short and without dots (not a secret). */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

let host: string | undefined;
/** A tag for this host, so that a process id is only ever judged on the host that owns it
 * (a home directory on NFS is shared by hosts whose process ids mean different things). */
export function hostTag(): string {
  host ??= fnv1a(os().hostname());
  return host;
}

/**
 * Whether process `pid` of this host is gone. EPERM means it exists (another user's);
 * only ESRCH says it is gone, so an unknown answer keeps the file or lock.
 */
export function processGone(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

// --- test hooks: fault injection (inert unless AWSENV_TEST_CRASH_AT/_PAUSE_AT is set)

/**
 * The points of a write where the crash tests stop the process, in order. Between any two
 * of them the file on disk must be the old one whole, or (from after-rename) the new one.
 */
export const WRITE_POINTS = [
  'before-temp', // nothing created yet
  'after-temp-open', // an empty temporary file exists
  'mid-temp-write', // half the bytes are in the temporary file
  'after-temp-write', // all the bytes, not yet flushed
  'after-fsync', // flushed, file still open
  'before-rename', // closed, about to replace the target
  'after-rename', // the target is the new file, the directory not yet flushed
  'after-dir-fsync', // done; the caller still holds its lock
] as const;
export type WritePoint = (typeof WRITE_POINTS)[number];

/**
 * TEST HOOK, for test/hardening/: a real crash at a chosen point of a write, which no mock
 * can stand in for. Inert unless one of these is set in the process environment (read from
 * process.env, not the injected Env: it is about this process, not about AWS):
 *   AWSENV_TEST_CRASH_AT=POINT    SIGKILL this process at POINT (see WRITE_POINTS);
 *   AWSENV_TEST_PAUSE_AT=POINT    at POINT, write this process's id to AWSENV_TEST_PAUSE_FILE
 *                                 and wait (up to a minute) until a test deletes that file,
 *                                 so it can look at the files mid-write or `kill -9` it;
 *   AWSENV_TEST_FAULT_TARGET=TEXT only writes whose target path contains TEXT stop.
 */
function testHook(point: WritePoint, target: string): void {
  const env = process.env;
  if (env.AWSENV_TEST_CRASH_AT === undefined && env.AWSENV_TEST_PAUSE_AT === undefined) return;
  if (env.AWSENV_TEST_FAULT_TARGET && !target.includes(env.AWSENV_TEST_FAULT_TARGET)) return;
  if (env.AWSENV_TEST_CRASH_AT === point) {
    // SIGKILL cannot be caught: no finally block, no exit handler runs, as in a power cut.
    process.kill(process.pid, 'SIGKILL');
    sleepSync(60_000); // the signal arrives before this returns; never go on writing
  }
  if (env.AWSENV_TEST_PAUSE_AT === point) {
    const marker = env.AWSENV_TEST_PAUSE_FILE;
    if (!marker) throw new Error('AWSENV_TEST_PAUSE_AT needs AWSENV_TEST_PAUSE_FILE');
    // Renamed into place, so the test never reads half a process id.
    writeFileSync(`${marker}.tmp`, `${process.pid}\n`);
    renameSync(`${marker}.tmp`, marker);
    const deadline = Date.now() + 60_000;
    while (pathExists(marker)) {
      if (Date.now() > deadline) throw new Error(`test pause at ${point} was not released within 60 s`);
      sleepSync(10);
    }
  }
}

/** Whether anything (a dangling link too) is at `path`; any error reading it counts as nothing. */
export function pathExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Blocks the thread (the write is synchronous, so the pause must be too). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

// --- temporary files

/** A temporary file outlives any write by far more than this; then it is a leftover whatever its host. */
const TEMP_MAX_AGE_MS = 24 * 3600_000;
let sequence = 0;

/** `.NAME.PID.HOST.N.tmp`: hidden, next to the target, and saying who made it. */
function tempName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${hostTag()}.${++sequence}.tmp`);
}

/**
 * Removes the temporary files that earlier writes left in `dir` (of `target` only, when
 * given) and whose process is gone (killed mid-write: they may hold a copy of the secrets),
 * or that are a day old. A live writer's file is never touched. Best effort: a leftover
 * never stops a write.
 */
export function sweepTemps(dir: string, target?: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = /^\.(.+)\.(\d+)\.([0-9a-f]{8})\.\d+\.tmp$/.exec(name);
    if (!m || (target !== undefined && m[1] !== basename(target))) continue;
    const file = join(dir, name);
    try {
      const pid = Number(m[2]);
      const gone = m[3] === hostTag() && pid !== process.pid && processGone(pid);
      if (gone || Date.now() - lstatSync(file).mtimeMs > TEMP_MAX_AGE_MS) rmSync(file, { force: true });
    } catch {
      // gone already, or not ours to remove
    }
  }
}

// --- the write

export interface AtomicWriteOptions {
  /** The new file's mode, applied with fchmod so the umask cannot widen or narrow it. */
  mode?: number;
  /** The owner and group the new file must have (the old file's); EPERM when they cannot be set. */
  owner?: { uid: number; gid: number };
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}

/**
 * Replaces `path` (already resolved: see resolveLinks) with `data`. The directory is
 * created 0700 if missing. The temporary file is removed on failure; those of killed
 * writers of the same file are removed first.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const mode = options.mode ?? 0o600;
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  sweepTemps(dir, path);
  testHook('before-temp', path);
  let temp = tempName(path);
  let fd: number;
  for (;;) {
    try {
      // 'wx': never follows or reuses anything already there (a leftover of a process
      // whose id was ours before is skipped, not truncated).
      fd = openSync(temp, 'wx', 0o600);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      temp = tempName(path);
    }
  }
  let renamed = false;
  try {
    try {
      testHook('after-temp-open', path);
      if (options.owner) {
        const st = fstatSync(fd);
        // Only when different: chown to oneself is harmless, but needs no call.
        if (st.uid !== options.owner.uid || st.gid !== options.owner.gid) fchownSync(fd, options.owner.uid, options.owner.gid);
      }
      fchmodSync(fd, mode);
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      const half = bytes.length >> 1;
      writeAll(fd, bytes.subarray(0, half));
      testHook('mid-temp-write', path);
      writeAll(fd, bytes.subarray(half));
      testHook('after-temp-write', path);
      // Durability: rename is atomic for processes, but after a power cut the disk may hold
      // the new name with blocks never written (ext4 delayed allocation, XFS: an empty or
      // zero-filled file where the credentials were). Flushing the data before the rename
      // makes the name point only at complete contents.
      fsyncSync(fd);
      testHook('after-fsync', path);
    } finally {
      closeSync(fd);
    }
    testHook('before-rename', path);
    renameSync(temp, path);
    renamed = true;
    testHook('after-rename', path);
    syncDir(dir);
    testHook('after-dir-fsync', path);
  } finally {
    if (!renamed) rmSync(temp, { force: true });
  }
}

/**
 * Makes the rename itself durable: the new directory entry is in the directory's own
 * blocks, which fsync of the file does not flush; without this a power cut after `use
 * --save-as` returned can bring back the old file. Some file systems refuse fsync on a
 * directory (EINVAL, EISDIR on a few): the rename has happened, so that is not an error.
 */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
