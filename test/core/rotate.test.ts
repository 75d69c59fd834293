// rotate's logic with an injected IAM, STS, clock and file writer: the undo paths that need
// two faults at once (a write-back that fails too, a delete that fails), the waiting
// schedule, and the MFA decisions. The same flow runs end to end in test/e2e/rotate.test.ts.
// Also the pure key swap of the credentials file's text (files/edit.ts replaceKeys).
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type RotateDeps, rotateKey, WAIT_LIMIT_MS } from '../../src/core/rotate.js';
import { mfaSessionKey } from '../../src/core/resolve.js';
import { replaceKeys } from '../../src/files/edit.js';
import { loadProfiles, type ProfileSet } from '../../src/files/profiles.js';
import { SessionCache, toCached } from '../../src/sessions/cache.js';
import type { AccessKeyInfo, IamPort } from '../../src/sessions/iam.js';
import { IamError } from '../../src/sessions/iam-sdk.js';
import type { Credentials } from '../../src/core/environment.js';
import type { StsPort } from '../../src/sessions/sts.js';
import { StsError } from '../../src/sessions/sts-sdk.js';

const OLD = { accessKeyId: 'AKIAOLDOLDOLDOLD0001', secretAccessKey: 'old/secret+0000000000000000000000000001' };
const ARN = 'arn:aws:iam::123456789012:user/team/alice';

let dir: string;
function profilesFrom(config: string, credentials: string): ProfileSet {
  writeFileSync(join(dir, 'config'), config);
  writeFileSync(join(dir, 'credentials'), credentials);
  return loadProfiles({ AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') });
}
const keysText = `[alice]\naws_access_key_id = ${OLD.accessKeyId}\naws_secret_access_key = ${OLD.secretAccessKey}\n`;

/** An IAM of one user, with knobs for each refusal. */
class FakeIam implements IamPort {
  keys: AccessKeyInfo[] = [{ accessKeyId: OLD.accessKeyId, status: 'Active', createDate: new Date('2026-01-01T00:00:00Z') }];
  calls: string[] = [];
  /** Calls refused, by name; 'mfa' refuses all but listMfaDevices unless signed with a session. */
  refuse = new Set<string>();
  mfaRequired = false;
  devices = ['arn:aws:iam::123456789012:mfa/alice'];
  n = 0;
  constructor(private readonly with_: Credentials) {}
  private gate(call: string) {
    this.calls.push(call);
    if (this.refuse.has(call)) throw new IamError('AccessDenied', `iam:${call} failed: AccessDenied: not authorized`);
    if (this.mfaRequired && call !== 'listMfaDevices' && !this.with_.sessionToken) {
      throw new IamError('AccessDenied', `iam:${call} failed: AccessDenied: not authorized with an explicit deny in an identity-based policy`);
    }
  }
  async listAccessKeys() {
    this.gate('listAccessKeys');
    return this.keys.map((k) => ({ ...k }));
  }
  async lastUsed() {
    this.gate('lastUsed');
    return { date: undefined, service: undefined, region: undefined };
  }
  async createAccessKey() {
    this.gate('createAccessKey');
    const k = { accessKeyId: `AKIANEWNEWNEWNEW000${++this.n}`, secretAccessKey: `new/secret+${this.n}`, createDate: new Date() };
    this.keys.push({ accessKeyId: k.accessKeyId, status: 'Active', createDate: k.createDate });
    return k;
  }
  async deleteAccessKey(_user: string, id: string) {
    this.gate('deleteAccessKey');
    this.keys = this.keys.filter((k) => k.accessKeyId !== id);
  }
  async deactivateAccessKey(_user: string, id: string) {
    this.gate('deactivateAccessKey');
    this.keys.find((k) => k.accessKeyId === id)!.status = 'Inactive';
  }
  async listMfaDevices() {
    this.gate('listMfaDevices');
    return this.devices;
  }
}

interface Harness {
  deps: RotateDeps;
  said: string[];
  writes: { from: string; to: string }[];
  iams: FakeIam[];
  /** The fake clock, in ms since the start. */
  clock: { ms: number };
  sts: { accepts: (id: string) => boolean; calls: number; sessions: number };
  failWrites: number[];
}

function harness(configure: (iam: FakeIam) => void = () => {}): Harness {
  const clock = { ms: 0 };
  const said: string[] = [];
  const writes: { from: string; to: string }[] = [];
  const iams: FakeIam[] = [];
  const failWrites: number[] = [];
  const sts = { accepts: (_id: string) => true, calls: 0, sessions: 0 };
  const shared = { keys: undefined as AccessKeyInfo[] | undefined };
  const stsPort: StsPort = {
    async callerIdentity(c) {
      sts.calls++;
      clock.ms += 100; // a request takes a while
      if (c.accessKeyId === OLD.accessKeyId || sts.accepts(c.accessKeyId)) return { arn: ARN, account: '123456789012' };
      throw new StsError('InvalidClientTokenId', 'GetCallerIdentity failed: AWS does not know this access key');
    },
    async getSessionToken() {
      sts.sessions++;
      return { accessKeyId: 'ASIASESSION000000001', secretAccessKey: 'session/secret', sessionToken: 'token', expiration: new Date(Date.now() + 3600_000) };
    },
    async assumeRole() {
      throw new Error('not used');
    },
    async assumeRoleWithWebIdentity() {
      throw new Error('not used');
    },
  };
  const deps: RotateDeps = {
    env: {},
    now: () => new Date(Date.parse('2026-06-01T00:00:00Z') + clock.ms),
    sts: async () => stsPort,
    iam: async (_region, credentials) => {
      const iam = new FakeIam(credentials);
      // One IAM state behind every client.
      if (shared.keys) iam.keys = shared.keys;
      configure(iam);
      const proxy = new Proxy(iam, {
        get(target, prop, receiver) {
          const v = Reflect.get(target, prop, receiver);
          return typeof v === 'function' ? async (...a: unknown[]) => {
            const r = await v.apply(target, a);
            shared.keys = target.keys;
            return r;
          } : v;
        },
      });
      iams.push(iam);
      return proxy;
    },
    cache: new SessionCache(join(dir, 'cache')),
    askMfaCode: async () => {
      throw new Error('no terminal');
    },
    progress: () => () => {},
    say: (m) => said.push(m),
    sleep: async (ms) => {
      clock.ms += ms;
    },
    writeKeys: async (file, _section, from, to) => {
      writes.push({ from, to: to.accessKeyId });
      if (failWrites.includes(writes.length)) throw new Error(`${file} cannot be written (EROFS); it was left as it was`);
      return { target: file };
    },
  };
  return { deps, said, writes, iams, clock, sts, failWrites };
}

const noSecret = (h: Harness, error?: unknown) => {
  const text = [...h.said, error instanceof Error ? error.message : ''].join('\n');
  assert.not.ok(text.includes(OLD.secretAccessKey), 'the old secret was printed');
  assert.not.ok(/new\/secret/.test(text), 'a new secret was printed');
  assert.not.ok(text.includes(OLD.accessKeyId), 'an unmasked key id');
};

const core = suite('rotate: the flow with an injected IAM and STS');
core.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'awsenv-rotate-'));
});
core.after.each(() => rmSync(dir, { recursive: true, force: true }));

core('the happy path: create, write, check, delete, in that order', async () => {
  const h = harness();
  const r = await rotateKey(profilesFrom('', keysText), 'alice', {}, h.deps);
  assert.is(r.user, 'alice', 'the user name comes from the ARN, path and all');
  assert.equal(h.writes, [{ from: OLD.accessKeyId, to: r.newKeyId }]);
  assert.equal(h.iams.at(-1)!.calls, ['listAccessKeys', 'createAccessKey', 'deleteAccessKey']);
  assert.equal(h.iams.at(-1)!.keys.map((k) => k.accessKeyId), [r.newKeyId]);
  noSecret(h);
});

core('the new key never works: tries with backoff for the whole 15 s, puts the old key back, deletes the new one', async () => {
  const h = harness();
  h.sts.accepts = () => false;
  const error = await rotateKey(profilesFrom('', keysText), 'alice', {}, h.deps).catch((e: unknown) => e);
  assert.instance(error, Error);
  assert.match((error as Error).message, /stopped at waiting for the new key: AWS did not accept AKIA…0001 within 1[56]\.\d s/);
  assert.ok(h.clock.ms >= WAIT_LIMIT_MS && h.clock.ms < WAIT_LIMIT_MS + 1000, `waited ${h.clock.ms} ms`);
  assert.ok(h.sts.calls >= 8, `${h.sts.calls} tries`);
  assert.equal(h.writes.map((w) => w.to), ['AKIANEWNEWNEWNEW0001', OLD.accessKeyId], 'written, then the old key put back');
  assert.equal(h.iams.at(-1)!.keys.map((k) => k.accessKeyId), [OLD.accessKeyId]);
  noSecret(h, error);
});

core('the new key never works and the old one cannot be put back: the new key stays (it is in the file), the old one too', async () => {
  const h = harness();
  h.sts.accepts = () => false;
  h.failWrites.push(2);
  const error = (await rotateKey(profilesFrom('', keysText), 'alice', {}, h.deps).catch((e: unknown) => e)) as Error;
  assert.match(error.message, 'putting AKIA…0001 back into');
  assert.match(error.message, 'the old key is still active in IAM');
  assert.equal(h.iams.at(-1)!.keys.map((k) => k.accessKeyId).sort(), [OLD.accessKeyId, 'AKIANEWNEWNEWNEW0001'].sort(), 'neither key deleted');
  noSecret(h, error);
});

core('the file cannot be written and the new key cannot be deleted again: says how to delete it by hand', async () => {
  const iamRefuses = harness((iam) => iam.refuse.add('deleteAccessKey'));
  iamRefuses.failWrites.push(1);
  const error = (await rotateKey(profilesFrom('', keysText), 'alice', {}, iamRefuses.deps).catch((e: unknown) => e)) as Error;
  assert.match(error.message, 'stopped at writing the new key into');
  assert.match(error.message, 'deleting the new key AKIA…0001 again failed too');
  assert.match(error.message, 'aws iam delete-access-key --user-name alice --access-key-id ID` with the id ending in 0001');
  assert.match(error.message, 'works as before');
  noSecret(iamRefuses, error);
});

core('deleting the old key fails: the new key is in the file and works, and the message says what is left', async () => {
  const h = harness((iam) => iam.refuse.add('deleteAccessKey'));
  const error = (await rotateKey(profilesFrom('', keysText), 'alice', {}, h.deps).catch((e: unknown) => e)) as Error;
  assert.match(error.message, 'stopped at deleting the old key');
  assert.match(error.message, 'is in');
  assert.match(error.message, 'and works, but AKIA…0001 is still active');
  noSecret(h, error);
});

core('MFA: an explicit deny with mfa_serial known from a role built on the keys leads to an MFA session; the code is checked first', async () => {
  const config = '[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/d\nsource_profile = alice\nmfa_serial = arn:aws:iam::123456789012:mfa/from-role\n';
  const bad = harness((iam) => (iam.mfaRequired = true));
  const badError = (await rotateKey(profilesFrom(config, keysText), 'alice', { mfaCode: '12345' }, bad.deps).catch((e: unknown) => e)) as Error;
  assert.match(badError.message, 'six digits');
  assert.is(bad.sts.sessions, 0);

  const h = harness((iam) => (iam.mfaRequired = true));
  const r = await rotateKey(profilesFrom(config, keysText), 'alice', { mfaCode: '123456' }, h.deps);
  assert.ok(r.newKeyId);
  assert.is(h.sts.sessions, 1);
  assert.ok(h.said.some((l) => l.includes('got an MFA session for arn:aws:iam::123456789012:mfa/from-role')));
  assert.ok(!h.said.join('\n').includes('123456\n'));
});

core('MFA: no serial in the files and none listed in IAM: stops, saying where to add mfa_serial', async () => {
  const h = harness((iam) => {
    iam.mfaRequired = true;
    iam.devices = [];
  });
  // An explicit deny alone does not say MFA: with no serial known, it is just a refusal.
  const plain = (await rotateKey(profilesFrom('', keysText), 'alice', {}, h.deps).catch((e: unknown) => e)) as Error;
  assert.match(plain.message, 'stopped before changing anything: iam:listAccessKeys failed: AccessDenied');
  const named = harness();
  named.deps.iam = async (_region, c) => {
    const iam = new FakeIam(c);
    iam.devices = [];
    iam.listAccessKeys = async () => {
      throw new IamError('AccessDenied', 'iam:ListAccessKeys failed: AccessDenied: MFA is required for this action');
    };
    return iam;
  };
  const error = (await rotateKey(profilesFrom('', keysText), 'alice', {}, named.deps).catch((e: unknown) => e)) as Error;
  assert.match(error.message, 'IAM requires MFA for alice\'s keys, and no MFA device is known; add mfa_serial = ARN to [profile alice]');
});

core('an MFA profile reuses its cached session: no code asked, no STS session made', async () => {
  const h = harness((iam) => (iam.mfaRequired = true));
  const set = profilesFrom('[profile alice]\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n', keysText);
  const key = mfaSessionKey(OLD, 'arn:aws:iam::123456789012:mfa/alice', undefined);
  h.deps.cache.write(key, toCached('alice', { accessKeyId: 'ASIACACHED0000000001', secretAccessKey: 'c', sessionToken: 't', expiration: new Date(Date.now() + 3600_000) }, true));
  // The rotation's own clock is fixed in June 2026; the cache is read with it.
  h.deps.now = () => new Date();
  const r = await rotateKey(set, 'alice', {}, h.deps);
  assert.ok(r.newKeyId);
  assert.is(h.sts.sessions, 0);
  assert.ok(h.said.some((l) => l.includes('using the cached MFA session')));
  assert.is(readdirSync(join(dir, 'cache')).filter((f) => /^[0-9a-f]{40}\.json$/.test(f)).length, 0, 'and drops it afterwards (made from the old key)');
});

core('keys not of an IAM user (root), and keys kept in config, are refused before any IAM call', async () => {
  const h = harness();
  h.deps.sts = async () => ({
    callerIdentity: async () => ({ arn: 'arn:aws:iam::123456789012:root', account: '123456789012' }),
    getSessionToken: async () => {
      throw new Error('x');
    },
    assumeRole: async () => {
      throw new Error('x');
    },
    assumeRoleWithWebIdentity: async () => {
      throw new Error('x');
    },
  });
  const root = (await rotateKey(profilesFrom('', keysText), 'alice', {}, h.deps).catch((e: unknown) => e)) as Error;
  assert.match(root.message, 'not to an IAM user');
  assert.is(h.iams.length, 0);
  const inConfig = (await rotateKey(profilesFrom(`[profile cfg]\naws_access_key_id = ${OLD.accessKeyId}\naws_secret_access_key = x\n`, ''), 'cfg', {}, harness().deps).catch((e: unknown) => e)) as Error;
  assert.match(inConfig.message, 'awsenv rotate edits only the credentials file');
});

core.run();

const edit = suite('replaceKeys: the pair swapped where it stands, every other byte kept');
const NEW = { accessKeyId: 'AKIANEWNEWNEWNEW0001', secretAccessKey: 'new/secret+1' };

edit('CRLF, comments, odd spacing, a last line without a newline, and other sections stay', () => {
  const text = `; top\r\n[a]\r\naws_access_key_id=${OLD.accessKeyId}\r\n  # note\r\naws_secret_access_key   :\t${OLD.secretAccessKey}\r\nregion = x\r\n[b]\r\naws_access_key_id = ${OLD.accessKeyId}\r\naws_secret_access_key = other`;
  const out = replaceKeys(text, 'f', 'a', OLD.accessKeyId, NEW);
  assert.is(out, text.replace(`aws_access_key_id=${OLD.accessKeyId}`, `aws_access_key_id=${NEW.accessKeyId}`).replace(OLD.secretAccessKey, NEW.secretAccessKey));
});

edit('a continuation line under the old secret goes with it', () => {
  const text = `[a]\naws_access_key_id = ${OLD.accessKeyId}\naws_secret_access_key = ${OLD.secretAccessKey}\n  more\nregion = x\n`;
  assert.is(replaceKeys(text, 'f', 'a', OLD.accessKeyId, NEW), `[a]\naws_access_key_id = ${NEW.accessKeyId}\naws_secret_access_key = ${NEW.secretAccessKey}\nregion = x\n`);
});

edit('refuses when the section no longer holds the old key, or has no secret, naming neither secret', () => {
  const text = `[a]\naws_access_key_id = AKIAOTHEROTHEROTHER1\naws_secret_access_key = s\n`;
  assert.throws(() => replaceKeys(text, 'f', 'a', OLD.accessKeyId, NEW), /no longer holds the key AKIA…0001/);
  assert.throws(() => replaceKeys(`[a]\naws_access_key_id = ${OLD.accessKeyId}\n`, 'f', 'a', OLD.accessKeyId, NEW), /has no aws_secret_access_key/);
  assert.throws(() => replaceKeys(`[a]\naws_access_key_id = ${OLD.accessKeyId}\naws_secret_access_key = s\n`, 'f', 'a', OLD.accessKeyId, { ...NEW, secretAccessKey: 'x\ny' }), (e: Error) => !e.message.includes('x\ny'));
});

edit.run();
