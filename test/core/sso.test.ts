// SSO profiles with a fake portal and a fake `aws sso login`: which token file, which
// command the user is told to run, the cache, and --login.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SessionCache } from '../../src/sessions/cache.js';
import { loadProfiles, settingsOf } from '../../src/files/profiles.js';
import { SsoLoginNeeded, type SsoPort, ssoTarget, SsoTokenRejected } from '../../src/sessions/sso.js';
import { ssoCredentials, type SsoDeps } from '../../src/core/sso.js';
import { ConfigError } from '../../src/errors.js';
import { type Sandbox, sandbox } from '../helpers/env.js';

const NOW = new Date('2025-06-01T12:00:00Z');
const CONFIG = `
[sso-session my-sso]
sso_start_url = https://example.awsapps.com/start
sso_region = eu-west-1

[profile dev]
sso_session = my-sso
sso_account_id = 111122223333
sso_role_name = Dev
region = us-east-2

[profile legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111122223333
sso_role_name = Admin

[profile no-role]
sso_session = my-sso
sso_account_id = 111122223333

[profile dangling]
sso_session = nope
sso_account_id = 1
sso_role_name = r

[profile conflict]
sso_session = my-sso
sso_start_url = https://other.awsapps.com/start
sso_account_id = 1
sso_role_name = r

[sso-session broken]
sso_region = eu-west-1

[profile uses-broken]
sso_session = broken
sso_account_id = 1
sso_role_name = r
`;

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

let box: Sandbox;
let calls: { token: string; accountId: string; roleName: string }[];
let logins: string[][];
let tokenValue: string;

function writeToken(key: string, token: string, expiresAt: string, extra: object = {}) {
  const dir = join(box.home, '.aws/sso/cache');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${sha1(key)}.json`), JSON.stringify({ accessToken: token, expiresAt, region: 'eu-west-1', ...extra }));
}

function deps(overrides: Partial<SsoDeps> = {}): SsoDeps {
  const port: SsoPort = {
    async getRoleCredentials(r) {
      calls.push({ token: r.accessToken, accountId: r.accountId, roleName: r.roleName });
      if (r.accessToken !== tokenValue) throw new SsoTokenRejected('the SSO portal rejected the cached token');
      return { accessKeyId: `ASIA${calls.length}`, secretAccessKey: 'secret', sessionToken: 'session', expiration: new Date(NOW.getTime() + 3600_000) };
    },
  };
  return {
    env: box.env,
    now: () => NOW,
    cache: new SessionCache(box.env.AWSENV_CACHE_DIR!),
    sso: async () => port,
    login: async (args) => {
      logins.push(args);
    },
    ...overrides,
  };
}

const resolveSso = (name: string, d = deps(), options = {}) => {
  const set = loadProfiles(box.env);
  return ssoCredentials(name, settingsOf(set.profiles.get(name)!), set, d, options);
};

const sso = suite('SSO profiles');
sso.before.each(() => {
  box = sandbox();
  box.write('config', CONFIG);
  calls = [];
  logins = [];
  tokenValue = 'good-token';
});
sso.after.each(() => box.cleanup());

sso('the token file is the sha1 of the session name, or of the start URL for a legacy profile', () => {
  const set = loadProfiles(box.env);
  const dev = ssoTarget('dev', settingsOf(set.profiles.get('dev')!), set, box.env);
  assert.is(dev.tokenFile, join(box.home, '.aws/sso/cache', `${sha1('my-sso')}.json`));
  assert.equal(dev.loginArgs, ['sso', 'login', '--sso-session', 'my-sso']);
  assert.is(dev.startUrl, 'https://example.awsapps.com/start');
  assert.is(dev.ssoRegion, 'eu-west-1');
  const legacy = ssoTarget('legacy', settingsOf(set.profiles.get('legacy')!), set, box.env);
  assert.is(legacy.tokenFile, join(box.home, '.aws/sso/cache', `${sha1('https://legacy.awsapps.com/start')}.json`));
  assert.equal(legacy.loginArgs, ['sso', 'login', '--profile', 'legacy']);
});

sso('configuration errors name the file, the line and what is missing', () => {
  const set = loadProfiles(box.env);
  const target = (n: string) => () => ssoTarget(n, settingsOf(set.profiles.get(n)!), set, box.env);
  assert.throws(target('no-role'), (e: Error) => e instanceof ConfigError && /lacks sso_role_name/.test(e.message) && e.message.includes(box.config));
  assert.throws(target('dangling'), (e: Error) => e instanceof ConfigError && /no \[sso-session nope\] section/.test(e.message) && /:\d+:/.test(e.message));
  assert.throws(target('conflict'), /sso_start_url differs from the one in \[sso-session my-sso\]/);
  assert.throws(target('uses-broken'), /\[sso-session broken\]: sso_start_url is missing/);
});

sso('a valid token: GetRoleCredentials once, then the cache', async () => {
  writeToken('my-sso', 'good-token', '2025-06-01T20:00:00Z', { startUrl: 'https://example.awsapps.com/start' });
  const first = await resolveSso('dev');
  assert.is(first.accessKeyId, 'ASIA1');
  assert.equal(calls, [{ token: 'good-token', accountId: '111122223333', roleName: 'Dev' }]);
  const second = await resolveSso('dev');
  assert.is(second.accessKeyId, 'ASIA1');
  assert.is(calls.length, 1);
  const refreshed = await resolveSso('dev', deps(), { refresh: true });
  assert.is(refreshed.accessKeyId, 'ASIA2');
});

sso('the legacy expiresAt format ("…UTC") is read', async () => {
  writeToken('https://legacy.awsapps.com/start', 'good-token', '2025-06-01T20:00:00UTC');
  assert.is((await resolveSso('legacy')).accessKeyId, 'ASIA1');
});

const needsLogin: [string, () => void, RegExp][] = [
  ['no token', () => {}, /no SSO token for sso-session 'my-sso'/],
  ['an expired token', () => writeToken('my-sso', 'good-token', '2025-06-01T11:00:00Z'), /expired at 2025-06-01T11:00:00Z/],
  ['a token about to expire', () => writeToken('my-sso', 'good-token', '2025-06-01T12:00:30Z'), /expired/],
  ['a token for another start URL', () => writeToken('my-sso', 'good-token', '2025-06-01T20:00:00Z', { startUrl: 'https://x/start' }), /is for https:\/\/x\/start/],
  ['a corrupt token file', () => writeToken('my-sso', '', '2025-06-01T20:00:00Z'), /not usable: accessToken/],
  ['a token the portal rejects', () => writeToken('my-sso', 'revoked', '2025-06-01T20:00:00Z'), /rejected the cached token/],
];
for (const [name, setup, reason] of needsLogin) {
  sso(`${name}: the error names \`aws sso login --sso-session my-sso\` and never the token`, async () => {
    setup();
    try {
      await resolveSso('dev');
      assert.unreachable();
    } catch (error) {
      assert.instance(error, SsoLoginNeeded);
      const m = (error as Error).message;
      assert.match(m, reason);
      assert.match(m, 'run `aws sso login --sso-session my-sso` (or `awsenv use dev --login`)');
      assert.not.match(m, 'revoked');
      assert.not.match(m, 'good-token');
    }
    assert.equal(logins, []);
  });
}

sso('legacy profile without a token: `aws sso login --profile legacy`', async () => {
  try {
    await resolveSso('legacy');
    assert.unreachable();
  } catch (error) {
    assert.match((error as Error).message, 'run `aws sso login --profile legacy`');
  }
});

sso('--login runs the login command, then goes on with the new token', async () => {
  const d = deps({
    login: async (args) => {
      logins.push(args);
      writeToken('my-sso', 'good-token', '2025-06-01T20:00:00Z');
    },
  });
  const c = await resolveSso('dev', d, { login: true });
  assert.is(c.accessKeyId, 'ASIA1');
  assert.equal(logins, [['sso', 'login', '--sso-session', 'my-sso']]);
});

sso('--login after a rejected token: logs in and retries once; a second rejection is final', async () => {
  writeToken('my-sso', 'revoked', '2025-06-01T20:00:00Z');
  const fixes = deps({
    login: async (args) => {
      logins.push(args);
      writeToken('my-sso', 'good-token', '2025-06-01T20:00:00Z');
    },
  });
  assert.is((await resolveSso('dev', fixes, { login: true })).accessKeyId, 'ASIA2');
  assert.is(logins.length, 1);

  box.cleanup();
  box = sandbox();
  box.write('config', CONFIG);
  logins = [];
  writeToken('my-sso', 'revoked', '2025-06-01T20:00:00Z');
  try {
    await resolveSso('dev', deps(), { login: true });
    assert.unreachable();
  } catch (error) {
    assert.instance(error, SsoLoginNeeded);
  }
  assert.is(logins.length, 1, 'one login, not a loop');
});

sso('--login that leaves no token: the login error, once', async () => {
  try {
    await resolveSso('dev', deps(), { login: true });
    assert.unreachable();
  } catch (error) {
    assert.instance(error, SsoLoginNeeded);
  }
  assert.is(logins.length, 1);
});

sso.run();
