// What a person reads (issue 12, items 4 and 11), performed for real: profile names,
// regions, AWS_PROFILE and STS messages holding terminal escapes are shown escaped by list,
// current, doctor and every error; --json stays exact. Bad state (a non-numeric or huge
// AWSENV_EXPIRY, a full disk while taking a lock, an AccessDenied without MFA) gets one
// clear line, never "unexpected error", and leaves nothing behind.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { printable, printableLines } from '../../src/util/printable.js';
import { awsenv, sandbox } from '../helpers/env.js';

// ESC ] 0 ; … BEL retitles the terminal; CSI 2J clears it; CR + ESC[K overwrites a line;
// U+202E shows text reversed; 0x9B is a one-byte CSI.
const TITLE = '\x1b]0;pwned\x07';
const HOSTILE = `evil${TITLE}\x1b[2J\x1b[1A\x1b[Kfake\u202e\x9b31m`; // no CR: a line break in the AWS files
const RAW = /[\x00-\x08\x0b-\x1f\x7f\x9b\u202e]/; // no raw control character but \t and \n

const shown = suite('security: control characters shown to a person');

shown('printable(): one escape per control character, readable text unchanged', () => {
  assert.is(printable(TITLE), '\\e]0;pwned\\x07');
  assert.is(printable('a\nb\tc\r\0'), 'a\\nb\\tc\\r\\0');
  assert.is(printable('\x9b\u202e\u2066\u2028\x7f'), '\\x9b\\u202e\\u2066\\u2028\\x7f');
  assert.is(printable('eu-west-1 C:\\Users\\me é 日本 😀'), 'eu-west-1 C:\\Users\\me é 日本 😀');
  assert.is(printableLines('one\x1b\ntwo'), 'one\\e\ntwo');
  // Linear on a long hostile input.
  const long = '\x1b'.repeat(1 << 20);
  assert.is(printable(long).length, 2 << 20);
});

function hostileFiles(box: ReturnType<typeof sandbox>): void {
  box.write('credentials', `[${HOSTILE}]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = SECRET-x\n`);
  box.write('config', `[profile ${HOSTILE}]\nregion = eu-${TITLE}west-1\n\n[profile broken]\nregion = eu-west-1\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = nosrc${TITLE}\n`);
}

shown('list, current, doctor and error messages: escaped; --json exact', async () => {
  const box = sandbox();
  try {
    hostileFiles(box);
    const env = { ...box.env, AWS_PROFILE: HOSTILE, AWS_REGION: `r${TITLE}` };
    for (const args of [['list'], ['current'], ['doctor', '--offline'], ['doctor', HOSTILE, '--offline'], ['use', `nosuch${TITLE}`, '--shell', 'bash'], ['use', 'broken', '--shell', 'bash'], ['exec', `x${TITLE}`, '--', 'true']]) {
      const r = await awsenv(args, env);
      assert.not.match(r.stdout + r.stderr, RAW, `${args.join(' ')}: ${JSON.stringify(r.stdout + r.stderr)}`);
      assert.ok((r.stdout + r.stderr).includes('\\e]0;pwned\\x07'), `${args.join(' ')} shows the escape as text: ${JSON.stringify(r.stdout + r.stderr)}`);
    }
    // JSON is for programs: the name exactly, JSON-escaped.
    const json = await awsenv(['list', '--json'], env);
    const names = (JSON.parse(json.stdout) as { profiles: { name: string }[] }).profiles.map((p) => p.name);
    assert.ok(names.includes(HOSTILE));
    const current = JSON.parse((await awsenv(['current', '--json'], env)).stdout) as { profile: string };
    assert.is(current.profile, HOSTILE);
  } finally {
    box.cleanup();
  }
});

shown('an STS message with escapes (a hostile endpoint) is shown escaped', async () => {
  const box = sandbox();
  const server = createServer((_req, res) => {
    res.writeHead(403, { 'Content-Type': 'text/xml' });
    res.end(`<ErrorResponse><Error><Type>Sender</Type><Code>Throttling${'\x1b'}]0;x${'\x07'}</Code><Message>no${TITLE}</Message></Error><RequestId>1</RequestId></ErrorResponse>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    box.write('credentials', '[src]\naws_access_key_id = AKIASOURCEKEY0000001\naws_secret_access_key = s\n');
    box.write('config', '[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deploy\nsource_profile = src\n');
    const address = server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const r = await awsenv(['use', 'deploy', '--shell', 'bash'], { ...box.env, AWS_ENDPOINT_URL_STS: url });
    assert.is(r.exitCode, 1);
    assert.not.match(r.stderr, RAW, JSON.stringify(r.stderr));
  } finally {
    server.close();
    box.cleanup();
  }
});

shown.run();

// --- item 11

const state = suite('security: bad state gets one clear line');

state('doctor with AWSENV_EXPIRY=abc, current with AWSENV_EXPIRY=99999999999999999: no unexpected error', async () => {
  const box = sandbox();
  try {
    const creds = { AWS_ACCESS_KEY_ID: 'ASIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't', AWSENV_PROFILE: 'p', AWSENV_KEY_ID: 'ASIAIOSFODNN7EXAMPLE' };
    for (const expiry of ['abc', '99999999999999999', '-5', '1e3', `${'9'.repeat(400)}`]) {
      for (const args of [['doctor', '--offline'], ['current'], ['current', '--json'], ['doctor', '--offline', '--json']]) {
        const r = await awsenv(args, { ...box.env, ...creds, AWSENV_EXPIRY: expiry });
        assert.not.match(r.stderr, /unexpected error/, `${args.join(' ')} with ${expiry}: ${r.stderr}`);
        assert.ok(r.exitCode === 0 || r.exitCode === 1, `${args.join(' ')} with ${expiry}: exit ${r.exitCode}`);
        assert.ok(r.stdout.length > 0);
      }
    }
    // An expiration in the credentials file beyond what a date holds: stale-token scan, no crash.
    box.write('credentials', `[x]\naws_access_key_id = ASIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\naws_session_token = t\nexpiration = ${'9'.repeat(30)}\n`);
    const r = await awsenv(['clear', '--shell', 'bash', '--stale-tokens', '--dry-run'], box.env);
    assert.not.match(r.stderr, /unexpected error/);
  } finally {
    box.cleanup();
  }
});

state('a full disk while taking a lock: one clear line, no empty .lock left (a real 64 KB tmpfs)', async () => {
  if (process.getuid?.() !== 0) {
    if (process.env.CI === 'true') throw new Error('mounting a tmpfs needs root (CI runs as root)');
    console.error('\n!!! SKIPPED: not root, cannot mount a small tmpfs for the full-disk test. !!!\n');
    return;
  }
  const box = sandbox();
  const mnt = mkdtempSync(join(tmpdir(), 'awsenv-full-'));
  let mounted = false;
  try {
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=700', 'tmpfs', mnt]);
      mounted = true;
    } catch (error) {
      if (process.env.CI === 'true') throw error;
      console.error(`\n!!! SKIPPED: cannot mount a tmpfs here (${String(error)}). !!!\n`);
      return;
    }
    box.write('credentials', '[src]\naws_access_key_id = AKIASOURCEKEY0000001\naws_secret_access_key = s\naws_session_token = STALE\n');
    box.write('config', '[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deploy\nsource_profile = src\n');
    const cache = join(mnt, 'cache');
    mkdirSync(cache, { mode: 0o700 });
    // Fill the disk: files of 4 KB until it refuses.
    for (let i = 0; ; i++) {
      try {
        writeFileSync(join(mnt, `fill-${i}`), Buffer.alloc(4096, 1));
      } catch {
        break;
      }
    }
    const r = await awsenv(['use', 'deploy', '--shell', 'bash'], { ...box.env, AWSENV_CACHE_DIR: cache, AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' });
    assert.is(r.exitCode, 1);
    assert.is(r.stdout, 'false\n');
    assert.match(r.stderr, /cannot take the lock .*\.lock \(no space left on the device\); nothing was changed/);
    assert.is(r.stderr.trim().split('\n').length, 1);
    assert.equal(readdirSync(cache), [], 'no lock left');
  } finally {
    if (mounted) execFileSync('umount', [mnt]);
    rmSync(mnt, { recursive: true, force: true });
    box.cleanup();
  }
});

state('doctor: an AccessDenied that is not about MFA is not "mfa-required"; one about MFA is', async () => {
  const box = sandbox();
  let message = '';
  const server = createServer((_req, res) => {
    res.writeHead(403, { 'Content-Type': 'text/xml' });
    res.end(`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>${message}</Message></Error><RequestId>1</RequestId></ErrorResponse>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const address = server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    box.write('credentials', '[p]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n');
    const env = { ...box.env, AWS_PROFILE: 'p', AWS_ENDPOINT_URL_STS: url };
    const causes = async () => {
      const r = await awsenv(['doctor', '--json'], env);
      const report = JSON.parse(r.stdout) as { checks: { id: string; cause: string | null; status: string }[] };
      return report.checks.filter((c) => c.status === 'problem').map((c) => c.cause);
    };
    message = 'User: arn:aws:iam::123456789012:user/me is not authorized to perform: sts:GetCallerIdentity with an explicit deny in an identity-based policy';
    assert.not.ok((await causes()).includes('mfa-required'), 'a deny is not MFA');
    message = 'MultiFactorAuthentication failed, MFA required for this call';
    assert.ok((await causes()).includes('mfa-required'), 'an MFA message is');
  } finally {
    server.close();
    box.cleanup();
  }
});

state.run();

void existsSync;
