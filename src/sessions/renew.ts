// Keeps one session fresh for as long as a command runs: renewed ahead of its end, in the
// background, so that an SDK asking the credentials server never waits on STS or a person.
//
// When: the SDKs refresh container credentials before they end, each with its own window
// (botocore and the AWS CLI 15 min advisory and 10 min mandatory, the Java SDK v2 15 min,
// JS v3 and Go v2 5 min). A session renewed 20 minutes before its end is one that no SDK
// ever sees inside its window; a short session (STS's minimum is 15 minutes) is renewed
// after two thirds of its life instead, so that it is not renewed over and over.
import { CannotServe, rfc3339, type ServedCredentials } from './server.js';

export const RENEW_BEFORE_MS = 20 * 60_000;
/** After a failed renewal, the next try (sooner when a request finds the session ended). */
export const RETRY_MS = 30_000;
/** How long a request waits for a renewal it started before it is answered with an error. */
export const REQUEST_WAIT_MS = 4_000;

export interface RenewerOptions {
  /**
   * A session: `fresh` false may hand back one cached by another process; true must make a
   * new one. Throws an Error whose message says why (it reaches stderr and the child).
   */
  obtain(fresh: boolean): Promise<ServedCredentials>;
  now(): Date;
  /** One line on awsenv's stderr; never a secret. */
  warn(message: string): void;
  /** What the session is of, for messages: "the session of 'admin'". */
  what: string;
  /** How a person can help when a renewal fails: "renew it with `awsenv use admin` …". */
  hint?: string | undefined;
  /** Test-only: hand sessions out as if they lasted this many ms (AWSENV_TEST_SESSION_LIFE). */
  lifeMs?: number | undefined;
  setTimer?: (f: () => void, ms: number) => { clear(): void };
}

const defaultTimer = (f: () => void, ms: number) => {
  const t = setTimeout(f, Math.max(0, Math.min(ms, 2 ** 31 - 1)));
  // The command, not this timer, keeps the process alive.
  t.unref();
  return { clear: () => clearTimeout(t) };
};

export class Renewer {
  private current: ServedCredentials | undefined;
  /** The current session's end as STS gave it (what is served may be earlier in tests). */
  private realEnd = 0;
  private renewAt = 0;
  private running: Promise<void> | undefined;
  private timer: { clear(): void } | undefined;
  private failure: string | undefined;
  private stopped = false;
  /** How many sessions were obtained (the first included), for tests and the report. */
  renewals = 0;

  constructor(private readonly o: RenewerOptions) {}

  /** The first session, obtained as `use` would (a cached one is fine). */
  async start(first: ServedCredentials): Promise<void> {
    this.take(first);
  }

  stop(): void {
    this.stopped = true;
    this.timer?.clear();
  }

  /** What the server hands out now. */
  async credentials(): Promise<ServedCredentials> {
    const now = this.o.now().getTime();
    const c = this.current;
    if (c && c.expiration.getTime() > now) {
      if (now >= this.renewAt) void this.renew();
      return c;
    }
    // The session has ended (a renewal failed, or the machine slept past the timer).
    const wait = new Promise<'late'>((r) => setTimeout(() => r('late'), REQUEST_WAIT_MS).unref());
    const done = await Promise.race([this.renew().then(() => 'done' as const), wait]);
    const next = this.current;
    if (done === 'done' && next && next.expiration.getTime() > this.o.now().getTime()) return next;
    throw new CannotServe(
      'AwsenvSessionEnded',
      `awsenv: ${this.o.what} has ended and could not be renewed${this.failure ? `: ${this.failure}` : ' yet'}`,
    );
  }

  private take(c: ServedCredentials): void {
    const now = this.o.now().getTime();
    let expiration = c.expiration;
    if (this.o.lifeMs !== undefined) expiration = new Date(Math.min(expiration.getTime(), now + this.o.lifeMs));
    const served = { ...c, expiration };
    const left = expiration.getTime() - now;
    this.current = served;
    this.realEnd = c.expiration.getTime();
    this.renewAt = expiration.getTime() - Math.min(RENEW_BEFORE_MS, left / 3);
    this.renewals++;
    this.schedule(this.renewAt - now);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer?.clear();
    this.timer = (this.o.setTimer ?? defaultTimer)(() => void this.renew(), ms);
  }

  /** Resolves once no renewal is in flight. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  /** One renewal at a time; callers share it. */
  renew(): Promise<void> {
    this.running ??= this.renewOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async renewOnce(): Promise<void> {
    if (this.stopped) return;
    try {
      // Another process may have renewed it already (the cache is shared): take that one
      // unless it is the very session being replaced.
      let next = await this.o.obtain(false);
      if (this.isCurrent(next) || this.nearEnd(next)) next = await this.o.obtain(true);
      this.take(next);
      if (this.failure !== undefined) this.o.warn(`renewed ${this.o.what}`);
      this.failure = undefined;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // One line per distinct problem, not one per try.
      if (message !== this.failure) {
        const c = this.current;
        const ends = c ? `; the command's credentials ${c.expiration.getTime() > this.o.now().getTime() ? 'end' : 'ended'} at ${rfc3339(c.expiration)}` : '';
        this.o.warn(`cannot renew ${this.o.what}: ${message}${ends}${this.o.hint ? `; ${this.o.hint}` : ''}`);
      }
      this.failure = message;
      this.schedule(RETRY_MS);
    }
  }

  /** The very session being replaced (its token and its real end; a key id may repeat). */
  private isCurrent(c: ServedCredentials): boolean {
    return c.sessionToken === this.current?.sessionToken && c.expiration.getTime() === this.realEnd;
  }

  /** A session that would itself be due for renewal at once is not worth taking. */
  private nearEnd(c: ServedCredentials): boolean {
    return c.expiration.getTime() - this.o.now().getTime() < Math.min(RENEW_BEFORE_MS, 5 * 60_000);
  }
}
