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
import type { AssumeRoleRequest, SessionRequest, StsPort, WebIdentityRequest } from '../../src/sessions/sts.js';
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
  webIdentity: WebIdentityRequest[] = [];
  async assumeRoleWithWebIdentity(r: WebIdentityRequest) {
    this.webIdentity.push(r);
    return { accessKeyId: `ASIAWEB${++this.n}`, secretAccessKey: 's', sessionToken: `t${this.n}`, expiration: new Date(Date.now() + 3600_000) };
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
const fails = async (set: ProfileSet, name: string, d = deps()): Promise<Error> => {
  try {
    await new Resolver(set, d).resolve(name);
  } catch (e) {
    return e as Error;
  }
  return assert.unreachable(`${name} resolved`) as never;
};

r('a source_profile with static keys uses its keys: its own role_arn (whose source is missing) is not followed', async () => {
  // `aws configure` wrote keys into credentials [B]; config [profile B] also holds role settings.
  const set = profilesFrom(
    '[profile A]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = B\n[profile B]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = C\nmfa_serial = arn:aws:iam::1:mfa/b\n',
    '[B]\naws_access_key_id = AKIAB\naws_secret_access_key = b-secret\n',
  );
  const a = await new Resolver(set, deps()).resolve('A');
  assert.equal(sts.roles.map((x) => [x.roleArn, x.source.accessKeyId, x.mfaSerial]), [['arn:aws:iam::1:role/a', 'AKIAB', undefined]]);
  assert.is(sts.sessions.length, 0, "the source's mfa_serial is not used: botocore reads its keys through the profile chain");
  assert.equal(asked, []);
  assert.is(a.kind, 'role');
  // Named itself, B's role is followed, and its missing source is named with file and line.
  const e = await fails(set, 'B');
  assert.match(e.message, /config:6: profile 'B': source_profile names 'C', which is a profile in neither/);
});

r('A → B → A is not a cycle when B has keys; it is when B has none', async () => {
  const config = '[profile A]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = B\n[profile B]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = A\n';
  await new Resolver(profilesFrom(config, '[B]\naws_access_key_id = AKIAB\naws_secret_access_key = s\n'), deps()).resolve('A');
  assert.equal(sts.roles.map((x) => [x.roleArn, x.source.accessKeyId]), [['arn:aws:iam::1:role/a', 'AKIAB']]);
  const e = await fails(profilesFrom(config, ''), 'A');
  assert.is(e.name, 'CycleError');
  assert.match(e.message, 'A → B → A');
  assert.is(sts.roles.length, 1, 'no request for the cycle');
});

r('source_profile and credential_source together are refused, naming file, line, profile and both settings', async () => {
  const set = profilesFrom('[profile both]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = base\ncredential_source = Environment\n', CREDENTIALS);
  const e = await fails(set, 'both', deps({ AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: 'x' }));
  assert.match(e.message, `${join(dir, 'config')}:3: profile 'both' sets both source_profile and credential_source (line 4)`);
  assert.is(sts.roles.length, 0);
});

r('a profile naming itself as source_profile without keys: a clear message, not an SDK error', async () => {
  const e = await fails(profilesFrom('[profile me]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = me\n', ''), 'me');
  assert.match(e.message, /config:3: profile 'me' names itself as source_profile but has no keys/);
});

r('an invalid credential_source names the three valid values (and not the value)', async () => {
  const e = await fails(profilesFrom('[profile p]\nrole_arn = arn:aws:iam::1:role/x\ncredential_source = environment\n', ''), 'p');
  assert.match(e.message, /config:3: profile 'p': credential_source must be one of Environment, Ec2InstanceMetadata, EcsContainer/);
  assert.not.match(e.message, "'environment'");
});

r('web identity: AssumeRoleWithWebIdentity with the token from the file, no keys; cached; as a source too', async () => {
  const token = join(dir, 'token');
  writeFileSync(token, 'eyJhbGciOiJSUzI1NiJ9.payload.signature');
  const config = `[profile web]\nrole_arn = arn:aws:iam::1:role/web\nweb_identity_token_file = ${token}\nrole_session_name = pod\n[profile up]\nrole_arn = arn:aws:iam::1:role/up\nsource_profile = web\n`;
  const set = profilesFrom(config, '');
  const web = await new Resolver(set, deps()).resolve('web');
  assert.is(web.kind, 'web-identity');
  assert.equal(sts.webIdentity, [{ roleArn: 'arn:aws:iam::1:role/web', sessionName: 'pod', webIdentityToken: 'eyJhbGciOiJSUzI1NiJ9.payload.signature', durationSeconds: undefined }]);
  assert.is((await new Resolver(set, deps()).resolve('web')).from, 'cache');
  assert.is(sts.webIdentity.length, 1);
  await new Resolver(set, deps()).resolve('up');
  assert.is(sts.webIdentity.length, 1, "the source's cached web identity session");
  assert.equal(sts.roles.map((x) => [x.roleArn, x.source.accessKeyId]), [['arn:aws:iam::1:role/up', web.credentials.accessKeyId]]);
});

r('web identity: a missing or empty token file, or no role_arn, is a clear error naming the file', async () => {
  const token = join(dir, 'token');
  const set = profilesFrom(`[profile web]\nrole_arn = arn:aws:iam::1:role/web\nweb_identity_token_file = ${token}\n[profile norole]\nweb_identity_token_file = ${token}\n`, '');
  assert.match((await fails(set, 'web')).message, `profile 'web': the web identity token file ${token} does not exist`);
  writeFileSync(token, '\n');
  assert.match((await fails(set, 'web')).message, `profile 'web': the web identity token file ${token} is empty`);
  assert.match((await fails(set, 'norole')).message, /config:5: profile 'norole' has web_identity_token_file but no role_arn/);
  assert.is(sts.webIdentity.length, 0);
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
