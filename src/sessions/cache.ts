// The session cache shared by every shell: one JSON file per session key in a 0700
// directory, files 0600, written atomically (util/atomic.ts: a crash leaves the old file or
// none), read back through zod (a corrupt or foreign file is ignored and replaced).
// A lock per key makes concurrent `awsenv use` wait for the first one's STS call, so ten
// shells started at once ask once, and one MFA code serves them all. The same locks
// serialise edits of the credentials file (aws/edit-file.ts).
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
// zod/mini: the same validation as zod, a fraction of the size on the path every `use` takes.
import * as z from 'zod/mini';
import type { Credentials } from '../core/environment.js';
import type { Env } from '../files/files.js';
import { homeOf } from '../files/files.js';
import { sha256Hex } from '../util/hash.js';
import { lazy } from '../util/lazy.js';
import { hostTag, processGone, sweepTemps, writeFileAtomic } from '../util/atomic.js';

export function cacheDir(env: Env): string {
  if (env.AWSENV_CACHE_DIR) return env.AWSENV_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'awsenv');
  return join(homeOf(env), '.cache', 'awsenv');
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
  constructor(readonly dir: string) {}

  private path(key: string): string {
    return join(this.dir, `${key}.json`);
  }

  private ensureDir(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    // mkdir's mode is masked by umask and not applied to an existing directory.
    if ((statSync(this.dir).mode & 0o777) !== 0o700) chmodSync(this.dir, 0o700);
  }

  /** The session if present, valid and not within the refresh margin of its end. */
  read(key: string, now: Date): CachedSession | undefined {
    let text: string;
    try {
      text = readFileSync(this.path(key), 'utf8');
    } catch {
      return undefined;
    }
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
    this.ensureDir();
    // The directory is awsenv's own: every killed writer's leftover goes, not only this key's.
    sweepTemps(this.dir);
    // Not through links: a link planted in the cache directory is replaced, not followed.
    writeFileAtomic(this.path(key), `${JSON.stringify(session)}\n`, { mode: 0o600 });
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
    const lock = join(this.dir, `${key}.lock`);
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
}

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
    fd = openSync(lock, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, holder);
  } finally {
    closeSync(fd);
  }
  return true;
}

interface LockSeen {
  text: string;
  ino: number;
  ageMs: number;
}

function readLock(lock: string): LockSeen | undefined {
  try {
    const { ino, mtimeMs } = statSync(lock);
    return { text: readFileSync(lock, 'utf8'), ino, ageMs: Date.now() - mtimeMs };
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
