// credential_process, export and exec through the built CLI.
import { execa } from 'execa';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { awsenv, type Sandbox, sandbox } from '../helpers/env.js';
import { requireTool } from '../helpers/tools.js';

const proc = suite('credential_process');
let box: Sandbox;

function script(name: string, body: string): string {
  const path = join(box.dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

proc.before(() => {
  box = sandbox();
  const good = script(
    'good',
    `echo "from the process" >&2\necho '{"Version": 1, "AccessKeyId": "ASIAPROCESS00000001", "SecretAccessKey": "proc-secret", "SessionToken": "proc-token", "Expiration": "2099-01-01T00:00:00Z"}'`,
  );
  const failing = script('failing', 'echo "login required" >&2\nexit 4');
  const slow = script('slow', 'exec sleep 30');
  // A child that keeps stdout open after the script itself is stopped.
  const slowChild = script('slow-child', 'printf "{"\nsleep 30\necho "}"');
  const malformed = script('malformed', `echo '{"Version": 2, "AccessKeyId": "x"}'`);
  const notJson = script('notjson', 'echo hello');
  const expired = script('expired', `echo '{"Version": 1, "AccessKeyId": "ASIAEXPIRED00000001", "SecretAccessKey": "expired-secret", "SessionToken": "expired-token", "Expiration": "2020-01-01T00:00:00Z"}'`);
  const noKeyId = script('nokeyid', `echo '{"Version": 1, "SecretAccessKey": "lonely-secret"}'`);
  const badExpiry = script('badexpiry', `echo '{"Version": 1, "AccessKeyId": "ASIAX", "SecretAccessKey": "s", "Expiration": "tomorrow"}'`);
  const numberKey = script('numberkey', `echo '{"Version": 1, "AccessKeyId": 12345, "SecretAccessKey": "s"}'`);
  box.write(
    'config',
    [
      `[profile good]\ncredential_process = "${good}" --flag 'with space'\nregion = ap-south-1`,
      `[profile failing]\ncredential_process = ${failing}`,
      `[profile slow]\ncredential_process = ${slow}`,
      `[profile slow-child]\ncredential_process = ${slowChild}`,
      `[profile malformed]\ncredential_process = ${malformed}`,
      `[profile notjson]\ncredential_process = ${notJson}`,
      `[profile expired]\ncredential_process = ${expired}`,
      `[profile nokeyid]\ncredential_process = ${noKeyId}`,
      `[profile badexpiry]\ncredential_process = ${badExpiry}`,
      `[profile numberkey]\ncredential_process = ${numberKey}`,
      `[profile missing]\ncredential_process = ${join(box.dir, 'nope')}`,
      `[profile static]\nregion = eu-north-1`,
      '',
    ].join('\n'),
  );
  box.write('credentials', '[static]\naws_access_key_id = AKIASTATIC000000001\naws_secret_access_key = static-secret\n');
});
proc.after(() => box.cleanup());

proc('good: the process\'s credentials are exported and its stderr passed through', async () => {
  const r = await awsenv(['use', 'good', '--shell', 'bash'], box.env);
  assert.is(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, "export AWS_ACCESS_KEY_ID='ASIAPROCESS00000001';");
  assert.match(r.stdout, "export AWS_SESSION_TOKEN='proc-token';");
  assert.match(r.stdout, "export AWS_CREDENTIAL_EXPIRATION='2099-01-01T00:00:00Z';");
  assert.match(r.stdout, "export AWS_REGION='ap-south-1';");
  assert.match(r.stderr, 'from the process');
});

for (const [name, pattern] of [
  ['failing', /failed with exit status 4/],
  ['malformed', /not credential_process Version 1: Version must be 1, got 2$/m],
  ['expired', /credential_process for profile 'expired' returned credentials that expired at 2020-01-01T00:00:00Z/],
  ['nokeyid', /not credential_process Version 1: AccessKeyId is missing$/m],
  ['badexpiry', /Expiration must be an RFC 3339 date and time such as "2026-12-01T12:00:00Z", got "tomorrow"$/m],
  ['numberkey', /AccessKeyId must be a string, got number$/m],
  ['notjson', /did not print JSON/],
  ['missing', /could not be started/],
] as const) {
  proc(`${name}: one clear error, nothing exported`, async () => {
    const r = await awsenv(['use', name, '--shell', 'bash'], box.env);
    assert.is(r.exitCode, 1);
    assert.is(r.stdout, 'false\n');
    assert.match(r.stderr, pattern);
    assert.not.match(r.stderr, /\n\s+at /);
    assert.not.match(r.stderr, /Invalid input|expired-secret|lonely-secret|expired-token/, 'no zod wording, no secret');
  });
}

for (const name of ['slow', 'slow-child']) {
  proc(`${name}: stopped after AWSENV_PROCESS_TIMEOUT with a clear message`, async () => {
    const started = Date.now();
    const r = await awsenv(['use', name, '--shell', 'bash'], { ...box.env, AWSENV_PROCESS_TIMEOUT: '1' });
    assert.is(r.exitCode, 1);
    assert.is(r.stdout, 'false\n');
    assert.match(r.stderr, /did not finish within 1 s/);
    // The whole process group is stopped, not only the script: far below the child's 30 s.
    assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
  });
}
proc.run();

const exp = suite('export --format process');
exp.before(() => {
  box = sandbox();
  box.write('credentials', '[static]\naws_access_key_id = AKIASTATIC000000001\naws_secret_access_key = static-secret\n');
});
exp.after(() => box.cleanup());
exp('is Version 1 JSON that a real AWS CLI accepts as credential_process', async () => {
  const r = await awsenv(['export', 'static', '--format', 'process'], box.env);
  assert.is(r.exitCode, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), { Version: 1, AccessKeyId: 'AKIASTATIC000000001', SecretAccessKey: 'static-secret' });
  const aws = requireTool('/usr/bin/aws', 'the AWS CLI v2 (Debian awscli) consumes the export');
  if (!aws) return;
  // A profile for the AWS CLI whose credential_process is this very command.
  box.write(
    'config',
    `[profile shared]\ncredential_process = node ${join(process.cwd(), 'dist/awsenv.js')} export static --format process\n`,
  );
  const v2 = await execa(aws, ['configure', 'export-credentials', '--profile', 'shared', '--format', 'env-no-export'], {
    env: box.env,
    extendEnv: false,
    reject: false,
  });
  assert.is(v2.exitCode, 0, String(v2.stderr));
  assert.match(String(v2.stdout), 'AWS_ACCESS_KEY_ID=AKIASTATIC000000001');
  assert.match(String(v2.stdout), 'AWS_SECRET_ACCESS_KEY=static-secret');
});
exp.run();

const ex = suite('exec');
ex.before(() => {
  box = sandbox();
  box.write('credentials', '[static]\naws_access_key_id = AKIASTATIC000000001\naws_secret_access_key = static-secret\n');
  box.write('config', '[profile static]\nregion = eu-north-1\n');
});
ex.after(() => box.cleanup());
ex('passes an exit status of 3 through, with exactly the contract\'s environment', async () => {
  const r = await awsenv(
    ['exec', 'static', '--', 'sh', '-c', 'echo "$AWS_PROFILE|$AWS_ACCESS_KEY_ID|$AWS_REGION|${AWS_SESSION_TOKEN-unset}|${AWS_SECURITY_TOKEN-unset}|$KEEP"; exit 3'],
    { ...box.env, AWS_SESSION_TOKEN: 'stale', AWS_SECURITY_TOKEN: 'stale', KEEP: 'kept' },
  );
  assert.is(r.exitCode, 3);
  assert.is(r.stdout, 'static|AKIASTATIC000000001|eu-north-1|unset|unset|kept\n');
});
ex('a signal is reported as 128+N', async () => {
  const r = await awsenv(['exec', 'static', '--', 'sh', '-c', 'kill -TERM $$'], box.env);
  assert.is(r.exitCode, 143);
});
ex('a command that cannot run: 127 and a message', async () => {
  const r = await awsenv(['exec', 'static', '--', join(box.dir, 'no-such-command')], box.env);
  assert.is(r.exitCode, 127);
  assert.match(r.stderr, 'command not found: ');
});
ex('a credential with a NUL byte: refused before the command runs, naming the variable', async () => {
  const nul = join(box.dir, 'nul');
  writeFileSync(nul, `#!/bin/sh\necho '{"Version": 1, "AccessKeyId": "ASIANUL", "SecretAccessKey": "nul\\u0000secret", "SessionToken": "t"}'\n`);
  chmodSync(nul, 0o755);
  box.write('config', `[profile static]\nregion = eu-north-1\n[profile nul]\ncredential_process = ${nul}\n`);
  const marker = join(box.dir, 'ran');
  const r = await awsenv(['exec', 'nul', '--', 'touch', marker], box.env);
  assert.is(r.exitCode, 1);
  assert.is(r.stderr, "awsenv: cannot set AWS_SECRET_ACCESS_KEY in the command's environment: the value contains a NUL byte\n");
  assert.not.ok(existsSync(marker), 'the command did not run');
});
ex.run();
