// SSO profiles end to end: the built CLI and the real AWS SDK against a small local SSO
// portal (GET /federation/credentials, the API GetRoleCredentials calls), with tokens
// written where `aws sso login` writes them, in a sandboxed HOME.
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { awsenv, type Sandbox, sandbox } from '../helpers/env.js';
import { exportsOf } from '../helpers/exports.js';

const GOOD_TOKEN = 'sso-bearer-token-0123456789-GOOD';
const ACCOUNT = '111122223333';
const START_URL = 'https://example.awsapps.com/start';
const LEGACY_URL = 'https://legacy.awsapps.com/start';

interface Issued {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: number;
}

/** SSO OIDC CreateToken (refresh_token grant): the documented JSON request and answer. */
const GOOD_REFRESH = 'refresh-token-GOOD';
let refreshed: string[] = [];
let oidcCalls: Record<string, string>[] = [];
function oidc(req: IncomingMessage, res: ServerResponse) {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const o = JSON.parse(body) as Record<string, string>;
    oidcCalls.push(o);
    res.setHeader('content-type', 'application/json');
    if (o.grantType !== 'refresh_token' || o.refreshToken !== GOOD_REFRESH || o.clientId !== 'client' || o.clientSecret !== 'client-secret') {
      res.writeHead(400, { 'x-amzn-errortype': 'InvalidGrantException' });
      return res.end(JSON.stringify({ error: 'invalid_grant', error_description: 'Invalid refresh token provided' }));
    }
    const accessToken = `sso-refreshed-access-token-${refreshed.length + 1}`;
    refreshed.push(accessToken);
    res.end(JSON.stringify({ accessToken, tokenType: 'Bearer', expiresIn: 28800, refreshToken: 'refresh-token-NEXT' }));
  });
}

let server: Server;
let endpoint: string;
let hits = 0;
let issued: Issued[] = [];
let seen: { role: string | null; account: string | null; token: string | undefined }[] = [];

/** The portal: a known token and the role Dev (or Admin) in ACCOUNT get fresh credentials. */
function portal(): Promise<void> {
  server = createServer((req, res) => {
    hits++;
    const url = new URL(req.url ?? '/', 'http://x');
    const token = req.headers['x-amz-sso_bearer_token'] as string | undefined;
    const role = url.searchParams.get('role_name');
    const account = url.searchParams.get('account_id');
    seen.push({ role, account, token });
    const fail = (status: number, type: string, message: string) => {
      res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
      res.end(JSON.stringify({ message }));
    };
    if (req.method === 'POST' && url.pathname === '/token') return oidc(req, res);
    if (req.method !== 'GET' || url.pathname !== '/federation/credentials') return fail(404, 'ResourceNotFoundException', 'no such API');
    if (token !== GOOD_TOKEN && !refreshed.includes(token ?? '')) return fail(401, 'UnauthorizedException', 'Session token not found or invalid');
    if (account !== ACCOUNT || (role !== 'Dev' && role !== 'Admin')) return fail(403, 'ForbiddenException', 'No access');
    const n = issued.length + 1;
    const c: Issued = {
      accessKeyId: `ASIASSO${String(n).padStart(13, '0')}`,
      secretAccessKey: `sso/secret+${n}-${'x'.repeat(20)}`,
      sessionToken: `sso-session-token-${n}-${'y'.repeat(40)}`,
      expiration: Math.floor(Date.now() / 1000 + 3600) * 1000,
    };
    issued.push(c);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ roleCredentials: c }));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      endpoint = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
      resolve();
    }),
  );
}

const CONFIG = `# SSO profiles
[sso-session corp]
sso_start_url = ${START_URL}
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile dev]
sso_session = corp
sso_account_id = ${ACCOUNT}
sso_role_name = Dev
region = eu-central-1

[profile nope]
sso_session = corp
sso_account_id = ${ACCOUNT}
sso_role_name = NoSuchRole

[sso-session stale]
sso_start_url = https://stale.awsapps.com/start
sso_region = eu-west-1

[profile stale-dev]
sso_session = stale
sso_account_id = ${ACCOUNT}
sso_role_name = Dev

[sso-session "with space"]
sso_start_url = https://space.awsapps.com/start
sso_region = eu-west-1

[profile spaced]
sso_session = with space
sso_account_id = ${ACCOUNT}
sso_role_name = Dev

[profile legacy]
sso_start_url = ${LEGACY_URL}
sso_region = us-east-1
sso_account_id = ${ACCOUNT}
sso_role_name = Admin
`;

let box: Sandbox;
let env: Record<string, string>;
const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const tokenPath = (key: string) => join(box.home, '.aws/sso/cache', `${sha1(key)}.json`);

function writeToken(key: string, accessToken: string, expiresInS: number, startUrl: string, refreshToken = 'refresh'): void {
  mkdirSync(join(box.home, '.aws/sso/cache'), { recursive: true });
  writeFileSync(
    tokenPath(key),
    JSON.stringify({
      startUrl,
      region: 'eu-west-1',
      accessToken,
      expiresAt: new Date(Date.now() + expiresInS * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      clientId: 'client',
      clientSecret: 'client-secret',
      registrationExpiresAt: '2099-01-01T00:00:00Z',
      refreshToken,
    }),
  );
}


const noSecrets = (text: string) => {
  assert.not.match(text, GOOD_TOKEN);
  assert.not.match(text, 'client-secret');
  for (const c of issued) {
    assert.not.match(text, c.secretAccessKey);
    assert.not.match(text, c.sessionToken);
  }
};

const sso = suite('SSO profiles (local portal, real SDK)');
sso.before(async () => {
  await portal();
  box = sandbox();
  box.write('config', CONFIG);
  env = { ...box.env, AWS_ENDPOINT_URL_SSO: endpoint, AWS_ENDPOINT_URL_SSO_OIDC: endpoint };
});
sso.after(() => {
  server.close();
  box.cleanup();
});

sso('a valid cached token: the exports are what the portal returned', async () => {
  writeToken('corp', GOOD_TOKEN, 3600, START_URL);
  const before = hits;
  const r = await awsenv(['use', 'dev', '--shell', 'bash'], env);
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(hits - before, 1);
  assert.equal(seen.at(-1), { role: 'Dev', account: ACCOUNT, token: GOOD_TOKEN });
  const c = issued.at(-1)!;
  const e = exportsOf(r.stdout);
  assert.is(e.AWS_ACCESS_KEY_ID, c.accessKeyId);
  assert.is(e.AWS_SECRET_ACCESS_KEY, c.secretAccessKey);
  assert.is(e.AWS_SESSION_TOKEN, c.sessionToken);
  assert.is(e.AWS_CREDENTIAL_EXPIRATION, new Date(c.expiration).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  assert.is(e.AWS_PROFILE, 'dev');
  assert.is(e.AWS_REGION, 'eu-central-1', "the profile's region, not sso_region");
  noSecrets(r.stderr);
});

sso('a second run is served from the session cache: no request', async () => {
  const before = hits;
  const r = await awsenv(['use', 'dev', '--shell', 'bash'], env);
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(hits, before);
  assert.is(exportsOf(r.stdout).AWS_ACCESS_KEY_ID, issued.at(-1)!.accessKeyId);
  const refreshed = await awsenv(['use', 'dev', '--shell', 'bash', '--refresh'], env);
  assert.is(refreshed.exitCode, 0, refreshed.stderr);
  assert.is(hits - before, 1, '--refresh asks again');
});

sso('AWS_ENDPOINT_URL serves when AWS_ENDPOINT_URL_SSO is not set', async () => {
  const before = hits;
  const { AWS_ENDPOINT_URL_SSO: _, ...rest } = env;
  const r = await awsenv(['use', 'dev', '--shell', 'bash', '--refresh'], { ...rest, AWS_ENDPOINT_URL: endpoint });
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(hits - before, 1);
});

sso('an expired token whose refresh SSO OIDC refuses: exit 1, nothing on stdout, the reason and the exact login command, the file kept', async () => {
  writeToken('stale', GOOD_TOKEN, -60, 'https://stale.awsapps.com/start');
  const file = tokenPath('stale');
  const text = readFileSync(file, 'utf8');
  const before = hits;
  const calls = oidcCalls.length;
  const r = await awsenv(['use', 'stale-dev', '--shell', 'bash'], env);
  assert.is(r.exitCode, 1);
  assert.is(r.stdout, 'false\n');
  assert.match(r.stderr, /SSO token for sso-session 'stale' expired at \S+ and could not be refreshed \(SSO OIDC refused to refresh the token \(HTTP 400, invalid_grant\)\)/);
  assert.match(r.stderr, 'run `aws sso login --sso-session stale`');
  assert.is(hits - before, 1, 'one CreateToken, no GetRoleCredentials');
  assert.equal(oidcCalls.slice(calls), [{ clientId: 'client', clientSecret: 'client-secret', grantType: 'refresh_token', refreshToken: 'refresh' }]);
  assert.is(readFileSync(file, 'utf8'), text, 'the token file is left as it was');
  noSecrets(r.stderr);
});

sso('an expired token with a good refresh token: refreshed through SSO OIDC, the file written back as the AWS CLI writes it, 0600', async () => {
  writeToken('stale', 'sso-expired-access-token', -60, 'https://stale.awsapps.com/start', GOOD_REFRESH);
  const file = tokenPath('stale');
  // A cache of its own: the role credentials got here must not serve the tests that follow.
  const r = await awsenv(['use', 'stale-dev', '--shell', 'bash'], { ...env, AWSENV_CACHE_DIR: join(box.dir, 'refresh-cache') });
  assert.is(r.exitCode, 0, r.stderr);
  const fresh = refreshed.at(-1)!;
  assert.equal(seen.at(-1), { role: 'Dev', account: ACCOUNT, token: fresh }, 'GetRoleCredentials with the new token');
  assert.is(exportsOf(r.stdout).AWS_ACCESS_KEY_ID, issued.at(-1)!.accessKeyId);
  const text = readFileSync(file, 'utf8');
  const o = JSON.parse(text);
  // botocore's _attempt_create_token fields, in its order, written by json.dumps (", ", ": ").
  assert.equal(Object.keys(o), ['startUrl', 'region', 'accessToken', 'expiresAt', 'clientId', 'clientSecret', 'registrationExpiresAt', 'refreshToken']);
  assert.equal({ ...o, expiresAt: 'x' }, {
    startUrl: 'https://stale.awsapps.com/start', region: 'eu-west-1', accessToken: fresh, expiresAt: 'x',
    clientId: 'client', clientSecret: 'client-secret', registrationExpiresAt: '2099-01-01T00:00:00Z', refreshToken: 'refresh-token-NEXT',
  });
  assert.match(o.expiresAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(Math.abs(Date.parse(o.expiresAt) - (Date.now() + 28800_000)) < 300_000, 'expiresIn from now');
  assert.is(text, `{"startUrl": "https://stale.awsapps.com/start", "region": "eu-west-1", "accessToken": "${fresh}", "expiresAt": "${o.expiresAt}", "clientId": "client", "clientSecret": "client-secret", "registrationExpiresAt": "2099-01-01T00:00:00Z", "refreshToken": "refresh-token-NEXT"}`);
  assert.is(statSync(file).mode & 0o777, 0o600);
  assert.not.match(r.stderr, fresh);
  noSecrets(r.stderr);
});

sso('list shows the SSO token\'s time left, and the JSON its end', async () => {
  writeToken('corp', GOOD_TOKEN, 7200, START_URL);
  const r = await awsenv(['list'], env);
  assert.is(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /^\s*dev\s+sso\s+eu-central-1\s+.*\(SSO token 1h59m left\)/m);
  const json = JSON.parse((await awsenv(['list', '--json'], env)).stdout);
  const dev = json.profiles.find((p: { name: string }) => p.name === 'dev');
  assert.ok(Math.abs(Date.parse(dev.ssoTokenExpiresAt) - (Date.now() + 7200_000)) < 120_000, dev.ssoTokenExpiresAt);
  assert.is(json.profiles.find((p: { name: string }) => p.name === 'legacy').kind, 'sso');
});

sso('no token at all: the login command, quoted when the session name needs it', async () => {
  rmSync(tokenPath('stale'), { force: true });
  const r = await awsenv(['use', 'stale-dev', '--shell', 'bash'], env);
  assert.is(r.exitCode, 1);
  assert.is(r.stdout, 'false\n');
  assert.match(r.stderr, "no SSO token for sso-session 'stale'");
  assert.match(r.stderr, 'aws sso login --sso-session stale');
  const spaced = await awsenv(['use', 'spaced', '--shell', 'bash'], env);
  assert.is(spaced.exitCode, 1);
  assert.match(spaced.stderr, "run `aws sso login --sso-session 'with space'`");
});

sso('a legacy profile: its token is keyed by the start URL, its login by the profile', async () => {
  const missing = await awsenv(['use', 'legacy', '--shell', 'bash'], env);
  assert.is(missing.exitCode, 1);
  assert.match(missing.stderr, 'run `aws sso login --profile legacy`');
  writeToken(LEGACY_URL, GOOD_TOKEN, 3600, LEGACY_URL);
  const r = await awsenv(['use', 'legacy', '--shell', 'bash'], env);
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(exportsOf(r.stdout).AWS_ACCESS_KEY_ID, issued.at(-1)!.accessKeyId);
  assert.equal(seen.at(-1), { role: 'Admin', account: ACCOUNT, token: GOOD_TOKEN });
});

sso('a token the portal rejects: a clear error naming the login command, no secret', async () => {
  writeToken('stale', 'a-revoked-bearer-token-XYZ', 3600, 'https://stale.awsapps.com/start');
  const r = await awsenv(['use', 'stale-dev', '--shell', 'bash'], env);
  assert.is(r.exitCode, 1);
  assert.is(r.stdout, 'false\n');
  assert.match(r.stderr, 'rejected the cached token');
  assert.match(r.stderr, 'run `aws sso login --sso-session stale`');
  assert.not.match(r.stderr, 'a-revoked-bearer-token-XYZ');
  assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
});

sso('a role the identity may not use: says which role and account', async () => {
  const r = await awsenv(['use', 'nope', '--shell', 'bash'], env);
  assert.is(r.exitCode, 1);
  assert.is(r.stdout, 'false\n');
  assert.match(r.stderr, `role NoSuchRole in account ${ACCOUNT}`);
  assert.match(r.stderr, 'may not use that role');
  noSecrets(r.stderr);
});

sso('the portal unreachable: bounded, one clear error', async () => {
  const r = await awsenv(['use', 'dev', '--shell', 'bash', '--refresh'], { ...env, AWS_ENDPOINT_URL_SSO: 'http://127.0.0.1:9' });
  assert.is(r.exitCode, 1);
  assert.is(r.stdout, 'false\n');
  assert.match(r.stderr, /cannot reach http:\/\/127\.0\.0\.1:9/);
});

sso('a portal that accepts the connection but never answers: given up on after about 10 s', async () => {
  // Connections are destroyed at the end: a half-closed one would keep the test process alive.
  const sockets = new Set<import('node:net').Socket>();
  const silent = createNetServer((s) => sockets.add(s));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const a = silent.address();
  const url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  try {
    const started = Date.now();
    const r = await awsenv(['use', 'dev', '--shell', 'bash', '--refresh'], { ...env, AWS_ENDPOINT_URL_SSO: url });
    assert.is(r.exitCode, 1);
    assert.is(r.stdout, 'false\n');
    assert.match(r.stderr, `no answer from ${url}`);
    assert.not.match(r.stderr, 'WARN', "the HTTP handler's own warning stays out of our stderr");
    assert.ok(Date.now() - started < 40_000, 'bounded');
  } finally {
    for (const s of sockets) s.destroy();
    silent.close();
  }
});

sso('an SSO OIDC endpoint that never answers: the refresh is given up on by the deadline, the expired token is not used', async () => {
  // Connections are destroyed at the end: a half-closed one would keep the test process alive.
  const sockets = new Set<import('node:net').Socket>();
  const silent = createNetServer((s) => sockets.add(s));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const a = silent.address();
  const url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  writeToken('stale', 'sso-expired-access-token', -60, 'https://stale.awsapps.com/start', GOOD_REFRESH);
  try {
    const started = Date.now();
    const r = await awsenv(['use', 'stale-dev', '--shell', 'bash', '--refresh'], { ...env, AWS_ENDPOINT_URL_SSO_OIDC: url, AWSENV_STS_TIMEOUT: '2' });
    assert.is(r.exitCode, 1);
    assert.is(r.stdout, 'false\n');
    assert.match(r.stderr, `could not be refreshed (no answer from ${url} within 2 s (AWSENV_STS_TIMEOUT))`);
    assert.match(r.stderr, 'run `aws sso login --sso-session stale`');
    assert.ok(Date.now() - started < 40_000, 'bounded');
  } finally {
    for (const s of sockets) s.destroy();
    silent.close();
  }
});

sso('--login runs `aws sso login --sso-session NAME` with its output kept off stdout, then goes on', async () => {
  rmSync(tokenPath('stale'), { force: true });
  const bin = join(box.dir, 'fake-bin');
  mkdirSync(bin, { recursive: true });
  const args = join(box.dir, 'aws-args');
  const token = JSON.stringify({ startUrl: 'https://stale.awsapps.com/start', accessToken: GOOD_TOKEN, expiresAt: '2099-01-01T00:00:00Z', region: 'eu-west-1' });
  writeFileSync(
    join(bin, 'aws'),
    `#!/bin/sh\nprintf '%s\\n' "$*" > '${args}'\necho 'Attempting to open the SSO authorization page: https://device.sso/ABCD'\nmkdir -p "$HOME/.aws/sso/cache"\nprintf '%s' '${token}' > "$HOME/.aws/sso/cache/${sha1('stale')}.json"\n`,
  );
  chmodSync(join(bin, 'aws'), 0o755);
  const before = hits;
  const r = await awsenv(['use', 'stale-dev', '--shell', 'bash', '--login'], { ...env, PATH: `${bin}:${env.PATH}` });
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(readFileSync(args, 'utf8'), 'sso login --sso-session stale\n');
  assert.not.match(r.stdout, 'device.sso', "the login's stdout must not reach the eval");
  assert.match(r.stderr, 'https://device.sso/ABCD');
  assert.is(exportsOf(r.stdout).AWS_ACCESS_KEY_ID, issued.at(-1)!.accessKeyId);
  assert.is(hits - before, 1);
});

sso('--login when the login fails, or the AWS CLI is missing: exit 1, nothing exported', async () => {
  rmSync(tokenPath('stale'), { force: true });
  // The previous test cached role credentials, which --login does not need a token for.
  const cold = { ...env, AWSENV_CACHE_DIR: join(box.dir, 'cold-cache') };
  const bin = join(box.dir, 'failing-bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'aws'), '#!/bin/sh\necho "login cancelled" >&2\nexit 130\n');
  chmodSync(join(bin, 'aws'), 0o755);
  const r = await awsenv(['use', 'stale-dev', '--shell', 'bash', '--login'], { ...cold, PATH: `${bin}:${env.PATH}` });
  assert.is(r.exitCode, 1, r.stderr);
  assert.is(r.stdout, 'false\n');
  assert.match(r.stderr, '`aws sso login --sso-session stale` failed with exit status 130');

  const onlyNode = join(box.dir, 'only-node');
  mkdirSync(onlyNode, { recursive: true });
  symlinkSync(process.execPath, join(onlyNode, 'node'));
  const none = await awsenv(['use', 'stale-dev', '--shell', 'bash', '--login'], { ...cold, PATH: onlyNode });
  assert.is(none.exitCode, 1);
  assert.is(none.stdout, 'false\n');
  assert.match(none.stderr, 'the AWS CLI (aws) is not on PATH');
});

sso.run();
