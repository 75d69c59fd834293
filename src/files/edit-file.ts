// Applying a text edit (edit.ts) to a shared file on disk: through its symlinks, under a
// lock (concurrent awsenv processes edit one after another, each on the other's result),
// validated before and after, written atomically with mode 0600 (it holds secrets).
import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { type SessionCache, sessionKey } from '../sessions/cache.js';
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

function readText(file: string, target: string): { text: string; mode: number | undefined; owner?: { uid: number; gid: number } } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { text: '', mode: undefined };
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

/** Only root may give a file away; anyone else's new file is theirs, which it already was. */
function canChown(_owner: { uid: number }): boolean {
  const uid = process.getuid?.();
  return uid === 0;
}

/**
 * Runs `edit` on the text of `file` and writes the result back if it changed (never with
 * `dryRun`). `lock` is the session cache, whose per-key lock serialises awsenv processes.
 */
export async function editFile<T>(
  file: string,
  edit: (text: string) => { text: string; result: T },
  options: { lock: SessionCache; dryRun?: boolean; keepMode?: boolean },
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
      parseIni(file, next); // never write what the AWS CLI could not read back
      try {
        // keepMode (rotate): the file keeps its mode and owner, as an edit in place would.
        const keep = options.keepMode && mode !== undefined;
        writeFileAtomic(target, next, keep ? { mode, ...(owner && canChown(owner) ? { owner } : {}) } : { mode: 0o600 });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new ConfigError(file, undefined, `cannot be written (${code ?? 'unknown error'}); it was left as it was`, { cause: error });
      }
    }
    return { file, target, changed, result, ...(changed && !options.keepMode && mode !== undefined && mode !== 0o600 ? { previousMode: mode } : {}) };
  };
  if (options.dryRun) return run();
  return options.lock.withLock(sessionKey({ op: 'edit-file', file: target }), run, 10_000);
}
