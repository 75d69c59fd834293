// Resolution parity: AWS CLI v2 and awsenv resolve the same profiles against the same STS
// (moto behind the recording proxy of harness.ts) and the same fake SSO portal and OIDC.
// For each case of cases.ts: the credentials both export, or the calls both made, or that
// both refuse (each with its own message); deliberate differences are checked as such.
// /usr/bin/aws is Debian's awscli (v2.9); a pip `aws` on PATH may be v1, so the path is fixed.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CLI } from '../helpers/env.js';
import { requireTool } from '../helpers/tools.js';
import { type Call, endpointOverride, type Harness, startHarness } from './harness.js';
import { type Case, CASES, CODE } from './cases.js';

const AWS = '/usr/bin/aws';

interface ToolRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  creds?: { AccessKeyId: string; SecretAccessKey: string; SessionToken?: string };
  calls: Call[];
  /** The SSO token cache file after the run, when the case has one. */
  ssoFile?: { text: string; mode: number };
}

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

/** Each tool's key ids and tokens handed out by its own earlier calls become `#N`; default session names `DEFAULT`. */
export function normalize(calls: Call[]): Call[] {
  const issuedBy = new Map<string, number>();
  return calls.map((c, i) => {
    const { issued, ...o } = c;
    if (o.keyId !== undefined && issuedBy.has(o.keyId)) o.keyId = `#${issuedBy.get(o.keyId)}`;
    if (o.bearer !== undefined && issuedBy.has(o.bearer)) o.bearer = `#${issuedBy.get(o.bearer)}`;
    // Default session names differ on purpose (botocore-session-EPOCH, awsenv-USER).
    if (o.sessionName !== undefined && /^(botocore-session-\d+|awsenv-.+)$/.test(o.sessionName)) o.sessionName = 'DEFAULT';
    if (issued) issuedBy.set(issued, i);
    return o;
  });
}

function prepare(c: Case, root: string, tool: 'cli' | 'awsenv') {
  const sub = (text: string) => text.replaceAll('${DIR}', root);
  const home = join(root, `home-${tool}`);
  mkdirSync(join(home, '.aws'), { recursive: true });
  let ssoPath: string | undefined;
  if (c.sso) {
    mkdirSync(join(home, '.aws/sso/cache'), { recursive: true });
    ssoPath = join(home, '.aws/sso/cache', `${sha1(c.sso.session)}.json`);
    writeFileSync(ssoPath, JSON.stringify(c.sso.token), { mode: 0o600 });
  }
  writeFileSync(join(root, 'config'), sub(c.config ?? ''));
  writeFileSync(join(root, 'credentials'), sub(c.credentials ?? ''));
  for (const [name, text] of Object.entries(c.files ?? {})) writeFileSync(join(root, name), sub(text), { mode: 0o700 });
  return { home, ssoPath };
}

async function runTool(h: Harness, c: Case, root: string, tool: 'cli' | 'awsenv'): Promise<ToolRun> {
  const { home, ssoPath } = prepare(c, root, tool);
  const url = `${h.base}/${tool}/${c.id}`;
  const common = {
    HOME: home,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    AWS_CONFIG_FILE: join(root, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(root, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...c.env,
  };
  const r =
    tool === 'cli'
      ? // setsid: no controlling terminal, so the CLI's MFA prompt (getpass) reads stdin.
        await execa('setsid', ['-w', AWS, 'configure', 'export-credentials', '--profile', c.profile, '--format', 'process'], {
          env: { ...common, PATH: '/usr/bin:/bin', AWS_DATA_PATH: endpointOverride(join(root, 'data'), url), AWS_PAGER: '' },
          extendEnv: false,
          reject: false,
          input: c.mfa ? `${CODE}\n` : '',
          timeout: 90_000,
        })
      : await execa('node', [CLI, 'export', c.profile, '--format', 'process', ...(c.mfa ? ['--mfa-code', CODE] : [])], {
          env: { ...common, PATH: process.env.PATH ?? '/usr/bin:/bin', AWSENV_CACHE_DIR: join(root, 'cache'), AWS_ENDPOINT_URL: url },
          extendEnv: false,
          reject: false,
          stdin: 'ignore',
          timeout: 90_000,
        });
  const run: ToolRun = { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr), calls: h.calls(`${tool}/${c.id}`) };
  if (run.exitCode === 0) run.creds = JSON.parse(run.stdout);
  if (ssoPath) run.ssoFile = { text: readFileSync(ssoPath, 'utf8'), mode: statSync(ssoPath).mode & 0o777 };
  return run;
}

const succeeded = (who: string, r: ToolRun) => assert.is(r.exitCode, 0, `${who} failed: ${r.stderr}`);

function refusedBy(who: string, r: ToolRun, message: RegExp) {
  assert.is.not(r.exitCode, 0, `${who} did not refuse: ${r.stdout}`);
  assert.match(r.stderr, message, `${who}'s message`);
  if (who === 'awsenv') {
    assert.is(r.stdout, '', 'awsenv: nothing on stdout');
    assert.is(r.exitCode, 1);
    assert.is(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    assert.not.match(r.stderr, /^\s+at /m, 'no stack trace');
  }
}

/** The calls, normalised, are `expected`, and the exported key is what the last call handed out. */
function madeCalls(who: string, r: ToolRun, expected: Call[]) {
  succeeded(who, r);
  assert.equal(normalize(r.calls), expected, `${who}'s calls`);
  const last = r.calls.at(-1)!;
  assert.ok(last.issued, `${who}: the last call handed something out`);
  assert.is(r.creds?.AccessKeyId, last.issued, `${who} exports what the last call handed out`);
}

function check(c: Case, cli: ToolRun, mine: ToolRun) {
  const e = c.expect;
  if ('keys' in e) {
    succeeded('the CLI', cli);
    succeeded('awsenv', mine);
    assert.is(cli.creds?.AccessKeyId, e.keys.id, "the CLI's key");
    assert.is(mine.creds?.AccessKeyId, cli.creds?.AccessKeyId);
    assert.is(mine.creds?.SecretAccessKey, cli.creds?.SecretAccessKey);
    assert.is(mine.creds?.SessionToken, e.keys.token);
    assert.is(cli.creds?.SessionToken, e.keys.token);
    assert.equal([cli.calls, mine.calls], [[], []], 'no calls');
  } else if ('calls' in e) {
    madeCalls('the CLI', cli, e.calls);
    madeCalls('awsenv', mine, e.calls);
  } else if ('refused' in e) {
    refusedBy('the CLI', cli, e.refused.cli);
    refusedBy('awsenv', mine, e.refused.awsenv);
    assert.equal(mine.calls, [], 'awsenv refused before any call');
  } else {
    for (const [who, r, want] of [['the CLI', cli, e.cli], ['awsenv', mine, e.awsenv]] as const) {
      if (Array.isArray(want)) madeCalls(who, r, want);
      else refusedBy(who, r, want.refused);
    }
  }
  if (c.id.startsWith('sso-refresh')) sameTokenFile(cli, mine);
}

/** Both wrote the refreshed token back alike: same fields in the same order, same format, 0600. */
function sameTokenFile(cli: ToolRun, mine: ToolRun) {
  const shape = (text: string) => text.replace(/("accessToken": )"[^"]*"/, '$1"…"').replace(/("expiresAt": )"[^"]*"/, '$1"…"');
  assert.is(shape(mine.ssoFile!.text), shape(cli.ssoFile!.text), 'the token file, but for the new token and its expiry');
  const a = JSON.parse(cli.ssoFile!.text);
  const b = JSON.parse(mine.ssoFile!.text);
  assert.is(a.accessToken, cli.calls[0]!.issued);
  assert.is(b.accessToken, mine.calls[0]!.issued);
  assert.ok(Math.abs(Date.parse(a.expiresAt) - Date.parse(b.expiresAt)) < 600_000, `expiresAt ${a.expiresAt} vs ${b.expiresAt}`);
  assert.is(mine.ssoFile!.mode, 0o600);
}

/** PARITY_ONLY=REGEX runs only the cases whose id matches (for working on a few). */
const SELECTED = process.env.PARITY_ONLY ? CASES.filter((c) => new RegExp(process.env.PARITY_ONLY!).test(c.id)) : CASES;

const parity = suite('parity: AWS CLI v2 and awsenv resolve profiles alike (STS calls through moto)');
let harness: Harness | undefined;
let scratch: string;
/** The CLI when it is v2 (the endpoint override needs its data layout); a loud skip otherwise, a failure under CI. */
function awsCliV2(): string | undefined {
  const path = requireTool(AWS, 'the parity suite compares with AWS CLI v2 (Debian package awscli)');
  if (!path) return undefined;
  const version = execFileSync(path, ['--version'], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
  if (version.startsWith('aws-cli/2.')) return path;
  const message = `${AWS} is not AWS CLI v2 (${version.trim()})`;
  if (process.env.CI === 'true') throw new Error(message);
  console.error(`\n!!! SKIPPED: ${message}; the parity suite needs v2. !!!\n`);
  return undefined;
}
const aws = awsCliV2();
const runs = new Map<string, Promise<{ cli: ToolRun; mine: ToolRun }>>();

parity.before(async () => {
  if (!aws) return;
  harness = await startHarness();
  if (!harness) return;
  // The token `aws sso login` would have cached for the cases with a valid one.
  harness.acceptToken('sso-access-token-SEED');
  scratch = mkdtempSync(join(tmpdir(), 'awsenv-parity-'));
  // Two cases at a time, in the background; each test awaits its own.
  const queue = [...SELECTED];
  const h = harness;
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      const root = join(scratch, c.id);
      mkdirSync(root, { recursive: true });
      let resolve!: (v: { cli: ToolRun; mine: ToolRun }) => void;
      let reject!: (e: unknown) => void;
      runs.set(c.id, new Promise((res, rej) => ((resolve = res), (reject = rej))));
      runs.get(c.id)!.catch(() => {});
      try {
        const cli = await runTool(h, c, root, 'cli');
        const mine = await runTool(h, c, root, 'awsenv');
        resolve({ cli, mine });
      } catch (error) {
        reject(error);
      }
    }
  };
  void Promise.all([worker(), worker()]);
});

parity.after(async () => {
  await harness?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

for (const c of SELECTED) {
  parity(`${c.id}: ${c.what} (${c.from})`, async () => {
    if (!harness) return;
    while (!runs.has(c.id)) await new Promise((r) => setTimeout(r, 20));
    const { cli, mine } = await runs.get(c.id)!;
    check(c, cli, mine);
  });
}

parity('web identity end to end: cached for the next run (no call), listed as web-identity with its time left, token rotation keeps the session', async () => {
  if (!harness) return;
  const root = join(scratch, 'web-cache');
  mkdirSync(root, { recursive: true });
  const token = join(root, 'token');
  writeFileSync(token, 'eyJ.first.token');
  writeFileSync(join(root, 'config'), `[profile ci]\nrole_arn = arn:aws:iam::123456789012:role/ci\nweb_identity_token_file = ${token}\nregion = eu-west-1\n`);
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root, AWS_CONFIG_FILE: join(root, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(root, 'credentials'),
    AWSENV_CACHE_DIR: join(root, 'cache'), AWS_ENDPOINT_URL_STS: `${harness.base}/awsenv/web-cache`,
  };
  const run = (args: string[]) => execa('node', [CLI, ...args], { env, extendEnv: false, reject: false, stdin: 'ignore' });
  const first = await run(['use', 'ci', '--shell', 'bash']);
  assert.is(first.exitCode, 0, String(first.stderr));
  assert.equal(normalize(harness.calls('awsenv/web-cache')), [{ action: 'AssumeRoleWithWebIdentity', keyId: 'unsigned', roleArn: 'arn:aws:iam::123456789012:role/ci', sessionName: 'DEFAULT', webIdentityToken: 'eyJ.first.token' }]);
  assert.match(String(first.stdout), `export AWS_ACCESS_KEY_ID='${harness.calls('awsenv/web-cache')[0]!.issued}';`);
  writeFileSync(token, 'eyJ.rotated.token');
  const second = await run(['use', 'ci', '--shell', 'bash']);
  assert.is(second.exitCode, 0, String(second.stderr));
  assert.is(String(second.stdout), String(first.stdout), 'the cached session');
  assert.is(harness.calls('awsenv/web-cache').length, 1, 'no second call');
  const list = await run(['list']);
  assert.match(String(list.stdout), /^\s*ci\s+web-identity\s+eu-west-1\s+(59m|1h0m|1h) left/m);
  const refreshed = await run(['use', 'ci', '--shell', 'bash', '--refresh']);
  assert.is(refreshed.exitCode, 0, String(refreshed.stderr));
  assert.is(harness.calls('awsenv/web-cache')[1]!.webIdentityToken, 'eyJ.rotated.token', '--refresh reads the rotated token');
  assert.not.match(String(first.stderr) + String(second.stderr) + String(list.stderr), 'eyJ.');
});

parity('at least 40 cases are compared', () => {
  assert.ok(CASES.length >= 40, `${CASES.length} cases`);
  assert.is(new Set(CASES.map((c) => c.id)).size, CASES.length, 'case ids are unique');
});

parity.run();
