// --duration against STS's limits for the kind of session, checked before an MFA code is
// asked or STS is called: unit (injected STS) and through the built CLI.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { durationLimits, type ResolveDeps, Resolver } from '../../src/core/resolve.js';
import { loadProfiles } from '../../src/files/profiles.js';
import { SessionCache } from '../../src/sessions/cache.js';
import type { StsPort } from '../../src/sessions/sts.js';
import { awsenv, sandbox } from '../helpers/env.js';

const CONFIG = `[profile mfa]\nmfa_serial = arn:aws:iam::1:mfa/me\n[profile role]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = mfa\n[profile chained]\nrole_arn = arn:aws:iam::1:role/c\nsource_profile = role\n[profile role-mfa]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\nmfa_serial = arn:aws:iam::1:mfa/me\n`;
const CREDENTIALS = `[mfa]\naws_access_key_id = AKIAMFA\naws_secret_access_key = m\n[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = b\n`;

const t = suite('--duration: STS limits by kind of session');
t('the limits', () => {
  assert.equal([durationLimits('mfa', false).min, durationLimits('mfa', false).max], [900, 129600]);
  assert.equal([durationLimits('role', false).min, durationLimits('role', false).max], [900, 43200]);
  assert.equal([durationLimits('role', true).min, durationLimits('role', true).max], [900, 3600]);
});

t('refused before any MFA code is asked or any request made; allowed values go through', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'awsenv-duration-'));
  try {
    writeFileSync(join(dir, 'config'), CONFIG);
    writeFileSync(join(dir, 'credentials'), CREDENTIALS);
    const set = loadProfiles({ AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') });
    let asked = 0;
    let requests = 0;
    const session = async () => {
      requests++;
      return { accessKeyId: 'ASIAX', secretAccessKey: 's', sessionToken: 't', expiration: new Date(Date.now() + 900_000) };
    };
    const sts: StsPort = { callerIdentity: async () => ({ arn: 'a', account: '1' }), getSessionToken: session, assumeRole: session, assumeRoleWithWebIdentity: session };
    const deps: ResolveDeps = {
      env: {},
      now: () => new Date(),
      sts: async () => sts,
      cache: new SessionCache(join(dir, 'cache')),
      askMfaCode: async () => {
        asked++;
        return '123456';
      },
      runProcess: async () => assert.unreachable() as never,
      sso: async () => assert.unreachable() as never,
    };
    const refused = async (profile: string, duration: number, message: RegExp) => {
      try {
        await new Resolver(set, deps, { durationSeconds: duration, refresh: true }).resolve(profile);
        assert.unreachable(`${profile} --duration ${duration} resolved`);
      } catch (e) {
        assert.match((e as Error).message, message, `${profile} ${duration}`);
        assert.is((e as { exitCode?: number }).exitCode, 2, 'a usage error');
      }
    };
    await refused('mfa', 600, /^--duration 600: an MFA session \(GetSessionToken\) lasts from 900 to 129600 seconds/);
    await refused('mfa', 129601, /from 900 to 129600/);
    await refused('role', 43201, /^--duration 43201: a role session \(AssumeRole\) lasts from 900 to 43200 seconds/);
    await refused('role-mfa', 50000, /from 900 to 43200/);
    await refused('chained', 7200, /^--duration 7200: a role assumed with another role's session lasts from 900 to 3600 seconds \(AWS limits role chaining to 1 hour\)/);
    await refused('mfa', 1000.5, /from 900 to 129600/);
    assert.is(asked, 0, 'no MFA code asked');
    assert.is(requests, 0, 'no request made');
    for (const [profile, duration] of [['mfa', 129600], ['role', 43200], ['chained', 3600], ['role-mfa', 900]] as const) {
      await new Resolver(set, deps, { durationSeconds: duration, refresh: true }).resolve(profile);
    }
    assert.ok(requests > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

t('through the CLI: exit 2, the reason, only `false` on stdout, no prompt', async () => {
  const box = sandbox();
  try {
    box.write('config', CONFIG);
    box.write('credentials', CREDENTIALS);
    const r = await awsenv(['use', 'chained', '--duration', '43200', '--shell', 'bash'], { ...box.env, AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' });
    assert.is(r.exitCode, 2);
    assert.is(r.stdout, 'false\n', 'only the failing statement');
    assert.is(r.stderr, "awsenv: --duration 43200: a role assumed with another role's session lasts from 900 to 3600 seconds (AWS limits role chaining to 1 hour)\n");
  } finally {
    box.cleanup();
  }
});

t.run();
