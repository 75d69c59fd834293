// The session cache shared by every shell: one JSON file per session key in a 0700
// directory, files 0600, written to a temporary file and renamed (a crash leaves the old
// file or none), read back through zod (a corrupt or foreign file is ignored and replaced).
// A lock per key makes concurrent `awsenv use` wait for the first one's STS call, so ten
// shells started at once ask once, and one MFA code serves them all.
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
// zod/mini: the same validation as zod, a fraction of the size on the path every `use` takes.
import * as z from 'zod/mini';
import type { Credentials } from '../core/environment.js';
import type { Env } from './files.js';
import { homeOf } from './files.js';
import { sha256Hex } from '../util/hash.js';
import { lazy } from '../util/lazy.js';

let writes = 0;

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

  /** Every valid entry for a profile, newest expiry first (for `list`). */
  write(key: string, session: CachedSession): void {
    this.ensureDir();
    const target = this.path(key);
    // Unique per process and write; 'wx' refuses to follow or reuse anything already there.
    const temp = `${target}.${process.pid}.${Date.now()}.${++writes}.tmp`;
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(session)}\n`);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
  }

  remove(key: string): void {
    rmSync(this.path(key), { force: true });
  }

  /**
   * Runs `fill` holding the key's lock (an O_EXCL lock file). A lock older than
   * `staleMs` is taken over: its holder died, or is waiting on a person for an MFA code.
   */
  async withLock<T>(key: string, fill: () => Promise<T>, staleMs = 120_000): Promise<T> {
    this.ensureDir();
    const lock = join(this.dir, `${key}.lock`);
    for (;;) {
      try {
        closeSync(openSync(lock, 'wx', 0o600));
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        try {
          if (Date.now() - statSync(lock).mtimeMs > staleMs) unlinkSync(lock);
        } catch {
          // gone already: try again
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    try {
      return await fill();
    } finally {
      rmSync(lock, { force: true });
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
