// Resolver logic with an injected STS: what moto_server cannot carry (MFA codes, external
// ids, MFA sessions used for AssumeRole) is checked here; the rest also runs end to end
// in test/e2e/sts.test.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SessionCache } from '../../src/sessions/cache.js';
import { loadProfiles, type ProfileSet } from '../../src/files/profiles.js';
import { explain } from '../../src/sessions/sts-sdk.js';
import type { AssumeRoleRequest, SessionRequest, StsPort } from '../../src/sessions/sts.js';
import { type ResolveDeps, Resolver } from '../../src/core/resolve.js';

function profilesFrom(config: string, credentials: string): ProfileSet {
  writeFileSync(join(dir, 'config'), config);
  writeFileSync(join(dir, 'credentials'), credentials);
  return loadProfiles({ AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') });
}

class FakeSts implements StsPort {
  async callerIdentity() {
    return { arn: 'arn:aws:iam::1:user/me', account: '1' };
  }
  sessions: SessionRequest[] = [];
  roles: AssumeRoleRequest[] = [];
  n = 0;
  async getSessionToken(r: SessionRequest) {
    this.sessions.push(r);
    if (r.mfaCode === '000000') {
      throw explain({ name: 'AccessDenied', message: 'MultiFactorAuthentication failed with invalid MFA one time pass code.' }, 'getting an MFA session', {});
    }
    return { accessKeyId: `ASIASESSION${++this.n}`, secretAccessKey: 's', sessionToken: `t${this.n}`, expiration: new Date(Date.now() + 3600_000) };
  }
  async assumeRole(r: AssumeRoleRequest) {
    this.roles.push(r);
    if (r.externalId === 'wrong') {
      throw explain({ name: 'AccessDenied', message: 'User is not authorized to perform: sts:AssumeRole on resource' }, `assuming ${r.roleArn}`, {});
    }
    return { accessKeyId: `ASIAROLE${++this.n}`, secretAccessKey: 's', sessionToken: `t${this.n}`, expiration: new Date(Date.now() + 3600_000) };
  }
}

const CONFIG = `
[profile a]
role_arn = arn:aws:iam::1:role/a
source_profile = base
mfa_serial = arn:aws:iam::1:mfa/me
[profile b]
role_arn = arn:aws:iam::1:role/b
source_profile = base
mfa_serial = arn:aws:iam::1:mfa/me
external_id = ext-123
duration_seconds = 1800
[profile wrong-ext]
role_arn = arn:aws:iam::1:role/b
source_profile = base
external_id = wrong
[profile chained]
role_arn = arn:aws:iam::1:role/c
source_profile = a
mfa_serial = arn:aws:iam::1:mfa/me
[profile self]
role_arn = arn:aws:iam::1:role/self
source_profile = self
[profile env]
role_arn = arn:aws:iam::1:role/env
credential_source = Environment
`;
const CREDENTIALS = `
[base]
aws_access_key_id = AKIABASE
aws_secret_access_key = base-secret
[self]
aws_access_key_id = AKIASELF
aws_secret_access_key = self-secret
`;

const r = suite('Resolver');
let dir: string;
let sts: FakeSts;
let asked: string[];
const deps = (env: Record<string, string> = {}): ResolveDeps => ({
  env,
  now: () => new Date(),
  sts: async () => sts,
  cache: new SessionCache(join(dir, 'cache')),
  askMfaCode: async (serial) => {
    asked.push(serial);
    return '123456';
  },
  runProcess: async () => assert.unreachable('no process') as never,
  sso: async () => assert.unreachable('no sso') as never,
});
r.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'awsenv-resolve-'));
  sts = new FakeSts();
  asked = [];
});
r.after.each(() => rmSync(dir, { recursive: true, force: true }));

r('one MFA code serves every role that shares the source: one session, two roles', async () => {
  const set = profilesFrom(CONFIG, CREDENTIALS);
  const a = await new Resolver(set, deps()).resolve('a');
  const b = await new Resolver(set, deps()).resolve('b');
  assert.equal(asked, ['arn:aws:iam::1:mfa/me'], 'asked once');
  assert.is(sts.sessions.length, 1);
  assert.is(sts.sessions[0]!.source.accessKeyId, 'AKIABASE');
  assert.is(sts.roles.length, 2);
  for (const role of sts.roles) {
    assert.is(role.source.accessKeyId, 'ASIASESSION1', 'assumed with the MFA session');
    assert.is(role.mfaSerial, undefined, 'no second code');
  }
  assert.is(sts.roles[1]!.externalId, 'ext-123');
  assert.is(sts.roles[1]!.durationSeconds, 1800);
  assert.match(a.credentials.accessKeyId, /^ASIAROLE/);
  assert.is(b.from, 'sts');
  const again = await new Resolver(set, deps()).resolve('b');
  assert.is(again.from, 'cache');
  assert.is(sts.roles.length, 2);
});

r('--refresh renews the role but keeps the MFA session (no new code)', async () => {
  const set = profilesFrom(CONFIG, CREDENTIALS);
  await new Resolver(set, deps()).resolve('a');
  await new Resolver(set, deps(), { refresh: true }).resolve('a');
  assert.is(sts.roles.length, 2);
  assert.is(sts.sessions.length, 1);
  assert.is(asked.length, 1);
});

r('a role whose source is already temporary passes the MFA code to AssumeRole', async () => {
  const set = profilesFrom(CONFIG, CREDENTIALS);
  await new Resolver(set, deps(), { mfaCode: '654321' }).resolve('chained');
  const last = sts.roles.at(-1)!;
  assert.is(last.roleArn, 'arn:aws:iam::1:role/c');
  assert.is(last.mfaSerial, 'arn:aws:iam::1:mfa/me');
  assert.is(last.mfaCode, '654321');
});

r('a rejected MFA code: one sentence with a next step, nothing cached', async () => {
  const set = profilesFrom(CONFIG, CREDENTIALS);
  try {
    await new Resolver(set, deps(), { mfaCode: '000000' }).resolve('a');
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /rejected the MFA code.*next code/);
  }
  assert.is(new SessionCache(join(dir, 'cache')).read('x', new Date()), undefined);
});

r('a bad external id: the role cannot be assumed, and the message says what to check', async () => {
  const set = profilesFrom(CONFIG, CREDENTIALS);
  try {
    await new Resolver(set, deps()).resolve('wrong-ext');
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /assuming arn:aws:iam::1:role\/b failed.*external_id/);
  }
});

r('source_profile naming itself uses its own keys; credential_source = Environment reads the env', async () => {
  const set = profilesFrom(CONFIG, CREDENTIALS);
  await new Resolver(set, deps()).resolve('self');
  assert.is(sts.roles[0]!.source.accessKeyId, 'AKIASELF');
  await new Resolver(set, deps({ AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: 'x' })).resolve('env');
  assert.is(sts.roles[1]!.source.accessKeyId, 'AKIAENV');
});

r('RoleSessionName: awsenv-USER by default, role_session_name when set, and changing it gets a new session', async () => {
  const config = (name?: string) => `[profile named]\nrole_arn = arn:aws:iam::1:role/n\nsource_profile = base\n${name ? `role_session_name = ${name}\n` : ''}`;
  await new Resolver(profilesFrom(config(), CREDENTIALS), deps()).resolve('named');
  assert.is(sts.roles[0]!.sessionName, `awsenv-${userInfo().username}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64));
  await new Resolver(profilesFrom(config(), CREDENTIALS), deps()).resolve('named');
  assert.is(sts.roles.length, 1, 'the default name: served from the cache');
  await new Resolver(profilesFrom(config('ci-job'), CREDENTIALS), deps()).resolve('named');
  assert.is(sts.roles.length, 2, 'a named session is another session');
  assert.is(sts.roles[1]!.sessionName, 'ci-job');
  await new Resolver(profilesFrom(config('ci-job'), CREDENTIALS), deps()).resolve('named');
  await new Resolver(profilesFrom(config('other'), CREDENTIALS), deps()).resolve('named');
  assert.equal(sts.roles.map((role) => role.sessionName).slice(1), ['ci-job', 'other']);
});

r('offline: a cached session is served, a missing one is not fetched', async () => {
  const set = profilesFrom(CONFIG, CREDENTIALS);
  try {
    await new Resolver(set, deps(), { offline: true }).resolve('a');
    assert.unreachable();
  } catch (e) {
    assert.is((e as Error).name, 'NeedsRequest');
  }
  assert.is(sts.sessions.length + sts.roles.length, 0);
});
r.run();

const ex = suite('explain (STS errors → one sentence)');
ex('maps the codes AWS answers with', () => {
  const m = (name: string, message = '') => explain({ name, message }, 'x', { AWS_ENDPOINT_URL_STS: 'http://sts.test' }).message;
  assert.match(m('InvalidClientTokenId', 'The security token included in the request is invalid.'), /does not know this access key/);
  assert.match(m('SignatureDoesNotMatch'), /secret access key does not match/);
  assert.match(m('ExpiredToken'), /--refresh/);
  assert.match(m('RequestExpired'), /clock/);
  assert.match(m('TimeoutError'), /no answer from http:\/\/sts\.test/);
  assert.match(explain({ name: 'Error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, 'x', {}).message, /cannot reach/);
});
ex.run();
