// doctor's file checks and exec --server's [services] sections read through the files'
// index (only the sections they can be about) against what they did before: go through
// every profile and parse the config whole. On hand-made and generated files, good and
// malformed, small and big enough for a kept index, the reports must be equal.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type DoctorDeps, diagnose } from '../../src/core/doctor.js';
import { AwsenvError } from '../../src/errors.js';
import { readIniFile } from '../../src/files/files.js';
import { loadProfiles, type ProfileSet } from '../../src/files/profiles.js';

const dir = mkdtempSync(join(tmpdir(), 'awsenv-doctor-files-'));
const paths = { config: join(dir, 'config'), credentials: join(dir, 'credentials') };
const env = { HOME: '/nonexistent', AWS_CONFIG_FILE: paths.config, AWS_SHARED_CREDENTIALS_FILE: paths.credentials };
const NOW = new Date('2026-06-01T12:00:00Z');
/** A kept index: the files count as old enough to trust (index-cache.ts's two-second rule). */
const kept = { dir: join(dir, 'index'), trusted: () => true, now: () => Date.now() + 10_000 };

/** The old way: no files at hand, so every profile is built and the config parsed whole. */
const withoutFiles = (set: ProfileSet): ProfileSet => ({ paths: set.paths, profiles: set.profiles, ssoSessions: set.ssoSessions });

function deps(load: () => ProfileSet): DoctorDeps {
  return {
    env,
    now: NOW,
    load,
    // Offline, and nothing to resolve with: the same failure for both ways.
    resolve: async (profile) => {
      throw new AwsenvError(`no credentials for '${profile}' in this test`);
    },
    sts: async () => assert.unreachable('offline') as never,
  };
}

async function reports(profile: string) {
  const indexed = await diagnose(profile, true, deps(() => loadProfiles(env)));
  const cached = await diagnose(profile, true, deps(() => loadProfiles(env, kept)));
  const again = await diagnose(profile, true, deps(() => loadProfiles(env, kept)));
  const whole = await diagnose(profile, true, deps(() => withoutFiles(loadProfiles(env))));
  return { indexed, cached, again, whole };
}

async function same(config: string, credentials: string, profile = 'a'): Promise<string[]> {
  writeFileSync(paths.config, config);
  writeFileSync(paths.credentials, credentials);
  const { indexed, cached, again, whole } = await reports(profile);
  assert.equal(indexed, whole, `indexed\n--- config\n${JSON.stringify(config)}`);
  assert.equal(cached, whole, `kept index, first run\n--- config\n${JSON.stringify(config)}`);
  assert.equal(again, whole, `kept index, second run\n--- config\n${JSON.stringify(config)}`);
  return whole.checks.map((c) => `${c.id}: ${c.message}`);
}

const KEYS = 'aws_access_key_id = AKIAEXAMPLE0000001\naws_secret_access_key = s\n';
const ODD = [
  '[plugins]\ncli_legacy_plugin_path = /x\n',
  '[services s3svc]\ns3 =\n  endpoint_url = http://127.0.0.1:1\n',
  '[servicesx]\nregion = x\n',
  '[sso-session corp]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n',
  '[sso-sessionx]\nregion = x\n',
  '[profile]\nregion = x\n',
  '[profilex y]\nregion = x\n',
  '[ profile z ]\nregion = x\n',
  '[ünï]\nregion = x\n',
  '[profile "q r"]\nregion = x\n',
  '[profile default]\nregion = p\n',
  '[default]\nregion = d\n',
];

const files = suite("doctor's file checks: through the index as through every profile");

files('keys in config, in several profiles and spellings, some beaten by the credentials file', async () => {
  const config = [
    `[profile b]\n${KEYS}`,
    '[profile a]\nregion = eu-west-1\n',
    `[default]\n${KEYS}`,
    `[profile "c"]\n${KEYS}`,
    `[profile a]\n${KEYS}`.replace('[profile a]', '[profile  a]'),
    `[profile default]\nregion = x\n`,
    `[profile c]\n${KEYS}`,
    `[profile d]\n${KEYS}`,
    '[profile d]\n'.replace('d]', '"d"]') + 'region = x\n',
    `[profile e]\n${KEYS}`,
  ].join('\n');
  const checks = await same(config, `[e]\n${KEYS}[b]\nregion = x\n`);
  assert.ok(checks.filter((c) => c.startsWith('keys-in-config')).length >= 3, checks.join('\n'));
});

files('sections that are not profiles: sso-session, services, typos, quoted and odd names', async () => {
  const checks = await same(ODD.join('\n') + `[profile a]\n${KEYS}`, '');
  assert.ok(checks.some((c) => c.startsWith('ignored-section') && c.includes('[plugins]')), checks.join('\n'));
  assert.ok(checks.some((c) => c.includes('[ünï]')), checks.join('\n'));
  assert.not.ok(checks.some((c) => c.includes('[sso-session corp]')), checks.join('\n'));
});

files('the same file for both paths (AWS_CONFIG_FILE = AWS_SHARED_CREDENTIALS_FILE)', async () => {
  const text = `[a]\n${KEYS}[profile b]\n${KEYS}[plugins]\nx = 1\n`;
  writeFileSync(paths.config, text);
  const both = { ...env, AWS_SHARED_CREDENTIALS_FILE: paths.config };
  const indexed = await diagnose('a', true, { ...deps(() => loadProfiles(both)), env: both });
  const whole = await diagnose('a', true, { ...deps(() => withoutFiles(loadProfiles(both))), env: both });
  assert.equal(indexed, whole);
  assert.ok(indexed.checks.some((c) => c.id === 'keys-in-config' && c.message.includes("'a'")), JSON.stringify(indexed.checks));
});

files('malformed files: the same files problem', async () => {
  for (const bad of ['[profile a]\nregion = x\nregion = y\n', 'oops\n[profile a]\n', `[profile a]\n${KEYS}[profile a]\n`, '[DEFAULT]\nregion = x\n[profile a]\n']) {
    await same(bad, '');
  }
});

// A few hundred generated configs: the odd sections and keys in config, in random order and number.
function prng(seed: number) {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}
files('300 generated configs', async () => {
  for (let seed = 1; seed <= 300; seed++) {
    const r = prng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const parts: string[] = [];
    for (let n = Math.floor(r() * 12); n >= 0; n--) {
      const name = pick(['a', 'b', 'default', 'c d', 'ü']);
      parts.push(
        r() < 0.4
          ? pick(ODD)
          : `[${pick([`profile ${name}`, `profile "${name}"`, 'default', `profile  ${name}`])}]\n${r() < 0.5 ? KEYS : 'region = x\n'}`,
      );
    }
    const credentials = r() < 0.5 ? `[${pick(['a', 'b', 'default'])}]\n${KEYS}` : '';
    await same(parts.join(r() < 0.5 ? '\n' : ''), credentials, pick(['a', 'b', 'default']));
  }
});

files('a config big enough for a kept index (3,000 profiles), keys and odd sections far apart', async () => {
  const many = Array.from({ length: 3000 }, (_, i) => `[profile p${i}]\nsso_session = corp\nsso_account_id = ${100000000000 + i}\nsso_role_name = Admin\nregion = eu-west-1\n`);
  many.splice(10, 0, ODD[0]!);
  many.splice(1500, 0, `[profile keyed]\n${KEYS}`);
  many.push(ODD[1]!, `[profile a]\n${KEYS}`);
  const checks = await same(`${ODD[3]}\n${many.join('\n')}`, `[p7]\n${KEYS}`);
  assert.ok(checks.some((c) => c.includes("profile 'keyed' keeps long-term keys")), checks.join('\n'));
  assert.ok(readdirSync(kept.dir).some((f) => f.endsWith('.idx')), 'the index was kept (and then read)');
});

const services = suite('exec --server: the [services] sections through the index');
services('the same sections, in order, as the whole parse', () => {
  const many = Array.from({ length: 8000 }, (_, i) => `[profile p${i}]\nregion = eu-west-1\n`);
  for (const text of [ODD.join('\n'), `${ODD.join('\n')}\n${many.join('\n')}\n[services late]\nsts =\n  endpoint_url = http://x\n`, '[services a]\nx = 1\n[services\tb]\ny = 2\n[services]\n']) {
    writeFileSync(paths.config, text);
    const want = readIniFile(paths.config).filter((s) => /^services\s/.test(s.name));
    for (const set of [loadProfiles(env), loadProfiles(env, kept), loadProfiles(env, kept)]) {
      const config = set.files!.config;
      const got = config.others().flatMap(([name, i]) => (/^services\s/.test(name) ? [config.section(i)] : []));
      assert.equal(got, want);
    }
  }
});

services.after(() => rmSync(dir, { recursive: true, force: true }));
files.run();
services.run();
