// Telling the prompt hook that the file holding a static profile's keys changed, without
// a process: `use` leaves a stamp file whose mtime is the key file's (rounded up to the
// millisecond, so `[[ FILE -nt STAMP ]]` is false until the file is written again), and
// exports both paths. Stamps are shared by every shell and named by file and mtime.
import { closeSync, constants, fstatSync, futimesSync, lstatSync, openSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { trustDir } from '../sessions/cache.js';

/** FNV-1a, 32 bits: a short, stable name for a path (not a secret, so no crypto needed). */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

export function stampFor(file: string, cacheDir: string): string | undefined {
  let mtimeMs: number;
  try {
    mtimeMs = statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
  const ceilMs = Math.ceil(mtimeMs);
  return stampAt(join(cacheDir, 'stamps', `${fnv1a(file)}-${ceilMs}`), ceilMs);
}

/**
 * For a session: a stamp dated at its end (`until-EPOCH`), so that fish, which has no clock
 * variable, reads the time left with one `path mtime --relative` (see shell/awsenv.fish).
 */
export function untilStamp(expiration: Date, cacheDir: string): string {
  const epoch = Math.floor(expiration.getTime() / 1000);
  return stampAt(join(cacheDir, 'stamps', `until-${epoch}`), epoch * 1000);
}

/**
 * The stamp file at `path` with mtime `ms`, made if needed. Every `use` of the same profile
 * names the same stamp, so it is usually there already: one stat instead of four calls.
 */
function stampAt(path: string, ms: number): string {
  // Both directories are awsenv's own (cache.ts trustDir), or CacheDirError: a planted
  // stamps/ or a link in it would make `use` create or touch files elsewhere.
  const stamps = dirname(path);
  trustDir(dirname(stamps), true);
  trustDir(stamps, true);
  // Rounded: the same futimes() call as below made it, so it is what that call would make.
  const st = lstatSync(path, { throwIfNoEntry: false });
  const mine = st?.isFile() && st.uid === (process.getuid?.() ?? st.uid);
  if (st && mine && Math.round(st.mtimeMs) === ms) return path;
  // Anything else at that name (a link, a FIFO, another user's file) is replaced, not followed.
  if (st && !mine) rmSync(path, { force: true, recursive: st.isDirectory() });
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o600);
  try {
    if (!fstatSync(fd).isFile()) throw Object.assign(new Error(`${path} is not a file`), { code: 'EINVAL' });
    futimesSync(fd, ms / 1000, ms / 1000);
  } finally {
    closeSync(fd);
  }
  return path;
}

// --- the prompt hook's renewals: after one failure, none for a minute, across shells

/** How long after a failed background renewal the next one is refused without trying. */
export const RETRY_AFTER_MS = 60_000;

function failurePath(cacheDir: string, profile: string): string {
  return join(cacheDir, 'stamps', `failed-${fnv1a(profile)}`);
}

/**
 * When the last background renewal of `profile` failed, if that was less than a minute
 * ago (a stamp's mtime; a stamp in an untrusted directory does not count).
 */
export function recentFailure(cacheDir: string, profile: string, now: Date): Date | undefined {
  try {
    if (!trustDir(cacheDir, false) || !trustDir(join(cacheDir, 'stamps'), false)) return undefined;
    const st = lstatSync(failurePath(cacheDir, profile), { throwIfNoEntry: false });
    if (!st?.isFile()) return undefined;
    const age = now.getTime() - st.mtimeMs;
    return age >= 0 && age < RETRY_AFTER_MS ? new Date(st.mtimeMs) : undefined;
  } catch {
    return undefined;
  }
}

/** Records (failed) or forgets (succeeded) a background renewal's outcome. Best effort. */
export function recordRenewal(cacheDir: string, profile: string, failed: boolean, now: Date): void {
  try {
    if (!failed) {
      if (trustDir(cacheDir, false) && trustDir(join(cacheDir, 'stamps'), false)) rmSync(failurePath(cacheDir, profile), { force: true });
      return;
    }
    const ms = now.getTime();
    stampAt(failurePath(cacheDir, profile), ms);
  } catch {
    // no usable cache directory: each shell then waits its own minute (the hook's variable)
  }
}
