// awsenv rotate end to end: the built CLI, the real AWS SDK (STS and IAM), moto_server with
// its key checks on, a real interactive bash (tmux) whose hook picks up the rotation, and
// small HTTP proxies in front of moto for what moto cannot do by itself: an STS that never
// accepts the new key (IAM's eventual consistency at its worst), and an IAM that requires
// MFA (moto ignores policy conditions, and cannot take its own GetSessionToken sessions).
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateAccessKeyCommand, CreateVirtualMFADeviceCommand, EnableMFADeviceCommand, ListAccessKeysCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { SignatureV4 } from '@smithy/signature-v4';
import { execa } from 'execa';
import { createHash, createHmac } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { awsenv, CLI, type Run, type Sandbox, sandbox } from '../helpers/env.js';
import { ACCOUNT, type Keys, type Moto, startMoto } from '../helpers/moto.js';
import { requireTool } from '../helpers/tools.js';
import { Session } from '../hooks/term.js';

const rotate = suite('awsenv rotate (moto_server, IAM and STS)');
let moto: Moto | undefined;
const boxes: Sandbox[] = [];
const servers: Server[] = [];
let users = 0;

rotate.before(async () => {
  moto = await startMoto();
});
rotate.after(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  await moto?.stop();
  for (const b of boxes) b.cleanup();
});

const TEXT = (k: Keys) =>
  [
    '# work keys; rotated by awsenv',
    '[default]',
    'region = eu-west-1',
    '',
    '[alice]   ; the one to rotate',
    `aws_access_key_id=${k.accessKeyId}`,
    '# keep this comment',
    `aws_secret_access_key   =   ${k.secretAccessKey}`,
    'region = eu-central-1',
    '',
    '[zed]',
    'aws_access_key_id = AKIAZEDZEDZEDZEDZED1',
    'aws_secret_access_key = zed-secret',
    '',
  ].join('\r\n');

interface World {
  box: Sandbox;
  env: Record<string, string>;
  user: string;
  keys: Keys;
  text: string;
}

/** A user with one key, in [alice] of a credentials file with comments, CRLF and neighbours. */
async function world(extraEnv: Record<string, string> = {}): Promise<World> {
  const user = `rot${++users}`;
  const keys = await moto!.createUser(user);
  const box = sandbox();
  boxes.push(box);
  const text = TEXT(keys);
  box.write('credentials', text);
  chmodSync(box.credentials, 0o640); // a mode of the user's choosing, kept by rotate
  const env = { ...box.env, AWS_ENDPOINT_URL: moto!.endpoint, ...extraEnv };
  return { box, env, user, keys, text };
}

const iamKeys = async (user: string) =>
  ((await moto!.admin.iam.send(new ListAccessKeysCommand({ UserName: user }))).AccessKeyMetadata ?? []).map((k) => ({ id: k.AccessKeyId!, status: k.Status! }));

/** GetCallerIdentity with exactly these keys against moto: the ARN, or the error's message. */
async function stsSays(keys: Keys): Promise<string> {
  const sts = new STSClient({ endpoint: moto!.endpoint, region: 'us-east-1', credentials: keys, maxAttempts: 1 });
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn!;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The [alice] pair as the file holds it now. */
function pairIn(file: string): Keys {
  const text = readFileSync(file, 'utf8');
  return {
    accessKeyId: /^aws_access_key_id=(\S+)\r$/m.exec(text)![1]!,
    secretAccessKey: /^aws_secret_access_key {3}= {3}(\S+)\r$/m.exec(text)![1]!,
  };
}

/** No secret on stdout or stderr, no full key id on stderr. */
function noSecrets(r: Run, ...keys: Keys[]): void {
  for (const k of keys) {
    assert.not.ok(r.stderr.includes(k.secretAccessKey) || r.stdout.includes(k.secretAccessKey), 'a secret was printed');
    assert.not.ok(r.stderr.includes(k.accessKeyId), `an unmasked key id on stderr:\n${r.stderr}`);
  }
}

const mask = (id: string) => `${id.slice(0, 4)}…${id.slice(-4)}`;

rotate('one key: rotated in place, the old key then rejected by STS, the new one accepted, every other byte kept', async () => {
  if (!moto) return;
  const w = await world();
  // A role built on alice's keys, with a cached session: made from the old key, dropped by rotate.
  const role = await moto.createRole(`${w.user}-role`, `arn:aws:iam::${ACCOUNT}:user/${w.user}`);
  writeFileSync(w.box.config, `[profile deploy]\nrole_arn = ${role}\nsource_profile = alice\nrole_session_name = rot\n`);
  const used = await awsenv(['use', 'deploy', '--shell', 'bash'], w.env);
  assert.is(used.exitCode, 0, used.stderr);
  const sessions = () => readdirSync(w.env.AWSENV_CACHE_DIR!).filter((f) => /^[0-9a-f]{40}\.json$/.test(f));
  assert.is(sessions().length, 1);

  // The file is another user's (root edits it, as with `sudo -E`): it stays theirs.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(w.box.credentials, 65534, 65534);
  const r = await awsenv(['rotate', 'alice'], w.env);
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(r.stdout, '');
  if (asRoot) assert.equal([statSync(w.box.credentials).uid, statSync(w.box.credentials).gid], [65534, 65534], 'owner kept');
  const fresh = pairIn(w.box.credentials);
  assert.is.not(fresh.accessKeyId, w.keys.accessKeyId);
  assert.is.not(fresh.secretAccessKey, w.keys.secretAccessKey);
  // Byte for byte, but for the two values.
  assert.is(readFileSync(w.box.credentials, 'utf8'), w.text.replace(w.keys.accessKeyId, fresh.accessKeyId).replace(w.keys.secretAccessKey, fresh.secretAccessKey));
  assert.is(statSync(w.box.credentials).mode & 0o777, 0o640, 'mode kept');
  // AWS: the old key is gone, the new one works.
  assert.is(await stsSays(w.keys), 'The security token included in the request is invalid.');
  assert.is(await stsSays(fresh), `arn:aws:iam::${ACCOUNT}:user/${w.user}`);
  assert.equal(await iamKeys(w.user), [{ id: fresh.accessKeyId, status: 'Active' }]);
  // What it said: each step, masked ids, and the hook's watch.
  noSecrets(r, w.keys, fresh);
  assert.match(r.stderr, `created the access key ${mask(fresh.accessKeyId)}`);
  assert.match(r.stderr, `deleted the old key ${mask(w.keys.accessKeyId)}`);
  assert.match(r.stderr, 'dropped 1 cached session made from the old key');
  assert.match(r.stderr, 'pick up the new key at their next prompt');
  assert.is(sessions().length, 0, 'the role session made from the old key is gone');
  // list shows the key's age from the last check, without asking anyone.
  const list = await awsenv(['list'], { ...w.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
  assert.is(list.exitCode, 0, list.stderr);
  assert.match(list.stdout, /KEY AGE/);
  assert.match(list.stdout, /alice\s+keys\s+eu-central-1\s+\S+\s+0d/);
  // And the new key serves a role at once (a new session, from the new key).
  const again = await awsenv(['use', 'deploy', '--shell', 'bash'], w.env);
  assert.is(again.exitCode, 0, again.stderr);
});

rotate('a second shell with the hook picks up the rotated key at its next prompt', async () => {
  if (!moto || !requireTool('tmux', 'the hook test drives an interactive bash') || !requireTool('bash', 'the hook test')) return;
  const w = await world();
  const s = await Session.start(w.box, 'bash', { env: { AWS_ENDPOINT_URL: moto.endpoint } });
  try {
    await s.run('awsenv use alice');
    const before = await s.run('printf "key=%s\\n" "$AWS_ACCESS_KEY_ID"');
    assert.match(before.output, `key=${w.keys.accessKeyId}`);
    const r = await awsenv(['rotate', 'alice'], w.env);
    assert.is(r.exitCode, 0, r.stderr);
    const fresh = pairIn(w.box.credentials);
    const next = await s.run('');
    assert.match(next.output, "the credentials file changed; re-read profile 'alice'");
    const after = await s.run(`printf "key=%s\\n" "$AWS_ACCESS_KEY_ID"; [ "$AWS_SECRET_ACCESS_KEY" = '${fresh.secretAccessKey}' ] && echo secret-matches`);
    assert.match(after.output, `key=${fresh.accessKeyId}`);
    assert.match(after.output, 'secret-matches');
  } finally {
    await s.kill();
  }
});

rotate('two keys already: stops before changing anything, naming the other key, its age and last use', async () => {
  if (!moto) return;
  const w = await world();
  const other = (await moto.admin.iam.send(new CreateAccessKeyCommand({ UserName: w.user }))).AccessKey!;
  const before = await iamKeys(w.user);
  for (const args of [['rotate', 'alice'], ['rotate', 'alice', '--dry-run']]) {
    const r = await awsenv(args, w.env);
    assert.is(r.exitCode, 1, r.stderr);
    assert.match(r.stderr, `user ${w.user} already has two access keys`);
    assert.match(r.stderr, `the other key: ${mask(other.AccessKeyId!)}, active, created `);
    assert.match(r.stderr, /never used|last used/);
    assert.match(r.stderr, 'aws iam delete-access-key --user-name');
    noSecrets(r, w.keys, { accessKeyId: other.AccessKeyId!, secretAccessKey: other.SecretAccessKey! });
    assert.is(readFileSync(w.box.credentials, 'utf8'), w.text);
    assert.equal(await iamKeys(w.user), before);
  }
});

rotate('--dry-run changes nothing and says what would happen', async () => {
  if (!moto) return;
  const w = await world();
  const r = await awsenv(['rotate', 'alice', '--dry-run'], w.env);
  assert.is(r.exitCode, 0, r.stderr);
  assert.match(r.stderr, 'would create a new access key');
  assert.match(r.stderr, 'nothing was changed');
  assert.is(readFileSync(w.box.credentials, 'utf8'), w.text);
  assert.equal(await iamKeys(w.user), [{ id: w.keys.accessKeyId, status: 'Active' }]);
});

rotate('--keep-old deactivates the old key instead of deleting it', async () => {
  if (!moto) return;
  const w = await world();
  const r = await awsenv(['rotate', 'alice', '--keep-old'], w.env);
  assert.is(r.exitCode, 0, r.stderr);
  const fresh = pairIn(w.box.credentials);
  const keys = await iamKeys(w.user);
  assert.equal(keys.sort((a, b) => a.status.localeCompare(b.status)), [
    { id: fresh.accessKeyId, status: 'Active' },
    { id: w.keys.accessKeyId, status: 'Inactive' },
  ]);
  assert.match(r.stderr, `deactivated the old key ${mask(w.keys.accessKeyId)}`);
  noSecrets(r, w.keys, fresh);
});

rotate('IAM refusing CreateAccessKey: stops with the old key in place', async () => {
  if (!moto) return;
  const w = await world();
  await moto.admin.iam.send(
    new PutUserPolicyCommand({
      UserName: w.user,
      PolicyName: 'no-new-keys',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'iam:CreateAccessKey', Resource: '*' }] }),
    }),
  );
  const r = await awsenv(['rotate', 'alice'], w.env);
  assert.is(r.exitCode, 1, r.stderr);
  assert.match(r.stderr, /stopped before changing anything: iam:CreateAccessKey failed: AccessDenied/);
  assert.match(r.stderr, 'stays in');
  assert.is(readFileSync(w.box.credentials, 'utf8'), w.text);
  assert.equal(await iamKeys(w.user), [{ id: w.keys.accessKeyId, status: 'Active' }]);
  assert.match(await stsSays(w.keys), /^arn:/);
});

rotate('the credentials file cannot be written: the new key is deleted again, the old one stays', async () => {
  if (!moto) return;
  const setpriv = requireTool('setpriv', 'runs awsenv as an unprivileged user, for whom a read-only directory is read-only');
  if (!setpriv) return;
  const w = await world();
  // As root nothing is read-only: run as nobody, owning the sandbox, with ~/.aws made 0500.
  const NOBODY = 65534;
  for (const p of [w.box.dir, w.box.home, join(w.box.home, '.aws'), w.box.credentials]) chownSync(p, NOBODY, NOBODY);
  chmodSync(join(w.box.home, '.aws'), 0o500);
  const r = await execa(setpriv, ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', 'node', CLI, 'rotate', 'alice'], {
    env: w.env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
  });
  chmodSync(join(w.box.home, '.aws'), 0o700);
  const run = { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode ?? -1 };
  assert.is(run.exitCode, 1, run.stderr);
  assert.match(run.stderr, `stopped at writing the new key into ${w.box.credentials}`);
  assert.match(run.stderr, 'was deleted again');
  assert.match(run.stderr, 'works as before');
  noSecrets(run, w.keys);
  assert.is(readFileSync(w.box.credentials, 'utf8'), w.text);
  assert.equal(await iamKeys(w.user), [{ id: w.keys.accessKeyId, status: 'Active' }]);
});

type Decision = { status: number; body: string } | { headers: Record<string, string> | undefined; rewrite?: (answer: string) => string };

/**
 * A proxy in front of moto: `decide` answers a request itself, or forwards it with its own
 * headers (undefined) or new ones. node:http, not fetch, so the signed Host header goes
 * through as it was signed.
 */
async function proxy(decide: (req: { headers: Record<string, string>; body: string; keyId: string }) => Decision | Promise<Decision>): Promise<string> {
  const target = new URL(moto!.endpoint);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const keyId = /Credential=([^/]+)\//.exec(headers.authorization ?? '')?.[1] ?? '';
      const d = await decide({ headers, body: body.toString('utf8'), keyId });
      if ('status' in d) {
        res.writeHead(d.status, { 'content-type': 'text/xml' });
        res.end(d.body);
        return;
      }
      const out = request({ host: target.hostname, port: Number(target.port), method: req.method, path: req.url, headers: { ...(d.headers ?? headers), 'content-length': String(body.length) } }, (answer) => {
        if (!d.rewrite) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          return;
        }
        const parts: Buffer[] = [];
        answer.on('data', (c) => parts.push(c));
        answer.on('end', () => {
          const text = Buffer.from(d.rewrite!(Buffer.concat(parts).toString('utf8')));
          res.writeHead(answer.statusCode ?? 502, { 'content-type': answer.headers['content-type'] ?? 'text/xml', 'content-length': String(text.length) });
          res.end(text);
        });
      });
      out.on('error', () => res.destroy());
      out.end(body);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  return `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
}

const awsError = (code: string, message: string) =>
  `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>proxy</RequestId></ErrorResponse>`;

rotate('the new key never becomes valid: after ~15 s the old key is put back and the new one deleted', async () => {
  if (!moto) return;
  let old = '';
  // STS that knows only the old key: every other key is "invalid", as a key IAM has not spread yet.
  const sts = await proxy(({ keyId }) =>
    keyId === old ? { headers: undefined } : { status: 403, body: awsError('InvalidClientTokenId', 'The security token included in the request is invalid.') },
  );
  const w = await world({ AWS_ENDPOINT_URL_STS: sts });
  old = w.keys.accessKeyId;
  const started = Date.now();
  const r = await awsenv(['rotate', 'alice'], w.env);
  const took = Date.now() - started;
  assert.is(r.exitCode, 1, r.stderr);
  assert.ok(took >= 15_000, `waited ${took} ms`);
  assert.match(r.stderr, /stopped at waiting for the new key: AWS did not accept AKIA…\w{4} within \d+(?:\.\d)? s/);
  assert.match(r.stderr, `${mask(old)} was put back into ${w.box.credentials}`);
  assert.match(r.stderr, 'was deleted again');
  noSecrets(r, w.keys);
  assert.is(readFileSync(w.box.credentials, 'utf8'), w.text, 'the file is as it was, byte for byte');
  assert.equal(await iamKeys(w.user), [{ id: old, status: 'Active' }]);
});

/** Signs a forwarded IAM request as moto's admin: the proxy's stand-in for "IAM accepts this MFA session". */
class Sha256 {
  private readonly h;
  constructor(secret?: unknown) {
    this.h = secret ? createHmac('sha256', Buffer.from(secret as Uint8Array)) : createHash('sha256');
  }
  update(data: string | Uint8Array) {
    this.h.update(data);
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
}

async function signedAsAdmin(body: string): Promise<Record<string, string>> {
  const url = new URL(moto!.endpoint);
  const signer = new SignatureV4({ service: 'iam', region: 'us-east-1', credentials: moto!.admin.keys, sha256: Sha256 as never });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    query: {},
    headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
  });
  return signed.headers as Record<string, string>;
}

rotate('MFA required: an MFA-naming AccessDenied leads to an MFA session (device from ListMFADevices); a cached session is reused', async () => {
  if (!moto) return;
  // IAM that denies every call made without MFA but ListMFADevices (the usual "force MFA"
  // policy); calls with moto's GetSessionToken session are signed again as the admin.
  const iam = await proxy(async ({ headers, body }) => {
    if (headers['x-amz-security-token']) return { headers: await signedAsAdmin(body) };
    if (/Action=ListMFADevices/.test(body)) return { headers: undefined };
    const action = /Action=(\w+)/.exec(body)?.[1];
    return { status: 403, body: awsError('AccessDenied', `User is not authorized to perform: iam:${action} with an explicit deny in an identity-based policy: MultiFactorAuthPresent is false`) };
  });
  const w = await world({ AWS_ENDPOINT_URL_IAM: iam });
  const device = (await moto.admin.iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: w.user }))).VirtualMFADevice!;
  await moto.admin.iam.send(new EnableMFADeviceCommand({ UserName: w.user, SerialNumber: device.SerialNumber!, AuthenticationCode1: '123456', AuthenticationCode2: '654321' }));

  // No code and no terminal: it must ask, and cannot.
  const noCode = await awsenv(['rotate', 'alice'], { ...w.env, AWSENV_NONINTERACTIVE: '1' });
  assert.is(noCode.exitCode, 1, noCode.stderr);
  assert.match(noCode.stderr, 'IAM requires MFA');
  assert.is(readFileSync(w.box.credentials, 'utf8'), w.text);

  const r = await awsenv(['rotate', 'alice', '--mfa-code', '924673'], w.env);
  assert.is(r.exitCode, 0, r.stderr);
  assert.match(r.stderr, `got an MFA session for ${device.SerialNumber}`);
  const fresh = pairIn(w.box.credentials);
  assert.equal(await iamKeys(w.user), [{ id: fresh.accessKeyId, status: 'Active' }]);
  assert.is(await stsSays(w.keys), 'The security token included in the request is invalid.');
  noSecrets(r, w.keys, fresh);
  assert.not.ok(r.stderr.includes('924673'), 'the MFA code is not printed');
  assert.is(readdirSync(w.env.AWSENV_CACHE_DIR!).filter((f) => /^[0-9a-f]{40}\.json$/.test(f)).length, 0, 'the MFA session of the old key was dropped');

  // An MFA profile: its cached session (from `use`) serves the rotation, no code asked.
  writeFileSync(w.box.config, `[profile alice]\nmfa_serial = ${device.SerialNumber}\n`);
  const used = await awsenv(['use', 'alice', '--shell', 'bash', '--mfa-code', '123456'], w.env);
  assert.is(used.exitCode, 0, used.stderr);
  const again = await awsenv(['rotate', 'alice'], { ...w.env, AWSENV_NONINTERACTIVE: '1' });
  assert.is(again.exitCode, 0, again.stderr);
  assert.match(again.stderr, 'using the cached MFA session');
  assert.is.not(pairIn(w.box.credentials).accessKeyId, fresh.accessKeyId);
  assert.ok(existsSync(w.box.credentials));
});

rotate('profiles that are not long-term keys are refused with the reason and the profile to rotate instead', async () => {
  if (!moto) return;
  const w = await world();
  writeFileSync(w.box.config, `[profile deploy]\nrole_arn = arn:aws:iam::${ACCOUNT}:role/x\nsource_profile = alice\n[profile sso]\nsso_start_url = https://x.awsapps.com/start\nsso_region = eu-west-1\nsso_account_id = 1\nsso_role_name = r\n`);
  const role = await awsenv(['rotate', 'deploy'], w.env);
  assert.is(role.exitCode, 1);
  assert.match(role.stderr, "belongs to profile 'alice': awsenv rotate alice");
  const sso = await awsenv(['rotate', 'sso'], w.env);
  assert.is(sso.exitCode, 1);
  assert.match(sso.stderr, 'long-term IAM user keys only');
  const bogus = await awsenv(['rotate', 'zed'], w.env);
  assert.is(bogus.exitCode, 1);
  assert.match(bogus.stderr, /stopped before changing anything: the current key AKIA…ZED1 of profile 'zed' does not work/);
  assert.is(readFileSync(w.box.credentials, 'utf8'), w.text);
});

rotate('doctor: a key older than 90 days is a warning whose fix (quoted for the shell) rotates it; list shows the age; offline, no check', async () => {
  if (!moto) return;
  // IAM as moto answers it, but every key created in 2020 (moto cannot backdate a key).
  const iam = await proxy(() => ({ headers: undefined, rewrite: (xml) => xml.replace(/<CreateDate>[^<]+<\/CreateDate>/g, '<CreateDate>2020-01-01T00:00:00Z</CreateDate>') }));
  const w = await world({ AWS_ENDPOINT_URL_IAM: iam });
  const name = "o'key";
  writeFileSync(w.box.credentials, w.text.replace('[alice]', `[${name}]`));
  const doctor = await awsenv(['doctor', name, '--json'], w.env);
  assert.is(doctor.exitCode, 0, doctor.stdout + doctor.stderr); // a warning, not a problem
  const check = (JSON.parse(doctor.stdout) as { checks: { id: string; status: string; message: string; fix: string | null }[] }).checks.find((c) => c.id === 'key-age')!;
  assert.is(check.status, 'warning');
  assert.match(check.message, /is \d{4} days old \(created 2020-01-01\)/);
  assert.is(check.fix, `awsenv rotate 'o'\\''key'`);
  assert.not.ok(doctor.stderr.includes(w.keys.accessKeyId) || doctor.stdout.includes(w.keys.secretAccessKey));

  const offline = await awsenv(['doctor', name, '--json', '--offline'], w.env);
  assert.not.ok(offline.stdout.includes('key-age'), 'offline: no key-age check');

  // list knows the age from doctor's check, with no request (IAM and STS unreachable).
  const unreachable = { ...w.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ENDPOINT_URL_IAM: 'http://127.0.0.1:9' };
  const list = await awsenv(['list'], unreachable);
  assert.match(list.stdout, /o'key\s+keys\s+eu-central-1\s+-\s+\d{4}d, rotate/);
  const json = JSON.parse((await awsenv(['list', '--json'], unreachable)).stdout) as { profiles: { name: string; keyCreatedAt: string | null }[] };
  assert.is(json.profiles.find((p) => p.name === name)!.keyCreatedAt, '2020-01-01T00:00:00.000Z');

  // The fix, run by bash as printed, rotates the key (through the same IAM).
  const fixed = await execa('bash', ['-c', check.fix!.replace(/^awsenv /, `node ${CLI} `)], { env: w.env, extendEnv: false, reject: false });
  assert.is(fixed.exitCode, 0, String(fixed.stderr));
  assert.match(String(fixed.stderr), `rotating the access key of profile '${name}'`);
  assert.is.not(/aws_access_key_id=(\S+)\r/.exec(readFileSync(w.box.credentials, 'utf8'))![1], w.keys.accessKeyId);
});

rotate('use, list and a cached doctor-free run never load rotate or the IAM SDK: a copy of the CLI without those bundles serves them', async () => {
  if (!moto) return;
  const w = await world();
  const copy = join(w.box.dir, 'dist');
  cpSync(join(CLI, '..'), copy, { recursive: true });
  rmSync(join(copy, 'lazy/iam-sdk.mjs'));
  rmSync(join(copy, 'lazy/rotate.mjs'));
  const run = (args: string[]) => execa('node', [join(copy, 'awsenv.js'), ...args], { env: w.env, extendEnv: false, reject: false, stdin: 'ignore' });
  const use = await run(['use', 'alice', '--shell', 'bash']);
  assert.is(use.exitCode, 0, String(use.stderr));
  assert.match(String(use.stdout), `export AWS_ACCESS_KEY_ID='${w.keys.accessKeyId}'`);
  assert.is((await run(['list'])).exitCode, 0);
  // ...and rotate does need them (the copy is really missing them).
  assert.is.not((await run(['rotate', 'alice', '--dry-run'])).exitCode, 0);
});

rotate.run();
