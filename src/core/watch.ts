// Telling the prompt hook that the file holding a static profile's keys changed, without
// a process: `use` leaves a stamp file whose mtime is the key file's (rounded up to the
// millisecond, so `[[ FILE -nt STAMP ]]` is false until the file is written again), and
// exports both paths. Stamps are shared by every shell and named by file and mtime.
import { closeSync, mkdirSync, openSync, statSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';

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
  // Rounded: the same utimes() call as below made it, so it is what that call would make.
  const mtimeMs = statSync(path, { throwIfNoEntry: false })?.mtimeMs;
  if (mtimeMs !== undefined && Math.round(mtimeMs) === ms) return path;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
  utimesSync(path, ms / 1000, ms / 1000);
  return path;
}
