// `use --save-as` and `clear --stale-tokens` on real files: the built CLI edits a
// credentials file full of comments, and every line it had no reason to touch stays byte
// for byte; mode 0600, symlinks, CRLF, refusals, concurrent writers.
import { lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { awsenv, type Sandbox, sandbox } from '../helpers/env.js';
import { exportsOf } from '../helpers/exports.js';
import { ACCOUNT, type Moto, startMoto } from '../helpers/moto.js';
import { skip } from '../helpers/tools.js';

const FUTURE = new Date(Date.now() + 3 * 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const SESSION = {
  accessKeyId: 'ASIATESTSESSION00001',
  secretAccessKey: 'session/secret+AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  sessionToken: 'FwoGZXIvYXdzEJr//////////wEaDEXAMPLETOKENxyz=',
};

/** A file with everything a hand-kept credentials file has. */
const FIXTURE = [
  '# ~/.aws/credentials — kept by hand',
  '; semicolon comment',
  '',
  '[default]',
  'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
  '# the secret:',
  'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'aws_session_token = LEFTOVER-TOKEN-FROM-AN-OLD-MFA-SESSION',
  'region = eu-west-1',
  '   ',
  '[session-src]',
  `aws_access_key_id = ${SESSION.accessKeyId}`,
  `aws_secret_access_key=${SESSION.secretAccessKey}`,
  `AWS_SESSION_TOKEN: ${SESSION.sessionToken}`,
  `expiration = ${FUTURE}`,
  '',
  '[old-mfa]',
  '\t# indented comment, ünïcödé',
  'aws_access_key_id = ASIAOLDSESSION000001',
  'aws_secret_access_key = old-secret',
  'aws_session_token = OLD-TOKEN',
  '  continued-token-line',
  'expiration = 2020-01-01T00:00:00Z',
  '',
  '[other]',
  'aws_access_key_id = AKIAOTHER00000000001',
  'aws_secret_access_key = other-secret',
  's3 =',
  '  max_concurrent_requests = 20',
  '# aws_session_token = commented out, not a key',
].join('\n') + '\n';

const linesOf = (text: string) => text.split(/(?<=\n)/);


const secretsOf = (text: string) => [SESSION.secretAccessKey, SESSION.sessionToken, 'wJalrXUtnFEMI', 'LEFTOVER-TOKEN', 'old-secret', 'OLD-TOKEN'].filter((s) => text.includes(s));

let box: Sandbox;
const files = suite('credentials file edits');
files.before.each(() => {
  box = sandbox();
  box.write('credentials', FIXTURE);
  chmodSync(box.credentials, 0o600);
});
files.after.each(() => box.cleanup());

files('--save-as a new section: appended; every line before it byte-identical; 0600; the exports still printed', async () => {
  const r = await awsenv(['use', 'session-src', '--shell', 'bash', '--save-as', 'saved'], box.env);
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(exportsOf(r.stdout).AWS_ACCESS_KEY_ID, SESSION.accessKeyId);
  assert.is(exportsOf(r.stdout).AWS_SESSION_TOKEN, SESSION.sessionToken);
  const after = readFileSync(box.credentials, 'utf8');
  const before = linesOf(FIXTURE);
  assert.equal(linesOf(after).slice(0, before.length), before);
  assert.equal(linesOf(after).slice(before.length), [
    '\n',
    '[saved]\n',
    `aws_access_key_id = ${SESSION.accessKeyId}\n`,
    `aws_secret_access_key = ${SESSION.secretAccessKey}\n`,
    `aws_session_token = ${SESSION.sessionToken}\n`,
    `expiration = ${FUTURE}\n`,
  ]);
  assert.is(statSync(box.credentials).mode & 0o777, 0o600);
  assert.match(r.stderr, /saved the session of 'session-src' as \[saved\]/);
  assert.equal(secretsOf(r.stderr), []);
  // Read back: the saved profile gives the same session.
  const again = await awsenv(['use', 'saved', '--shell', 'bash'], box.env);
  assert.is(again.exitCode, 0, again.stderr);
  assert.is(exportsOf(again.stdout).AWS_SESSION_TOKEN, SESSION.sessionToken);
  assert.is(exportsOf(again.stdout).AWS_CREDENTIAL_EXPIRATION, FUTURE);
});

files('--save-as over a saved session: replaced in place, every other line byte-identical', async () => {
  // [old-mfa] holds an (expired) temporary session: the same kind, so it may be replaced.
  const r = await awsenv(['use', 'session-src', '--shell', 'bash', '--save-as', 'old-mfa'], box.env);
  assert.is(r.exitCode, 0, r.stderr);
  const before = linesOf(FIXTURE);
  const after = linesOf(readFileSync(box.credentials, 'utf8'));
  const expected = before
    .filter((l) => l !== '  continued-token-line\n')
    .map((l) =>
      l === 'aws_access_key_id = ASIAOLDSESSION000001\n'
        ? `aws_access_key_id = ${SESSION.accessKeyId}\n`
        : l === 'aws_secret_access_key = old-secret\n'
          ? `aws_secret_access_key = ${SESSION.secretAccessKey}\n`
          : l === 'aws_session_token = OLD-TOKEN\n'
            ? `aws_session_token = ${SESSION.sessionToken}\n`
            : l === 'expiration = 2020-01-01T00:00:00Z\n'
              ? `expiration = ${FUTURE}\n`
              : l,
    );
  assert.equal(after, expected);
  assert.is(statSync(box.credentials).mode & 0o777, 0o600);
});

files('--save-as refuses a section with long-term keys: exit 1, nothing printed, file unchanged', async () => {
  for (const name of ['default', 'other']) {
    const r = await awsenv(['use', 'session-src', '--shell', 'bash', '--save-as', name], box.env);
    assert.is(r.exitCode, 1);
    assert.is(r.stdout, 'false\n');
    assert.match(r.stderr, `section [${name}] of ${box.credentials}`);
    assert.match(r.stderr, /holds long-term keys \(AKIA…\w{4}\); awsenv will not overwrite them/);
    assert.equal(secretsOf(r.stderr), []);
    assert.is(readFileSync(box.credentials, 'utf8'), FIXTURE);
  }
});

files('--save-as refuses long-term credentials and bad names before touching anything', async () => {
  const keys = await awsenv(['use', 'other', '--shell', 'bash', '--save-as', 'copy'], box.env);
  assert.is(keys.exitCode, 1);
  assert.is(keys.stdout, 'false\n');
  assert.match(keys.stderr, 'not a session');
  for (const bad of ['DEFAULT', 'a]b', '']) {
    const r = await awsenv(['use', 'session-src', '--shell', 'bash', '--save-as', bad], box.env);
    assert.is(r.exitCode, 2, `${bad}: ${r.stderr}`);
    assert.is(r.stdout, 'false\n');
  }
  assert.is(readFileSync(box.credentials, 'utf8'), FIXTURE);
});

files('a symlinked credentials file is edited through its link; the link stays a link', async () => {
  const dotfiles = join(box.dir, 'dotfiles');
  mkdirSync(dotfiles);
  const real = join(dotfiles, 'aws-credentials');
  writeFileSync(real, FIXTURE, { mode: 0o600 });
  const link = join(box.home, '.aws/credentials-link');
  symlinkSync('../../dotfiles/aws-credentials', link);
  const env = { ...box.env, AWS_SHARED_CREDENTIALS_FILE: link };
  const r = await awsenv(['use', 'session-src', '--shell', 'bash', '--save-as', 'saved'], env);
  assert.is(r.exitCode, 0, r.stderr);
  assert.ok(lstatSync(link).isSymbolicLink(), 'still a link');
  assert.is(readlinkSync(link), '../../dotfiles/aws-credentials');
  assert.ok(readFileSync(real, 'utf8').startsWith(FIXTURE));
  assert.match(readFileSync(real, 'utf8'), /\[saved\]\n/);
  assert.is(statSync(real).mode & 0o777, 0o600);
  const c = await awsenv(['clear', '--shell', 'bash', '--stale-tokens'], env);
  assert.is(c.exitCode, 0, c.stderr);
  assert.ok(lstatSync(link).isSymbolicLink(), 'still a link after clear');
  assert.not.match(readFileSync(real, 'utf8'), 'LEFTOVER-TOKEN');
});

files('a CRLF file gets CRLF lines; its own lines keep theirs', async () => {
  const crlf = FIXTURE.replaceAll('\n', '\r\n');
  box.write('credentials', crlf);
  const r = await awsenv(['use', 'session-src', '--shell', 'bash', '--save-as', 'saved'], box.env);
  assert.is(r.exitCode, 0, r.stderr);
  const after = readFileSync(box.credentials, 'utf8');
  assert.ok(after.startsWith(crlf));
  assert.is(after.slice(crlf.length), `\r\n[saved]\r\naws_access_key_id = ${SESSION.accessKeyId}\r\naws_secret_access_key = ${SESSION.secretAccessKey}\r\naws_session_token = ${SESSION.sessionToken}\r\nexpiration = ${FUTURE}\r\n`);
});

files('a group-readable file is written 0600, with a notice; a missing file is created 0600', async () => {
  chmodSync(box.credentials, 0o644);
  const r = await awsenv(['use', 'session-src', '--shell', 'bash', '--save-as', 'saved'], box.env);
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(statSync(box.credentials).mode & 0o777, 0o600);
  assert.match(r.stderr, 'was mode 0644');

  const fresh = join(box.dir, 'new-dir/credentials');
  const env = { ...box.env, AWS_SHARED_CREDENTIALS_FILE: fresh, AWS_CONFIG_FILE: join(box.dir, 'cfg') };
  writeFileSync(env.AWS_CONFIG_FILE, `[profile src]\naws_access_key_id = ${SESSION.accessKeyId}\naws_secret_access_key = ${SESSION.secretAccessKey}\naws_session_token = ${SESSION.sessionToken}\n`);
  const n = await awsenv(['use', 'src', '--shell', 'bash', '--save-as', 'saved'], env);
  assert.is(n.exitCode, 0, n.stderr);
  assert.is(statSync(fresh).mode & 0o777, 0o600);
  assert.is(readFileSync(fresh, 'utf8'), `[saved]\naws_access_key_id = ${SESSION.accessKeyId}\naws_secret_access_key = ${SESSION.secretAccessKey}\naws_session_token = ${SESSION.sessionToken}\n`);
});

files('eight concurrent --save-as into different sections: none lost (the lock)', async () => {
  const runs = await Promise.all(
    Array.from({ length: 8 }, (_, i) => awsenv(['use', 'session-src', '--shell', 'bash', '--save-as', `par-${i}`], box.env)),
  );
  for (const r of runs) assert.is(r.exitCode, 0, r.stderr);
  const after = readFileSync(box.credentials, 'utf8');
  assert.ok(after.startsWith(FIXTURE));
  for (let i = 0; i < 8; i++) assert.match(after, `[par-${i}]\n`);
  // Still a file the reader takes: `use` of one of them works.
  const one = await awsenv(['use', 'par-3', '--shell', 'bash'], box.env);
  assert.is(one.exitCode, 0, one.stderr);
});

files('clear --stale-tokens: only the stale lines go; stdout is the clear statements; stderr names the sections', async () => {
  const r = await awsenv(['clear', '--shell', 'bash', '--stale-tokens'], box.env);
  assert.is(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /^unset AWS_SESSION_TOKEN;$/m);
  assert.not.match(r.stdout, 'awsenv:');
  const removed = new Set([
    'aws_session_token = LEFTOVER-TOKEN-FROM-AN-OLD-MFA-SESSION\n',
    'aws_access_key_id = ASIAOLDSESSION000001\n',
    'aws_secret_access_key = old-secret\n',
    'aws_session_token = OLD-TOKEN\n',
    '  continued-token-line\n',
    'expiration = 2020-01-01T00:00:00Z\n',
  ]);
  assert.equal(linesOf(readFileSync(box.credentials, 'utf8')), linesOf(FIXTURE).filter((l) => !removed.has(l)));
  assert.is(statSync(box.credentials).mode & 0o777, 0o600);
  assert.match(r.stderr, /\[default\] \(line 4\): a session token next to the long-term key AKIA…MPLE: aws_session_token/);
  assert.match(r.stderr, /\[old-mfa\] \(line 17\): a session that expired at 2020-01-01T00:00:00Z/);
  assert.not.match(r.stderr, 'session-src');
  assert.equal(secretsOf(r.stderr), []);
  // Idempotent: a second run finds nothing.
  const again = await awsenv(['clear', '--shell', 'bash', '--stale-tokens'], box.env);
  assert.is(again.exitCode, 0);
  assert.match(again.stderr, 'no stale session tokens');
});

files('clear --stale-tokens --dry-run: file untouched, nothing on stdout, the list on stderr', async () => {
  const mtime = statSync(box.credentials).mtimeMs;
  const r = await awsenv(['clear', '--shell', 'bash', '--stale-tokens', '--dry-run'], box.env);
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(r.stdout, '');
  assert.match(r.stderr, /would remove from .*:\n.*\[default\]/);
  assert.match(r.stderr, /\[old-mfa\]/);
  assert.is(readFileSync(box.credentials, 'utf8'), FIXTURE);
  assert.is(statSync(box.credentials).mtimeMs, mtime);
  const usage = await awsenv(['clear', '--shell', 'bash', '--dry-run'], box.env);
  assert.is(usage.exitCode, 2, '--dry-run needs --stale-tokens');
  assert.is(usage.stdout, 'false\n');
});

files('clear --stale-tokens on a file the AWS CLI could not read: exit 1, unchanged, names the line', async () => {
  const broken = `${FIXTURE}[default]\nk = v\n`;
  box.write('credentials', broken);
  const r = await awsenv(['clear', '--shell', 'bash', '--stale-tokens'], box.env);
  assert.is(r.exitCode, 1);
  assert.is(r.stdout, 'false\n');
  assert.match(r.stderr, `${box.credentials}:31: section [default] appears twice`);
  assert.is(readFileSync(box.credentials, 'utf8'), broken);
});

files.run();

// A real session from STS (moto_server), saved and read back. A role session: moto answers
// GetSessionToken with an AKIA key id (AWS uses ASIA), which awsenv rightly takes for a
// long-term key and would refuse to replace.
const real = suite('--save-as with a real STS session (moto_server)');
let moto: Moto | undefined;
let rbox: Sandbox;
real.before(async () => {
  moto = await startMoto();
  if (!moto) return; // each test says it was skipped
  rbox = sandbox();
  const alice = await moto.createUser('alice');
  const admin = await moto.createRole('admin', `arn:aws:iam::${ACCOUNT}:user/alice`);
  rbox.write('credentials', `# alice\n[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`);
  rbox.write('config', `[profile admin]\nrole_arn = ${admin}\nsource_profile = alice\n`);
});
real.after(async () => {
  await moto?.stop();
  rbox?.cleanup();
});
real('a role session saved as [admin-session] is the one exported, is read back from the file, and is replaced in place', async () => {
  if (!moto) return skip('moto_server is not installed');
  const env = { ...rbox.env, AWS_ENDPOINT_URL_STS: moto.endpoint };
  const r = await awsenv(['use', 'admin', '--shell', 'bash', '--save-as', 'admin-session'], env);
  assert.is(r.exitCode, 0, r.stderr);
  const e = exportsOf(r.stdout);
  assert.match(e.AWS_ACCESS_KEY_ID!, /^ASIA/);
  const text = readFileSync(rbox.credentials, 'utf8');
  assert.ok(text.startsWith(`# alice\n[alice]\n`));
  assert.match(text, `\n\n[admin-session]\naws_access_key_id = ${e.AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${e.AWS_SECRET_ACCESS_KEY}\naws_session_token = ${e.AWS_SESSION_TOKEN}\nexpiration = ${e.AWS_CREDENTIAL_EXPIRATION}\n`);
  const before = await moto.requests();
  const saved = await awsenv(['use', 'admin-session', '--shell', 'bash'], env);
  assert.is(saved.exitCode, 0, saved.stderr);
  assert.is(await moto.requests(), before, 'read from the file, no STS');
  assert.is(exportsOf(saved.stdout).AWS_SESSION_TOKEN, e.AWS_SESSION_TOKEN);
  assert.is(exportsOf(saved.stdout).AWS_CREDENTIAL_EXPIRATION, e.AWS_CREDENTIAL_EXPIRATION);
  // A new session replaces the saved one where it stands.
  const renewed = await awsenv(['use', 'admin', '--shell', 'bash', '--refresh', '--save-as', 'admin-session'], env);
  assert.is(renewed.exitCode, 0, renewed.stderr);
  const n = exportsOf(renewed.stdout);
  assert.is.not(n.AWS_SESSION_TOKEN, e.AWS_SESSION_TOKEN);
  const after = readFileSync(rbox.credentials, 'utf8');
  assert.is(after, text.replace(e.AWS_ACCESS_KEY_ID!, n.AWS_ACCESS_KEY_ID!).replace(e.AWS_SECRET_ACCESS_KEY!, n.AWS_SECRET_ACCESS_KEY!).replace(e.AWS_SESSION_TOKEN!, n.AWS_SESSION_TOKEN!).replace(`expiration = ${e.AWS_CREDENTIAL_EXPIRATION}`, `expiration = ${n.AWS_CREDENTIAL_EXPIRATION}`));
  // [alice] holds the long-term keys: refused, unchanged.
  const refused = await awsenv(['use', 'admin', '--shell', 'bash', '--save-as', 'alice'], env);
  assert.is(refused.exitCode, 1);
  assert.is(refused.stdout, 'false\n');
  assert.match(refused.stderr, 'holds long-term keys');
  assert.is(readFileSync(rbox.credentials, 'utf8'), after);
});
real.run();
