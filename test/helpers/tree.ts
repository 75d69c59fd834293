// A directory tree as comparable text: one line per entry (type, path, link target or
// content hash, mode), so a test can assert that something left a tree exactly as it was.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';

export function snapshot(root: string): string[] {
  const lines: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const rel = relative(root, path);
      const st = lstatSync(path);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) {
        lines.push(`link ${rel} -> ${readlinkSync(path)}`);
      } else if (st.isDirectory()) {
        lines.push(`dir  ${rel} ${mode}`);
        walk(path);
      } else if (st.isFile()) {
        const hash = createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16);
        lines.push(`file ${rel} ${mode} ${hash}`);
      } else {
        lines.push(`other ${rel} ${mode}`);
      }
    }
  };
  walk(root);
  return lines;
}
