// list, current and doctor give one answer (issue 14, item 8), and doctor's fixes fit the
// case (item 9): through the built CLI, offline where that is enough, against moto_server
// where STS must answer.
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { awsenv, CLI, type Sandbox, sandbox } from '../helpers/env.js';
import { ACCOUNT, type Moto, startMoto } from '../helpers/moto.js';
import { skip } from '../helpers/tools.js';

const CONFIG = [
  '[profile proc]\ncredential_process = /bin/false',
  '[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deploy\nsource_profile = admin',
  '[profile loop-a]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = loop-b',
  '[profile loop-b]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = loop-a',
  '[profile via-stale]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = stale',
  '',
].join('\n');
const CREDENTIALS = [
  '[admin]\naws_access_key_id = AKIAADMIN0000000001\naws_secret_access_key = a',
  '[stale]\naws_access_key_id = AKIASTALE000000001\naws_secret_access_key = s\naws_session_token = left-over',
  '[old]\naws_access_key_id = ASIAOLD00000000001\naws_secret_access_key = o\naws_session_token = t\nexpiration = 2020-01-01T00:00:00Z',
  '',
].join('\n');

interface Current {
  consistent: boolean;
  problems: { code: string; message: string; fix: string | null }[];
}
interface Report {
  healthy: boolean;
  checks: { id: string; status: string; cause: string | null; message: string; fix: string | null }[];
}

const agree = suite('list, current and doctor agree (offline)');
let box: Sandbox;
agree.before(() => {
  box = sandbox();
  box.write('config', CONFIG);
  box.write('credentials', CREDENTIALS);
});
agree.after(() => box.cleanup());

const current = async (extra: Record<string, string>) => JSON.parse((await awsenv(['current', '--json'], { ...box.env, ...extra })).stdout) as Current;
const doctor = async (args: string[], extra: Record<string, string>) => {
  const r = await awsenv(['doctor', '--json', '--offline', ...args], { ...box.env, ...extra });
  return { exitCode: r.exitCode, report: JSON.parse(r.stdout) as Report };
};

const SHELLS: [string, Record<string, string>][] = [
  ['AWS_PROFILE naming no profile (a typo), no keys', { AWS_PROFILE: 'prod' }],
  ['keys exported next to AWS_PROFILE of a role', { AWS_PROFILE: 'deploy', AWS_ACCESS_KEY_ID: 'AKIAOTHER000000001', AWS_SECRET_ACCESS_KEY: 'x' }],
  ['an expired session in the environment', { AWS_PROFILE: 'admin', AWS_ACCESS_KEY_ID: 'ASIAEXPIRED0000001', AWS_SECRET_ACCESS_KEY: 'x', AWS_SESSION_TOKEN: 't', AWS_CREDENTIAL_EXPIRATION: '2020-01-01T00:00:00Z', AWSENV_PROFILE: 'admin', AWSENV_KEY_ID: 'ASIAEXPIRED0000001' }],
  ['a token left next to an AKIA key', { AWS_ACCESS_KEY_ID: 'AKIAADMIN0000000001', AWS_SECRET_ACCESS_KEY: 'a', AWS_SESSION_TOKEN: 't' }],
  ['AWS_PROFILE changed behind awsenv', { AWS_PROFILE: 'stale', AWSENV_PROFILE: 'admin', AWSENV_KEY_ID: 'AKIAADMIN0000000001', AWS_ACCESS_KEY_ID: 'AKIAADMIN0000000001', AWS_SECRET_ACCESS_KEY: 'a' }],
];

for (const [what, extra] of SHELLS) {
  agree(`${what}: current is not consistent, and doctor finds the same cause`, async () => {
    const c = await current(extra);
    assert.is(c.consistent, false, JSON.stringify(c));
    const d = await doctor([], extra);
    assert.is(d.exitCode, 1, JSON.stringify(d.report));
    assert.is(d.report.healthy, false);
    for (const p of c.problems) {
      assert.ok(
        d.report.checks.some((k) => k.status === 'problem' && (k.id === p.code || k.message === p.message || (p.code === 'expired' && k.cause === 'expired') || (['keys-not-profile', 'keys-not-awsenv', 'profile-changed', 'unknown-profile'].includes(p.code) && k.cause === 'wrong-profile'))),
        `doctor reports current's "${p.message}": ${JSON.stringify(d.report.checks)}`,
      );
    }
  });
}

agree('a consistent shell: current says so, and doctor (offline) finds nothing in the environment', async () => {
  const extra = { AWS_PROFILE: 'admin', AWS_ACCESS_KEY_ID: 'AKIAADMIN0000000001', AWS_SECRET_ACCESS_KEY: 'a', AWSENV_PROFILE: 'admin', AWSENV_KEY_ID: 'AKIAADMIN0000000001' };
  assert.is((await current(extra)).consistent, true);
  const d = await doctor([], extra);
  assert.equal(d.report.checks.filter((k) => k.status === 'problem'), []);
});

agree("list's PROBLEM column: a token next to an AKIA key, an expired token, a cycle, a source's problem; doctor PROFILE finds each", async () => {
  const r = await awsenv(['list', '--json'], box.env);
  const problems = Object.fromEntries((JSON.parse(r.stdout) as { profiles: { name: string; problem: string | null }[] }).profiles.map((p) => [p.name, p.problem]));
  assert.match(problems.stale!, 'aws_session_token is next to a long-term AKIA key');
  assert.match(problems.old!, /expired \d+d ago/);
  assert.match(problems['loop-a']!, 'source_profile forms a cycle: loop-a → loop-b → loop-a');
  assert.match(problems['via-stale']!, "source profile 'stale': aws_session_token is next to a long-term AKIA key");
  assert.is(problems.admin, null);
  assert.is(problems.deploy, null);
  for (const name of ['stale', 'old', 'loop-a', 'via-stale']) {
    const d = await doctor([name], {});
    assert.is(d.report.healthy, false, `doctor ${name}: ${JSON.stringify(d.report.checks)}`);
  }
  const human = await awsenv(['list'], box.env);
  assert.match(human.stdout, /via-stale +role +- +- +source profile 'stale'/);
});

agree("wording: no doubled quote, no 'from none', no 'from sts'; fixes in the shell's syntax", async () => {
  const none = await awsenv(['doctor', '--offline', 'proc'], { ...box.env, AWS_PROFILE: 'prod' });
  assert.not.match(none.stdout, 'from none');
  const shadow = await awsenv(['current'], { ...box.env, AWS_PROFILE: 'admin', AWS_ACCESS_KEY_ID: 'AKIAOTHER000000001', AWS_SECRET_ACCESS_KEY: 'x' });
  assert.not.match(shadow.stdout, "''s");
  assert.match(shadow.stdout, "is not the key of profile 'admin'");
  // The shell comes from AWSENV_SHELL (the hook sets it) before the parent process.
  for (const [shell, fix] of [
    ['fish', 'fix: awsenv use admin | source'],
    ['tcsh', 'fix: eval "`awsenv use admin`"'],
    ['pwsh', 'fix: awsenv use admin --shell pwsh | Out-String | Invoke-Expression'],
    ['bash', 'fix: eval "$(awsenv use admin)"'],
  ]) {
    const r = await awsenv(['current'], { ...box.env, AWSENV_SHELL: shell!, AWS_PROFILE: 'admin', AWS_ACCESS_KEY_ID: 'AKIAOTHER000000001', AWS_SECRET_ACCESS_KEY: 'x' });
    assert.match(r.stdout, fix!, shell);
  }
  const fishUnset = await awsenv(['current'], { ...box.env, AWSENV_SHELL: 'fish', AWS_ACCESS_KEY_ID: 'AKIAADMIN0000000001', AWS_SECRET_ACCESS_KEY: 'a', AWS_SESSION_TOKEN: 't' });
  assert.match(fishUnset.stdout, 'fix: set -e AWS_SESSION_TOKEN AWS_SECURITY_TOKEN');
});

// --- doctor's fixes against a real STS
const live = suite("doctor's fixes fit the case (moto_server)");
let moto: Moto | undefined;
let lbox: Sandbox;
let lenv: Record<string, string>;
let alice: { accessKeyId: string; secretAccessKey: string };
live.before(async () => {
  moto = await startMoto();
  if (!moto) return; // each test says it was skipped
  lbox = sandbox();
  alice = await moto.createUser('alice');
  const dave = await moto.createUser('dave');
  const role = await moto.createRole('deploy', `arn:aws:iam::${ACCOUNT}:user/dave`);
  lbox.write(
    'credentials',
    `[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n[dave]\naws_access_key_id = ${dave.accessKeyId}\naws_secret_access_key = ${dave.secretAccessKey}\n[wrong]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = not-it\n`,
  );
  lbox.write('config', `[profile deploy]\nrole_arn = ${role}\nsource_profile = dave\n`);
  lenv = { ...lbox.env, AWS_ENDPOINT_URL_STS: moto.endpoint };
  (live as unknown as { dave: typeof dave }).dave = dave;
});
live.after(async () => {
  await moto?.stop();
  lbox?.cleanup();
});

const liveDoctor = async (args: string[], extra: Record<string, string> = {}) => {
  const r = await awsenv(['doctor', '--json', ...args], { ...lenv, ...extra });
  return JSON.parse(r.stdout) as Report;
};

live('a wrong secret only in the environment (the file is right): fixed by awsenv use, which doctor then finds healthy', async () => {
  if (!moto) return skip('moto_server is not installed');
  const report = await liveDoctor([], { AWS_PROFILE: 'alice', AWS_ACCESS_KEY_ID: alice.accessKeyId, AWS_SECRET_ACCESS_KEY: 'typo', AWSENV_SHELL: 'bash' });
  const check = report.checks.find((c) => c.cause === 'wrong-secret')!;
  assert.ok(check, JSON.stringify(report.checks));
  assert.is(check.fix, 'eval "$(awsenv use alice)"');
  const after = await execa('bash', ['--noprofile', '--norc', '-c', `awsenv() { node ${JSON.stringify(CLI)} "$@"; }; ${check.fix}; awsenv doctor`], {
    env: { ...lenv, AWS_PROFILE: 'alice', AWS_ACCESS_KEY_ID: alice.accessKeyId, AWS_SECRET_ACCESS_KEY: 'typo', AWSENV_SHELL: 'bash' },
    extendEnv: false,
    reject: false,
  });
  assert.is(after.exitCode, 0, String(after.stdout));
});

live('a wrong secret in the file of a profile other than default: aws configure --profile NAME', async () => {
  if (!moto) return skip('moto_server is not installed');
  const report = await liveDoctor(['wrong']);
  assert.is(report.checks.find((c) => c.cause === 'wrong-secret')?.fix, 'aws configure --profile wrong  # re-enter the secret access key');
});

live('doctor ROLE checks the source keys even while the cached session works', async () => {
  if (!moto) return skip('moto_server is not installed');
  const use = await awsenv(['use', 'deploy', '--shell', 'bash'], lenv);
  assert.is(use.exitCode, 0, use.stderr);
  let report = await liveDoctor(['deploy']);
  assert.ok(report.healthy, JSON.stringify(report.checks));
  assert.ok(report.checks.some((c) => c.id === 'source-keys' && c.status === 'ok'));
  const dave = (live as unknown as { dave: { accessKeyId: string } }).dave;
  await moto.deleteKey('dave', dave.accessKeyId);
  report = await liveDoctor(['deploy']);
  assert.is(report.healthy, false);
  const check = report.checks.find((c) => c.id === 'source-keys')!;
  assert.is(check.cause, 'key-inactive');
  assert.match(check.message, "source profile 'dave' of 'deploy'");
  assert.is(check.fix, 'aws configure --profile dave  # re-enter a working key');
  assert.ok(report.checks.some((c) => c.id === 'source' && /its cached session/.test(c.message)), 'the role itself still comes from the cache');
});

agree.run();
live.run();
