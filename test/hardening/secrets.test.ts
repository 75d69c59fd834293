// Secrets sweep (Hardening, item 3 of CONTRACT.md "Rules for output"): every command and
// error path, run with known secret values (secret keys, session tokens, MFA codes, an SSO
// token, what a credential_process prints) both plainly and with AWSENV_DEBUG=1 (stack
// traces). No secret may appear on stderr, in debug output, on the stdout of a command
// that prints no credentials, nor in any file awsenv leaves under HOME or its cache other
// than the credentials file and the session cache files; full key ids only in exports;
// stdout of a failed use/clear is empty.
import { createHash } from 'node:crypto';
import { failStatement, isShellName } from '../../src/shells/index.js';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, relative } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type Sandbox, sandbox } from '../helpers/env.js';
import { type Ended, run } from '../helpers/crash.js';
import { ACCOUNT, type Keys, type Moto, startMoto } from '../helpers/moto.js';
import { skip } from '../helpers/tools.js';

const FUTURE = new Date(Date.now() + 3 * 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const PAST = '2020-01-01T00:00:00Z';

/** Every secret value put into the sandbox; more are added as STS and SSO hand them out. */
const S = {
  staticSecret: 'sweep/STATIC+secret0000000000000000000001',
  tokenedSecret: 'sweep/TOKENED+secret000000000000000000002',
  tokenedToken: 'sweepTOKENEDsessionTOKEN//////////wEaD0003=',
  staleSecret: 'sweep/STALE+secret00000000000000000000004',
  staleToken: 'sweepSTALEleftoverTOKEN0000000000000000005',
  expiredSecret: 'sweep/EXPIRED+secret000000000000000000006',
  expiredToken: 'sweepEXPIREDsessionTOKEN000000000000000007',
  bogusSecret: 'sweep/BOGUS+secret00000000000000000000008',
  envSecret: 'sweep/ENV+secret000000000000000000000000009',
  envToken: 'sweepENVsessionTOKEN000000000000000000000010',
  procSecret: 'sweep/PROCESS+secret00000000000000000000011',
  procToken: 'sweepPROCESSsessionTOKEN0000000000000000012',
  procNul: 'sweep/PROCESS+NUL+secret',
  malformedSecret: 'sweep/MALFORMED+secret000000000000000000013',
  ssoToken: 'sweep-SSO-bearer-token-0000000000000000014',
  ssoRejected: 'sweep-SSO-rejected-token-000000000000000015',
  ssoClientSecret: 'sweep-SSO-client-secret-0000000000000000016',
  ssoRoleSecret: 'sweep/SSO+role+secret0000000000000000000017',
  ssoRoleToken: 'sweepSSOroleSESSIONtoken00000000000000000018',
  mfaCode: '924673',
  badMfaCode: '98765Z',
  longMfaCode: '9876543',
};
const KEY_IDS = {
  static: 'AKIASWEEPSTATIC00001',
  tokened: 'ASIASWEEPTOKENED0002',
  stale: 'AKIASWEEPSTALE000003',
  expired: 'ASIASWEEPEXPIRED0004',
  bogus: 'AKIASWEEPBOGUS000005',
  env: 'AKIASWEEPENVIRON0006',
  proc: 'ASIASWEEPPROCESS0007',
};
const secrets = new Set<string>(Object.values(S));
const keyIds = new Set<string>(Object.values(KEY_IDS));

let moto: Moto | undefined;
let alice: Keys | undefined;
let portal: Server;
let portalUrl = '';
let box: Sandbox;
let env: Record<string, string>;
/** Files the test wrote itself as a user (or `aws sso login`) would: not awsenv's output. */
const userFiles = new Map<string, string>();
const CLOSED = 'http://127.0.0.1:9'; // discard port: nothing listens, connections are refused

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

function writeUserFile(path: string, content: string | Buffer, mode = 0o600): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content, { mode });
  chmodSync(path, mode);
  userFiles.set(path, Buffer.from(content).toString('latin1'));
}

/** A credential_process script, outside HOME (it holds the secrets it prints). */
function script(name: string, body: string): string {
  const path = join(box.dir, 'bin', name);
  mkdirSync(join(box.dir, 'bin'), { recursive: true });
  writeFileSync(path, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return path;
}

function credentialsText(): string {
  return [
    '# the sweep: every kind of profile',
    '[static]',
    `aws_access_key_id = ${KEY_IDS.static}`,
    `aws_secret_access_key = ${S.staticSecret}`,
    '[tokened]',
    `aws_access_key_id = ${KEY_IDS.tokened}`,
    `aws_secret_access_key = ${S.tokenedSecret}`,
    `aws_session_token = ${S.tokenedToken}`,
    `expiration = ${FUTURE}`,
    '[stale]',
    `aws_access_key_id = ${KEY_IDS.stale}`,
    `aws_secret_access_key = ${S.staleSecret}`,
    `aws_session_token = ${S.staleToken}`,
    '[expired]',
    `aws_access_key_id = ${KEY_IDS.expired}`,
    `aws_secret_access_key = ${S.expiredSecret}`,
    `aws_session_token = ${S.expiredToken}`,
    `expiration = ${PAST}`,
    '[bogus]',
    `aws_access_key_id = ${KEY_IDS.bogus}`,
    `aws_secret_access_key = ${S.bogusSecret}`,
    '[half]',
    `aws_secret_access_key = ${S.staticSecret}`,
    ...(alice
      ? [
          '[alice]',
          `aws_access_key_id = ${alice.accessKeyId}`,
          `aws_secret_access_key = ${alice.secretAccessKey}`,
          '[mfa]',
          `aws_access_key_id = ${alice.accessKeyId}`,
          `aws_secret_access_key = ${alice.secretAccessKey}`,
          `mfa_serial = arn:aws:iam::${ACCOUNT}:mfa/alice`,
        ]
      : []),
    '',
  ].join('\n');
}

function configText(admin: string): string {
  const json = (o: object) => JSON.stringify(JSON.stringify(o)); // a JSON text, quoted for sh
  const good = { Version: 1, AccessKeyId: KEY_IDS.proc, SecretAccessKey: S.procSecret, SessionToken: S.procToken, Expiration: FUTURE };
  return [
    `[profile admin]\nrole_arn = ${admin}\nsource_profile = alice\nrole_session_name = sweep`,
    `[profile admin-mfa]\nrole_arn = ${admin}\nsource_profile = alice\nmfa_serial = arn:aws:iam::${ACCOUNT}:mfa/alice\nrole_session_name = sweep-mfa`,
    `[profile bogus-role]\nrole_arn = ${admin}\nsource_profile = bogus`,
    `[profile env-role]\nrole_arn = ${admin}\ncredential_source = Environment`,
    `[profile proc-ok]\ncredential_process = ${script('ok', `printf '%s' ${json(good)}`)}`,
    `[profile proc-fail]\ncredential_process = ${script('fail', `printf '%s' ${json(good)}; echo 'proc-fail: refused' >&2; exit 3`)}`,
    `[profile proc-garbage]\ncredential_process = ${script('garbage', `echo 'not json ${S.procSecret} ${S.procToken}'`)}`,
    `[profile proc-wrong]\ncredential_process = ${script('wrong', `printf '%s' ${json({ ...good, Version: 2 })}`)}`,
    `[profile proc-types]\ncredential_process = ${script('types', `printf '%s' ${json({ ...good, SessionToken: 12345, Expiration: S.procToken })}`)}`,
    `[profile proc-nul]\ncredential_process = ${script('nul', `printf '%s' '{"Version":1,"AccessKeyId":"${KEY_IDS.proc}","SecretAccessKey":"${S.procNul}\\u0000x","SessionToken":"${S.procToken}\\nx"}'`)}`,
    `[profile proc-slow]\ncredential_process = ${script('slow', `printf '%s' ${json(good)}; exec sleep 30`)}`,
    `[profile proc-missing]\ncredential_process = ${join(box.dir, 'bin/no-such-program')}`,
    `[sso-session corp]\nsso_start_url = https://sweep.awsapps.com/start\nsso_region = eu-west-1`,
    `[sso-session other]\nsso_start_url = https://other.awsapps.com/start\nsso_region = eu-west-1`,
    `[profile sso]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev`,
    `[profile sso-rejected]\nsso_session = other\nsso_account_id = 111122223333\nsso_role_name = Dev`,
    `[profile sso-nologin]\nsso_start_url = https://nologin.awsapps.com/start\nsso_region = eu-west-1\nsso_account_id = 111122223333\nsso_role_name = Dev`,
    `[profile loop-a]\nrole_arn = ${admin}\nsource_profile = loop-b`,
    `[profile loop-b]\nrole_arn = ${admin}\nsource_profile = loop-a`,
    '',
  ].join('\n');
}

function ssoToken(session: string, accessToken: string): void {
  writeUserFile(
    join(box.home, '.aws/sso/cache', `${sha1(session)}.json`),
    JSON.stringify({
      startUrl: session === 'corp' ? 'https://sweep.awsapps.com/start' : 'https://other.awsapps.com/start',
      region: 'eu-west-1',
      accessToken,
      expiresAt: FUTURE,
      clientId: 'client',
      clientSecret: S.ssoClientSecret,
      registrationExpiresAt: '2099-01-01T00:00:00Z',
      refreshToken: S.ssoClientSecret,
    }),
  );
}

/** Broken credentials files, each with a secret on or next to the line at fault. */
const MALFORMED: Record<string, string> = {
  'no =': `[static]\naws_access_key_id = ${KEY_IDS.static}\naws_secret_access_key ${S.malformedSecret}\n`,
  'duplicate key': `[static]\naws_access_key_id = ${KEY_IDS.static}\naws_secret_access_key = ${S.malformedSecret}\naws_secret_access_key = ${S.malformedSecret}x\n`,
  'key before any section': `aws_secret_access_key = ${S.malformedSecret}\n[static]\naws_access_key_id = ${KEY_IDS.static}\n`,
  'unclosed header': `[static\naws_secret_access_key = ${S.malformedSecret}\n`,
  'NUL byte': `[static]\naws_access_key_id = ${KEY_IDS.static}\naws_secret_access_key = ${S.malformedSecret}\0\n`,
  'not UTF-8': `[static]\naws_access_key_id = ${KEY_IDS.static}\naws_secret_access_key = ${S.malformedSecret}\xff\n`,
  'nested block under the secret': `[static]\naws_access_key_id = ${KEY_IDS.static}\naws_secret_access_key =\n  ${S.malformedSecret} = x\n`,
  'byte-order mark': `\ufeff[static]\naws_access_key_id = ${KEY_IDS.static}\naws_secret_access_key = ${S.malformedSecret}\n`,
};

const sweep = suite('secrets sweep: every command and error path');

sweep.before(async () => {
  moto = await startMoto();
  box = sandbox();
  let admin = `arn:aws:iam::${ACCOUNT}:role/admin`;
  if (moto) {
    alice = await moto.createUser('alice');
    secrets.add(alice.secretAccessKey);
    keyIds.add(alice.accessKeyId);
    admin = await moto.createRole('admin', `arn:aws:iam::${ACCOUNT}:user/alice`);
  }
  // A small SSO portal: the good token gets role credentials, any other is rejected.
  portal = createServer((req, res) => {
    const token = req.headers['x-amz-sso_bearer_token'];
    if (token !== S.ssoToken) {
      res.writeHead(401, { 'content-type': 'application/json', 'x-amzn-errortype': 'UnauthorizedException' });
      res.end(JSON.stringify({ message: 'Session token not found or invalid' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ roleCredentials: { accessKeyId: 'ASIASWEEPSSO00000008', secretAccessKey: S.ssoRoleSecret, sessionToken: S.ssoRoleToken, expiration: Date.now() + 3600_000 } }));
  });
  await new Promise<void>((r) => portal.listen(0, '127.0.0.1', r));
  const a = portal.address();
  portalUrl = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;

  writeUserFile(box.credentials, credentialsText());
  writeUserFile(box.config, configText(admin));
  ssoToken('corp', S.ssoToken);
  ssoToken('other', S.ssoRejected);
  env = {
    ...box.env,
    AWS_ENDPOINT_URL_STS: moto?.endpoint ?? CLOSED,
    AWS_ENDPOINT_URL_SSO: portalUrl,
    AWSENV_PROCESS_TIMEOUT: '1',
  };
});

sweep.after(async () => {
  await moto?.stop();
  portal?.closeAllConnections();
  await new Promise((r) => portal?.close(r));
  box?.cleanup();
});

/** Secrets a successful run handed out (sessions from STS, SSO, a process): secrets from now on. */
function learn(stdout: string): void {
  for (const m of stdout.matchAll(/^export (AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN)='([^']+)';$/gm)) secrets.add(m[2]!);
  for (const m of stdout.matchAll(/"(?:SecretAccessKey|SessionToken)":"([^"]+)"/g)) secrets.add(m[1]!);
  for (const m of stdout.matchAll(/^export AWS_ACCESS_KEY_ID='([^']+)';$/gm)) keyIds.add(m[1]!);
}

const leaked = (text: string) => [...secrets].filter((s) => text.includes(s));
const fullKeyIds = (text: string) => [...keyIds].filter((k) => text.includes(k));

interface Case {
  args: string[];
  /** The exit status, 'fail' for any non-zero, 'any' when the case only checks the output. */
  exit: number | 'fail' | 'any';
  env?: Record<string, string>;
  why: string;
  /** Slow (seconds): run with AWSENV_DEBUG=1 only, whose stderr is the plain one plus traces. */
  debugOnly?: boolean;
  /** Run after all the others (it changes what they read). */
  last?: boolean;
}

const envSet = { AWS_ACCESS_KEY_ID: KEY_IDS.env, AWS_SECRET_ACCESS_KEY: S.envSecret, AWS_SESSION_TOKEN: S.envToken, AWS_PROFILE: 'static' };
const unreachable = { AWS_ENDPOINT_URL_STS: CLOSED, AWS_ENDPOINT_URL_SSO: CLOSED };
const B = ['--shell', 'bash'];
/** A second, empty session cache: for a case that must not find the session cached above. */
const cold = () => ({ AWSENV_CACHE_DIR: join(box.dir, 'cache-cold') });

function cases(): Case[] {
  const sts = moto !== undefined;
  if (!sts) skip('moto_server is not installed'); // the STS paths of the sweep did not run
  return [
    // use: good profiles, every dialect
    ...['bash', 'zsh', 'sh', 'fish', 'pwsh', 'cmd', 'setx', 'tcsh'].map((shell): Case => ({ args: ['use', 'tokened', '--shell', shell], exit: 0, why: `keys+token, ${shell}` })),
    { args: ['use', 'static', ...B], exit: 0, why: 'static keys' },
    { args: ['use', 'proc-ok', ...B], exit: 0, why: 'credential_process' },
    { args: ['use', 'sso', ...B], exit: 0, why: 'SSO' },
    ...(sts
      ? [
          { args: ['use', 'admin', ...B], exit: 0, why: 'role via STS' },
          { args: ['use', 'admin', ...B, '--refresh'], exit: 0, why: 'role via STS, refreshed' },
          { args: ['use', 'mfa', ...B, '--mfa-code', S.mfaCode], exit: 0, why: 'MFA session' },
          // moto does not take the keys of its own GetSessionToken sessions: AssumeRole with them fails there.
          { args: ['use', 'admin-mfa', ...B, '--mfa-code', S.mfaCode, '--refresh'], exit: 'fail' as const, why: 'role with MFA (refused by moto)' },
          { args: ['use', 'env-role', ...B], exit: 0, env: { AWS_ACCESS_KEY_ID: alice!.accessKeyId, AWS_SECRET_ACCESS_KEY: alice!.secretAccessKey }, why: 'role from environment keys' },
          { args: ['use', 'admin', ...B, '--save-as', 'admin-saved'], exit: 0, why: 'role session saved' },
        ]
      : []),
    // use: error paths
    { args: ['use', 'nosuch', ...B], exit: 1, why: 'unknown profile' },
    { args: ['use', 'expired', ...B], exit: 1, why: 'expired session in the file' },
    { args: ['use', 'half', ...B], exit: 1, why: 'secret without key id' },
    { args: ['use', 'loop-a', ...B], exit: 1, why: 'source_profile cycle' },
    { args: ['use', 'proc-fail', ...B], exit: 1, why: 'credential_process fails (secrets on its stdout)' },
    { args: ['use', 'proc-garbage', ...B], exit: 1, why: 'credential_process prints no JSON' },
    { args: ['use', 'proc-wrong', ...B], exit: 1, why: 'credential_process Version 2' },
    { args: ['use', 'proc-types', ...B], exit: 1, why: 'credential_process wrong types (a token where a date goes)' },
    { args: ['use', 'proc-nul', ...B], exit: 1, why: 'credential_process secret with NUL' },
    { args: ['use', 'proc-nul', '--shell', 'cmd'], exit: 1, why: 'credential_process secret with NUL, cmd' },
    // PowerShell's error paths print its failure statement (run in pwsh by test/e2e/roundtrip.test.ts).
    { args: ['use', 'nosuch', '--shell', 'pwsh'], exit: 1, why: 'unknown profile, pwsh' },
    { args: ['use', 'proc-fail', '--shell', 'pwsh'], exit: 1, why: 'credential_process fails, pwsh' },
    { args: ['use', 'proc-nul', '--shell', 'pwsh'], exit: 1, why: 'credential_process secret with NUL, pwsh' },
    { args: ['clear', '--all', '--shell', 'pwsh'], exit: 0, why: 'clear --all, pwsh' },
    { args: ['use', 'proc-slow', ...B], exit: 1, why: 'credential_process times out' },
    { args: ['use', 'proc-missing', ...B], exit: 1, why: 'credential_process not found' },
    { args: ['use', 'sso-rejected', ...B], exit: 1, why: 'SSO token rejected' },
    { args: ['use', 'sso-nologin', ...B], exit: 1, why: 'SSO not logged in' },
    { args: ['use', 'sso', ...B, '--refresh'], exit: 1, env: unreachable, why: 'SSO portal unreachable' },
    { args: ['use', 'mfa', ...B, '--mfa-code', S.badMfaCode, '--refresh'], exit: 1, why: 'bad MFA code format' },
    { args: ['use', 'mfa', ...B, '--mfa-code', S.longMfaCode, '--refresh'], exit: 1, why: 'MFA code too long' },
    { args: ['use', 'admin-mfa', ...B, '--mfa-code', S.badMfaCode, '--refresh'], exit: 1, why: 'bad MFA code format, role' },
    { args: ['use', 'mfa', ...B, '--refresh'], exit: 1, env: { AWSENV_NONINTERACTIVE: '1' }, why: 'MFA code needed, none given' },
    { args: ['use', 'admin', ...B, '--refresh'], exit: 1, env: unreachable, why: 'STS unreachable' },
    { args: ['use', 'mfa', ...B, '--refresh', '--mfa-code', S.mfaCode], exit: 1, env: unreachable, why: 'STS unreachable, MFA' },
    { args: ['use', 'bogus-role', ...B], exit: 1, why: sts ? 'STS rejects the source keys' : 'STS unreachable' },
    { args: ['use', 'env-role', ...B], exit: 1, why: 'role from environment keys, none set' },
    { args: ['use', 'static', '--shell', 'nosh'], exit: 2, why: 'unknown shell' },
    { args: ['use', 'static', ...B, '--save-as', 'a]b'], exit: 2, why: 'bad --save-as name' },
    { args: ['use', 'static', ...B, '--save-as', 'copy'], exit: 1, why: '--save-as of long-term keys' },
    { args: ['use', 'tokened', ...B, '--save-as', 'static'], exit: 1, why: '--save-as over long-term keys' },
    { args: ['use', 'tokened', ...B, '--save-as', 'tokened-copy'], exit: 0, why: '--save-as' },
    // Keys from the file need no cache (issue 12): exported, saved, the watch off with a notice.
    { args: ['use', 'tokened', ...B, '--save-as', 'x'], exit: 0, env: { AWSENV_CACHE_DIR: '/dev/null/cache' }, why: 'cache directory unusable' },
    { args: ['use', 'tokened', ...B, '--save-as', 'x'], exit: 1, env: { AWS_SHARED_CREDENTIALS_FILE: '/dev/null/credentials' }, why: 'credentials file unwritable' },
    { args: ['use'], exit: 2, why: 'no profile' },
    { args: ['use', 'static', ...B, '--bogus', S.mfaCode], exit: 2, why: 'unknown flag' },
    // list, current, doctor
    { args: ['list'], exit: 0, env: envSet, why: 'list' },
    { args: ['list', '--json'], exit: 0, env: envSet, why: 'list --json' },
    { args: ['current'], exit: 'any', env: envSet, why: 'current, stray keys in the environment' },
    { args: ['current', '--json'], exit: 'any', env: envSet, why: 'current --json' },
    { args: ['current'], exit: 'any', env: { AWS_ACCESS_KEY_ID: KEY_IDS.tokened, AWS_SECRET_ACCESS_KEY: S.tokenedSecret, AWS_SESSION_TOKEN: S.tokenedToken, AWS_PROFILE: 'tokened' }, why: 'current, consistent session' },
    { args: ['doctor'], exit: 'fail', env: envSet, why: 'doctor, stray keys in the environment' },
    { args: ['doctor', 'stale'], exit: 'fail', why: 'doctor, leftover token' },
    { args: ['doctor', 'stale', '--offline', '--json'], exit: 'fail', why: 'doctor --offline --json' },
    { args: ['doctor', 'bogus'], exit: 'fail', why: 'doctor, key STS does not know' },
    { args: ['doctor', 'static'], exit: 'fail', env: unreachable, why: 'doctor, STS unreachable' },
    { args: ['doctor', 'tokened'], exit: 'fail', why: 'doctor, session' },
    { args: ['doctor', 'proc-fail'], exit: 'fail', why: 'doctor, failing credential_process' },
    { args: ['doctor', 'proc-nul'], exit: 'fail', why: 'doctor, credential_process with NUL (the SDK retries the bad header)', debugOnly: true },
    { args: ['doctor', 'mfa'], exit: 'fail', why: 'doctor, MFA profile' },
    { args: ['doctor', 'nosuch'], exit: 'fail', why: 'doctor, unknown profile' },
    ...(sts ? [{ args: ['doctor', 'admin'], exit: 'any' as const, why: 'doctor, role' }] : []),
    // export, exec, hook
    { args: ['export', 'tokened'], exit: 0, why: 'export' },
    { args: ['export', 'proc-fail'], exit: 1, why: 'export, failing process' },
    { args: ['export', 'nosuch'], exit: 1, why: 'export, unknown profile' },
    { args: ['export', 'mfa', '--mfa-code', S.badMfaCode], exit: 1, env: cold(), why: 'export, bad MFA code' },
    { args: ['exec', 'tokened', '--', 'sh', '-c', 'exit 3'], exit: 3, why: 'exec passes the status through' },
    { args: ['exec', 'tokened', '--', join(box.dir, 'bin/no-such-program')], exit: 127, why: 'exec, no such command' },
    { args: ['exec', 'proc-nul', '--', 'true'], exit: 1, why: 'exec, secret with NUL (refused, naming the variable)' },
    { args: ['exec', 'nosuch', '--', 'true'], exit: 1, why: 'exec, unknown profile' },
    { args: ['exec', '--mfa-code', S.badMfaCode, 'mfa', '--', 'true'], exit: 1, env: cold(), why: 'exec, bad MFA code' },
    { args: ['exec', 'tokened'], exit: 2, why: 'exec, no command' },
    ...['bash', 'zsh', 'fish', 'pwsh', 'tcsh'].map((shell): Case => ({ args: ['hook', shell], exit: 0, env: envSet, why: `hook ${shell}` })),
    { args: ['hook', 'nosh'], exit: 2, why: 'hook, unknown shell' },
    { args: ['nosuch-command', S.mfaCode], exit: 2, why: 'unknown command' },
    { args: ['use', 'mfa', S.mfaCode, ...B], exit: 2, why: 'an MFA code without --mfa-code' },
    // clear last: --stale-tokens changes the file the cases above read
    ...(
      [
        { args: ['clear', ...B], exit: 0, env: envSet, why: 'clear' },
        { args: ['clear', ...B, '--all'], exit: 0, env: envSet, why: 'clear --all' },
        { args: ['clear', ...B, '--stale-tokens', '--dry-run'], exit: 0, why: 'stale tokens, dry run' },
        { args: ['clear', ...B, '--stale-tokens'], exit: 0, why: 'stale tokens removed' },
        { args: ['clear', ...B, '--stale-tokens'], exit: 0, env: { AWSENV_CACHE_DIR: '/dev/null/cache' }, why: 'stale tokens, cache unusable (the edit lock is next to the file)' },
        { args: ['clear', '--shell', 'nosh'], exit: 2, why: 'clear, unknown shell' },
        { args: ['clear', ...B, '--dry-run'], exit: 2, why: '--dry-run alone' },
      ] as Case[]
    ).map((c) => ({ ...c, last: true })),
  ];
}

/** Commands whose stdout carries credentials by design (exports, process JSON, the child's output). */
const printsCredentials = (args: string[]) => ['use', 'export', 'exec'].includes(args[0]!);

function check(c: Case, r: Ended, debug: boolean): void {
  const what = `${c.args.join(' ')} (${c.why}${debug ? ', AWSENV_DEBUG=1' : ''})`;
  assert.ok(r.signal === undefined, `${what}: ended by ${r.signal}`);
  if (c.exit === 'any') assert.ok(r.exitCode !== undefined);
  else if (c.exit === 'fail') assert.ok(r.exitCode !== 0, `${what}: exit ${r.exitCode}\n${r.stderr}`);
  else assert.is(r.exitCode, c.exit, `${what}: exit ${r.exitCode}\n${r.stderr}`);
  assert.equal(leaked(r.stderr), [], `${what}: a secret on stderr:\n${r.stderr}`);
  assert.equal(fullKeyIds(r.stderr), [], `${what}: an unmasked key id on stderr:\n${r.stderr}`);
  if (!printsCredentials(c.args)) assert.equal(leaked(r.stdout), [], `${what}: a secret on stdout:\n${r.stdout}`);
  if (r.exitCode !== 0 && (c.args[0] === 'use' || c.args[0] === 'clear')) {
    const shell = c.args[c.args.indexOf('--shell') + 1];
    assert.is(r.stdout, failStatement(shell !== undefined && isShellName(shell) ? shell : undefined), `${what}: stdout of a failure`);
  }
}

/** Runs `jobs` at most `width` at a time, results in order. */
async function pool<T>(jobs: (() => Promise<T>)[], width: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]!();
      }
    }),
  );
  return out;
}

sweep('every case, plainly and with AWSENV_DEBUG=1: no secret on stderr, nothing on stdout of a failed use/clear', async () => {
  const all = cases();
  const runs: { c: Case; debug: boolean; r: Ended }[] = [];
  // The cases are independent but for the last ones; each runs in its own process, so
  // they run eight at a time. Checked once all have run, against every secret handed out.
  for (const phase of [all.filter((c) => !c.last), all.filter((c) => c.last)]) {
    const jobs = phase.flatMap((c) =>
      (c.debugOnly ? [true] : [false, true]).map((debug) => async () => ({
        c,
        debug,
        r: await run(c.args, { ...env, ...c.env, ...(debug ? { AWSENV_DEBUG: '1' } : {}) }),
      })),
    );
    runs.push(...(await pool(jobs, 8)));
  }
  for (const { r } of runs) if (r.exitCode === 0) learn(r.stdout);
  for (const { c, debug, r } of runs) check(c, r, debug);
  assert.ok(all.length >= 80 || !moto, `${all.length} cases`);
  // The two cases that reached the unexpected-error path (an unusable cache directory) give
  // one clear line since issue 12, so no case here prints a stack any more; the check below
  // still holds for any that would.
  assert.ok(runs.every(({ debug, r }) => debug || !/\n\s+at /.test(r.stderr)), 'stacks only under AWSENV_DEBUG=1');
});

sweep('broken credentials files: the error names file and line, never the secret on it', async () => {
  const jobs: (() => Promise<void>)[] = [];
  Object.entries(MALFORMED).forEach(([name, text], i) => {
    const file = join(box.home, `.aws/credentials-broken-${i}`);
    writeUserFile(file, name === 'not UTF-8' ? Buffer.from(text, 'latin1') : text);
    const cases: Case[] = [
      { args: ['use', 'static', ...B], exit: 1, why: '' },
      { args: ['use', 'static', ...B, '--save-as', 'x'], exit: 1, why: '' },
      { args: ['export', 'static'], exit: 1, why: '' },
      { args: ['exec', 'static', '--', 'true'], exit: 1, why: '' },
      // These read the file but may not need the broken part: output checked, not the status.
      { args: ['clear', ...B, '--stale-tokens'], exit: 'any', why: '' },
      { args: ['list'], exit: 'any', why: '' },
      { args: ['current'], exit: 'any', why: '' },
      { args: ['doctor', 'static'], exit: 'fail', why: '' },
    ];
    for (const c of cases) {
      c.why = `credentials file: ${name}`;
      // Plain stderr is AWSENV_DEBUG=1's without the stacks (the first test checks both ways on
      // every command); here, debug only keeps the matrix affordable.
      for (const debug of [true]) {
        jobs.push(async () => {
          const r = await run(c.args, { ...env, AWS_SHARED_CREDENTIALS_FILE: file, ...(debug ? { AWSENV_DEBUG: '1' } : {}) });
          check(c, r, debug);
          if (c.args[0] === 'use') assert.match(r.stderr, `${file}:`, `${name}: names the file and line`);
        });
      }
    }
  });
  await pool(jobs, 8);
});

sweep('rotate: every step and stop, plainly and with AWSENV_DEBUG=1: no secret (old or new) printed, key ids masked', async () => {
  if (!moto) return;
  const iam = { AWS_ENDPOINT_URL_IAM: moto.endpoint };
  /** The pair [alice] holds now: after a rotation its new secret is a secret too. */
  const learnFile = () => {
    const text = readFileSync(box.credentials, 'utf8');
    const m = /\[alice\]\naws_access_key_id = (\S+)\naws_secret_access_key = (\S+)\n/.exec(text)!;
    keyIds.add(m[1]!);
    secrets.add(m[2]!);
  };
  // In order: each run changes what the next one finds (the keys in IAM and in the file).
  const steps: Case[] = [
    { args: ['rotate', 'nosuch'], exit: 1, why: 'unknown profile' },
    { args: ['rotate', 'static'], exit: 1, why: 'a key STS does not know' },
    { args: ['rotate', 'tokened'], exit: 1, why: 'a temporary session' },
    { args: ['rotate', 'stale'], exit: 1, why: 'a token next to the long-term key' },
    { args: ['rotate', 'admin'], exit: 1, why: 'a role (names its source)' },
    { args: ['rotate', 'half'], exit: 1, why: 'a secret without a key id' },
    { args: ['rotate', 'alice', '--dry-run'], exit: 0, why: 'dry run' },
    { args: ['rotate', 'mfa', '--mfa-code', S.badMfaCode], exit: 1, env: cold(), why: 'MFA profile, bad code' },
    { args: ['rotate', 'mfa'], exit: 1, env: { ...cold(), AWSENV_NONINTERACTIVE: '1' }, why: 'MFA profile, no code' },
    { args: ['rotate', 'alice'], exit: 1, env: { AWS_ENDPOINT_URL_IAM: CLOSED }, why: 'IAM unreachable' },
    { args: ['rotate', 'alice'], exit: 1, env: { AWS_ENDPOINT_URL_STS: CLOSED }, why: 'STS unreachable' },
    { args: ['rotate', 'alice', S.mfaCode], exit: 2, why: 'an MFA code without --mfa-code' },
    { args: ['rotate', 'alice'], exit: 0, why: 'rotated' },
    { args: ['rotate', 'alice', '--keep-old'], exit: 0, why: 'rotated, old key kept inactive' },
    { args: ['rotate', 'alice'], exit: 1, why: 'two keys: stops, naming the other' },
    { args: ['rotate', 'alice', '--dry-run'], exit: 1, why: 'two keys, dry run' },
    { args: ['doctor', 'alice'], exit: 'any', why: 'doctor with the key-age check' },
    { args: ['list'], exit: 0, why: 'list with key ages' },
  ];
  const runs: { c: Case; debug: boolean; r: Ended }[] = [];
  for (const c of steps) {
    // A successful rotation runs once (with AWSENV_DEBUG=1, whose stderr holds the plain one);
    // the other steps change nothing, so they run both ways.
    for (const debug of c.exit === 0 && c.args[0] === 'rotate' && !c.args.includes('--dry-run') ? [true] : [false, true]) {
      const r = await run(c.args, { ...env, ...iam, ...c.env, ...(debug ? { AWSENV_DEBUG: '1' } : {}) });
      learnFile();
      runs.push({ c, debug, r });
    }
  }
  for (const { c, debug, r } of runs) check(c, r, debug);
  assert.match(runs.find((x) => x.c.why === 'two keys: stops, naming the other')!.r.stderr, 'the other key: AKIA…');
});

/** Every file under `dir`, recursively. */
function walk(dir: string): string[] {
  const out: string[] = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

sweep('no secret in any file awsenv wrote, other than the credentials file and the session cache', () => {
  const caches = [env.AWSENV_CACHE_DIR!, cold().AWSENV_CACHE_DIR];
  const isSession = (f: string) => caches.some((c) => f.startsWith(`${c}/`) && /^[0-9a-f]{40}\.json$/.test(f.slice(c.length + 1)));
  // Everything in the sandbox but the credential_process scripts (the test's, not awsenv's).
  const files = walk(box.dir).filter((f) => !f.startsWith(join(box.dir, 'bin/')));
  assert.ok(files.some(isSession), 'sessions were cached');
  for (const f of files) {
    const rel = relative(box.dir, f);
    if (f === box.credentials || isSession(f)) {
      assert.is(statSync(f).mode & 0o777, 0o600, rel);
      continue;
    }
    const text = readFileSync(f, 'latin1');
    if (userFiles.has(f)) {
      assert.is(text, userFiles.get(f), `${rel}: awsenv does not write the files it only reads`);
      continue;
    }
    assert.equal(leaked(text), [], `${rel} holds a secret`);
    assert.equal(fullKeyIds(text), [], `${rel} holds a key id`);
  }
  // Only the STS paths (moto_server) fill the cold cache: without moto there is none to check.
  for (const c of moto ? caches : caches.slice(0, 1)) assert.is(statSync(c).mode & 0o777, 0o700, c);
});

sweep.run();
