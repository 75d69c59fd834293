// Writing a file so that a crash leaves either the old file whole or the new one: a
// temporary file in the same directory (same file system, so rename is atomic), flushed,
// then renamed over the target. A symlinked file is written through its link: the link's
// final target is replaced and the link stays a link (rename over the link would replace
// the link itself with a regular file).
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readlinkSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';

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

export interface AtomicWriteOptions {
  /** The new file's mode, applied with fchmod so the umask cannot widen or narrow it. */
  mode?: number;
}

/**
 * Replaces `path` (already resolved: see resolveLinks) with `data`. The directory is
 * created 0700 if missing. The temporary file is removed on failure.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const mode = options.mode ?? 0o600;
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  let renamed = false;
  try {
    try {
      fchmodSync(fd, mode);
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
    renamed = true;
    syncDir(dir);
  } finally {
    if (!renamed) rmSync(temp, { force: true });
  }
}

/** Makes the rename itself durable; some file systems refuse fsync on a directory. */
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
