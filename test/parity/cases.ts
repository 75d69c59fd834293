// The resolution-parity cases: each writes its own files, is resolved by AWS CLI v2 and by
// awsenv against the same STS (moto behind a recording proxy), and compares what matters:
// the static credentials, or the calls each made (action, role, signing key, external id,
// duration, MFA serial and code, session name, web identity token, SSO account and role).
//
// The rules come from the public test suites of botocore (tests/unit/test_credentials.py:
// TestAssumeRoleCredentialProvider, TestAssumeRoleWithWebIdentityCredentialProvider,
// TestProcessProvider, tests/unit/test_tokens.py: TestSSOTokenProvider), aws-sdk-js-v3
// (credential-provider-ini resolveProfileData and the resolve*Credentials specs,
// credential-provider-process): each case below is our own fixture for one rule they test,
// named in `from` (botocore's tests/functional/test_credentials.py marked "functional").
import type { Call } from './harness.js';

export const KEY = { a: 'AKIAPARITYAAAAAAAAAA', b: 'AKIAPARITYBBBBBBBBBB', c: 'AKIAPARITYCCCCCCCCCC', env: 'AKIAPARITYENVENVENVE', tmp: 'ASIAPARITYTEMPTEMPTE' };
export const ROLE = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
export const MFA = 'arn:aws:iam::123456789012:mfa/parity';
export const CODE = '123456';
export const WEB_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwYXJpdHkifQ.c2lnbmF0dXJl';

const keys = (section: string, id: string, extra = '') => `[${section}]\naws_access_key_id = ${id}\naws_secret_access_key = secret-of-${id}\n${extra}`;

/** An expected call: `#N` stands for the key (or SSO token) that call N of the same run handed out. */
export const assume = (role: string, keyId: string, extra: Partial<Call> = {}): Call => ({ action: 'AssumeRole', keyId, roleArn: ROLE(role), sessionName: 'DEFAULT', ...extra });
export const web = (role: string, extra: Partial<Call> = {}): Call => ({ action: 'AssumeRoleWithWebIdentity', keyId: 'unsigned', roleArn: ROLE(role), sessionName: 'DEFAULT', webIdentityToken: WEB_TOKEN, ...extra });
export const roleCredentials = (roleName: string, bearer: string, accountId = '111122223333'): Call => ({ action: 'GetRoleCredentials', accountId, roleName, bearer });
export const createToken = (): Call => ({ action: 'CreateToken', grantType: 'refresh_token', clientId: 'client-id-GOOD', refreshToken: 'refresh-token-GOOD' });
export const sessionToken = (keyId: string, extra: Partial<Call> = {}): Call => ({ action: 'GetSessionToken', keyId, ...extra });

export type Expect =
  /** Both export these static keys (id; token when given) and make no call. */
  | { keys: { id: string; token?: string } }
  /** Both make exactly these calls and export what the last one handed out. */
  | { calls: Call[] }
  /** Both refuse, nothing exported; each message must match. */
  | { refused: { cli: RegExp; awsenv: RegExp } }
  /** A deliberate difference (docs/profiles.md): each tool's own calls, and why. */
  | { differs: string; cli: Call[] | { refused: RegExp }; awsenv: Call[] | { refused: RegExp } };

export interface SsoTokenFile {
  /** The sso-session name, or the start URL of a legacy profile (the file is the sha1 of it). */
  session: string;
  token: Record<string, string>;
}

export interface Case {
  id: string;
  what: string;
  from: string;
  config?: string;
  credentials?: string;
  /** Other files in the case's directory; `${DIR}` in any file is replaced by that directory. */
  files?: Record<string, string>;
  sso?: SsoTokenFile;
  profile: string;
  env?: Record<string, string>;
  /** The CLI is given the MFA code on stdin, awsenv with --mfa-code. */
  mfa?: boolean;
  expect: Expect;
}

const SSO_SESSION = `[sso-session corp]\nsso_start_url = https://parity.awsapps.com/start\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n`;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const ssoToken = (expiresInS: number, refresh: Partial<Record<'refreshToken' | 'clientId' | 'clientSecret' | 'registrationExpiresAt', string>> = {}): SsoTokenFile => ({
  session: 'corp',
  token: { startUrl: 'https://parity.awsapps.com/start', region: 'eu-west-1', accessToken: 'sso-access-token-SEED', expiresAt: iso(Date.now() + expiresInS * 1000), ...refresh },
});
const REFRESHABLE = { refreshToken: 'refresh-token-GOOD', clientId: 'client-id-GOOD', clientSecret: 'client-secret-GOOD', registrationExpiresAt: iso(Date.now() + 30 * 86400_000) };
const processScript = (json: object) => `#!/bin/sh\ncat <<'JSON'\n${JSON.stringify(json)}\nJSON\n`;
const PROCESS = 'credential_process = /bin/sh ${DIR}/process.sh';

export const CASES: Case[] = [
  // --- static keys, the baseline
  { id: 'keys-credentials', what: 'keys in the credentials file', from: 'botocore TestSharedCredentialsProvider', credentials: keys('p', KEY.a), profile: 'p', expect: { keys: { id: KEY.a } } },
  { id: 'keys-config', what: 'keys in the config file only', from: 'botocore TestConfigFileProvider', config: keys('profile p', KEY.a), profile: 'p', expect: { keys: { id: KEY.a } } },
  { id: 'keys-both', what: 'keys in both files: the credentials file wins', from: 'js-v3 shared-ini-file-loader loadSharedConfigFiles', config: keys('profile p', KEY.b), credentials: keys('p', KEY.a), profile: 'p', expect: { keys: { id: KEY.a } } },
  { id: 'keys-token', what: 'keys with a session token', from: 'js-v3 resolveStaticCredentials', credentials: keys('p', KEY.tmp, 'aws_session_token = tok-parity\n'), profile: 'p', expect: { keys: { id: KEY.tmp, token: 'tok-parity' } } },

  // --- 1. a source profile with static keys uses its keys
  {
    id: 'source-keys-over-role', what: "source with keys in credentials and role settings in config: its keys, its role_arn (and missing source) ignored",
    from: 'botocore functional test_recursive_assume_role_stops_at_static_creds; js-v3 resolveProfileData (static credentials preferred after the first hop)',
    config: `[profile A]\nrole_arn = ${ROLE('a')}\nsource_profile = B\n[profile B]\nrole_arn = ${ROLE('b')}\nsource_profile = C\n`,
    credentials: keys('B', KEY.b), profile: 'A', expect: { calls: [assume('a', KEY.b)] },
  },
  {
    id: 'source-keys-valid-role', what: 'source with keys and a role whose source exists: still only its keys (one AssumeRole, not a chain)',
    from: 'botocore functional test_recursive_assume_role_stops_at_static_creds',
    config: `[profile A]\nrole_arn = ${ROLE('a')}\nsource_profile = B\n[profile B]\nrole_arn = ${ROLE('b')}\nsource_profile = C\n`,
    credentials: keys('B', KEY.b) + keys('C', KEY.c), profile: 'A', expect: { calls: [assume('a', KEY.b)] },
  },
  {
    id: 'named-source-role-followed', what: 'the same profile named: its role_arn is followed',
    from: 'js-v3 resolveProfileData (role assumption first for the first profile visited)',
    config: `[profile B]\nrole_arn = ${ROLE('b')}\nsource_profile = C\n`, credentials: keys('B', KEY.b) + keys('C', KEY.c), profile: 'B',
    expect: { calls: [assume('b', KEY.c)] },
  },
  {
    id: 'a-b-a-keys', what: 'A → B → A where B has keys: not a cycle',
    from: 'botocore _validate_source_profile (visited profiles); functional test_recursive_assume_role_stops_at_static_creds',
    config: `[profile A]\nrole_arn = ${ROLE('a')}\nsource_profile = B\n[profile B]\nrole_arn = ${ROLE('b')}\nsource_profile = A\n`,
    credentials: keys('B', KEY.b), profile: 'A', expect: { calls: [assume('a', KEY.b)] },
  },
  {
    id: 'a-b-a-cycle', what: 'A → B → A where B has no keys: a cycle, refused before any call',
    from: 'botocore test_infinite_looping_profiles_raises_error, functional test_infinitely_recursive_assume_role; js-v3 "throws error if source_profile is in visited profiles"',
    config: `[profile A]\nrole_arn = ${ROLE('a')}\nsource_profile = B\n[profile B]\nrole_arn = ${ROLE('b')}\nsource_profile = A\n`,
    profile: 'A', expect: { refused: { cli: /Infinite loop in credential configuration detected/, awsenv: /cycle through source_profile: A → B → A/ } },
  },
  {
    id: 'chain-two', what: 'A → B (role, no keys) → C (keys): two AssumeRole calls, the second signed with the first session',
    from: 'botocore test_recursive_assume_role',
    config: `[profile A]\nrole_arn = ${ROLE('a')}\nsource_profile = B\n[profile B]\nrole_arn = ${ROLE('b')}\nsource_profile = C\n`,
    credentials: keys('C', KEY.c), profile: 'A', expect: { calls: [assume('b', KEY.c), assume('a', '#0')] },
  },
  {
    id: 'chain-three', what: 'three roles deep', from: 'botocore functional test_recursive_assume_role',
    config: `[profile A]\nrole_arn = ${ROLE('a')}\nsource_profile = B\n[profile B]\nrole_arn = ${ROLE('b')}\nsource_profile = C\n[profile C]\nrole_arn = ${ROLE('c')}\nsource_profile = K\n`,
    credentials: keys('K', KEY.a), profile: 'A', expect: { calls: [assume('c', KEY.a), assume('b', '#0'), assume('a', '#1')] },
  },
  {
    id: 'self-source-keys', what: 'a role profile naming itself as source_profile, with keys: its own keys',
    from: 'botocore test_source_profile_can_reference_self, functional test_self_referential_profile',
    config: `[profile S]\nrole_arn = ${ROLE('s')}\nsource_profile = S\n`, credentials: keys('S', KEY.a), profile: 'S', expect: { calls: [assume('s', KEY.a)] },
  },
  {
    id: 'self-source-no-keys', what: 'a role profile naming itself without keys: refused with a clear message',
    from: 'botocore _validate_source_profile (a self reference needs static keys)',
    config: `[profile S]\nrole_arn = ${ROLE('s')}\nsource_profile = S\n`, profile: 'S',
    expect: { refused: { cli: /Infinite loop in credential configuration detected/, awsenv: /config:3: profile 'S' names itself as source_profile but has no keys/ } },
  },
  {
    id: 'source-missing', what: 'source_profile names no profile', from: 'botocore test_source_profile_does_not_exist',
    config: `[profile A]\nrole_arn = ${ROLE('a')}\nsource_profile = nowhere\n`, profile: 'A',
    expect: { refused: { cli: /The source_profile "nowhere" referenced in the profile "A" does not exist/, awsenv: /config:3: profile 'A': source_profile names 'nowhere', which is a profile in neither/ } },
  },
  {
    id: 'source-no-credentials', what: 'source_profile names a profile with nothing in it', from: 'botocore functional test_misconfigured_source_profile',
    config: `[profile A]\nrole_arn = ${ROLE('a')}\nsource_profile = empty\n[profile empty]\nregion = eu-west-1\n`, profile: 'A',
    expect: { refused: { cli: /The source profile "empty" must have credentials/, awsenv: /profile 'empty' is the source_profile of 'A' but has no credentials/ } },
  },
  {
    id: 'source-mfa-keys', what: "source with keys and its own mfa_serial, role without: AssumeRole with the long-term keys, no MFA",
    from: 'botocore _resolve_credentials_from_profile (the source is read through the profile chain)',
    config: `[profile A]\nrole_arn = ${ROLE('a')}\nsource_profile = B\n[profile B]\nmfa_serial = ${MFA}\n`, credentials: keys('B', KEY.b), profile: 'A',
    expect: { calls: [assume('a', KEY.b)] },
  },
  {
    id: 'source-keys-config', what: 'source keys in the config file', from: 'botocore TestConfigFileProvider (keys in config) in a source profile',
    config: `[profile A]\nrole_arn = ${ROLE('a')}\nsource_profile = B\n${keys('profile B', KEY.b)}`, profile: 'A', expect: { calls: [assume('a', KEY.b)] },
  },
  {
    id: 'source-temporary', what: 'source with keys and a session token: AssumeRole signed with them', from: 'js-v3 resolveStaticCredentials.spec (aws_session_token)',
    config: `[profile A]\nrole_arn = ${ROLE('a')}\nsource_profile = B\n`, credentials: keys('B', KEY.tmp, 'aws_session_token = tok-b\n'), profile: 'A',
    expect: { calls: [assume('a', KEY.tmp)] },
  },
  {
    id: 'source-process', what: 'source is a credential_process profile', from: 'botocore functional test_process_source_profile',
    config: `[profile A]\nrole_arn = ${ROLE('a')}\nsource_profile = P\n[profile P]\n${PROCESS}\n`,
    files: { 'process.sh': processScript({ Version: 1, AccessKeyId: KEY.c, SecretAccessKey: 'process-secret' }) }, profile: 'A',
    expect: { calls: [assume('a', KEY.c)] },
  },
  {
    id: 'source-keys-beat-process', what: 'source with keys in credentials and credential_process: the keys', from: 'botocore ProfileProviderBuilder order',
    config: `[profile A]\nrole_arn = ${ROLE('a')}\nsource_profile = B\n[profile B]\n${PROCESS}\n`, credentials: keys('B', KEY.b),
    files: { 'process.sh': processScript({ Version: 1, AccessKeyId: KEY.c, SecretAccessKey: 'process-secret' }) }, profile: 'A',
    expect: { calls: [assume('a', KEY.b)] },
  },

  {
    id: 'chain-own-params', what: "each hop of a chain sends its own external_id, role_session_name and duration_seconds (from [default])",
    from: 'go-v2 config/testdata/gh1204_config',
    // Go's fixture has 43200 on the chained hop, over what STS grants a chained role: that
    // part is the next case; here a duration STS accepts, so the tools can agree.
    config: `[default]\nexternal_id = FooBar\nrole_session_name = FooSession\nrole_arn = ${ROLE('foo')}\nduration_seconds = 3000\nsource_profile = A\n[profile A]\nexternal_id = AExternal\nrole_session_name = ASession\nrole_arn = ${ROLE('a')}\nduration_seconds = 3600\nsource_profile = B\n`,
    credentials: keys('B', KEY.b), profile: 'default',
    expect: {
      calls: [
        assume('a', KEY.b, { externalId: 'AExternal', sessionName: 'ASession', duration: '3600' }),
        assume('foo', '#0', { externalId: 'FooBar', sessionName: 'FooSession', duration: '3000' }),
      ],
    },
  },
  {
    id: 'chain-duration-over-hour', what: 'duration_seconds = 43200 on a role assumed with another role\'s session', from: 'go-v2 config/testdata/gh1204_config; STS role chaining limit (1 hour)',
    config: `[default]\nrole_arn = ${ROLE('foo')}\nduration_seconds = 43200\nsource_profile = A\n[profile A]\nrole_arn = ${ROLE('a')}\nsource_profile = B\n`,
    credentials: keys('B', KEY.b), profile: 'default',
    expect: {
      differs: 'awsenv refuses a chained role\'s duration over 3600 s before any request (STS refuses it too; moto does not check); the CLI sends it',
      cli: [assume('a', KEY.b), assume('foo', '#0', { duration: '43200' })],
      awsenv: { refused: /duration_seconds = 43200 of profile 'default': a role assumed with another role's session lasts from 900 to 3600 seconds/ },
    },
  },
  {
    id: 'source-sso-and-static', what: 'a source with keys and SSO settings: SSO comes first in its chain', from: 'go-v2 config/testdata/config_source_shared [sso_and_static] (botocore order differs from Go here)',
    config: `[profile A]\nrole_arn = ${ROLE('a')}\nsource_profile = S\n[profile S]\n${keys('', KEY.b).replace('[]\n', '')}sso_start_url = https://parity.awsapps.com/start\nsso_region = eu-west-1\nsso_account_id = 111122223333\nsso_role_name = Dev\n`,
    sso: { ...ssoToken(3600), session: 'https://parity.awsapps.com/start' }, profile: 'A',
    expect: { calls: [roleCredentials('Dev', 'sso-access-token-SEED'), assume('a', '#0')] },
  },
  {
    id: 'role-and-process-no-source', what: 'role_arn next to credential_process, with no source: refused, not assumed with the process keys', from: 'go-v2 config/testdata/config_source_shared [cred_proc_arn_set] (Go assumes; botocore refuses)',
    config: `[profile P]\nrole_arn = ${ROLE('p')}\n${PROCESS}\n`, files: { 'process.sh': processScript({ Version: 1, AccessKeyId: KEY.c, SecretAccessKey: 'process-secret' }) }, profile: 'P',
    expect: { refused: { cli: /source_profile or credential_source/, awsenv: /profile 'P' has role_arn but neither source_profile nor credential_source/ } },
  },
  {
    id: 'credential-source-ec2', what: 'credential_source = Ec2InstanceMetadata off EC2', from: 'go-v2 config/testdata/config_source_shared [ec2metadata]',
    config: `[profile A]\nrole_arn = ${ROLE('a')}\ncredential_source = Ec2InstanceMetadata\n`, profile: 'A',
    expect: { refused: { cli: /credential_source|Ec2InstanceMetadata|credentials/i, awsenv: /credential_source = Ec2InstanceMetadata is not supported by awsenv/ } },
  },

  // --- 2. source_profile with credential_source
  {
    id: 'both-sources', what: 'source_profile and credential_source together are refused', from: 'botocore test_source_profile_and_credential_source_provided',
    config: `[profile A]\nrole_arn = ${ROLE('a')}\nsource_profile = B\ncredential_source = Environment\n`, credentials: keys('B', KEY.b), profile: 'A',
    env: { AWS_ACCESS_KEY_ID: KEY.env, AWS_SECRET_ACCESS_KEY: 'env-secret' },
    expect: { refused: { cli: /contains both source_profile and credential_source/, awsenv: /config:3: profile 'A' sets both source_profile and credential_source \(line 4\)/ } },
  },
  {
    id: 'credential-source-env', what: 'credential_source = Environment: AssumeRole signed with the environment keys', from: 'botocore functional test_environment_credential_source',
    config: `[profile A]\nrole_arn = ${ROLE('a')}\ncredential_source = Environment\n`, profile: 'A',
    env: { AWS_ACCESS_KEY_ID: KEY.env, AWS_SECRET_ACCESS_KEY: 'env-secret' }, expect: { calls: [assume('a', KEY.env)] },
  },
  {
    id: 'credential-source-invalid', what: 'an unknown credential_source is refused, naming the valid values', from: 'botocore functional test_invalid_credential_source, test_credential_source_not_among_providers',
    config: `[profile A]\nrole_arn = ${ROLE('a')}\ncredential_source = environment\n`, profile: 'A',
    expect: { refused: { cli: /The credential source "environment" referenced in profile "A" is not valid/, awsenv: /config:3: profile 'A': credential_source must be one of Environment, Ec2InstanceMetadata, EcsContainer/ } },
  },
  {
    id: 'role-no-source', what: 'role_arn with neither source_profile nor credential_source', from: 'botocore test_source_profile_not_provided',
    config: `[profile A]\nrole_arn = ${ROLE('a')}\n`, profile: 'A',
    expect: { refused: { cli: /source_profile or credential_source/, awsenv: /config:2: profile 'A' has role_arn but neither source_profile nor credential_source/ } },
  },

  // --- role parameters
  {
    id: 'role-params', what: 'external_id, role_session_name and duration_seconds are sent', from: 'botocore test_external_id_provided, test_role_session_name_provided, test_assume_role_with_duration; js-v3 "gets sourceCreds from Profile data if source_profile is present"',
    config: `[profile A]\nrole_arn = ${ROLE('a')}\nsource_profile = B\nexternal_id = ext-parity\nrole_session_name = parity-session\nduration_seconds = 1800\n`,
    credentials: keys('B', KEY.b), profile: 'A',
    expect: { calls: [assume('a', KEY.b, { externalId: 'ext-parity', sessionName: 'parity-session', duration: '1800' })] },
  },
  {
    id: 'role-session-name', what: 'role_session_name alone', from: 'botocore test_role_session_name_provided',
    config: `[profile A]\nrole_arn = ${ROLE('a')}\nsource_profile = B\nrole_session_name = named\n`, credentials: keys('B', KEY.b), profile: 'A',
    expect: { calls: [assume('a', KEY.b, { sessionName: 'named' })] },
  },
  {
    id: 'role-duration-max', what: 'duration_seconds 43200', from: 'botocore test_assume_role_with_duration',
    config: `[profile A]\nrole_arn = ${ROLE('a')}\nsource_profile = B\nduration_seconds = 43200\n`, credentials: keys('B', KEY.b), profile: 'A',
    expect: { calls: [assume('a', KEY.b, { duration: '43200' })] },
  },
  {
    id: 'role-region', what: "the role's region does not change the call", from: 'botocore functional test_assume_role_uses_correct_region',
    config: `[profile A]\nrole_arn = ${ROLE('a')}\nsource_profile = B\nregion = ap-southeast-2\n`, credentials: keys('B', KEY.b), profile: 'A',
    expect: { calls: [assume('a', KEY.b)] },
  },
  {
    id: 'role-mfa-long-term', what: 'mfa_serial on a role with long-term source keys', from: 'botocore test_assume_role_with_mfa',
    config: `[profile A]\nrole_arn = ${ROLE('a')}\nsource_profile = B\nmfa_serial = ${MFA}\n`, credentials: keys('B', KEY.b), profile: 'A', mfa: true,
    expect: {
      differs: 'awsenv gets one MFA session for the source (GetSessionToken) and assumes the role with it, so one code serves every role of that source; the CLI sends the code with AssumeRole',
      cli: [assume('a', KEY.b, { serial: MFA, tokenCode: CODE })],
      awsenv: [sessionToken(KEY.b, { serial: MFA, tokenCode: CODE }), assume('a', '#0')],
    },
  },
  {
    id: 'role-mfa-temporary', what: 'mfa_serial on a role whose source is temporary: the code goes with AssumeRole, as in the CLI', from: 'botocore test_assume_role_with_mfa',
    config: `[profile A]\nrole_arn = ${ROLE('a')}\nsource_profile = B\nmfa_serial = ${MFA}\n`, credentials: keys('B', KEY.tmp, 'aws_session_token = tok-b\n'), profile: 'A', mfa: true,
    expect: { calls: [assume('a', KEY.tmp, { serial: MFA, tokenCode: CODE })] },
  },
  {
    id: 'duration-out-of-range', what: 'duration_seconds = 60, under what STS grants', from: 'STS DurationSeconds range 900–43200; botocore parameter validation',
    config: `[profile A]\nrole_arn = ${ROLE('a')}\nsource_profile = B\nduration_seconds = 60\n`, credentials: keys('B', KEY.b), profile: 'A',
    expect: { refused: { cli: /Invalid value for parameter DurationSeconds, value: 60, valid min value: 900/, awsenv: /config:4: profile 'A': duration_seconds is under 900 seconds/ } },
  },
  {
    id: 'duration-not-a-number', what: 'duration_seconds = 1h', from: 'botocore test_assume_role_with_bad_duration',
    config: `[profile A]\nrole_arn = ${ROLE('a')}\nsource_profile = B\nduration_seconds = 1h\n`, credentials: keys('B', KEY.b), profile: 'A',
    expect: {
      differs: 'awsenv refuses a duration_seconds that is not a whole number, naming file and line; the CLI drops it silently and asks for the default hour',
      cli: [assume('a', KEY.b)],
      awsenv: { refused: /config:4: profile 'A': duration_seconds is not a whole number of seconds/ },
    },
  },

  // --- 3. web identity
  {
    id: 'web-named', what: 'role_arn + web_identity_token_file + role_session_name: AssumeRoleWithWebIdentity, unsigned, the token from the file',
    from: 'botocore TestAssumeRoleWithWebIdentityCredentialProvider test_role_session_name_provided; js-v3 resolveWebIdentityCredentials.spec',
    config: `[profile W]\nrole_arn = ${ROLE('w')}\nweb_identity_token_file = \${DIR}/token\nrole_session_name = pod-1\n`, files: { token: WEB_TOKEN }, profile: 'W',
    expect: { calls: [web('w', { sessionName: 'pod-1' })] },
  },
  {
    id: 'web-default-name', what: 'web identity without role_session_name', from: 'botocore TestAssumeRoleWithWebIdentityCredentialProvider',
    config: `[profile W]\nrole_arn = ${ROLE('w')}\nweb_identity_token_file = \${DIR}/token\n`, files: { token: WEB_TOKEN }, profile: 'W',
    expect: { calls: [web('w')] },
  },
  {
    id: 'web-as-source', what: 'a web identity profile as source_profile', from: 'botocore functional test_web_identity_source_profile',
    config: `[profile A]\nrole_arn = ${ROLE('a')}\nsource_profile = W\n[profile W]\nrole_arn = ${ROLE('w')}\nweb_identity_token_file = \${DIR}/token\n`,
    files: { token: WEB_TOKEN }, profile: 'A', expect: { calls: [web('w'), assume('a', '#0')] },
  },
  {
    id: 'web-over-source-profile', what: 'web_identity_token_file and source_profile in one profile: web identity', from: 'botocore AssumeRoleProvider skips web identity profiles',
    config: `[profile W]\nrole_arn = ${ROLE('w')}\nweb_identity_token_file = \${DIR}/token\nsource_profile = B\n`, credentials: keys('B', KEY.b),
    files: { token: WEB_TOKEN }, profile: 'W', expect: { calls: [web('w')] },
  },
  {
    id: 'web-source-with-keys', what: 'a source with keys, role_arn and a token file: web identity comes first in its chain', from: 'botocore ProfileProviderBuilder order',
    config: `[profile A]\nrole_arn = ${ROLE('a')}\nsource_profile = W\n[profile W]\nrole_arn = ${ROLE('w')}\nweb_identity_token_file = \${DIR}/token\n`,
    credentials: keys('W', KEY.b), files: { token: WEB_TOKEN }, profile: 'A', expect: { calls: [web('w'), assume('a', '#0')] },
  },
  {
    id: 'web-token-missing', what: 'the token file does not exist', from: 'botocore FileWebIdentityTokenLoader',
    config: `[profile W]\nrole_arn = ${ROLE('w')}\nweb_identity_token_file = \${DIR}/absent\n`, profile: 'W',
    expect: { refused: { cli: /No such file or directory|absent/, awsenv: /profile 'W': the web identity token file \S+\/absent does not exist/ } },
  },
  {
    id: 'web-no-role', what: 'web_identity_token_file without role_arn', from: 'botocore AssumeRoleWithWebIdentityProvider (no role ARN configured)',
    config: `[profile W]\nweb_identity_token_file = \${DIR}/token\n`, files: { token: WEB_TOKEN }, profile: 'W',
    expect: { refused: { cli: /no role ARN configured/, awsenv: /config:2: profile 'W' has web_identity_token_file but no role_arn/ } },
  },

  // --- 4 and 5. credential_process
  {
    id: 'process-ok', what: 'credential_process with a session token and a future expiry', from: 'botocore test_can_retrieve_via_process',
    config: `[profile P]\n${PROCESS}\n`,
    files: { 'process.sh': processScript({ Version: 1, AccessKeyId: KEY.c, SecretAccessKey: 'process-secret', SessionToken: 'process-token', Expiration: '2099-01-01T00:00:00Z' }) },
    profile: 'P', expect: { keys: { id: KEY.c, token: 'process-token' } },
  },
  {
    id: 'process-expired', what: 'credential_process output that has already expired is refused', from: 'botocore test_refresh_giving_expired_credentials_raises_exception; js-v3 credential-provider-process getValidatedProcessCredentials',
    config: `[profile P]\n${PROCESS}\n`,
    files: { 'process.sh': processScript({ Version: 1, AccessKeyId: KEY.c, SecretAccessKey: 'process-secret', SessionToken: 'process-token', Expiration: '2020-01-01T00:00:00Z' }) },
    profile: 'P', expect: { refused: { cli: /still expired|expired/i, awsenv: /credential_process for profile 'P' returned credentials that expired at 2020-01-01T00:00:00Z/ } },
  },
  {
    id: 'process-version-2', what: 'credential_process Version 2', from: 'botocore test_unsupported_version_raises_mismatch',
    config: `[profile P]\n${PROCESS}\n`, files: { 'process.sh': processScript({ Version: 2, AccessKeyId: KEY.c, SecretAccessKey: 'process-secret' }) }, profile: 'P',
    expect: { refused: { cli: /Unsupported version '2'/, awsenv: /Version must be 1, got 2/ } },
  },
  {
    id: 'process-no-key-id', what: 'credential_process without AccessKeyId', from: 'botocore test_missing_access_key_raises_exception',
    config: `[profile P]\n${PROCESS}\n`, files: { 'process.sh': processScript({ Version: 1, SecretAccessKey: 'process-secret' }) }, profile: 'P',
    expect: { refused: { cli: /AccessKeyId/, awsenv: /AccessKeyId is missing/ } },
  },
  {
    id: 'keys-beat-process', what: 'keys in the credentials file beat credential_process', from: 'botocore TestCreateCredentialResolver (provider order)',
    config: `[profile P]\n${PROCESS}\n`, credentials: keys('P', KEY.a),
    files: { 'process.sh': processScript({ Version: 1, AccessKeyId: KEY.c, SecretAccessKey: 'process-secret' }) }, profile: 'P', expect: { keys: { id: KEY.a } },
  },
  {
    id: 'process-beats-config-keys', what: 'credential_process beats keys in the config file', from: 'botocore TestCreateCredentialResolver (provider order)',
    config: `${keys('profile P', KEY.a)}${PROCESS}\n`,
    files: { 'process.sh': processScript({ Version: 1, AccessKeyId: KEY.c, SecretAccessKey: 'process-secret' }) }, profile: 'P', expect: { keys: { id: KEY.c } },
  },

  // --- 6. SSO
  {
    id: 'sso-valid', what: 'an SSO profile with a valid cached token', from: 'botocore TestSSOProvider',
    config: `${SSO_SESSION}[profile S]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n`, sso: ssoToken(3600), profile: 'S',
    expect: { calls: [roleCredentials('Dev', 'sso-access-token-SEED')] },
  },
  {
    id: 'sso-refresh', what: 'an expired SSO token with a refresh token and a valid registration: CreateToken, then GetRoleCredentials with the new token',
    from: 'botocore test_tokens.py "Expired token refresh with refresh token"',
    config: `${SSO_SESSION}[profile S]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n`, sso: ssoToken(-60, REFRESHABLE), profile: 'S',
    expect: { calls: [createToken(), roleCredentials('Dev', '#0')] },
  },
  {
    id: 'sso-refresh-window', what: 'a token in its last 15 minutes is refreshed too', from: 'botocore SSOTokenProvider _REFRESH_WINDOW',
    config: `${SSO_SESSION}[profile S]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n`, sso: ssoToken(300, REFRESHABLE), profile: 'S',
    expect: { calls: [createToken(), roleCredentials('Dev', '#0')] },
  },
  {
    id: 'sso-registration-expired', what: 'an expired token whose client registration has expired: log in again', from: 'botocore test_tokens.py "Expired token and expired client registration"',
    config: `${SSO_SESSION}[profile S]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n`,
    sso: ssoToken(-60, { ...REFRESHABLE, registrationExpiresAt: iso(Date.now() - 60_000) }), profile: 'S',
    expect: { refused: { cli: /expired|sso login/i, awsenv: /client registration expired at .*aws sso login --sso-session corp/ } },
  },
  {
    id: 'sso-no-refresh-token', what: 'an expired token without refresh fields: log in again', from: 'botocore test_tokens.py "Minimal expired cached token"',
    config: `${SSO_SESSION}[profile S]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n`, sso: ssoToken(-60), profile: 'S',
    expect: { refused: { cli: /expired|sso login/i, awsenv: /expired at .*holds no refreshToken.*aws sso login --sso-session corp/ } },
  },
  {
    id: 'sso-legacy-as-source', what: 'a legacy SSO profile (start URL on the profile) as source_profile', from: 'botocore functional test_sso_source_profile_legacy',
    config: `[profile A]\nrole_arn = ${ROLE('a')}\nsource_profile = S\n[profile S]\nsso_start_url = https://parity.awsapps.com/start\nsso_region = eu-west-1\nsso_account_id = 111122223333\nsso_role_name = Dev\n`,
    sso: { ...ssoToken(3600), session: 'https://parity.awsapps.com/start' }, profile: 'A', expect: { calls: [roleCredentials('Dev', 'sso-access-token-SEED'), assume('a', '#0')] },
  },
  {
    id: 'sso-legacy', what: 'a legacy SSO profile', from: 'botocore TestSSOCredentialFetcher',
    config: `[profile S]\nsso_start_url = https://parity.awsapps.com/start\nsso_region = eu-west-1\nsso_account_id = 111122223333\nsso_role_name = Admin\n`,
    sso: { ...ssoToken(3600), session: 'https://parity.awsapps.com/start' }, profile: 'S', expect: { calls: [roleCredentials('Admin', 'sso-access-token-SEED')] },
  },
  {
    id: 'sso-session-as-source', what: 'an sso-session profile as source_profile', from: 'botocore functional test_sso_source_profile',
    config: `${SSO_SESSION}[profile A]\nrole_arn = ${ROLE('a')}\nsource_profile = S\n[profile S]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n`,
    sso: ssoToken(3600), profile: 'A',
    expect: {
      differs: "AWS CLI 2.9.19 fails here (its SSO token provider looks for sso_session on the named profile, not the source: \"'NoneType' object has no attribute 'get_frozen_token'\"); awsenv does what the SDKs do",
      cli: { refused: /'NoneType' object has no attribute 'get_frozen_token'/ },
      awsenv: [roleCredentials('Dev', 'sso-access-token-SEED'), assume('a', '#0')],
    },
  },
];
