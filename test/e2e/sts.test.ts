// STS sessions end to end: the built CLI, the real AWS SDK, moto_server as STS, real bash.
import { execa } from 'execa';
import { chmodSync, cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { awsenv, ROOT, type Sandbox, sandbox } from '../helpers/env.js';
import { exportsOf } from '../helpers/exports.js';
import { ACCOUNT, type Keys, type Moto, startMoto } from '../helpers/moto.js';
import { skip } from '../helpers/tools.js';

const sts = suite('STS sessions (moto_server)');
let moto: Moto | undefined;
let box: Sandbox;
let alice: Keys;
let env: Record<string, string>;

const cacheFiles = () => {
  try {
    return readdirSync(env.AWSENV_CACHE_DIR!).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
};


sts.before(async () => {
  moto = await startMoto();
  if (!moto) return; // each test says it was skipped
  box = sandbox();
  alice = await moto.createUser('alice');
  const admin = await moto.createRole('admin', `arn:aws:iam::${ACCOUNT}:user/alice`);
  const deep = await moto.createRole('deep', `arn:aws:sts::${ACCOUNT}:assumed-role/admin/awsenv-test`);
  box.write(
    'credentials',
    `# alice's long-term keys\n[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`,
  );
  box.write(
    'config',
    [
      '[profile alice-mfa]',
      `source_profile = alice`,
      '[profile mfa]',
      `mfa_serial = arn:aws:iam::${ACCOUNT}:mfa/alice`,
      'duration_seconds = 900',
      '[profile admin]',
      `role_arn = ${admin}`,
      'source_profile = alice',
      'role_session_name = awsenv-test',
      'region = eu-west-1',
      '[profile deep]',
      `role_arn = ${deep}`,
      'source_profile = admin',
      '[profile loop-a]',
      `role_arn = ${admin}`,
      'source_profile = loop-b',
      '[profile loop-b]',
      `role_arn = ${admin}`,
      'source_profile = loop-a',
      '',
    ].join('\n'),
  );
  // The MFA profile holds alice's keys plus mfa_serial (awsenv's "mfa" kind).
  writeFileSync(
    box.credentials,
    readFileSync(box.credentials, 'utf8') + `\n[mfa]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`,
  );
  env = { ...box.env, AWS_ENDPOINT_URL_STS: moto.endpoint, AWS_ENDPOINT_URL: moto.endpoint };
});

sts.after(async () => {
  await moto?.stop();
  box?.cleanup();
});

sts('an MFA profile exports the session STS returned, and caches it 0600 in a 0700 directory', async () => {
  if (!moto) return skip('moto_server is not installed');
  const before = await moto.requests();
  const r = await awsenv(['use', 'mfa', '--shell', 'bash', '--mfa-code', '123456'], env);
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(await moto.requests() - before, 1, 'one GetSessionToken');
  const e = exportsOf(r.stdout);
  const files = cacheFiles();
  assert.is(files.length, 1);
  const cached = JSON.parse(readFileSync(join(env.AWSENV_CACHE_DIR!, files[0]!), 'utf8'));
  assert.is(e.AWS_ACCESS_KEY_ID, cached.accessKeyId);
  assert.is(e.AWS_SECRET_ACCESS_KEY, cached.secretAccessKey);
  assert.is(e.AWS_SESSION_TOKEN, cached.sessionToken);
  assert.ok(e.AWS_SESSION_TOKEN && e.AWS_SESSION_TOKEN.length > 20);
  assert.is.not(e.AWS_ACCESS_KEY_ID, alice.accessKeyId, 'a session key, not the long-term one');
  const expiry = Date.parse(e.AWS_CREDENTIAL_EXPIRATION!);
  assert.ok(Math.abs(expiry - (Date.now() + 900_000)) < 120_000, 'duration_seconds = 900 honoured');
  assert.is(e.AWSENV_EXPIRY, String(Math.floor(expiry / 1000)));
  assert.is(statSync(env.AWSENV_CACHE_DIR!).mode & 0o777, 0o700);
  assert.is(statSync(join(env.AWSENV_CACHE_DIR!, files[0]!)).mode & 0o777, 0o600);
  assert.not.match(r.stderr, e.AWS_SECRET_ACCESS_KEY!);
});

sts('a second process reuses the cached MFA session: no request, no code asked', async () => {
  if (!moto) return skip('moto_server is not installed');
  const before = await moto.requests();
  const r = await awsenv(['use', 'mfa', '--shell', 'bash'], env);
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(await moto.requests(), before);
});

sts('a malformed MFA code is refused before any request', async () => {
  if (!moto) return skip('moto_server is not installed');
  const before = await moto.requests();
  const r = await awsenv(['use', 'mfa', '--shell', 'bash', '--mfa-code', '12ab56', '--refresh'], env);
  assert.is(r.exitCode, 1);
  assert.is(r.stdout, 'false\n');
  assert.match(r.stderr, 'six digits');
  assert.is(await moto.requests(), before);
});

sts('no terminal and no --mfa-code: a clear error, nothing exported', async () => {
  if (!moto) return skip('moto_server is not installed');
  const r = await execa('setsid', ['node', join(ROOT, 'dist/awsenv.js'), 'use', 'mfa', '--shell', 'bash', '--refresh'], {
    env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    stripFinalNewline: false,
  });
  assert.is(r.exitCode, 1);
  assert.is(r.stdout, 'false\n');
  assert.match(String(r.stderr), '--mfa-code');
});

sts('a role profile, evaluated in bash: GetCallerIdentity answers with the assumed role', async () => {
  if (!moto) return skip('moto_server is not installed');
  const script = `
    eval "$(node ${JSON.stringify(join(ROOT, 'dist/awsenv.js'))} use admin --shell bash)" || exit 9
    node --input-type=module -e '
      import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
      const id = await new STSClient({ endpoint: process.env.AWS_ENDPOINT_URL_STS, region: "us-east-1" }).send(new GetCallerIdentityCommand({}));
      console.log(id.Arn, process.env.AWS_PROFILE, process.env.AWS_REGION);
    '`;
  const r = await execa('bash', ['--noprofile', '--norc', '-c', script], {
    env: { ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    extendEnv: false,
    reject: false,
    cwd: ROOT,
  });
  assert.is(r.exitCode, 0, String(r.stderr));
  assert.is(String(r.stdout).trim(), `arn:aws:sts::${ACCOUNT}:assumed-role/admin/awsenv-test admin eu-west-1`);
});

sts('the cached role session is reused by another process, and renewed once it has expired', async () => {
  if (!moto) return skip('moto_server is not installed');
  let before = await moto.requests();
  const first = await awsenv(['use', 'admin', '--shell', 'bash'], env);
  assert.is(first.exitCode, 0, first.stderr);
  assert.is(await moto.requests(), before, 'cached by the previous test');
  // Age every cached role session past its end.
  for (const f of cacheFiles()) {
    const path = join(env.AWSENV_CACHE_DIR!, f);
    const c = JSON.parse(readFileSync(path, 'utf8'));
    if (exportsOf(first.stdout).AWS_ACCESS_KEY_ID === c.accessKeyId) {
      writeFileSync(path, JSON.stringify({ ...c, expiration: new Date(Date.now() - 1000).toISOString() }));
    }
  }
  before = await moto.requests();
  const second = await awsenv(['use', 'admin', '--shell', 'bash'], env);
  assert.is(second.exitCode, 0, second.stderr);
  assert.is(await moto.requests() - before, 1, 'one new AssumeRole');
  assert.is.not(exportsOf(second.stdout).AWS_ACCESS_KEY_ID, exportsOf(first.stdout).AWS_ACCESS_KEY_ID);
});

sts('a cached session is served without the AWS SDK: a copy of the CLI without its SDK bundle still does it', async () => {
  if (!moto) return skip('moto_server is not installed');
  const warm = await awsenv(['use', 'admin', '--shell', 'bash'], env);
  assert.is(warm.exitCode, 0, warm.stderr);
  // The built CLI with the SDK's bundle taken out (its code cache kept: same main.cjs).
  const copy = join(box.dir, 'no-sdk');
  cpSync(join(ROOT, 'dist'), copy, { recursive: true });
  rmSync(join(copy, 'lazy/sts-sdk.cjs'));
  const run = (args: string[]) => execa('node', [join(copy, 'awsenv.js'), ...args], { env, extendEnv: false, reject: false, stdin: 'ignore', stripFinalNewline: false });
  const before = await moto.requests();
  const cached = await run(['use', 'admin', '--shell', 'bash']);
  assert.is(cached.exitCode, 0, String(cached.stderr));
  assert.is(String(cached.stdout), warm.stdout);
  assert.is(await moto.requests(), before, 'no request');
  // The control: a request needs the bundle, and the copy has none.
  const refresh = await run(['use', 'admin', '--shell', 'bash', '--refresh']);
  assert.is.not(refresh.exitCode, 0);
  assert.match(String(refresh.stderr), 'sts-sdk.cjs');
  assert.is(String(refresh.stdout), 'false\n');
});

sts('a two-hop role chain', async () => {
  if (!moto) return skip('moto_server is not installed');
  const r = await awsenv(['use', 'deep', '--shell', 'bash'], env);
  assert.is(r.exitCode, 0, r.stderr);
  const e = exportsOf(r.stdout);
  assert.match(e.AWS_ACCESS_KEY_ID!, /^ASIA/);
  assert.is(e.AWS_PROFILE, 'deep');
});

sts('a cycle of source_profile is reported with the chain, before any request', async () => {
  if (!moto) return skip('moto_server is not installed');
  const before = await moto.requests();
  const r = await awsenv(['use', 'loop-a', '--shell', 'bash'], env);
  assert.is(r.exitCode, 1);
  assert.is(r.stdout, 'false\n');
  assert.match(r.stderr, 'loop-a → loop-b → loop-a');
  assert.is(await moto.requests(), before);
});

sts('a deleted key: one clear sentence, nothing exported, no secret', async () => {
  if (!moto) return skip('moto_server is not installed');
  const bob = await moto.createUser('bob');
  const b = sandbox();
  try {
    b.write('credentials', `[bob]\naws_access_key_id = ${bob.accessKeyId}\naws_secret_access_key = ${bob.secretAccessKey}\nmfa_serial = arn:aws:iam::${ACCOUNT}:mfa/bob\n`);
    await moto.deleteKey('bob', bob.accessKeyId);
    const r = await awsenv(['use', 'bob', '--shell', 'bash', '--mfa-code', '123456'], { ...b.env, AWS_ENDPOINT_URL_STS: moto.endpoint });
    assert.is(r.exitCode, 1);
    assert.is(r.stdout, 'false\n');
    assert.match(r.stderr, /does not know this access key, or it is inactive/);
    assert.not.match(r.stderr, bob.secretAccessKey);
    assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
  } finally {
    b.cleanup();
  }
});

sts('STS not reachable: bounded, one clear error, nothing exported', async () => {
  if (!moto) return skip('moto_server is not installed');
  const started = Date.now();
  const r = await awsenv(['use', 'admin', '--shell', 'bash', '--refresh'], { ...env, AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' });
  assert.is(r.exitCode, 1);
  assert.is(r.stdout, 'false\n');
  assert.match(r.stderr, /cannot reach http:\/\/127\.0\.0\.1:9/);
  // Not a timing assertion on speed: only that it gave up rather than hung (limit 60 s).
  assert.ok(Date.now() - started < 60_000);
});

sts('ten concurrent `use` with a cold cache: all succeed, one STS request, one valid cache file', async () => {
  if (!moto) return skip('moto_server is not installed');
  const cold = { ...env, AWSENV_CACHE_DIR: join(box.dir, 'cold-cache') };
  const before = await moto.requests();
  const runs = await Promise.all(Array.from({ length: 10 }, () => awsenv(['use', 'admin', '--shell', 'bash'], cold)));
  for (const r of runs) assert.is(r.exitCode, 0, r.stderr);
  const keys = new Set(runs.map((r) => exportsOf(r.stdout).AWS_ACCESS_KEY_ID));
  assert.is(keys.size, 1, 'every shell got the same session');
  assert.is(await moto.requests() - before, 1);
  const files = readdirSync(cold.AWSENV_CACHE_DIR).filter((f) => f.endsWith('.json'));
  assert.equal(readdirSync(cold.AWSENV_CACHE_DIR).filter((f) => f.endsWith('.tmp') || f.endsWith('.lock')), [], 'no temporary file or lock left');
  assert.equal(files.length, 1, files.join(', '));
  JSON.parse(readFileSync(join(cold.AWSENV_CACHE_DIR, files[0]!), 'utf8'));
});

sts('a corrupt cache file is ignored and replaced, never trusted', async () => {
  if (!moto) return skip('moto_server is not installed');
  for (const f of cacheFiles()) writeFileSync(join(env.AWSENV_CACHE_DIR!, f), '{"version":1,"accessKeyId":"AKIAFAKE"');
  const r = await awsenv(['use', 'admin', '--shell', 'bash'], env);
  assert.is(r.exitCode, 0, r.stderr);
  assert.is.not(exportsOf(r.stdout).AWS_ACCESS_KEY_ID, 'AKIAFAKE');
  // A cache directory others can read or write is refused, not silently repaired (issue 12).
  chmodSync(env.AWSENV_CACHE_DIR!, 0o755);
  const again = await awsenv(['use', 'admin', '--shell', 'bash'], env);
  assert.is(again.exitCode, 1);
  assert.match(again.stderr, /has mode 0755, so others can read or write it/);
  chmodSync(env.AWSENV_CACHE_DIR!, 0o700);
});

sts.run();
