// exec's command line (issue 14 item 4): everything after PROFILE is the command, `--`
// still accepted, awsenv's options before PROFILE, and a command that cannot run named
// plainly. The built CLI, real commands (the AWS CLI v2 among them).
import { spawn } from 'node:child_process';
import { writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { awsenv, CLI, type Sandbox, sandbox } from '../helpers/env.js';
import { requireTool } from '../helpers/tools.js';

const test = suite('exec: the command line');
let box: Sandbox;

test.before(() => {
  box = sandbox();
  box.write('credentials', '[static]\naws_access_key_id = AKIASTATIC000000001\naws_secret_access_key = static-secret\n');
  box.write('config', '[profile static]\nregion = eu-north-1\n');
});
test.after(() => box.cleanup());

test('`exec static aws --version` runs aws, not awsenv\'s --version', async () => {
  const aws = requireTool('/usr/bin/aws', 'the AWS CLI v2 is the command exec runs');
  if (!aws) return;
  const r = await awsenv(['exec', 'static', aws, '--version'], box.env);
  assert.is(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /^aws-cli\/2\./);
});

test('`exec static env` runs env with the profile\'s variables', async () => {
  const r = await awsenv(['exec', 'static', 'env'], box.env);
  assert.is(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /^AWS_ACCESS_KEY_ID=AKIASTATIC000000001$/m);
  assert.match(r.stdout, /^AWS_REGION=eu-north-1$/m);
});

test('options of the command are its own, even awsenv\'s names (--help, --mfa-code, --)', async () => {
  const r = await awsenv(['exec', 'static', 'sh', '-c', 'printf "%s|" "$@"', 'sh', '--help', '--mfa-code', '1', '--', '--version'], box.env);
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(r.stdout, '--help|--mfa-code|1|--|--version|');
});

test('`--` after the profile is still accepted, and only the first one is taken', async () => {
  const r = await awsenv(['exec', 'static', '--', 'sh', '-c', 'printf "%s|" "$@"', 'sh', '--', 'x'], box.env);
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(r.stdout, '--|x|');
});

test('awsenv\'s options go before the profile; after it, a clear usage error (no code echoed)', async () => {
  const before = await awsenv(['exec', '--mfa-code=123456', 'static', 'true'], box.env);
  assert.is(before.exitCode, 0, before.stderr);
  const after = await awsenv(['exec', 'static', '--mfa-code', '123456', '--', 'true'], box.env);
  assert.is(after.exitCode, 2);
  assert.match(after.stderr, "awsenv's options go before the profile: awsenv exec --mfa-code … static CMD…");
  assert.not.match(after.stderr, '123456');
  const unknown = await awsenv(['exec', '--shell=bash', 'static', 'true'], box.env);
  assert.is(unknown.exitCode, 2);
  assert.match(unknown.stderr, 'unknown option for exec: --shell');
});

test('a profile named like an option after `--`', async () => {
  box.write('credentials', '[static]\naws_access_key_id = AKIASTATIC000000001\naws_secret_access_key = static-secret\n[-dash]\naws_access_key_id = AKIADASH00000000001\naws_secret_access_key = s\n');
  const r = await awsenv(['exec', '--', '-dash', 'sh', '-c', 'echo $AWS_PROFILE'], box.env);
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(r.stdout, '-dash\n');
});

test('no command, no profile, --help', async () => {
  const none = await awsenv(['exec', 'static'], box.env);
  assert.is(none.exitCode, 2);
  assert.match(none.stderr, 'name a command to run: awsenv exec static CMD [ARG…]');
  const nothing = await awsenv(['exec'], box.env);
  assert.is(nothing.exitCode, 2);
  assert.match(nothing.stderr, 'name a profile and a command');
  const help = await awsenv(['exec', '--help'], box.env);
  assert.is(help.exitCode, 0);
  assert.match(help.stdout, 'Usage: awsenv exec [--server] [--mfa-code CODE] PROFILE [--] CMD [ARG…]');
});

test('"command not found: nosuchcmd" (127), "permission denied" (126), an MFA code never echoed', async () => {
  const missing = await awsenv(['exec', 'static', 'nosuchcmd-awsenv'], box.env);
  assert.is(missing.exitCode, 127);
  assert.is(missing.stderr, 'awsenv: command not found: nosuchcmd-awsenv\n');
  const file = join(box.dir, 'not-executable');
  writeFileSync(file, '#!/bin/sh\n');
  chmodSync(file, 0o644);
  const denied = await awsenv(['exec', 'static', file], box.env);
  assert.is(denied.exitCode, 126);
  assert.is(denied.stderr, `awsenv: permission denied: ${file}\n`);
  const code = await awsenv(['exec', 'static', '924673'], box.env);
  assert.is(code.exitCode, 127);
  assert.not.match(code.stderr, '924673');
  assert.match(code.stderr, 'an MFA code goes after --mfa-code, before the profile');
});

/** awsenv exec with `script` as the command, sent `signal` once the command has said "ready". */
async function signalled(script: string, signal: NodeJS.Signals): Promise<{ exitCode: number | null; stdout: string }> {
  const child = spawn('node', [CLI, 'exec', 'static', 'sh', '-c', script], { env: box.env, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  while (!stdout.includes('ready\n')) {
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill(signal);
  const exitCode = await new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  return { exitCode, stdout };
}

test('signals sent to awsenv reach the command; its status is awsenv\'s', async () => {
  const term = await signalled('trap "echo got-term; exit 5" TERM; echo ready; while :; do sleep 0.1; done', 'SIGTERM');
  assert.is(term.exitCode, 5);
  assert.match(term.stdout, 'got-term');
  const int = await signalled('trap "echo got-int; exit 6" INT; echo ready; while :; do sleep 0.1; done', 'SIGINT');
  assert.is(int.exitCode, 6);
  assert.match(int.stdout, 'got-int');
  // Not trapped: the command dies of it, and awsenv reports 128+N as a shell does.
  const hup = await signalled('echo ready; while :; do sleep 0.1; done', 'SIGHUP');
  assert.is(hup.exitCode, 129);
});

test('a command that ignores a forwarded SIGTERM is killed (SIGKILL, 137) 5 s later', async () => {
  const r = await signalled('trap "" TERM; echo ready; while :; do sleep 0.1; done', 'SIGTERM');
  assert.is(r.exitCode, 137);
});

test.run();
