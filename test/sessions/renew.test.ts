// The renewal schedule with an injected clock, timers and session source: when a session
// is renewed, that a request never waits for a renewal while the session is valid, that a
// session renewed elsewhere (the shared cache) is taken, and that a failure is said once.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RENEW_BEFORE_MS, Renewer, RETRY_MS } from '../../src/sessions/renew.js';
import { CannotServe, type ServedCredentials } from '../../src/sessions/server.js';

const MIN = 60_000;
const test = suite('Renewer');

function harness(life = 60 * MIN) {
  let now = Date.parse('2026-12-01T00:00:00Z');
  const timers: { at: number; f: () => void; cleared: boolean }[] = [];
  const warnings: string[] = [];
  const asked: boolean[] = [];
  let n = 0;
  let fail: string | undefined;
  let cached: ServedCredentials | undefined;
  const session = (): ServedCredentials => ({ accessKeyId: `ASIA${++n}`, secretAccessKey: 's', sessionToken: 't', expiration: new Date(now + life) });
  const renewer = new Renewer({
    what: "the session of 'admin'",
    now: () => new Date(now),
    warn: (m) => warnings.push(m),
    obtain: async (fresh) => {
      asked.push(fresh);
      if (fail) throw new Error(fail);
      if (!fresh && cached) return cached;
      cached = session();
      return cached;
    },
    setTimer: (f, ms) => {
      const t = { at: now + ms, f, cleared: false };
      timers.push(t);
      return { clear: () => (t.cleared = true) };
    },
  });
  return {
    renewer,
    warnings,
    asked,
    first: () => (cached = session()),
    setCached: (c: ServedCredentials) => (cached = c),
    session,
    fail: (m: string | undefined) => (fail = m),
    /** Moves the clock, firing due timers in order. */
    async advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const due = timers.filter((t) => !t.cleared && t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        due.cleared = true;
        now = Math.max(now, due.at);
        due.f();
        await renewer.settled();
      }
      now = end;
    },
    now: () => now,
  };
}

test('a one-hour session is renewed 20 minutes before its end, in the background', async () => {
  const h = harness();
  await h.renewer.start(h.first());
  assert.is((await h.renewer.credentials()).accessKeyId, 'ASIA1');
  await h.advance(40 * MIN - 1000);
  assert.is((await h.renewer.credentials()).accessKeyId, 'ASIA1');
  assert.equal(h.asked, []);
  await h.advance(1000);
  // The cache still held ASIA1, the session being replaced: a new one was made.
  assert.equal(h.asked, [false, true]);
  const c = await h.renewer.credentials();
  assert.is(c.accessKeyId, 'ASIA2');
  assert.ok(c.expiration.getTime() - h.now() > RENEW_BEFORE_MS, 'handed out with more than any SDK window left');
  assert.equal(h.warnings, []);
});

test('a 15-minute session is renewed after two thirds of its life, not at once', async () => {
  const h = harness(15 * MIN);
  await h.renewer.start(h.first());
  await h.advance(10 * MIN - 1000);
  assert.equal(h.asked, []);
  await h.advance(1000);
  assert.is((await h.renewer.credentials()).accessKeyId, 'ASIA2');
});

test('a session another process renewed (in the shared cache) is taken without a request', async () => {
  const h = harness();
  await h.renewer.start(h.first());
  await h.advance(30 * MIN);
  h.setCached(h.session()); // ASIA2, made by another shell, an hour from now
  await h.advance(30 * MIN);
  assert.equal(h.asked, [false]);
  assert.is((await h.renewer.credentials()).accessKeyId, 'ASIA2');
});

test('a failed renewal: the valid session is still served, one warning, retried, then recovered', async () => {
  const h = harness();
  await h.renewer.start(h.first());
  h.fail('it needs an MFA code and awsenv has no terminal to ask on');
  await h.advance(40 * MIN);
  await h.advance(3 * RETRY_MS);
  assert.is((await h.renewer.credentials()).accessKeyId, 'ASIA1');
  await h.renewer.settled(); // the renewal that request started (it fails alike)
  assert.is(h.warnings.length, 1, h.warnings.join('\n'));
  assert.match(h.warnings[0]!, "cannot renew the session of 'admin': it needs an MFA code");
  assert.match(h.warnings[0]!, 'end at 2026-12-01T01:00:00Z');
  h.fail(undefined);
  await h.advance(RETRY_MS);
  assert.is((await h.renewer.credentials()).accessKeyId, 'ASIA2');
  assert.equal(h.warnings.slice(1), ["renewed the session of 'admin'"]);
});

test('after its end, with renewal failing, a request gets CannotServe with the reason', async () => {
  const h = harness();
  await h.renewer.start(h.first());
  h.fail('STS is unreachable');
  await h.advance(61 * MIN);
  try {
    await h.renewer.credentials();
    assert.unreachable('served an ended session');
  } catch (error) {
    assert.instance(error, CannotServe);
    assert.match((error as Error).message, "the session of 'admin' has ended and could not be renewed: STS is unreachable");
  }
});

test('the test-only short life caps what is handed out', async () => {
  const h = harness();
  const r = new Renewer({ what: 'x', now: () => new Date(h.now()), warn: () => {}, obtain: async () => h.session(), lifeMs: 6000, setTimer: () => ({ clear() {} }) });
  await r.start(h.session());
  assert.is((await r.credentials()).expiration.getTime() - h.now(), 6000);
});

test.run();
