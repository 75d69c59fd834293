// The merge rules as tables: which sections are profiles, where each key comes from, the kind
// in botocore's provider order, "did you mean", and the file paths. The fixture and generated
// tables (cases.ts, generated.ts) hold what aws-cli 2.9.19 resolved for each profile (checked
// with `aws configure export-credentials --format process` and `aws configure get region`;
// awscli.test.ts re-checks them live); here awsenv must resolve the same without the CLI.
// Rows marked "by the source" follow botocore's code (credentials.py, configloader.py in the
// CLI's package) where a live run needs the network.
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { awsFilePaths, expandPath } from '../../src/files/files.js';
import { parseIni } from '../../src/files/ini.js';
import {
  buildProfiles,
  configProfileName,
  getProfile,
  kindOf,
  loadProfiles,
  type ProfileKind,
  parseSettings,
  settingsOf,
} from '../../src/files/profiles.js';
import { ConfigError, ProfileNotFound, UsageError } from '../../src/errors.js';
import { closest, editDistance } from '../../src/util/closest.js';
import { sandbox } from '../helpers/env.js';
import { CASES, FIXTURES } from './cases.js';
import { bigCredentials, GENERATED } from './generated.js';
import { awsenvResolves, awsenvShould } from './resolve.js';

const fixtures = suite('profiles: the fixtures resolve as the AWS CLI resolved them');
for (const c of CASES) {
  const paths = { config: join(FIXTURES, c.dir, 'config'), credentials: join(FIXTURES, c.dir, 'credentials') };
  const env = { HOME: '/nonexistent', AWS_CONFIG_FILE: paths.config, AWS_SHARED_CREDENTIALS_FILE: paths.credentials };
  for (const [name, outcome] of Object.entries(c.profiles)) {
    fixtures(`${c.dir} [${name}]: ${c.what}`, () => {
      assert.equal(awsenvResolves(env, name), awsenvShould(outcome, paths));
    });
  }
}
fixtures.run();

const generated = suite('profiles: generated files');
for (const g of GENERATED) {
  generated(`${g.name}: ${g.what}`, () => {
    const box = sandbox();
    try {
      const paths = g.make(box);
      const env = { ...box.env, AWS_CONFIG_FILE: paths.config, AWS_SHARED_CREDENTIALS_FILE: paths.credentials };
      for (const [name, outcome] of Object.entries(g.profiles)) {
        assert.equal(awsenvResolves(env, name), awsenvShould(outcome, paths), `[${name}]`);
      }
    } finally {
      box.cleanup();
    }
  });
}
generated('the big file is over 5 MiB and parses (its speed is measured by npm run bench, not here)', () => {
  const text = bigCredentials();
  assert.ok(Buffer.byteLength(text) > 5 * 1024 * 1024, `${Buffer.byteLength(text)} bytes`);
  const started = Date.now();
  const sections = parseIni('big', text);
  assert.is(sections.length, 20_001);
  // Only a hang guard: a test that asserted speed would fail on a loaded machine.
  assert.ok(Date.now() - started < 60_000, `took ${Date.now() - started} ms`);
});
generated.run();

const names = suite('profiles: which config sections are profiles (build_profile_map, shlex)');
const sectionNames: [string, string | undefined][] = [
  ['default', 'default'],
  ['profile default', 'default'],
  ['profile a', 'a'],
  ['profile  a', 'a'],
  ['profile\ta', 'a'],
  ['profile "a b"', 'a b'],
  ["profile 'a b'", 'a b'],
  ['profile a\\ b', 'a b'],
  ['profile "q\\"r"', 'q"r'],
  ["profile 'q\\r'", 'q\\r'],
  ['profile "a"b', 'ab'],
  ["profile ''", ''],
  ['profile a b', undefined],
  ['profile', undefined],
  ['profile ', undefined],
  ['profilex', undefined],
  [' profile x ', undefined],
  ['profile\u00a0n', undefined],
  ['profile\x0bn', undefined],
  ['profile "x', undefined],
  ['profile x\\', undefined],
  ['Default', undefined],
  ['DEFAULT', undefined],
  ['sso-session s', undefined],
  ['preview', undefined],
];
for (const [section, name] of sectionNames) {
  names(`[${section}] → ${name === undefined ? 'not a profile' : `'${name}'`}`, () => assert.is(configProfileName(section), name));
}
names("[profile ''] is left out: no --profile can select ''", () => {
  const set = buildProfiles({ config: 'c', credentials: 'k' }, parseIni('c', "[profile '']\nregion = x\n"), []);
  assert.equal([...set.profiles.keys()], []);
});
names.run();

const merge = suite('profiles: merging the two files');
const build = (config: string, credentials: string) =>
  buildProfiles({ config: 'c', credentials: 'k' }, parseIni('c', config), parseIni('k', credentials));
merge('order: config profiles first, then those only in credentials', () => {
  const set = build('[profile b]\n[default]\n[profile a]\n', '[z]\n[a]\n');
  assert.equal([...set.profiles.keys()], ['b', 'default', 'a', 'z']);
});
merge('a later config section for the same name replaces the earlier whole', () => {
  const p = getProfile(build('[default]\nregion = r1\noutput = json\n[profile default]\nregion = r2\n', ''), 'default');
  assert.equal([...p.settings.keys()], ['region']);
  assert.equal(p.settings.get('region'), { value: 'r2', file: 'c', line: 5 });
  assert.equal(p.sections, [{ file: 'c', line: 4, origin: 'config' }]);
});
merge('a credentials key beats the config key, with its own file and line', () => {
  const p = getProfile(build('[profile p]\nregion = r1\noutput = json\n', '[p]\nregion = r2\n'), 'p');
  assert.equal(p.settings.get('region'), { value: 'r2', file: 'k', line: 2 });
  assert.equal(p.settings.get('output'), { value: 'json', file: 'c', line: 3 });
  assert.equal(p.sections.map((s) => s.origin), ['config', 'credentials']);
});
merge('static keys come whole from the credentials file when it has a key id', () => {
  const p = getProfile(
    build('[profile p]\naws_access_key_id = C\naws_secret_access_key = CS\naws_session_token = CT\n', '[p]\naws_access_key_id = K\naws_secret_access_key = KS\n'),
    'p',
  );
  assert.is(p.keysInCredentials, true);
  assert.equal(p.settings.get('aws_access_key_id'), { value: 'K', file: 'k', line: 2 });
  assert.equal(p.settings.get('aws_secret_access_key'), { value: 'KS', file: 'k', line: 3 });
  assert.is(p.settings.get('aws_session_token'), undefined);
  // Each file's own lines stay available (for doctor and clear).
  assert.equal(p.config?.get('aws_session_token'), { value: 'CT', file: 'c', line: 4 });
});
merge('else whole from config: a stray secret or token in credentials is ignored', () => {
  const p = getProfile(
    build('[profile p]\naws_access_key_id = C\naws_secret_access_key = CS\n', '[p]\naws_secret_access_key = KS\naws_session_token = KT\n'),
    'p',
  );
  assert.is(p.keysInCredentials, false);
  assert.equal(p.settings.get('aws_secret_access_key'), { value: 'CS', file: 'c', line: 3 });
  assert.is(p.settings.get('aws_session_token'), undefined);
  assert.equal(p.credentials?.get('aws_session_token'), { value: 'KT', file: 'k', line: 3 });
});
merge('with no key id anywhere, a stray secret is kept so that validation names its line', () => {
  const p = getProfile(build('', '[p]\naws_secret_access_key = KS\n'), 'p');
  assert.throws(() => settingsOf(p), (e: ConfigError) => e.message === "k:2: profile 'p': aws_secret_access_key is set but aws_access_key_id is missing");
});
merge('aws_security_token is read first and reported as aws_session_token', () => {
  const p = getProfile(build('', '[p]\naws_access_key_id = K\naws_secret_access_key = S\naws_session_token = new\naws_security_token = old\n'), 'p');
  assert.equal(p.settings.get('aws_session_token'), { value: 'old', file: 'k', line: 5 });
  assert.is(p.settings.has('aws_security_token'), false);
  assert.is(settingsOf(p).aws_security_token, undefined);
});
merge('loadProfiles reads the files the environment names', () => {
  const box = sandbox();
  try {
    box.write('config', '[profile c]\nregion = eu-west-1\n');
    box.write('credentials', '[k]\naws_access_key_id = AKIA\naws_secret_access_key = s\n');
    const set = loadProfiles(box.env);
    assert.equal(set.paths, { config: box.config, credentials: box.credentials });
    assert.equal([...set.profiles.keys()], ['c', 'k']);
  } finally {
    box.cleanup();
  }
});
merge.run();

const validate = suite('profiles: validation names file, line and key, never the value');
const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const invalid: [string, string, string][] = [
  ['an empty key id', `[p]\naws_access_key_id =\naws_secret_access_key = ${secret}\n`, "k:2: profile 'p': aws_access_key_id is empty"],
  ['a key id without a secret', '[p]\naws_access_key_id = AKIA\n', "k:2: profile 'p': aws_access_key_id is set but aws_secret_access_key is missing"],
  ['a nested block as a key', `[p]\naws_access_key_id =\n  a = b\naws_secret_access_key = ${secret}\n`, "k:2: profile 'p': aws_access_key_id is a nested block, but must be a single value"],
  ['duration_seconds not a number', `[p]\nduration_seconds = ${secret}\n`, "k:2: profile 'p': duration_seconds is not a whole number of seconds"],
  ['duration_seconds too short', '[p]\nduration_seconds = 60\n', "k:2: profile 'p': duration_seconds is under 900 seconds, the least STS grants"],
  ['an unknown credential_source', `[p]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = ${secret}\n`, "k:3: profile 'p': credential_source"],
];
for (const [name, credentials, message] of invalid) {
  validate(name, () => {
    const p = getProfile(build('', credentials), 'p');
    try {
      settingsOf(p);
      assert.unreachable('valid');
    } catch (error) {
      assert.instance(error, ConfigError);
      assert.ok((error as Error).message.startsWith(message), (error as Error).message);
      assert.not.ok((error as Error).message.includes(secret));
    }
  });
}
validate('a key named __proto__ is only a key', () => {
  const p = getProfile(build('', '[p]\n__proto__ =\n  aws_access_key_id = AKIA\n  aws_secret_access_key = s\n'), 'p');
  const s = settingsOf(p);
  assert.is(s.aws_access_key_id, undefined);
  assert.is(kindOf(s, p.keysInCredentials), 'none');
});
validate.run();

const kinds = suite("profiles: kindOf, in botocore's provider order");
// Each row adds what the next provider up the chain looks for, and wins over the rows above
// (credentials.py: AssumeRole, AssumeRoleWithWebIdentity, SSO, SharedCredentials, Process, Config).
const keys = { aws_access_key_id: 'AKIA', aws_secret_access_key: 's' };
const kindTable: [string, Record<string, string>, boolean, ProfileKind][] = [
  ['nothing', {}, false, 'none'],
  ['a region only', { region: 'eu-west-1' }, false, 'none'],
  ['a token alone is no credentials', { aws_session_token: 't' }, true, 'none'],
  ['keys in config', keys, false, 'keys'],
  ['keys and a token', { ...keys, aws_session_token: 't' }, false, 'keys+token'],
  ['keys and an empty token (no token)', { ...keys, aws_session_token: '' }, false, 'keys'],
  ['keys with mfa_serial (awsenv: a GetSessionToken session)', { ...keys, mfa_serial: 'arn:aws:iam::1:mfa/u' }, false, 'mfa'],
  ['credential_process beats keys in config', { ...keys, credential_process: 'x' }, false, 'process'],
  ['keys in credentials beat credential_process', { ...keys, credential_process: 'x' }, true, 'keys'],
  ['sso_start_url alone is not SSO', { ...keys, sso_start_url: 'https://x', sso_region: 'us-east-1' }, true, 'keys'],
  ['sso_session alone is not SSO', { ...keys, sso_session: 's' }, true, 'keys'],
  ['sso_account_id makes SSO, over keys and process', { ...keys, credential_process: 'x', sso_account_id: '1' }, true, 'sso'],
  ['sso_role_name makes SSO', { sso_role_name: 'r' }, false, 'sso'],
  ['role_arn beats SSO', { ...keys, sso_account_id: '1', sso_role_name: 'r', role_arn: 'arn:aws:iam::1:role/r', source_profile: 'x' }, true, 'role'],
  ['role_arn with web_identity_token_file is web identity, even with source_profile', { role_arn: 'arn:aws:iam::1:role/r', web_identity_token_file: '/t', source_profile: 'x' }, false, 'web-identity'],
  ['web_identity_token_file without role_arn is web identity (refused when used)', { ...keys, web_identity_token_file: '/t' }, true, 'web-identity'],
];
// As a source_profile (botocore's _resolve_credentials_from_profile): static keys win over role_arn.
const sourceTable: [string, Record<string, string>, boolean, ProfileKind][] = [
  ['role_arn with keys: the keys', { ...keys, role_arn: 'arn:aws:iam::1:role/r', source_profile: 'x' }, true, 'keys'],
  ['role_arn with keys in config: the keys', { ...keys, role_arn: 'arn:aws:iam::1:role/r', source_profile: 'x' }, false, 'keys'],
  ['role_arn without keys: the role', { role_arn: 'arn:aws:iam::1:role/r', source_profile: 'x' }, false, 'role'],
  ['keys with mfa_serial: the keys alone', { ...keys, mfa_serial: 'arn:aws:iam::1:mfa/u' }, true, 'keys'],
  ['web identity before keys', { ...keys, role_arn: 'arn:aws:iam::1:role/r', web_identity_token_file: '/t' }, true, 'web-identity'],
  ['SSO before keys', { ...keys, role_arn: 'arn:aws:iam::1:role/r', sso_account_id: '1', sso_role_name: 'r' }, true, 'sso'],
  ['credential_process before keys in config', { ...keys, role_arn: 'arn:aws:iam::1:role/r', credential_process: 'x' }, false, 'process'],
];
for (const [name, settings, inCredentials, kind] of sourceTable) {
  kinds(`as a source_profile, ${name} → ${kind}`, () => {
    const parsed = parseSettings(settings);
    if (!('settings' in parsed)) throw new Error(`invalid: ${parsed.issue.key} ${parsed.issue.message}`);
    assert.is(kindOf(parsed.settings, inCredentials, true), kind);
  });
}
for (const [name, settings, inCredentials, kind] of kindTable) {
  kinds(`${name} → ${kind}`, () => {
    const parsed = parseSettings(settings);
    if (!('settings' in parsed)) throw new Error(`invalid: ${parsed.issue.key} ${parsed.issue.message}`);
    assert.is(kindOf(parsed.settings, inCredentials), kind);
  });
}
kinds.run();

const notFound = suite('profiles: "profile not found" and did you mean');
const set = build('[profile dev]\n[profile prod]\n[profile prod-eu]\n[profile staging]\n', '[default]\n');
const notFoundTable: [string, string][] = [
  ['prd', "profile 'prd' not found; did you mean 'prod'?"],
  ['prod-', "profile 'prod-' not found; did you mean 'prod', 'prod-eu'?"],
  ['stagign', "profile 'stagign' not found; did you mean 'staging'?"],
  ['DEV', "profile 'DEV' not found; did you mean 'dev'?"],
  ['p', "profile 'p' not found; did you mean 'prod', 'prod-eu'?"],
];
for (const [name, message] of notFoundTable) {
  notFound(`'${name}'`, () => {
    try {
      getProfile(set, name);
      assert.unreachable('found');
    } catch (error) {
      assert.instance(error, ProfileNotFound);
      assert.is((error as ProfileNotFound).message, message);
      assert.is((error as ProfileNotFound).exitCode, 1);
    }
  });
}
notFound('no profiles at all says so', () => {
  const empty = build('', '');
  assert.throws(() => getProfile(empty, 'dev'), (e: Error) => e.message === "profile 'dev' not found; no profiles are defined (see `aws configure`)");
});
notFound("profile names are exact: case and 'profile ' matter", () => {
  assert.throws(() => getProfile(set, 'Dev'), (e: Error) => e instanceof ProfileNotFound);
  assert.throws(() => getProfile(set, 'profile dev'), (e: Error) => e instanceof ProfileNotFound);
  assert.is(getProfile(set, 'dev').name, 'dev');
});
notFound('an empty name is a usage error', () => {
  assert.throws(() => getProfile(set, ''), (e: Error) => e instanceof UsageError && e.exitCode === 2);
});
notFound.run();

const near = suite('closest');
const closestTable: [string, string[], string[]][] = [
  ['prd', ['dev', 'prod', 'prod-eu', 'staging'], ['prod']],
  ['stagign', ['staging', 'stage'], ['staging']],
  ['DEV', ['dev', 'Dev', 'test'], ['dev', 'Dev']],
  ['prod', ['production', 'prod-eu', 'dev'], ['prod-eu', 'production']],
  ['x', ['a', 'bb', 'ccc', 'dddd'], ['a', 'bb']],
  ['a', ['ad', 'ab', 'ae', 'ac'], ['ab', 'ac', 'ad']],
  ['production-admin', ['production-admn', 'production-adm', 'prod'], ['production-admn', 'production-adm']],
  ['zzzzzz', ['dev', 'prod'], []],
  ['dev', [], []],
];
for (const [name, names, expected] of closestTable) {
  near(`${name} among ${names.join(', ') || 'nothing'}`, () => assert.equal(closest(name, names), expected));
}
near('at most `max`', () => assert.equal(closest('a', ['ab', 'ac', 'ad'], 2), ['ab', 'ac']));
near('editDistance', () => {
  assert.is(editDistance('kitten', 'sitting'), 3);
  assert.is(editDistance('', 'abc'), 3);
  assert.is(editDistance('abc', ''), 3);
  assert.is(editDistance('abc', 'abc'), 0);
  assert.is(editDistance('flaw', 'lawn'), 2);
});
near.run();

const paths = suite('files: where the CLI looks');
const home = '/home/u';
const pathTable: [string, Record<string, string>, { config: string; credentials: string }][] = [
  ['defaults under HOME', {}, { config: `${home}/.aws/config`, credentials: `${home}/.aws/credentials` }],
  ['the variables', { AWS_CONFIG_FILE: '/etc/c', AWS_SHARED_CREDENTIALS_FILE: '/etc/k' }, { config: '/etc/c', credentials: '/etc/k' }],
  // Checked with aws-cli 2.9.19: AWS_SHARED_CREDENTIALS_FILE= does not read ~/.aws/credentials.
  ['an empty variable names no file', { AWS_CONFIG_FILE: '', AWS_SHARED_CREDENTIALS_FILE: '' }, { config: '', credentials: '' }],
  ['~ and $VAR, ${VAR}', { AWS_CONFIG_FILE: '~/c', AWS_SHARED_CREDENTIALS_FILE: '${D}/$F' }, { config: `${home}/c`, credentials: '/d/k' }],
  ['an unknown $VAR stays', { AWS_CONFIG_FILE: '$NOPE/c', AWS_SHARED_CREDENTIALS_FILE: '/x/$' }, { config: '$NOPE/c', credentials: '/x/$' }],
];
for (const [name, vars, expected] of pathTable) {
  paths(name, () => assert.equal(awsFilePaths({ HOME: home, D: '/d', F: 'k', ...vars }), expected));
}
paths('$VAR first, then ~ (os.path.expandvars, then expanduser)', () => {
  assert.is(expandPath('$T/x', { HOME: home, T: '~' }), `${home}/x`);
  // ~user is not expanded (the CLI would look the user up); a path like that is rare.
  assert.is(expandPath('~root/x', { HOME: home }), '~root/x');
});
paths('a missing file has no sections; a directory is an error naming it', () => {
  const box = sandbox();
  try {
    assert.equal([...loadProfiles(box.env).profiles.keys()], []);
    assert.throws(
      () => loadProfiles({ ...box.env, AWS_CONFIG_FILE: box.dir }),
      (e: ConfigError) => e.message === `${box.dir}: is a directory, not a file` && e.line === undefined,
    );
  } finally {
    box.cleanup();
  }
});
paths.run();
