// export, exec and doctor through the built CLI with a config big enough for a kept index
// (index-cache.ts): the first run scans the file and keeps its headers, later runs read the
// kept index, and every run gives what the whole parse gives, errors included.
import { chmodSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../../src/errors.js';
import { readIniFile } from '../../src/files/files.js';
import { awsenv, type Run, type Sandbox, sandbox } from '../helpers/env.js';

const big = suite('export, exec and doctor with 4,000 profiles: scanned, then through the kept index');
let box: Sandbox;
let env: Record<string, string>;
const KEYS = 'aws_access_key_id = AKIAKEYEDINCONFIG001\naws_secret_access_key = s\n';
const PROCESS_JSON = { Version: 1, AccessKeyId: 'ASIABIGFILE00000001', SecretAccessKey: 'big-secret', SessionToken: 'big-token', Expiration: '2099-01-01T00:00:00.000Z' };

function bigConfig(script: string, last = ''): string {
  const profiles = Array.from({ length: 4000 }, (_, i) => `[profile workload-${i}:Admin]\nsso_session = corp\nsso_account_id = ${100000000000 + i}\nsso_role_name = Admin\nregion = eu-west-1\n`);
  profiles.splice(5, 0, '[plugins]\ncli_legacy_plugin_path = /x\n');
  profiles.splice(2000, 0, `[profile keyed]\n${KEYS}`);
  return `[sso-session corp]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n\n${profiles.join('\n')}\n[profile last-proc]\ncredential_process = ${script}\nregion = ap-south-1\n${last}`;
}

/** The line of `text` that starts with `start` (1-based). */
const lineOf = (text: string, start: string) => text.split('\n').findIndex((l) => l.startsWith(start)) + 1;

/** Until the files are older than index-cache.ts's two seconds (an index is kept only then). */
async function oldEnough(): Promise<void> {
  const newest = () => Math.max(...[box.config, box.credentials].flatMap((f) => [statSync(f).mtimeMs, statSync(f).ctimeMs]));
  while (Date.now() - newest() <= 2100) await new Promise((done) => setTimeout(done, 100));
}

const kept = () => readdirSync(join(env.AWSENV_CACHE_DIR!, 'files')).filter((f) => f.endsWith('.idx'));
let script: string;

big.before(async () => {
  box = sandbox();
  env = box.env;
  script = join(box.dir, 'creds');
  writeFileSync(script, `#!/bin/sh\necho '${JSON.stringify(PROCESS_JSON)}'\n`);
  chmodSync(script, 0o755);
  box.write('config', bigConfig(script));
  box.write('credentials', '[static]\naws_access_key_id = AKIASTATIC0000000001\naws_secret_access_key = s\n');
  assert.ok(statSync(box.config).size > 256 * 1024, 'big enough to keep an index');
  await oldEnough();
});
big.after(() => box.cleanup());

/** The same command twice: the first run scans and keeps the index, the second reads it. */
async function twice(args: string[]): Promise<Run> {
  const first = await awsenv(args, env);
  assert.ok(kept().length > 0, `an index is kept after: awsenv ${args.join(' ')}\n${first.stderr}`);
  const second = await awsenv(args, env);
  assert.equal(second, first, `awsenv ${args.join(' ')}: the kept index gives what the scan gave`);
  return first;
}

big('export --format process of the last profile', async () => {
  const r = await twice(['export', 'last-proc', '--format', 'process']);
  assert.is(r.exitCode, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), PROCESS_JSON);
});

big('exec of the last profile', async () => {
  const r = await twice(['exec', 'last-proc', '--', 'sh', '-c', 'echo "$AWS_ACCESS_KEY_ID $AWS_SESSION_TOKEN $AWS_REGION $AWS_PROFILE"']);
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(r.stdout, 'ASIABIGFILE00000001 big-token ap-south-1 last-proc\n');
});

big("doctor --offline: keys in config and an ignored section, each with the whole file's line", async () => {
  const r = await twice(['doctor', '--offline', '--json', 'last-proc']);
  const report = JSON.parse(r.stdout) as { checks: { id: string; message: string }[]; source: string };
  const text = bigConfig(script);
  const keyLine = lineOf(text, '[profile keyed]') + 1;
  assert.ok(report.checks.some((c) => c.id === 'keys-in-config' && c.message.includes(`profile 'keyed' keeps long-term keys in ${box.config}:${keyLine};`)), r.stdout);
  assert.ok(report.checks.some((c) => c.id === 'ignored-section' && c.message.startsWith(`${box.config}:${lineOf(text, '[plugins]')}: [plugins] is not a profile`)), r.stdout);
  assert.is(report.checks.filter((c) => c.id === 'keys-in-config' || c.id === 'ignored-section').length, 2, r.stdout);
  assert.match(report.source, "profile 'last-proc' (process), from its credential_process");
});

big('a profile that is not there: the same error, with its suggestions', async () => {
  const r = await twice(['export', 'last-prox', '--format', 'process']);
  assert.is(r.exitCode, 1);
  assert.match(r.stderr, "'last-proc'");
});

big('a duplicate key in the last section: every command names it as the whole parse does', async () => {
  box.write('config', bigConfig(script, 'region = again\n'));
  let message = '';
  try {
    readIniFile(box.config);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    message = error.message;
  }
  assert.match(message, `:${lineOf(bigConfig(script, 'region = again\n'), 'region = again')}:`);
  await oldEnough();
  for (const args of [['export', 'last-proc', '--format', 'process'], ['exec', 'last-proc', '--', 'true'], ['export', 'workload-1:Admin', '--format', 'process']]) {
    const r = await awsenv(args, env);
    assert.is(r.exitCode, 1, `awsenv ${args.join(' ')}`);
    assert.ok(r.stderr.includes(message), `awsenv ${args.join(' ')}: ${r.stderr}\nwant: ${message}`);
  }
  const doctor = await awsenv(['doctor', '--offline', '--json', 'last-proc'], env);
  assert.is(doctor.exitCode, 1);
  assert.ok(JSON.parse(doctor.stdout).checks.some((c: { id: string; message: string }) => c.id === 'files' && c.message === message), doctor.stdout);
});

big.run();
