// Telling the prompt hook that the file holding a static profile's keys changed, without
// a process: `use` leaves a stamp file whose mtime is the key file's (rounded up to the
// millisecond, so `[[ FILE -nt STAMP ]]` is false until the file is written again), and
// exports both paths. Stamps are shared by every shell and named by file and mtime.
import { closeSync, mkdirSync, openSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';

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
  const dir = join(cacheDir, 'stamps');
  const stamp = join(dir, `${fnv1a(file)}-${ceilMs}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  closeSync(openSync(stamp, 'a', 0o600));
  utimesSync(stamp, ceilMs / 1000, ceilMs / 1000);
  return stamp;
}

/**
 * For a session: a stamp dated at its end (`until-EPOCH`), so that fish, which has no clock
 * variable, reads the time left with one `path mtime --relative` (see shell/awsenv.fish).
 */
export function untilStamp(expiration: Date, cacheDir: string): string {
  const epoch = Math.floor(expiration.getTime() / 1000);
  const dir = join(cacheDir, 'stamps');
  const stamp = join(dir, `until-${epoch}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  closeSync(openSync(stamp, 'a', 0o600));
  utimesSync(stamp, epoch, epoch);
  return stamp;
}
