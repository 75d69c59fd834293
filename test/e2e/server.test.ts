// `awsenv exec --server` end to end: the built CLI, moto_server as STS, and as the child the
// AWS CLI v2 and a Node script on the AWS SDK's default chain, with a [default] profile in
// the files holding other (valid) keys that must not win. Sessions are made to last a few
// seconds (AWSENV_TEST_SESSION_LIFE) so that a child outlives several of them.
import { execa } from 'execa';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CLI, ROOT, type Sandbox, sandbox } from '../helpers/env.js';
import { ACCOUNT, type Keys, type Moto, startMoto } from '../helpers/moto.js';
import { requireTool } from '../helpers/tools.js';

const test = suite('exec --server (moto_server)');
let moto: Moto | undefined;
let box: Sandbox;
let alice: Keys;
let bob: Keys;
let env: Record<string, string>;
let aws: string | undefined;
const ROLE_ARN = `arn:aws:sts::${ACCOUNT}:assumed-role/admin/awsenv-server`;

/** Every secret the sandbox holds: the users' keys and every session in the cache. */
function secrets(): string[] {
  const out = [alice.secretAccessKey, bob.secretAccessKey];
  try {
    for (const f of readdirSync(env.AWSENV_CACHE_DIR!)) {
      if (!f.endsWith('.json')) continue;
      const c = JSON.parse(readFileSync(join(env.AWSENV_CACHE_DIR!, f), 'utf8'));
      out.push(c.secretAccessKey, c.sessionToken);
    }
  } catch {
    // no cache yet
  }
  return out.filter(Boolean);
}

function assertNoSecret(text: string, where: string): void {
  for (const s of secrets()) assert.not.ok(text.includes(s), `a secret in ${where}`);
}

/** The built CLI without a terminal (setsid: no controlling terminal to ask a code on). */
async function server(args: string[], extra: Record<string, string> = {}, timeout = 120_000) {
  const r = await execa('setsid', ['-w', 'node', CLI, 'exec', '--server', ...args], {
    env: { ...env, ...extra },
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    cwd: ROOT,
    timeout,
  });
  return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode ?? -1 };
}

/** A Node child on the SDK's default chain: `calls` GetCallerIdentity, `pause` ms apart. */
const SDK_LOOP = `
  import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
  const [calls, pause] = process.argv.slice(1).map(Number);
  const client = new STSClient({});
  const rows = [];
  for (let i = 0; i < calls; i++) {
    const creds = await client.config.credentials();
    // Time left when the credentials were handed out: the endpoint must never hand out ended
    // ones (a call started just before the end may finish after it, on a loaded machine).
    const left = creds.expiration.getTime() - Date.now();
    const id = await client.send(new GetCallerIdentityCommand({}));
    rows.push({ arn: id.Arn, key: creds.accessKeyId.slice(-6), left });
    if (i < calls - 1) await new Promise((r) => setTimeout(r, pause));
  }
  console.log(JSON.stringify(rows));
`;

test.before(async () => {
  moto = await startMoto();
  if (!moto) return;
  aws = requireTool('/usr/bin/aws', 'exec --server is checked with the AWS CLI v2 as its child');
  box = sandbox();
  alice = await moto.createUser('alice');
  bob = await moto.createUser('bob');
  await moto.createRole('admin', `arn:aws:iam::${ACCOUNT}:user/alice`);
  // [default] holds bob's keys, valid ones: an SDK that took them would answer as bob.
  box.write(
    'credentials',
    [
      '[default]',
      `aws_access_key_id = ${bob.accessKeyId}`,
      `aws_secret_access_key = ${bob.secretAccessKey}`,
      '[alice]',
      `aws_access_key_id = ${alice.accessKeyId}`,
      `aws_secret_access_key = ${alice.secretAccessKey}`,
      '[mfa]',
      `aws_access_key_id = ${alice.accessKeyId}`,
      `aws_secret_access_key = ${alice.secretAccessKey}`,
      '',
    ].join('\n'),
  );
  box.write(
    'config',
    [
      '[default]',
      'region = us-west-2',
      '[profile admin]',
      `role_arn = arn:aws:iam::${ACCOUNT}:role/admin`,
      'source_profile = alice',
      'role_session_name = awsenv-server',
      'region = eu-west-1',
      'output = json',
      'cli_pager =',
      // Keys with mfa_serial: GetSessionToken with a code. (moto does not take such a
      // session as the source of AssumeRole, so a role over MFA cannot be run here; the
      // renewal path is the same, test/sessions/renew.test.ts covers the logic.)
      '[profile mfa]',
      `mfa_serial = arn:aws:iam::${ACCOUNT}:mfa/alice`,
      '',
    ].join('\n'),
  );
  env = {
    ...box.env,
    AWS_ENDPOINT_URL_STS: moto.endpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // Left over in the shell: exec --server must take them out of the child's way.
    AWS_ACCESS_KEY_ID: bob.accessKeyId,
    AWS_SECRET_ACCESS_KEY: bob.secretAccessKey,
    AWS_SESSION_TOKEN: 'stale-token',
  };
});

test.after(async () => {
  await moto?.stop();
  box?.cleanup();
});

test('the AWS CLI v2 answers as the role through the server, not as [default]', async () => {
  if (!moto || !aws) return;
  const r = await server(['admin', aws, '--endpoint-url', moto.endpoint, 'sts', 'get-caller-identity', '--query', 'Arn', '--output', 'text']);
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(r.stdout.trim(), ROLE_ARN);
  assertNoSecret(r.stdout + r.stderr, 'the output');
});

test('why the command gets files of its own: with the user\'s files, [default] beats the endpoint', async () => {
  if (!moto || !aws) return;
  // The control: the same child environment, but the user's own files and no AWS_PROFILE.
  const script = `env -u AWS_PROFILE AWS_CONFIG_FILE="$0" AWS_SHARED_CREDENTIALS_FILE="$1" "$2" --endpoint-url "$3" sts get-caller-identity --query Arn --output text`;
  const r = await server(['admin', 'sh', '-c', script, box.config, box.credentials, aws, moto.endpoint]);
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(r.stdout.trim(), `arn:aws:iam::${ACCOUNT}:user/bob`);
});

test('the AWS CLI v2 still reads the profile\'s settings: region from the generated config and env', async () => {
  if (!moto || !aws) return;
  const r = await server(['admin', aws, 'configure', 'list']);
  assert.is(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /profile\s+admin\s+env/);
  assert.match(r.stdout, /access_key\s+\*+\w{4}\s+container-role/);
  assert.match(r.stdout, /region\s+eu-west-1\s+env/);
});

test('a Node script on the default chain answers as the role, with the profile\'s region', async () => {
  if (!moto) return;
  const r = await server(['admin', 'node', '--input-type=module', '-e', `${SDK_LOOP}; console.log(process.env.AWS_REGION, process.env.AWS_PROFILE)`, '1', '0']);
  assert.is(r.exitCode, 0, r.stderr);
  const [rows, tail] = r.stdout.trim().split('\n');
  assert.is(JSON.parse(rows!)[0].arn, ROLE_ARN);
  assert.is(tail, 'eu-west-1 admin');
});

test('a child that outlives its sessions: every call succeeds across renewals, with unexpired keys', async () => {
  if (!moto) return;
  const before = await moto.requests();
  // Sessions handed out for 9 s (renewed after 6, leaving 3 s for the renewal itself on a
  // loaded machine); twelve calls 2 s apart span three or four of them.
  const r = await server(['admin', 'node', '--input-type=module', '-e', SDK_LOOP, '12', '2000'], { AWSENV_TEST_SESSION_LIFE: '9' });
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(r.stderr, '', 'nothing on stderr: no renewal failed');
  const rows = JSON.parse(r.stdout) as { arn: string; key: string; left: number }[];
  assert.is(rows.length, 12);
  for (const row of rows) {
    assert.is(row.arn, ROLE_ARN);
    assert.ok(row.left > 0, `credentials handed out ${-row.left} ms after their end`);
  }
  const keys = new Set(rows.map((row) => row.key));
  assert.ok(keys.size >= 3, `the child used ${keys.size} sessions: ${[...keys].join(' ')}`);
  // Each renewal is one AssumeRole from alice's keys (moto answered GetCallerIdentity 12 times).
  const requests = (await moto.requests()) - before;
  assert.ok(requests >= 12 + keys.size - 1, `${requests} requests`);
  assertNoSecret(r.stdout + r.stderr, 'the output');
});

test('the AWS CLI v2 in a loop across renewals: every run succeeds', async () => {
  if (!moto || !aws) return;
  const script = `for i in 1 2 3 4 5 6; do "$0" --endpoint-url "$1" sts get-caller-identity --query Arn --output text || exit 1; sleep 2; done`;
  const r = await server(['admin', 'sh', '-c', script, aws, moto.endpoint], { AWSENV_TEST_SESSION_LIFE: '5' });
  assert.is(r.exitCode, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n'), Array(6).fill(ROLE_ARN));
});

/** A Go program on the Go SDK v2's default chain (config.LoadDefaultConfig). */
const GO_CALLER = `package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func main() {
	cfg, err := config.LoadDefaultConfig(context.TODO())
	if err != nil {
		fmt.Fprintln(os.Stderr, "config:", err)
		os.Exit(1)
	}
	client := sts.NewFromConfig(cfg, func(o *sts.Options) {
		o.EndpointResolver = sts.EndpointResolverFromURL(os.Getenv("AWS_ENDPOINT_URL_STS"))
	})
	out, err := client.GetCallerIdentity(context.TODO(), &sts.GetCallerIdentityInput{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "sts:", err)
		os.Exit(1)
	}
	fmt.Println(*out.Arn, cfg.Region)
}
`;

test('a Go program on the Go SDK v2\'s default chain answers as the role (AWS_PROFILE names a profile that exists)', async () => {
  if (!moto) return;
  const go = requireTool('go', 'the Go SDK v2 (Debian golang-github-aws-aws-sdk-go-v2-dev) is a child of exec --server');
  if (!go) return;
  if (!existsSync('/usr/share/gocode/src/github.com/aws/aws-sdk-go-v2/config/config.go')) {
    const message = 'the Go SDK v2 sources are not installed (Debian golang-github-aws-aws-sdk-go-v2-dev)';
    if (process.env.CI === 'true') throw new Error(message);
    console.error(`\n!!! SKIPPED: ${message}. !!!\n`);
    return;
  }
  // Built offline from Debian's sources (GOPATH mode): the machines reach no module proxy.
  const gopath = join(box.dir, 'go');
  mkdirSync(join(gopath, 'src/caller'), { recursive: true });
  writeFileSync(join(gopath, 'src/caller/main.go'), GO_CALLER);
  const bin = join(gopath, 'caller');
  const build = await execa(go, ['build', '-o', bin, '.'], {
    cwd: join(gopath, 'src/caller'),
    env: { PATH: env.PATH!, HOME: box.home, GO111MODULE: 'off', GOPATH: `${gopath}:/usr/share/gocode`, GOCACHE: join(gopath, 'cache'), GOFLAGS: '' },
    extendEnv: false,
    reject: false,
    timeout: 300_000,
  });
  assert.is(build.exitCode, 0, String(build.stderr));
  const r = await server(['admin', bin]);
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(r.stdout.trim(), `${ROLE_ARN} eu-west-1`);
});

test('the child\'s environment: the endpoint and token, no credential variable, no secret (/proc/PID/environ)', async () => {
  if (!moto) return;
  const r = await server(['admin', 'sh', '-c', 'cat /proc/$$/environ']);
  assert.is(r.exitCode, 0, r.stderr);
  const vars = new Map(r.stdout.split('\0').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN', 'AWS_CREDENTIAL_EXPIRATION', 'AWSENV_PROFILE', 'AWSENV_KEY_ID']) {
    assert.not.ok(vars.has(name), `${name} in the child's environment`);
  }
  assert.match(vars.get('AWS_CONTAINER_CREDENTIALS_FULL_URI')!, /^http:\/\/127\.0\.0\.1:\d+\/awsenv\/credentials$/);
  assert.match(vars.get('AWS_CONTAINER_AUTHORIZATION_TOKEN')!, /^[0-9a-f]{64}$/);
  assert.is(vars.get('AWS_PROFILE'), 'admin');
  assert.is(vars.get('AWS_REGION'), 'eu-west-1');
  assert.is(vars.get('AWS_DEFAULT_REGION'), 'eu-west-1');
  // The generated files: the profile's settings without credentials, and an empty credentials file.
  assert.is.not(vars.get('AWS_CONFIG_FILE'), box.config);
  assertNoSecret(r.stdout, "the child's /proc/PID/environ");
  // The files are gone with the command.
  assert.throws(() => readFileSync(vars.get('AWS_CONFIG_FILE')!));
});

test('each run has its own token', async () => {
  if (!moto) return;
  const a = await server(['admin', 'sh', '-c', 'echo $AWS_CONTAINER_AUTHORIZATION_TOKEN']);
  const b = await server(['admin', 'sh', '-c', 'echo $AWS_CONTAINER_AUTHORIZATION_TOKEN']);
  assert.is(a.exitCode, 0, a.stderr);
  assert.is.not(a.stdout, b.stdout);
});

/** The child probes its own server: what each kind of bad request gets. */
const PROBE = `
  import http from "node:http";
  import net from "node:net";
  const url = new URL(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI);
  const token = process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN;
  const get = (headers, extra = {}) => new Promise((resolve) => {
    const req = http.request({ host: "127.0.0.1", port: url.port, path: url.pathname, headers, agent: false, ...extra }, (res) => {
      let body = ""; res.on("data", (d) => (body += d)); res.on("end", () => resolve({ status: res.statusCode, body }));
    });
    req.on("error", (e) => resolve({ error: e.code }));
    if (extra.body) req.write(extra.body);
    req.end();
  });
  const out = {};
  out.good = (await get({ Authorization: token })).status;
  out.missing = await get({});
  out.wrong = await get({ Authorization: token.replace(/.$/, (c) => (c === "0" ? "1" : "0")) });
  out.otherAddress = await get({ Authorization: token }, { localAddress: "127.0.0.2" });
  out.bigHeader = await get({ Authorization: token, "X-Pad": "x".repeat(20000) });
  out.body = await get({ Authorization: token, "Content-Length": "5" }, { method: "POST", body: "hello" });
  out.getBody = await get({ Authorization: token, "Content-Length": "5" }, { body: "hello" });
  out.otherPath = (await get({ Authorization: token }, { path: "/" })).status;
  // Many connections at once, each held open: the server keeps only a few.
  const sockets = await Promise.all(Array.from({ length: 40 }, () => new Promise((resolve) => {
    const s = net.connect(Number(url.port), "127.0.0.1", () => resolve(s));
    s.on("error", () => resolve(s));
  })));
  await new Promise((r) => setTimeout(r, 500));
  out.heldOpen = sockets.filter((s) => !s.destroyed && s.readyState === "open").length;
  for (const s of sockets) s.destroy();
  out.afterwards = (await get({ Authorization: token })).status;
  console.log(JSON.stringify(out));
`;

test('refusals: missing and wrong token, another address, oversized and bodied requests, too many connections', async () => {
  if (!moto) return;
  const r = await server(['admin', 'node', '--input-type=module', '-e', PROBE]);
  assert.is(r.exitCode, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.is(out.good, 200);
  assert.is(out.missing.status, 401);
  assert.is(out.wrong.status, 403);
  assert.not.match(out.missing.body + out.wrong.body, /Secret|Token"/);
  assert.ok(out.otherAddress.error, `a request from 127.0.0.2 was answered: ${JSON.stringify(out.otherAddress)}`);
  assert.is(out.bigHeader.status ?? 431, 431);
  assert.is(out.body.status, 413);
  assert.is(out.getBody.status, 413);
  assert.is(out.otherPath, 404);
  assert.ok(out.heldOpen <= 16, `${out.heldOpen} connections kept open`);
  assert.is(out.afterwards, 200);
  assertNoSecret(r.stderr, "awsenv's stderr");
});

test('an MFA source session that ends with no terminal: the SDK reports the endpoint\'s error, awsenv says it once', async () => {
  if (!moto || !aws) return;
  // The child ages the cached MFA session past its end (as time would), then asks again
  // once its own 3-s session has ended: the renewal needs a new code, and no one can type.
  const script = `
    for f in "$AWSENV_CACHE_DIR"/*.json; do
      sed -i 's/"expiration":"[^"]*"/"expiration":"2020-01-01T00:00:00.000Z"/' "$f"
    done
    sleep 6
    "$0" --endpoint-url "$1" sts get-caller-identity --query Arn --output text
  `;
  const r = await server(['--mfa-code', '123456', 'mfa', 'sh', '-c', script, aws, moto.endpoint], { AWSENV_TEST_SESSION_LIFE: '3' });
  assert.is.not(r.exitCode, 0);
  assert.ok(/Received non 200 response \(503\) from (ECS|container) metadata/.test(r.stderr), r.stderr);
  assert.ok(/has ended and could not be renewed: it needs an MFA code and awsenv has no terminal/.test(r.stderr), r.stderr);
  const ours = r.stderr.split('\n').filter((l) => l.startsWith('awsenv: cannot renew'));
  assert.is(ours.length, 1, r.stderr);
  assert.match(ours[0]!, "cannot renew the session of 'mfa': it needs an MFA code");
  assert.match(ours[0]!, 'awsenv use mfa');
  assertNoSecret(r.stdout + r.stderr, 'the output');
  assert.not.ok(r.stderr.includes('123456'), 'the MFA code on stderr');
});

/** Asks the endpoint as an SDK would; prints the key's last six characters, or the status. */
const ASK = `
  const r = await fetch(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI, { headers: { Authorization: process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN } });
  console.log(r.ok ? "key " + (await r.json()).AccessKeyId.slice(-6) : "status " + r.status);
`;

test('an MFA session that ends with a terminal: the code is asked there, and the command gets the new session', async () => {
  if (!moto) return;
  const tmux = requireTool('tmux', 'the MFA prompt of a renewal is answered in a terminal');
  if (!tmux) return;
  const socketDir = join(box.dir, 'tmux');
  mkdirSync(socketDir, { recursive: true });
  const t = (...args: string[]) =>
    execFileSync('tmux', ['-L', 'awsenv-server', ...args], { env: { PATH: env.PATH!, TMUX_TMPDIR: socketDir, TERM: 'xterm-256color', HOME: box.home }, encoding: 'utf8' });
  const screen = () => t('capture-pane', '-p', '-J', '-S', '-');
  const waitFor = async (what: RegExp) => {
    const deadline = Date.now() + 90_000;
    while (!what.test(screen())) {
      if (Date.now() > deadline) throw new Error(`not on screen: ${what}\n${screen()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  // The child asks once, ages the cached MFA session (as time would), and asks again once
  // a marker file appears (after the code was typed).
  const marker = join(box.dir, 'typed');
  const before = await moto.requests();
  const child = `node --input-type=module -e '${ASK}' && for f in "$AWSENV_CACHE_DIR"/*.json; do sed -i 's/"expiration":"[^"]*"/"expiration":"2020-01-01T00:00:00.000Z"/' "$f"; done && while [ ! -e ${marker} ]; do sleep 0.2; done && node --input-type=module -e '${ASK}'`;
  const q = (v: string) => `'${v.replaceAll("'", `'\\''`)}'`;
  const vars = Object.entries({ ...env, AWSENV_TEST_SESSION_LIFE: '3' }).map(([k, v]) => q(`${k}=${v}`));
  const line = `cd ${q(ROOT)} && env -i ${vars.join(' ')} node ${q(CLI)} exec --server --mfa-code 123456 mfa sh -c ${q(child)}; echo "exit=$?"; sleep 600`;
  t('-f', '/dev/null', 'new-session', '-d', '-x', '200', '-y', '50', '--', 'sh', '-c', line);
  try {
    await waitFor(/MFA code for arn:aws:iam::\d+:mfa\/alice \(to renew the session of 'mfa'\): $/m);
    t('send-keys', '-l', '--', '654321');
    t('send-keys', 'Enter');
    // The renewal is done once awsenv has a new session; the child then asks again.
    await new Promise((r) => setTimeout(r, 1000));
    execFileSync('touch', [marker]);
    await waitFor(/exit=\d+/);
    const text = screen();
    // Both asks answered with a session (without the code the second one is a 503, as the
    // test above shows); moto hands out the same key id for every GetSessionToken, so the
    // new session is told apart by STS's count: one GetSessionToken after the code.
    assert.is([...text.matchAll(/^key \w+$/gm)].length, 2, text);
    assert.match(text, 'exit=0');
    assert.not.match(text, 'cannot renew');
    // (Each 3-s session needs a new code, so a second question may be open when the child
    // ends: awsenv must still end with it.)
    assert.is((await moto.requests()) - before, 2, 'GetSessionToken at the start and after the code');
  } finally {
    t('kill-server');
  }
});

test('signals reach the child, its exit status is awsenv\'s, and the server stops with it', async () => {
  if (!moto) return;
  const status = await server(['admin', 'sh', '-c', 'exit 7']);
  assert.is(status.exitCode, 7);
  const killed = await server(['admin', 'sh', '-c', 'kill -TERM $$']);
  assert.is(killed.exitCode, 143);
  // The child reports its server's port, then awsenv is sent SIGTERM: the child gets it
  // (trap), and afterwards nothing listens on the port.
  const child = execa('node', [CLI, 'exec', '--server', 'admin', 'sh', '-c', 'trap "echo got-term; exit 5" TERM; echo "$AWS_CONTAINER_CREDENTIALS_FULL_URI"; while :; do sleep 0.1; done'], {
    env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
  });
  let url = '';
  child.stdout!.on('data', (d) => (url += d));
  while (!url.includes('\n')) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGTERM');
  const r = await child;
  assert.is(r.exitCode, 5);
  assert.match(String(r.stdout), 'got-term');
  const after = await fetch(url.trim()).then(() => 'answered', (e) => String(e.cause?.code ?? e));
  assert.is(after, 'ECONNREFUSED');
});

test('exec without --server is unchanged: keys in the environment', async () => {
  if (!moto) return;
  const r = await execa('node', [CLI, 'exec', 'admin', 'sh', '-c', 'printf "%.4s %s\\n" "$AWS_ACCESS_KEY_ID" "${AWS_CONTAINER_CREDENTIALS_FULL_URI-none}"'], {
    env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
  });
  assert.is(r.exitCode, 0, String(r.stderr));
  assert.is(String(r.stdout), 'ASIA none');
});

test.run();
