// Reading a file inside a trusted directory (the cache) as nothing but a regular file of
// this user: opened without following a link (O_NOFOLLOW) and without blocking on a FIFO
// (O_NONBLOCK), then checked on the open descriptor, so nothing can be swapped in between.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/**
 * The bytes of `path` when it is a regular file of this user of at most `max` bytes; else
 * undefined. With `head`, also undefined when the file does not start with those bytes,
 * found before the rest is read: a kept index of another version of a file is 2 MB that
 * would be read into fresh memory (slow to fault in on these VMs) only to be thrown away.
 */
export function readOwnBytes(path: string, max: number, head?: Uint8Array): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    const me = process.getuid?.();
    if (!st.isFile() || (me !== undefined && st.uid !== me) || st.size > max) return undefined;
    if (head) {
      const first = Buffer.allocUnsafe(head.length);
      if (readSync(fd, first, 0, first.length, 0) !== first.length || !first.equals(head)) return undefined;
    }
    const bytes = Buffer.allocUnsafe(st.size);
    let got = 0;
    for (let n = 1; n > 0 && got < bytes.length; got += n) n = readSync(fd, bytes, got, bytes.length - got, got);
    return got === bytes.length ? bytes : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
