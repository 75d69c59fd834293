// Telling the prompt hook that the file holding a static profile's keys changed, without
// a process: `use` leaves a stamp file whose mtime is the key file's (rounded up to the
// millisecond, so `[[ FILE -nt STAMP ]]` is false until the file is written again), and
// exports both paths. Stamps are shared by every shell and named by file and mtime.
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';

export function stampFor(file: string, cacheDir: string): string | undefined {
  let mtimeMs: number;
  try {
    mtimeMs = statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
  const ceilMs = Math.ceil(mtimeMs);
  const dir = join(cacheDir, 'stamps');
  const stamp = join(dir, `${createHash('sha1').update(file).digest('hex').slice(0, 16)}-${ceilMs}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  closeSync(openSync(stamp, 'a', 0o600));
  utimesSync(stamp, ceilMs / 1000, ceilMs / 1000);
  return stamp;
}
