// A mistyped or rejected MFA code is asked again (three codes in all), with a line saying
// what was wrong: not six digits, rejected as wrong, or rejected after awsenv had already
// used it. With an injected STS that checks codes as AWS does (moto does not check them);
// the re-prompt on a real terminal is in test/e2e/mfa-prompt.test.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type ResolveDeps, Resolver } from '../../src/core/resolve.js';
import { loadProfiles, type ProfileSet } from '../../src/files/profiles.js';
import { SessionCache } from '../../src/sessions/cache.js';
import { usedCodes } from '../../src/sessions/mfa-codes.js';
import { explain } from '../../src/sessions/sts-sdk.js';
import type { AssumeRoleRequest, SessionRequest, StsPort } from '../../src/sessions/sts.js';

const SERIAL = 'arn:aws:iam::1:mfa/me';
const CONFIG = `[profile mfa]\nmfa_serial = ${SERIAL}\n[profile role]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\nmfa_serial = ${SERIAL}\n[profile bad-device]\nmfa_serial = arn:aws:iam::1:mfa/nobody\n`;
const CREDENTIALS = `[mfa]\naws_access_key_id = AKIAMFA\naws_secret_access_key = m\n[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = b\n[bad-device]\naws_access_key_id = AKIABAD\naws_secret_access_key = x\n`;
const WRONG = 'MultiFactorAuthentication failed with invalid MFA one time pass code.';
const DEVICE = 'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.';

/** STS that takes each code of `valid` once, as AWS does, and says WRONG for any other. */
class CodeCheckingSts implements StsPort {
  spent = new Set<string>();
  requests: string[] = [];
  constructor(private readonly valid: Set<string>) {}
  async callerIdentity() {
    return { arn: 'arn:aws:iam::1:user/me', account: '1' };
  }
  private check(code: string | undefined, serial: string | undefined, what: string) {
    this.requests.push(code ?? '');
    if (serial?.endsWith('/nobody')) throw explain({ name: 'AccessDenied', message: DEVICE }, what, {});
    if (!code || !this.valid.has(code) || this.spent.has(code)) throw explain({ name: 'AccessDenied', message: WRONG }, what, {});
    this.spent.add(code);
  }
  async getSessionToken(r: SessionRequest) {
    this.check(r.mfaCode, r.mfaSerial, 'getting an MFA session');
    return { accessKeyId: 'ASIASESSION', secretAccessKey: 's', sessionToken: 't', expiration: new Date(Date.now() + 3600_000) };
  }
  async assumeRoleWithWebIdentity(): Promise<never> {
    throw new Error('no web identity here');
  }
  async assumeRole(r: AssumeRoleRequest) {
    if (r.mfaCode !== undefined) this.check(r.mfaCode, r.mfaSerial, `assuming ${r.roleArn}`);
    return { accessKeyId: 'ASIAROLE', secretAccessKey: 's', sessionToken: 't', expiration: new Date(Date.now() + 3600_000) };
  }
}

const t = suite('MFA codes: asked again');
let dir: string;
let set: ProfileSet;
let notices: string[];
let typed: string[];
let sts: CodeCheckingSts;
const deps = (): ResolveDeps => ({
  env: {},
  now: () => new Date(),
  sts: async () => sts,
  cache: new SessionCache(join(dir, 'cache')),
  askMfaCode: async () => typed.shift() ?? (assert.unreachable('asked once too often') as never),
  runProcess: async () => assert.unreachable('no process') as never,
  sso: async () => assert.unreachable('no sso') as never,
  notice: (m) => notices.push(m),
  usedCodes: usedCodes(join(dir, 'cache'), () => new Date()),
});
t.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'awsenv-mfa-'));
  writeFileSync(join(dir, 'config'), CONFIG);
  writeFileSync(join(dir, 'credentials'), CREDENTIALS);
  set = loadProfiles({ AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') });
  notices = [];
  sts = new CodeCheckingSts(new Set(['111111', '222222']));
});
t.after.each(() => rmSync(dir, { recursive: true, force: true }));

t('five digits: asked again before any request, then the right code works', async () => {
  typed = ['11111', '111111'];
  const r = await new Resolver(set, deps()).resolve('mfa');
  assert.is(r.credentials.accessKeyId, 'ASIASESSION');
  assert.equal(notices, ['the MFA code must be six digits (that was 5); try again']);
  assert.equal(sts.requests, ['111111'], 'the short code never reached STS');
});

t('a code STS rejects as wrong: says so and asks again', async () => {
  typed = ['999999', '222222'];
  await new Resolver(set, deps()).resolve('mfa');
  assert.equal(notices, ['STS rejected the MFA code as wrong or expired (check the device and its clock); try again']);
  assert.equal(sts.requests, ['999999', '222222']);
});

t('a code awsenv already used: says it was used, not that it is wrong', async () => {
  typed = ['111111'];
  await new Resolver(set, deps()).resolve('mfa');
  // The same code again, for a new session (--refresh), as a person typing fast would.
  typed = ['111111', '222222'];
  await new Resolver(set, deps(), { refresh: true }).resolve('mfa');
  assert.equal(notices, ['STS rejected the MFA code: it was already used (each code works once); wait for the next code; try again']);
  assert.not.match(notices.join('\n'), '111111', 'no code in a message');
});

t('three codes in all, then one sentence; no session, nothing cached', async () => {
  typed = ['1234', '999999', '888888'];
  try {
    await new Resolver(set, deps()).resolve('mfa');
    assert.unreachable('resolved');
  } catch (e) {
    assert.is((e as Error).message, 'STS rejected the MFA code as wrong or expired (check the device and its clock); no session after 3 tries');
  }
  assert.is(notices.length, 2);
  assert.is(typed.length, 0);
  assert.not.match(notices.join('\n'), /1234|999999|888888/);
});

t('the same for the code of a role with MFA (through the MFA session of its source)', async () => {
  typed = ['999999', '111111'];
  const r = await new Resolver(set, deps()).resolve('role');
  assert.is(r.credentials.accessKeyId, 'ASIAROLE');
  assert.is(notices.length, 1);
});

t('--mfa-code is tried once: a wrong one ends the command with the reason', async () => {
  typed = [];
  for (const [code, message] of [
    ['12345', 'the MFA code must be six digits (that was 5)'],
    ['999999', 'STS rejected the MFA code as wrong or expired (check the device and its clock); run again with the next code'],
  ] as const) {
    try {
      await new Resolver(set, deps(), { mfaCode: code }).resolve('mfa');
      assert.unreachable('resolved');
    } catch (e) {
      assert.is((e as Error).message, message);
    }
  }
  assert.is(notices.length, 0);
});

t('a device STS cannot validate codes for: no second code is asked', async () => {
  typed = ['111111'];
  try {
    await new Resolver(set, deps()).resolve('bad-device');
    assert.unreachable('resolved');
  } catch (e) {
    assert.match((e as Error).message, 'check that mfa_serial is the ARN of your MFA device');
  }
  assert.is(notices.length, 0);
});

t.run();

const renew = suite('a cached session under a role that STS no longer takes');
renew('--refresh of the role renews the MFA session under it when STS refuses that session', async () => {
  const dir2 = mkdtempSync(join(tmpdir(), 'awsenv-renew-'));
  try {
    writeFileSync(join(dir2, 'config'), CONFIG);
    writeFileSync(join(dir2, 'credentials'), CREDENTIALS);
    const set2 = loadProfiles({ AWS_CONFIG_FILE: join(dir2, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir2, 'credentials') });
    let sessions = 0;
    const revoked = new Set<string>();
    const notes: string[] = [];
    const codes = ['111111', '222222'];
    const sts2: StsPort = {
      callerIdentity: async () => ({ arn: 'a', account: '1' }),
      assumeRoleWithWebIdentity: async () => assert.unreachable() as never,
      getSessionToken: async () => ({ accessKeyId: `ASIASESSION${++sessions}`, secretAccessKey: 's', sessionToken: `t${sessions}`, expiration: new Date(Date.now() + 3600_000) }),
      assumeRole: async (r) => {
        if (revoked.has(r.source.accessKeyId)) throw explain({ name: 'InvalidClientTokenId', message: 'The security token included in the request is invalid.' }, `assuming ${r.roleArn}`, {});
        return { accessKeyId: `ASIAROLE${r.source.accessKeyId}`, secretAccessKey: 's', sessionToken: 't', expiration: new Date(Date.now() + 3600_000) };
      },
    };
    const deps2 = (): ResolveDeps => ({
      env: {},
      now: () => new Date(),
      sts: async () => sts2,
      cache: new SessionCache(join(dir2, 'cache')),
      askMfaCode: async () => codes.shift() ?? (assert.unreachable('asked too often') as never),
      runProcess: async () => assert.unreachable() as never,
      sso: async () => assert.unreachable() as never,
      notice: (m) => notes.push(m),
    });
    const first = await new Resolver(set2, deps2()).resolve('role');
    assert.is(first.credentials.accessKeyId, 'ASIAROLEASIASESSION1');
    revoked.add('ASIASESSION1'); // the MFA session is revoked at AWS; the cache still holds it
    const again = await new Resolver(set2, deps2(), { refresh: true }).resolve('role');
    assert.is(again.credentials.accessKeyId, 'ASIAROLEASIASESSION2', 'a new MFA session, then the role with it');
    assert.equal(notes, ["STS no longer accepts the cached session under profile 'role'; getting a new one"]);
    assert.is(codes.length, 0, 'one new code for the new MFA session');
    const cached = await new Resolver(set2, deps2()).resolve('role');
    assert.is(cached.from, 'cache');
    assert.is(cached.credentials.accessKeyId, 'ASIAROLEASIASESSION2');
  } finally {
    rmSync(dir2, { recursive: true, force: true });
  }
});
renew.run();
