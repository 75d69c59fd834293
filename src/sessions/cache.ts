// The session cache shared by every shell: one JSON file per session key in a 0700
// directory, files 0600, written atomically (util/atomic.ts: a crash leaves the old file or
// none), read back through zod (a corrupt or foreign file is ignored and replaced).
// A lock per key makes concurrent `awsenv use` wait for the first one's STS call, so ten
// shells started at once ask once, and one MFA code serves them all. The same locks
// serialise edits of the credentials file (aws/edit-file.ts).
import { chmodSync, closeSync, lstatSync, mkdirSync, openSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
// zod/mini: the same validation as zod, a fraction of the size on the path every `use` takes.
import * as z from 'zod/mini';
import type { Credentials } from '../core/environment.js';
import type { Env } from '../files/files.js';
import { homeOf } from '../files/files.js';
import { sha256Hex } from '../util/hash.js';
import { lazy } from '../util/lazy.js';
import { readOwnBytes } from '../util/own-file.js';
import type { IndexCache } from '../files/index-cache.js';
import { hostTag, processGone, sweepTemps, writeFileAtomic } from '../util/atomic.js';
import { AwsenvError } from '../errors.js';

export function cacheDir(env: Env): string {
  if (env.AWSENV_CACHE_DIR) return env.AWSENV_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'awsenv');
  return join(homeOf(env), '.cache', 'awsenv');
}

// --- trust: the cache holds sessions that `use` exports and stamps the hooks read, so only a
// directory that no other local user can have made, swapped or written is used (issue 12).

/** The cache directory (or stamps/) cannot be trusted or made; one line naming path and problem. */
export class CacheDirError extends AwsenvError {
  constructor(
    readonly dir: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`cache directory ${dir} ${problem}`, options);
  }
}

const uid = (): number | undefined => process.getuid?.();
/** Directories checked by this process (a process checks each once). */
const trusted = new Set<string>();

function errnoText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOTDIR' ? 'a part of its path is not a directory' : code === 'EROFS' ? 'read-only file system' : code === 'ENOSPC' ? 'no space left on the device' : (code ?? 'unknown error');
}

/**
 * Makes sure `dir` is awsenv's own: a real directory (not a link), owned by this user, with
 * no permission for group or others, in a parent that no other user can rename it out of
 * (owned by this user or root, and not writable by others unless sticky, like /tmp).
 * With `create`, a missing directory is made 0700. Returns whether it exists; throws
 * CacheDirError for anything else, naming the path and the problem.
 */
export function trustDir(dir: string, create: boolean): boolean {
  if (trusted.has(dir)) return true;
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(dir, { throwIfNoEntry: false });
  } catch (error) {
    throw new CacheDirError(dir, `cannot be used (${errnoText(error)}); set AWSENV_CACHE_DIR to a directory of yours`, { cause: error });
  }
  if (!st) {
    if (!create) return false;
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      st = lstatSync(dir);
      // mkdir's mode is masked by the umask; only a directory made just now is changed.
      if (st.isDirectory() && !st.isSymbolicLink() && st.uid === uid() && (st.mode & 0o777) !== 0o700) {
        chmodSync(dir, 0o700);
        st = lstatSync(dir);
      }
    } catch (error) {
      throw new CacheDirError(dir, `cannot be created (${errnoText(error)}); set AWSENV_CACHE_DIR to a directory of yours`, { cause: error });
    }
  }
  if (st.isSymbolicLink()) throw new CacheDirError(dir, 'is a symbolic link; awsenv keeps sessions only in a real directory of yours (remove the link, or set AWSENV_CACHE_DIR)');
  if (!st.isDirectory()) throw new CacheDirError(dir, 'is not a directory; remove it, or set AWSENV_CACHE_DIR');
  const me = uid();
  if (me !== undefined && st.uid !== me) {
    throw new CacheDirError(dir, `belongs to user ${st.uid}, not to you (${me}): whoever made it could plant sessions there; remove it, or set AWSENV_CACHE_DIR`);
  }
  if ((st.mode & 0o077) !== 0) {
    throw new CacheDirError(dir, `has mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}, so others can read or write it; it must be 0700: chmod 700 '${dir}'`);
  }
  const parent = dirname(dir);
  const p = statSync(parent, { throwIfNoEntry: false });
  if (p && me !== undefined && parent !== dir) {
    if (p.uid !== me && p.uid !== 0) {
      throw new CacheDirError(dir, `is inside ${parent}, which belongs to user ${p.uid}, who could replace it; set AWSENV_CACHE_DIR to a directory of yours`);
    }
    if ((p.mode & 0o022) !== 0 && (p.mode & 0o1000) === 0) {
      throw new CacheDirError(dir, `is inside ${parent}, which others can write to (and so replace it); set AWSENV_CACHE_DIR to a directory of yours`);
    }
  }
  trusted.add(dir);
  return true;
}

/** Largest cache file read (a session is under 4 KB): a huge file is not a session. */
const MAX_FILE = 1024 * 1024;

/** The text of a regular file of this user inside a trusted directory (util/own-file.ts); anything else is undefined. */
export function readOwnFile(path: string): string | undefined {
  return readOwnBytes(path, MAX_FILE)?.toString('utf8');
}

const buildCachedSession = () =>
  z.object({
    version: z.literal(1),
    profile: z.string(),
    accessKeyId: z.string().check(z.minLength(1)),
    secretAccessKey: z.string().check(z.minLength(1)),
    sessionToken: z.string().check(z.minLength(1)),
    // Any date Date.parse reads: z.iso.datetime's regex costs more than the rest of a read.
    expiration: z.string().check(z.refine((s) => !Number.isNaN(Date.parse(s)), 'is not a date')),
    /** Whether MFA was used to get it. */
    mfa: z.boolean(),
  });
const cachedSession = lazy(buildCachedSession);
export type CachedSession = z.infer<ReturnType<typeof buildCachedSession>>;

/** How long before its end a cached session stops being handed out. */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** A cache key from everything that decides a session; secrets only as a salted hash input. */
export function sessionKey(parts: Record<string, string | number | undefined>): string {
  const canonical = JSON.stringify(Object.keys(parts).sort().map((k) => [k, parts[k] ?? null]));
  return sha256Hex(`awsenv-session-v1\0${canonical}`).slice(0, 40);
}

export class SessionCache {
  constructor(
    readonly dir: string,
    /** Where a session that could not be cached (full disk, say) is mentioned; without it, that throws. */
    private readonly notice?: (message: string) => void,
  ) {}

  private path(key: string): string {
    return join(this.dir, `${key}.json`);
  }

  private ensureDir(): void {
    trustDir(this.dir, true);
  }

  /** The session if present, valid and not within the refresh margin of its end. */
  read(key: string, now: Date): CachedSession | undefined {
    // A directory another user made or can write is refused before anything is read from it.
    if (!trustDir(this.dir, false)) return undefined;
    const text = readOwnFile(this.path(key));
    if (text === undefined) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return undefined;
    }
    const parsed = cachedSession().safeParse(json);
    if (!parsed.success) return undefined;
    if (Date.parse(parsed.data.expiration) - REFRESH_MARGIN_MS <= now.getTime()) return undefined;
    return parsed.data;
  }

  write(key: string, session: CachedSession): void {
    try {
      this.ensureDir();
      // The directory is awsenv's own: every killed writer's leftover goes, not only this key's.
      sweepTemps(this.dir);
      // Not through links: a link planted in the cache directory is replaced, not followed.
      writeFileAtomic(this.path(key), `${JSON.stringify(session)}\n`, { mode: 0o600 });
    } catch (error) {
      const problem = error instanceof CacheDirError ? error : new CacheDirError(this.dir, `cannot be written (${errnoText(error)})`, { cause: error });
      // The session in hand is still good: used, only not kept for other shells.
      if (!this.notice) throw problem;
      this.notice(`${problem.message}; the session was not cached, so other shells will ask again`);
    }
  }

  remove(key: string): void {
    rmSync(this.path(key), { force: true });
  }

  /**
   * Runs `fill` holding the key's lock: a file created with O_EXCL that names its holder
   * (process id, host). The lock of a holder that is gone (killed mid-write, say) is taken
   * over at once; one older than `staleMs` is taken over too: its holder hangs, is on
   * another host, or is waiting on a person for an MFA code. So no lock blocks for ever.
   */
  async withLock<T>(key: string, fill: () => Promise<T>, staleMs = 120_000): Promise<T> {
    this.ensureDir();
    return withLockFile(join(this.dir, `${key}.lock`), fill, staleMs);
  }
}

/**
 * Runs `fill` holding the lock file `lock` (see SessionCache.withLock): also the lock of
 * credentials-file edits, which lives next to the file it protects (files/edit-file.ts), so
 * that two runs with different cache directories still take turns.
 */
export async function withLockFile<T>(lock: string, fill: () => Promise<T>, staleMs: number): Promise<T> {
  const me = holderLine();
  while (!createLock(lock, me)) {
    breakIfStale(lock, staleMs);
    await new Promise((r) => setTimeout(r, 25 + Math.random() * 25));
  }
  try {
    return await fill();
  } finally {
    // Not a lock that another process took over from us meanwhile (after staleMs).
    if (readLock(lock)?.text === me) rmSync(lock, { force: true });
  }
}

/** A lock that cannot be created or written (a full disk, no permission); nothing is left. */
export class LockError extends AwsenvError {}

/** A session as the cache keeps it. */
export function toCached(profile: string, c: Required<Pick<Credentials, 'accessKeyId' | 'secretAccessKey' | 'sessionToken' | 'expiration'>>, mfa: boolean): CachedSession {
  return {
    version: 1,
    profile,
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.secretAccessKey,
    sessionToken: c.sessionToken,
    expiration: c.expiration.toISOString(),
    mfa,
  };
}

/** A cached session as credentials. */
export function fromCached(c: CachedSession): Credentials {
  return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration: new Date(c.expiration) };
}

// --- locks

/** A lock whose holder wrote nothing in this long died between creating and writing it. */
const EMPTY_LOCK_GRACE_MS = 2_000;
/** The guard of a takeover is held for microseconds; older than this, its holder died. */
const GUARD_STALE_MS = 2_000;
let locks = 0;

/** What a lock says about its holder: `PID HOST NONCE` (the nonce tells our own locks apart). */
function holderLine(): string {
  return `${process.pid} ${hostTag()} ${Date.now().toString(36)}.${++locks}\n`;
}

/** Creates the lock with its holder's line; false when it exists. */
function createLock(lock: string, holder: string): boolean {
  let fd: number;
  try {
    // O_EXCL: never follows a link or reuses a file already there.
    fd = openSync(lock, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new LockError(`cannot take the lock ${lock} (${errnoText(error)}); nothing was changed`, { cause: error });
  }
  try {
    writeSync(fd, holder);
  } catch (error) {
    // A full disk (ENOSPC) or quota: no empty lock is left behind for others to wait on.
    closeSync(fd);
    rmSync(lock, { force: true });
    throw new LockError(`cannot take the lock ${lock} (${errnoText(error)}); nothing was changed`, { cause: error });
  }
  closeSync(fd);
  return true;
}

interface LockSeen {
  text: string;
  ino: number;
  ageMs: number;
}

function readLock(lock: string): LockSeen | undefined {
  try {
    const { ino, mtimeMs } = lstatSync(lock);
    const text = readOwnFile(lock);
    return text === undefined ? undefined : { text, ino, ageMs: Date.now() - mtimeMs };
  } catch {
    return undefined;
  }
}

function isStale(seen: LockSeen, staleMs: number): boolean {
  const m = /^(\d+) ([0-9a-f]{8}) \S+\n$/.exec(seen.text);
  if (!m) return seen.ageMs > EMPTY_LOCK_GRACE_MS; // died before writing its line (or an old awsenv's empty lock)
  if (m[2] === hostTag() && Number(m[1]) !== process.pid && processGone(Number(m[1]))) return true;
  return seen.ageMs > staleMs;
}

/**
 * Removes `lock` if it is stale. Two waiters may both judge the same dead holder's lock
 * stale; if the first removed it and a third process created a new one before the second
 * removed "it", the second would remove a live lock. So a takeover happens under a guard
 * (`.lock.takeover`, O_EXCL), and only if the lock is still the very file judged stale.
 */
function breakIfStale(lock: string, staleMs: number): void {
  const seen = readLock(lock);
  if (!seen || !isStale(seen, staleMs)) return;
  const guard = `${lock}.takeover`;
  if (!createLock(guard, holderLine())) {
    const held = readLock(guard);
    // A guard outlives its takeover only if its holder died inside it.
    if (held && isStale(held, GUARD_STALE_MS)) rmSync(guard, { force: true });
    return;
  }
  try {
    const again = readLock(lock);
    if (again && again.ino === seen.ino && again.text === seen.text) unlinkSync(lock);
  } catch {
    // gone already
  } finally {
    rmSync(guard, { force: true });
  }
}

/**
 * Where the index of a big shared file's headers is kept between runs (files/index-cache.ts):
 * files/ in the cache directory, trusted as the sessions are.
 */
export function profileIndexCache(env: Env): IndexCache {
  const dir = join(cacheDir(env), 'files');
  return { dir, trusted: () => trustDir(cacheDir(env), true) && trustDir(dir, true) };
}
