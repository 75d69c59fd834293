// `awsenv list` (core/list.ts: plain profiles judged from their sections' digests, the recipe
// kept between runs) against the implementation it replaced (list-oracle.ts: every profile
// built, validated and checked whole), byte for byte, on generated files of many shapes:
// every kind, invalid settings, a profile in both files or only in credentials, sso-session
// references to missing sessions, source_profile loops and chains, nested blocks and
// continuation lines, irregular headers, non-ASCII and control-character names, CRLF; with
// cached sessions live, nearly over and expired, SSO token files present, absent, expired
// and broken, known key ages; as a table (plain and on a terminal) and as --json; fresh from
// the files and from the kept recipe; and malformed files, which must fail the same way.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { list } from '../../src/commands/list.js';
import type { Context, Output } from '../../src/commands/context.js';
import { listing } from '../../src/core/list.js';
import { LIST_CACHE } from '../../src/core/list-cache.js';
import { Resolver } from '../../src/core/resolve.js';
import { DIGEST } from '../../src/files/digest.js';
import type { IndexCache } from '../../src/files/index-cache.js';
import { loadProfiles } from '../../src/files/profiles.js';
import { SCAN } from '../../src/files/scan.js';
import { SessionCache } from '../../src/sessions/cache.js';
import { CHUNK, collect } from '../../src/util/chunks.js';
import { recordKeyAges } from '../../src/sessions/iam-key-ages.js';
import type { StsPort } from '../../src/sessions/sts.js';
import { mulberry32, type Rng } from '../fuzz/prng.js';
import { oldList } from './list-oracle.js';

const NOW = new Date();
const HOUR = 3600_000;

interface World {
  dir: string;
  env: Record<string, string>;
  cache: IndexCache;
  /** Profile names that may have a cached session, to seed. */
  sessionCandidates: string[];
  keyIds: string[];
}

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'eu-central-1'];

/** Config and credentials files of `count` profiles of random shapes. */
function makeWorld(rng: Rng, count: number, crlf: boolean): World {
  const dir = mkdtempSync(join(tmpdir(), 'awsenv-list-'));
  const home = join(dir, 'home');
  mkdirSync(join(home, '.aws/sso/cache'), { recursive: true });
  const names = Array.from({ length: count }, (_, i) =>
    rng.weighted<string>([
      [30, `p${i}`],
      [10, `acct${100000 + i}.Admin:${i}`],
      [4, `Upper-${i}`],
      [4, `prød-${i}`],
      [3, `日本-${i}`],
      [2, `🚀rocket-${i}`],
      [2, `ctl\x1b]0;x\x07-${i}`],
      [2, `with space ${i}`],
      [2, `z_${i}`],
    ]),
  );
  const config: string[] = ['# generated for list.test.ts', ''];
  const credentials: string[] = [];
  const sessionCandidates: string[] = [];
  const keyIds: string[] = [];
  const someName = () => (rng.chance(0.9) ? rng.pick(names) : `missing-${rng.int(5)}`);
  const key = (prefix: string) => `${prefix}${String(rng.int(1e12)).padStart(16, '0')}`;
  const spell = (k: string) => rng.weighted<string>([[20, k], [1, k.toUpperCase()], [1, `${k[0]!.toUpperCase()}${k.slice(1)}`]]);
  const line = (k: string, v: string) => rng.weighted<string>([[20, `${spell(k)} = ${v}`], [2, `${spell(k)}=${v}`], [1, `${spell(k)} : ${v}`], [1, `${spell(k)}\t=  ${v}  `]]);

  config.push('[sso-session corp]', 'sso_start_url = https://corp.awsapps.com/start', 'sso_region = us-east-1', '');
  config.push('[sso-session lab]', 'sso_start_url = https://lab.awsapps.com/start', 'sso_region = eu-west-1', '');
  if (rng.chance(0.5)) config.push('[sso-session broken]', 'sso_start_url = https://broken.awsapps.com/start', '');
  if (rng.chance(0.3)) config.push('[services dev]', 'sts =', '  endpoint_url = http://127.0.0.1:1', '');

  const sectionFor = (name: string): string[] => {
    const body: string[] = [];
    const kind = rng.weighted<string>([
      [20, 'sso'],
      [8, 'legacy-sso'],
      [10, 'role'],
      [6, 'keys'],
      [4, 'mfa'],
      [2, 'web'],
      [3, 'process'],
      [3, 'none'],
      [2, 'token'],
    ]);
    if (rng.chance(0.7)) body.push(line('region', rng.chance(0.03) ? '' : rng.chance(0.02) ? 'ëu-west-1' : rng.pick(REGIONS)));
    switch (kind) {
      case 'sso':
        body.push(line('sso_session', rng.weighted([[10, 'corp'], [4, 'lab'], [1, 'nosuch'], [1, 'broken']])));
        if (rng.chance(0.9)) body.push(line('sso_account_id', String(100000000000 + rng.int(1e6))));
        if (rng.chance(0.9)) body.push(line('sso_role_name', rng.pick(['Admin', 'ReadOnly'])));
        if (rng.chance(0.05)) body.push(line('sso_start_url', rng.pick(['https://corp.awsapps.com/start', 'https://other/start'])));
        break;
      case 'legacy-sso':
        body.push(line('sso_start_url', rng.pick(['https://corp.awsapps.com/start', 'https://legacy.awsapps.com/start'])));
        if (rng.chance(0.9)) body.push(line('sso_region', 'us-east-1'));
        body.push(line('sso_account_id', '123456789012'), line('sso_role_name', 'Admin'));
        if (rng.chance(0.3)) body.push(line('credential_process', 'aws-sso-util credential-process'));
        break;
      case 'role':
        body.push(line('role_arn', `arn:aws:iam::123456789012:role/r${rng.int(4)}`));
        if (rng.chance(0.85)) body.push(line('source_profile', rng.chance(0.05) ? name : someName()));
        else if (rng.chance(0.5)) body.push(line('credential_source', rng.pick(['Environment', 'Ec2InstanceMetadata', 'bogus'])));
        if (rng.chance(0.15)) body.push(line('mfa_serial', 'arn:aws:iam::123456789012:mfa/dev'));
        if (rng.chance(0.1)) body.push(line('external_id', 'ext'));
        if (rng.chance(0.1)) body.push(line('role_session_name', 'me'));
        if (rng.chance(0.05)) body.push(line('duration_seconds', rng.pick(['3600', '60', 'x'])));
        if (rng.chance(0.05)) body.push(line('aws_access_key_id', key('AKIA')), line('aws_secret_access_key', 'own-secret'));
        sessionCandidates.push(name);
        break;
      case 'keys':
      case 'mfa': {
        const id = key(rng.chance(0.8) ? 'AKIA' : 'ASIA');
        keyIds.push(id);
        body.push(line('aws_access_key_id', id));
        if (rng.chance(0.95)) body.push(line('aws_secret_access_key', `secret-${rng.int(1000)}`));
        if (kind === 'mfa') {
          body.push(line('mfa_serial', 'arn:aws:iam::123456789012:mfa/dev'));
          sessionCandidates.push(name);
        }
        break;
      }
      case 'token':
        body.push(line('aws_access_key_id', key(rng.pick(['AKIA', 'ASIA']))), line('aws_secret_access_key', 's'));
        body.push(line(rng.pick(['aws_session_token', 'aws_security_token']), rng.chance(0.9) ? 'tok' : ''));
        if (rng.chance(0.7)) body.push(line('expiration', rng.pick([new Date(NOW.getTime() - 3 * HOUR).toISOString(), new Date(NOW.getTime() + 3 * HOUR).toISOString(), 'soon'])));
        break;
      case 'web':
        body.push(line('web_identity_token_file', '/tmp/token'));
        if (rng.chance(0.9)) body.push(line('role_arn', 'arn:aws:iam::123456789012:role/web'));
        sessionCandidates.push(name);
        break;
      case 'process':
        body.push(line('credential_process', 'echo {}'));
        break;
    }
    if (rng.chance(0.05)) body.push('output = json', '  continued');
    if (rng.chance(0.04)) body.push('s3 =', '  addressing_style = path');
    if (rng.chance(0.1)) body.splice(rng.int(body.length + 1), 0, rng.pick(['# a comment', '; another', '']));
    if (rng.chance(0.02)) body.push(`note = ${'ü'.repeat(3)}`);
    return body;
  };

  const header = (name: string) =>
    name === 'default' ? '[default]' : / /.test(name) || rng.chance(0.02) ? `[profile "${name}"]` : `[profile ${name}]`;
  const inCredentials = new Set<string>();
  for (const name of names) {
    const where = rng.weighted<string>([[14, 'config'], [2, 'credentials'], [2, 'both']]);
    if (where !== 'credentials') config.push(header(name), ...sectionFor(name), '');
    if (where !== 'config' && !name.includes(' ') && !inCredentials.has(name)) {
      inCredentials.add(name);
      credentials.push(`[${name}]`);
      const id = key(rng.chance(0.8) ? 'AKIA' : 'ASIA');
      keyIds.push(id);
      if (rng.chance(0.9)) credentials.push(line('aws_access_key_id', id));
      if (rng.chance(0.9)) credentials.push(line('aws_secret_access_key', `cs-${rng.int(100)}`));
      if (rng.chance(0.1)) credentials.push(line('aws_session_token', 'tok'));
      if (rng.chance(0.2)) credentials.push(line('region', rng.pick(REGIONS)));
      credentials.push('');
    }
  }
  // source_profile loops (two and three long), a role naming itself without keys and with
  // them, and a chain role → role → keys.
  const role = (name: string, source: string, more: string[] = []) => [`[profile ${name}]`, line('role_arn', `arn:aws:iam::123456789012:role/${name}`), line('source_profile', source), ...more, ''];
  config.push(...role('loop-a', 'loop-b'), ...role('loop-b', 'loop-a'));
  config.push(...role('ring-1', 'ring-2'), ...role('ring-2', 'ring-3'), ...role('ring-3', 'ring-1'));
  config.push(...role('self-bare', 'self-bare'), ...role('self-keyed', 'self-keyed', [line('aws_access_key_id', 'AKIASELF000000000001'), line('aws_secret_access_key', 's')]));
  config.push('[profile chain-keys]', line('aws_access_key_id', 'AKIACHAIN00000000001'), line('aws_secret_access_key', 's'), '');
  config.push(...role('chain-mid', 'chain-keys'), ...role('chain-top', 'chain-mid'), ...role('chain-mfa', 'chain-keys', [line('mfa_serial', 'arn:aws:iam::123456789012:mfa/dev')]));
  sessionCandidates.push('chain-mid', 'chain-top', 'chain-mfa', 'self-keyed');
  // A name twice in config (the last section wins), [default] and [profile default].
  if (rng.chance(0.5)) config.push('[default]', line('region', 'us-west-2'), '');
  if (rng.chance(0.3)) config.push('[profile default]', line('region', 'sa-east-1'), '');
  const twice = names.find((n) => /^p\d+$/.test(n));
  if (twice && rng.chance(0.5)) config.push(`[profile "${twice}"]`, line('region', 'ca-central-1'), '');

  const eol = crlf ? '\r\n' : '\n';
  const paths = { config: join(home, '.aws/config'), credentials: join(home, '.aws/credentials') };
  writeFileSync(paths.config, `${config.join(eol)}${eol}`);
  writeFileSync(paths.credentials, `${credentials.join(eol)}${eol}`);
  const env: Record<string, string> = {
    HOME: home,
    LANG: 'C.UTF-8',
    AWS_CONFIG_FILE: paths.config,
    AWS_SHARED_CREDENTIALS_FILE: paths.credentials,
    AWSENV_CACHE_DIR: join(dir, 'cache'),
    AWS_PROFILE: rng.pick(names),
  };
  // Kept only for files older than two seconds: this cache's clock runs ahead.
  const cache: IndexCache = { dir: join(dir, 'cache', 'files'), trusted: () => true, now: () => Date.now() + 10_000 };
  return { dir, env, cache, sessionCandidates, keyIds };
}

/** Cached sessions for some profiles (live, inside the refresh margin, expired), SSO tokens, key ages. */
async function seed(rng: Rng, world: World): Promise<void> {
  let expiration = NOW;
  const session = () => ({ accessKeyId: 'ASIASEEDSESSION00001', secretAccessKey: 's', sessionToken: 't', expiration });
  const sts: StsPort = {
    callerIdentity: async () => ({ arn: 'arn:aws:iam::123456789012:user/x', account: '123456789012' }),
    getSessionToken: async () => session(),
    assumeRole: async () => session(),
    assumeRoleWithWebIdentity: async () => session(),
  };
  const env = { ...world.env, AWS_ACCESS_KEY_ID: 'AKIAENVIRONMENT00001', AWS_SECRET_ACCESS_KEY: 'e' };
  for (const name of world.sessionCandidates) {
    if (!rng.chance(0.4)) continue;
    expiration = new Date(NOW.getTime() + rng.pick([2 * HOUR, 2 * 60_000, -HOUR]));
    try {
      await new Resolver(loadProfiles(env), {
        env,
        now: () => NOW,
        sts: async () => sts,
        cache: new SessionCache(world.env.AWSENV_CACHE_DIR!),
        askMfaCode: async () => '123456',
        runProcess: async () => {
          throw new Error('no process here');
        },
        sso: async () => {
          throw new Error('no SSO here');
        },
      }).resolve(name);
    } catch {
      // a profile that cannot get a session (no source, …): none cached
    }
  }
  const ssoDir = join(world.env.HOME!, '.aws/sso/cache');
  // Never logged in: no token file (the directory empty, or not there at all).
  const tokens = rng.weighted<string>([[6, 'some'], [1, 'empty'], [1, 'no directory']]);
  if (tokens === 'no directory') rmSync(join(world.env.HOME!, '.aws/sso'), { recursive: true });
  if (tokens !== 'some') return keyAges(rng, world);
  const tokenFile = (key: string) => join(ssoDir, `${createHash('sha1').update(key).digest('hex')}.json`);
  for (const key of ['corp', 'lab', 'https://corp.awsapps.com/start', 'https://legacy.awsapps.com/start']) {
    const what = rng.pick(['live', 'expired', 'broken', 'absent']);
    if (what === 'absent') continue;
    const expiresAt = new Date(NOW.getTime() + (what === 'live' ? HOUR : -HOUR)).toISOString();
    writeFileSync(tokenFile(key), what === 'broken' ? '{not json' : JSON.stringify({ accessToken: 'a', expiresAt }));
  }
  keyAges(rng, world);
}

function keyAges(rng: Rng, world: World): void {
  if (rng.chance(0.5) && world.keyIds.length > 0) {
    const created: Record<string, Date> = {};
    for (const id of world.keyIds) if (rng.chance(0.3)) created[id] = new Date(NOW.getTime() - rng.int(200) * 24 * HOUR);
    recordKeyAges(world.env.AWSENV_CACHE_DIR!, NOW, created);
  }
}

const contextOf = (env: Record<string, string>, tty: boolean): Context => ({ env, now: () => NOW, ppid: 1, stdoutIsTTY: tty, warn: () => {} });
const text = (out: Output) => out.stdout + (out.produce ? collect(out.produce).toString('utf8') : '');

/** list's output made a chunk at a time (util/chunks.ts) with chunks of `size` bytes. */
async function inChunks(size: number, run: () => Promise<Output>): Promise<string> {
  const normal = CHUNK.size;
  CHUNK.size = size;
  try {
    return await outcome(run);
  } finally {
    CHUNK.size = normal;
  }
}

async function outcome(run: () => Promise<Output>): Promise<string> {
  try {
    return text(await run());
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

/** Every form of the output, new and old, for one world; the recipe fresh, then kept. */
async function compare(world: World, label: string): Promise<void> {
  const forms: [string, Record<string, string>, boolean, boolean][] = [
    ['table', world.env, false, false],
    ['json', world.env, false, true],
    ['tty', { ...world.env, TERM: 'xterm' }, true, false],
    ['swedish order', { ...world.env, LANG: 'sv_SE.UTF-8' }, false, false],
  ];
  for (const round of ['fresh', 'kept']) {
    for (const [form, env, tty, json] of forms) {
      const ctx = contextOf(env, tty);
      const want = await outcome(() => oldList({ json }, ctx));
      const got = await outcome(() => list({ json }, ctx, world.cache));
      // The table a chunk at a time: the same bytes with chunks of a few bytes and with one chunk for all.
      if (!json && round === 'kept') {
        for (const size of [7, 1 << 24]) assert.ok((await inChunks(size, () => list({ json }, ctx, world.cache))) === got, `${label}, ${form}: chunks of ${size} bytes`);
      }
      if (got !== want) {
        const a = got.split('\n');
        const b = want.split('\n');
        const at = a.findIndex((l, i) => l !== b[i]);
        assert.fixture(a.slice(at, at + 3).join('\n'), b.slice(at, at + 3).join('\n'), `${label}, ${round}, ${form}: first difference at line ${at + 1}`);
      }
    }
    if (round === 'fresh') assert.ok(readdirSync(world.cache.dir).some((f) => f.endsWith('.list')), `${label}: the recipe was kept`);
  }
}

const same = suite('list: the same output as the implementation it replaced');

same.before.each(() => {
  LIST_CACHE.minProfiles = 0;
});

for (let seedNo = 1; seedNo <= 10; seedNo++) {
  same(`generated files, seed ${seedNo}`, async () => {
    const rng = mulberry32(seedNo * 7919);
    // Seed 10 is big enough that more than 256 profiles go the old way (each file then read whole).
    const world = makeWorld(rng, seedNo === 10 ? 900 : 120 + rng.int(200), seedNo % 4 === 0);
    const chunk = DIGEST.chunk;
    const scanChunk = SCAN.chunk;
    try {
      if (seedNo % 3 === 0) {
        DIGEST.chunk = 64;
        SCAN.chunk = 128;
      }
      await seed(rng, world);
      // The files older than the two-second rule (only the clock of `cache` is moved).
      const old = new Date(Date.now() - HOUR);
      utimesSync(world.env.AWS_CONFIG_FILE!, old, old);
      utimesSync(world.env.AWS_SHARED_CREDENTIALS_FILE!, old, old);
      await compare(world, `seed ${seedNo}`);
      // Most profiles took the new way (the test would prove little otherwise).
      const rows = await listing(loadProfiles(world.env, world.cache), contextOf(world.env, false), world.cache);
      const slow = rows.slow.size;
      if (seedNo === 10) assert.ok(slow > 256, `seed 10: only ${slow} profiles the old way`);
      assert.ok(slow < rows.count * 0.7, `seed ${seedNo}: ${slow} of ${rows.count} profiles the old way`);
    } finally {
      DIGEST.chunk = chunk;
      SCAN.chunk = scanChunk;
      rmSync(world.dir, { recursive: true, force: true });
    }
  });
}

same('a file changed after its recipe was kept is read again', async () => {
  const rng = mulberry32(42);
  const world = makeWorld(rng, 150, false);
  try {
    const old = new Date(Date.now() - HOUR);
    utimesSync(world.env.AWS_CONFIG_FILE!, old, old);
    utimesSync(world.env.AWS_SHARED_CREDENTIALS_FILE!, old, old);
    await compare(world, 'before the change');
    writeFileSync(world.env.AWS_SHARED_CREDENTIALS_FILE!, '[late]\naws_access_key_id = AKIALATE000000000001\naws_secret_access_key = s\nregion = us-west-1\n');
    utimesSync(world.env.AWS_SHARED_CREDENTIALS_FILE!, old, old);
    await compare(world, 'after the change');
    assert.match(text(await list({}, contextOf(world.env, false), world.cache)), /late +keys +us-west-1/);
  } finally {
    rmSync(world.dir, { recursive: true, force: true });
  }
});

same('malformed files fail with the same error', async () => {
  const bad = [
    ['[profile a]\nregion = x\n[profile a]\nregion = y\n', ''],
    ['[profile a]\nregion = x\nregion = y\n', ''],
    ['[profile a]\nthis line is no key\n', ''],
    ['\ufeff[profile a]\nregion = x\n', ''],
    ['[profile a]\nregion = x\n', '[a]\naws_access_key_id = AKIA\n[a]\naws_secret_access_key = s\n'],
    ['[profile a]\nregion = x\n', Buffer.from([0x5b, 0x61, 0x5d, 0x0a, 0xff, 0x0a]).toString('latin1')],
  ];
  for (const [config, credentials] of bad) {
    const dir = mkdtempSync(join(tmpdir(), 'awsenv-list-'));
    try {
      const env = { HOME: dir, LANG: 'C.UTF-8', AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWSENV_CACHE_DIR: join(dir, 'cache') };
      writeFileSync(env.AWS_CONFIG_FILE, config!);
      writeFileSync(env.AWS_SHARED_CREDENTIALS_FILE, Buffer.from(credentials!, 'latin1'));
      const ctx = contextOf(env, false);
      const want = await outcome(() => oldList({}, ctx));
      assert.match(want, /^error: /);
      assert.is(await outcome(() => list({}, ctx)), want);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

same('no files at all, and empty files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'awsenv-list-'));
  try {
    const env = { HOME: dir, LANG: 'C.UTF-8', AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWSENV_CACHE_DIR: join(dir, 'cache') };
    for (const json of [false, true]) assert.is(await outcome(() => list({ json }, contextOf(env, false))), await outcome(() => oldList({ json }, contextOf(env, false))));
    writeFileSync(env.AWS_CONFIG_FILE, '# nothing yet\n');
    writeFileSync(env.AWS_SHARED_CREDENTIALS_FILE, '');
    for (const json of [false, true]) assert.is(await outcome(() => list({ json }, contextOf(env, false))), await outcome(() => oldList({ json }, contextOf(env, false))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

same.run();
