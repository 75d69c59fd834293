// Applying a text edit (edit.ts) to a shared file on disk: through its symlinks, under a
// lock next to the file (concurrent awsenv processes edit one after another, each on the
// other's result), validated before and after, written atomically with mode 0600 (it holds
// secrets), keeping its owner and group, never when its owner made it read-only.
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { withLockFile } from '../sessions/cache.js';
import { ConfigError } from '../errors.js';
import { decodeUtf8, parseIni } from './ini.js';
import { resolveLinks, sweepTemps, writeFileAtomic } from '../util/atomic.js';

export interface EditOutcome<T> {
  /** The file as the user names it (a symlink stays named as the link). */
  file: string;
  /** The file actually written: the link's final target. */
  target: string;
  changed: boolean;
  /** The mode the file had when it was not 0600 (it is 0600 now), for a notice. */
  previousMode?: number;
  result: T;
}

interface Owner {
  uid: number;
  gid: number;
}

function readText(file: string, target: string): { text: string; mode: number | undefined; owner: Owner | undefined } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { text: '', mode: undefined, owner: undefined };
    const problem =
      code === 'EACCES' || code === 'EPERM' ? 'cannot be read: permission denied' : code === 'EISDIR' ? 'is a directory, not a file' : `cannot be read (${code ?? 'unknown error'})`;
    throw new ConfigError(file, undefined, problem, { cause: error });
  }
  const text = decodeUtf8(file, bytes);
  // Only a file the AWS CLI can read is edited; the error names file and line.
  parseIni(file, text);
  const st = statSync(target);
  return { text, mode: st.mode & 0o777, owner: { uid: st.uid, gid: st.gid } };
}

/**
 * A file its owner made read-only is not rewritten: the rename would replace it anyway (it
 * needs only the directory's permission), so the mode must be asked explicitly.
 */
function refuseReadOnly(file: string, mode: number | undefined): void {
  if (mode !== undefined && (mode & 0o200) === 0) {
    throw new ConfigError(file, undefined, `is read-only (mode ${mode.toString(8).padStart(4, '0')}), so awsenv leaves it as it is; to let it write: chmod u+w '${file}'`);
  }
}

/** The lock of edits of `target`: next to it, so every awsenv editing it takes turns whatever its cache directory. */
export function editLockOf(target: string): string {
  return join(dirname(target), `.${basename(target)}.awsenv.lock`);
}

/**
 * Runs `edit` on the text of `file` and writes the result back if it changed (never with
 * `dryRun`), under the lock next to the file (editLockOf). `keepMode`: the file keeps its mode.
 */
export async function editFile<T>(
  file: string,
  edit: (text: string) => { text: string; result: T },
  options: { dryRun?: boolean; keepMode?: boolean },
): Promise<EditOutcome<T>> {
  if (file === '') throw new ConfigError('AWS_SHARED_CREDENTIALS_FILE', undefined, 'is empty, so there is no file to write');
  let target: string;
  try {
    target = resolveLinks(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(file, undefined, code === 'ELOOP' ? 'is a loop of symbolic links' : `cannot be read (${code ?? 'unknown error'})`, { cause: error });
  }
  const run = async (): Promise<EditOutcome<T>> => {
    // Under the lock, written or not: what a writer killed mid-write left (a temporary copy
    // of the file, secrets and all) goes at the next edit.
    if (!options.dryRun) sweepTemps(dirname(target), target);
    const { text, mode, owner } = readText(file, target);
    const { text: next, result } = edit(text);
    const changed = next !== text;
    if (changed && !options.dryRun) {
      refuseReadOnly(file, mode);
      parseIni(file, next); // never write what the AWS CLI could not read back
      try {
        // The same owner and group as before (root editing a user's file with `sudo -E`
        // must not leave it root's), or no write at all. keepMode (rotate): the file keeps its
        // mode too, as an edit in place would.
        const keep = options.keepMode && mode !== undefined;
        writeFileAtomic(target, next, { mode: keep ? mode : 0o600, ...(owner ? { owner } : {}) });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EPERM' && owner) {
          throw new ConfigError(file, undefined, `belongs to user ${owner.uid} and group ${owner.gid}, which awsenv cannot keep when it rewrites it as user ${process.getuid?.()}; it was left as it was`, { cause: error });
        }
        throw new ConfigError(file, undefined, `cannot be written (${code ?? 'unknown error'}); it was left as it was`, { cause: error });
      }
    }
    return { file, target, changed, result, ...(changed && !options.keepMode && mode !== undefined && mode !== 0o600 ? { previousMode: mode } : {}) };
  };
  if (options.dryRun) return run();
  // Refused before the lock too, so a read-only file gets its message even when nothing else can.
  const before = statSync(target, { throwIfNoEntry: false });
  if (before) refuseReadOnly(file, before.mode & 0o777);
  // A new file in a new directory (~/.aws on a fresh machine): the lock needs the directory first.
  else {
    try {
      mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new ConfigError(file, undefined, `cannot be created (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`, { cause: error });
    }
  }
  return withLockFile(editLockOf(target), run, 10_000);
}
