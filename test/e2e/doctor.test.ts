// awsenv doctor end to end: each cause of "The security token included in the request is
// invalid" reproduced for real against moto_server (which checks keys), in a temporary
// HOME, and diagnosed as that cause and no other.
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { awsenv, CLI, type Sandbox, sandbox } from '../helpers/env.js';
import { ACCOUNT, type Keys, type Moto, startMoto } from '../helpers/moto.js';
import { skip } from '../helpers/tools.js';

const doc = suite('doctor (moto_server)');
let moto: Moto | undefined;
let box: Sandbox;
let alice: Keys;
let carol: Keys;
let env: Record<string, string>;

interface Report {
  healthy: boolean;
  checks: { id: string; status: string; cause: string | null; message: string; fix: string | null }[];
}

async function doctor(args: string[], extra: Record<string, string> = {}) {
  const r = await awsenv(['doctor', '--json', ...args], { ...env, ...extra });
  const report = JSON.parse(r.stdout) as Report;
  const causes = [...new Set(report.checks.filter((c) => c.status === 'problem').map((c) => c.cause))].sort();
  return { r, report, causes };
}

/** A printed fix run in bash as a user would paste it (`awsenv` as a command), then doctor. */
function doctorAfter(fix: string, extra: Record<string, string>) {
  return execa('bash', ['--noprofile', '--norc', '-c', `awsenv() { node ${JSON.stringify(CLI)} "$@"; }; ${fix}; awsenv doctor`], {
    env: { ...env, ...extra },
    extendEnv: false,
    reject: false,
  });
}

doc.before(async () => {
  moto = await startMoto();
  if (!moto) return; // each test says it was skipped
  box = sandbox();
  alice = await moto.createUser('alice');
  carol = await moto.createUser('carol');
  const bob = await moto.createUser('bob');
  await moto.deleteKey('bob', bob.accessKeyId);
  box.write(
    'credentials',
    [
      `[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}`,
      `[carol]\naws_access_key_id = ${carol.accessKeyId}\naws_secret_access_key = ${carol.secretAccessKey}`,
      `[gone]\naws_access_key_id = ${bob.accessKeyId}\naws_secret_access_key = ${bob.secretAccessKey}`,
      `[badsecret]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = not-the-secret`,
      `[stale]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\naws_session_token = left-over-token`,
      `[mfa]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\nmfa_serial = arn:aws:iam::${ACCOUNT}:mfa/alice`,
      '',
    ].join('\n'),
  );
  env = { ...box.env, AWS_ENDPOINT_URL_STS: moto.endpoint };
});
doc.after(async () => {
  await moto?.stop();
  box?.cleanup();
});

doc('a healthy profile: exit 0, every check ok, the identity named', async () => {
  if (!moto) return skip('moto_server is not installed');
  const { r, report } = await doctor(['alice']);
  assert.is(r.exitCode, 0, r.stdout);
  assert.ok(report.healthy);
  for (const c of report.checks) assert.is(c.status, 'ok', c.message);
  assert.match(r.stdout, `arn:aws:iam::${ACCOUNT}:user/alice`);
});

const cases: [string, string[], Record<string, string>, string][] = [
  ['a deleted key', ['gone'], {}, 'key-inactive'],
  ['a wrong secret', ['badsecret'], {}, 'wrong-secret'],
  ['a leftover token in the file next to a long-term key', ['stale'], {}, 'leftover-token'],
  ['MFA required: mfa_serial, but long-term keys in use', ['mfa'], {}, 'mfa-required'],
];
for (const [name, args, extra, cause] of cases) {
  doc(`${name} → ${cause}, and no other cause`, async () => {
    if (!moto) return skip('moto_server is not installed');
    const { r, causes } = await doctor(args, extra);
    assert.is(r.exitCode, 1);
    assert.equal(causes, [cause], r.stdout);
  });
}

doc('a leftover AWS_SESSION_TOKEN with long-term keys in the environment → leftover-token; its fix makes doctor healthy', async () => {
  if (!moto) return skip('moto_server is not installed');
  const extra = { AWS_PROFILE: 'alice', AWS_ACCESS_KEY_ID: alice.accessKeyId, AWS_SECRET_ACCESS_KEY: alice.secretAccessKey, AWS_SESSION_TOKEN: 'left-over' };
  const { r, report, causes } = await doctor([], extra);
  assert.is(r.exitCode, 1);
  assert.equal(causes, ['leftover-token']);
  const fix = report.checks.find((c) => c.cause === 'leftover-token' && c.fix)!.fix!;
  const after = await doctorAfter(fix, extra);
  assert.is(after.exitCode, 0, String(after.stdout));
  assert.match(String(after.stdout), 'healthy');
});

doc('a key pasted with its newline → wrong-secret, STS not asked; its fix makes doctor healthy', async () => {
  if (!moto) return skip('moto_server is not installed');
  const extra = { AWS_ACCESS_KEY_ID: `${alice.accessKeyId}\n`, AWS_SECRET_ACCESS_KEY: alice.secretAccessKey };
  const before = await moto.requests();
  const { r, report, causes } = await doctor([], extra);
  assert.is(await moto.requests(), before, 'STS not asked');
  assert.is(r.exitCode, 1);
  assert.equal(causes, ['wrong-secret']);
  const check = report.checks.find((c) => c.id === 'damaged-value')!;
  assert.match(check.message, 'AWS_ACCESS_KEY_ID contains a line break');
  const after = await doctorAfter(check.fix!, extra);
  assert.is(after.exitCode, 0, String(after.stdout));
  assert.match(String(after.stdout), 'healthy');
});

doc('an ASIA key without its token → token-missing', async () => {
  if (!moto) return skip('moto_server is not installed');
  const { r, causes } = await doctor([], { AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEKEY000001', AWS_SECRET_ACCESS_KEY: 'x' });
  assert.is(r.exitCode, 1);
  assert.equal(causes, ['token-missing']);
});

doc('exported keys shadowing AWS_PROFILE → wrong-profile; `awsenv use` (its fix) makes doctor healthy', async () => {
  if (!moto) return skip('moto_server is not installed');
  const extra = { AWS_PROFILE: 'carol', AWS_ACCESS_KEY_ID: alice.accessKeyId, AWS_SECRET_ACCESS_KEY: alice.secretAccessKey };
  const { r, report, causes } = await doctor([], extra);
  assert.is(r.exitCode, 1);
  assert.equal(causes, ['wrong-profile']);
  const fix = report.checks.find((c) => c.cause === 'wrong-profile')!.fix!;
  assert.is(fix, 'eval "$(awsenv use carol)"');
  const after = await doctorAfter(fix, extra);
  assert.is(after.exitCode, 0, String(after.stdout));
});

doc('an expired session → expired', async () => {
  if (!moto) return skip('moto_server is not installed');
  const { r, causes, report } = await doctor([], {
    AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEKEY000001',
    AWS_SECRET_ACCESS_KEY: 'x',
    AWS_SESSION_TOKEN: 'old-token',
    AWS_CREDENTIAL_EXPIRATION: new Date(Date.now() - 3_600_000).toISOString(),
  });
  assert.is(r.exitCode, 1);
  assert.equal(causes, ['expired']);
  assert.match(report.checks.find((c) => c.id === 'expiry')!.message, /expired 1h ago|expired 59m ago|expired 60m ago/);
});

doc('STS not running: unreachable, with --offline advice, in bounded time; --offline asks nobody', async () => {
  if (!moto) return skip('moto_server is not installed');
  const started = Date.now();
  const { r, causes, report } = await doctor(['alice'], { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' });
  assert.is(r.exitCode, 1);
  assert.equal(causes, ['unreachable']);
  assert.match(report.checks.find((c) => c.cause === 'unreachable')!.fix!, '--offline');
  assert.ok(Date.now() - started < 60_000, 'gave up instead of hanging');
  const offline = await doctor(['alice', '--offline'], { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' });
  assert.is(offline.r.exitCode, 0);
});

doc('no secret in either output', async () => {
  if (!moto) return skip('moto_server is not installed');
  for (const args of [['alice'], ['stale'], ['badsecret']]) {
    const json = await awsenv(['doctor', '--json', ...args], env);
    const human = await awsenv(['doctor', ...args], env);
    for (const out of [json.stdout, json.stderr, human.stdout, human.stderr]) {
      assert.not.match(out, alice.secretAccessKey);
      assert.not.match(out, 'left-over-token');
      assert.not.match(out, alice.accessKeyId, 'key ids are masked');
    }
  }
});
doc.run();
