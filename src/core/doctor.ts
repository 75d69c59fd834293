// awsenv doctor's checklist: why would AWS answer "The security token included in the
// request is invalid"? Each check reports ok / warning / problem, the cause it points to
// (CONTRACT.md's six, and a few more) and a command that fixes it. Offline checks read
// the environment, the files and the cache; the live one asks STS GetCallerIdentity with
// the credentials a tool in this shell would actually send, and maps its answer to a cause.
import { statSync } from 'node:fs';
import type { Env, IniFile } from '../files/files.js';
import { readIniFile } from '../files/files.js';
import { configProfileName, configSectionsOf, getProfile, kindOf, type Profile, type ProfileKind, type ProfileSet, type ProfileSettings, settingsOf } from '../files/profiles.js';
import type { StsPort } from '../sessions/sts.js';
import { AwsenvError } from '../errors.js';
import { type Cause, formatDuration, profileFindings, shellFindings, type Syntax, syntaxFor } from './checks.js';
import type { Credentials } from './environment.js';
import { maskKeyId } from './variables.js';

export { CAUSES, type Cause } from './checks.js';

export interface Check {
  id: string;
  status: 'ok' | 'warning' | 'problem';
  cause: Cause | null;
  message: string;
  fix: string | null;
}

export interface DoctorReport {
  version: 1;
  profile: string;
  /** Where the credentials a tool would use come from. */
  source: string;
  healthy: boolean;
  identity: { arn: string; account: string } | null;
  checks: Check[];
}

export interface DoctorDeps {
  env: Env;
  now: Date;
  load(): ProfileSet;
  /** Credentials for a profile without asking a person (cache, files, process, STS). */
  resolve(profile: string): Promise<{ credentials: Credentials; from: string }>;
  sts(region: string | undefined): Promise<StsPort>;
  /** The syntax of the user's shell, for the fixes (default POSIX sh). */
  syntax?: Syntax;
  /** When IAM says this long-term key of user `userName` was created; undefined when IAM will not say. */
  keyCreated?(credentials: Credentials, userName: string, region: string | undefined): Promise<Date | undefined>;
}

/** AWS's advice: rotate long-term access keys at least every 90 days. */
export const KEY_AGE_LIMIT_DAYS = 90;

/** Regions that are off until an account opts in; tokens from the global STS endpoint (v1) fail there. */
export const OPT_IN_REGIONS = new Set([
  'af-south-1', 'ap-east-1', 'ap-south-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-7',
  'ca-west-1', 'eu-central-2', 'eu-south-1', 'eu-south-2', 'il-central-1', 'me-central-1', 'me-south-1', 'mx-central-1',
]);

export function partitionOf(region: string | undefined): 'aws' | 'aws-us-gov' | 'aws-cn' {
  if (region?.startsWith('us-gov-')) return 'aws-us-gov';
  if (region?.startsWith('cn-')) return 'aws-cn';
  return 'aws';
}

const SKEW_LIMIT_S = 300;

/** Where a profile's credentials came from, as the report says it. */
const FROM: Record<string, string> = {
  files: ', keys from the files',
  cache: ', its cached session',
  sts: ', a new session from STS',
  process: ', from its credential_process',
  sso: ', from AWS SSO',
  environment: ', source keys from the environment',
};

class Checklist {
  readonly checks: Check[] = [];
  ok(id: string, message: string) {
    this.checks.push({ id, status: 'ok', cause: null, message, fix: null });
  }
  warn(id: string, cause: Cause | null, message: string, fix: string | null = null) {
    this.checks.push({ id, status: 'warning', cause, message, fix });
  }
  problem(id: string, cause: Cause, message: string, fix: string | null = null) {
    this.checks.push({ id, status: 'problem', cause, message, fix });
  }
  has(cause: Cause) {
    return this.checks.some((c) => c.status === 'problem' && c.cause === cause);
  }
}

const sh = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);
/** `awsenv use P [more]`, applied in the user's shell. */
const useIn = (syntax: Syntax, profile: string, more = '') => syntax.apply(`use ${syntax.quote(profile)}${more}`);
/** `aws configure`, naming the profile unless it is the default. */
const configure = (profile: string, what: string) => `aws configure${profile === 'default' ? '' : ` --profile ${sh(profile)}`}  # re-enter ${what}`;

export async function diagnose(profileArg: string | undefined, offline: boolean, deps: DoctorDeps): Promise<DoctorReport> {
  const { env, now } = deps;
  const list = new Checklist();
  const intended = profileArg ?? env.AWS_PROFILE ?? env.AWSENV_PROFILE ?? 'default';
  const syntax = deps.syntax ?? syntaxFor(undefined);
  const use = syntax.apply(`use ${syntax.quote(intended)}`);

  // --- the files
  let set: ProfileSet | undefined;
  try {
    set = deps.load();
    list.ok('files', 'both AWS files parse');
  } catch (error) {
    if (!(error instanceof AwsenvError)) throw error;
    list.problem('files', 'files', error.message, 'fix the line named above');
  }
  if (set) fileChecks(set, list);

  // --- which profile, and whether the environment agrees with it
  let profile: Profile | undefined;
  let settings: ProfileSettings | undefined;
  let kind: ProfileKind | undefined;
  const envCreds = !!(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY);
  // With keys exported and no profile named, a missing [default] is nobody's problem.
  if (set && (profileArg !== undefined || env.AWS_PROFILE !== undefined || !envCreds || set.profiles.has(intended))) {
    try {
      profile = getProfile(set, intended);
      settings = settingsOf(profile);
      kind = kindOf(settings, profile.keysInCredentials);
    } catch (error) {
      if (!(error instanceof AwsenvError)) throw error;
      const named = profileArg ? 'the PROFILE argument' : env.AWS_PROFILE ? 'AWS_PROFILE' : 'the default profile';
      list.problem('profile', 'wrong-profile', `${named}: ${error.message}`, profileArg ? 'awsenv list' : env.AWS_PROFILE ? 'unset AWS_PROFILE  # or: awsenv list' : 'awsenv list');
    }
  }
  if (env.AWS_DEFAULT_PROFILE && env.AWS_PROFILE && env.AWS_DEFAULT_PROFILE !== env.AWS_PROFILE) {
    list.warn('default-profile', 'wrong-profile', `AWS_DEFAULT_PROFILE is '${env.AWS_DEFAULT_PROFILE}' but AWS_PROFILE is '${env.AWS_PROFILE}'; older tools read the first`, 'unset AWS_DEFAULT_PROFILE');
  }

  // --- the credentials a tool in this shell would send
  const envKey = env.AWS_ACCESS_KEY_ID;
  let creds: Credentials | undefined;
  let source: string;
  if (envKey && env.AWS_SECRET_ACCESS_KEY) {
    creds = { accessKeyId: envKey, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN };
    source = 'environment';
    const fileKey = settings?.aws_access_key_id;
    const staticProfile = kind === 'keys' || kind === 'keys+token' || kind === 'mfa';
    const fromAwsenv = env.AWSENV_PROFILE === intended && env.AWSENV_KEY_ID === envKey;
    // Keys exported by hand with no profile named are simply the credentials meant.
    const named = profileArg !== undefined || env.AWS_PROFILE !== undefined;
    if (profile && named && !fromAwsenv && (!staticProfile || fileKey !== envKey)) {
      list.problem(
        'shadowed-profile',
        'wrong-profile',
        `exported keys (${maskKeyId(envKey)}) are in effect, not profile '${intended}'${fileKey ? ` (${maskKeyId(fileKey)})` : ''}: exported keys beat AWS_PROFILE in every AWS tool`,
        use,
      );
    } else {
      list.ok('source', `credentials from the environment (${maskKeyId(envKey)})${fromAwsenv ? `, set by awsenv for '${intended}'` : ''}`);
    }
  } else if (profile && settings && kind) {
    source = `profile '${intended}' (${kind})`;
    try {
      if (kind === 'mfa') {
        // The AWS CLI sends the long-term keys of such a profile as they are.
        creds = { accessKeyId: settings.aws_access_key_id!, secretAccessKey: settings.aws_secret_access_key! };
      } else {
        const r = await deps.resolve(intended);
        creds = r.credentials;
        source += FROM[r.from] ?? `, from ${r.from}`;
      }
      list.ok('source', `credentials from ${source}`);
    } catch (error) {
      if (!(error instanceof AwsenvError)) throw error;
      list.problem('source', resolveCause(error), `cannot get the credentials of '${intended}' without you: ${error.message}`, use);
    }
  } else {
    source = 'none';
    if (!list.has('wrong-profile') && !list.has('files')) list.problem('source', 'wrong-profile', 'no credentials in the environment or for the profile', 'awsenv list');
  }

  // --- session tokens, and values damaged by a copy and paste
  if (creds) tokenChecks(creds, env, settings, source, list, now, intended, syntax);
  const damaged = creds ? damageChecks(creds, source, list, intended, syntax) : false;

  // --- MFA
  if (creds && settings?.mfa_serial && !creds.sessionToken) {
    list.problem('mfa', 'mfa-required', `profile '${intended}' has mfa_serial, but long-term keys without an MFA session are in use: calls that require MFA are denied`, use);
  }

  // --- the checks `current` and `list` run (checks.ts), where the ones above did not
  // already point to the same cause: this shell's environment, and the profile with the
  // profiles it draws on (a role's sources are checked even when its session is cached).
  const shared = [...shellFindings(env, () => set ?? deps.load(), now, syntax), ...(set && profile ? profileFindings(set, intended, now) : [])];
  for (const f of shared) {
    if (f.severity === 'problem' ? list.has(f.cause) : list.checks.some((c) => c.id === f.id)) continue;
    if (f.id === 'unknown-profile' && list.checks.some((c) => c.id === 'profile')) continue;
    (f.severity === 'problem' ? list.problem.bind(list) : list.warn.bind(list))(f.id, f.cause, f.message, f.fix);
  }

  // --- region and partition
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? settings?.region;
  const regional = env.AWS_STS_REGIONAL_ENDPOINTS ?? (settings?.['sts_regional_endpoints'] as string | undefined);
  if (region && OPT_IN_REGIONS.has(region) && creds?.sessionToken && regional === 'legacy') {
    list.warn('region', 'region', `${region} is an opt-in region, and sessions from the global STS endpoint (sts_regional_endpoints = legacy) are not valid there`, 'export AWS_STS_REGIONAL_ENDPOINTS=regional');
  }

  // --- the live answer
  let identity: DoctorReport['identity'] = null;
  if (creds && !offline && !damaged) {
    try {
      const sts = await deps.sts(region);
      const id = await sts.callerIdentity(creds);
      identity = { arn: id.arn, account: id.account };
      list.ok('sts', `STS accepts the credentials: ${id.arn}`);
      skewCheck(id.serverDate, now, list);
      await keyAgeCheck(creds, id.arn, region, settings, intended, deps, list);
    } catch (error) {
      if (!(error instanceof AwsenvError)) throw error;
      liveProblem(error as AwsenvError & { code?: string; serverDate?: Date }, creds, region, list, now, intended, syntax, source === 'environment' ? settings : undefined);
    }
  } else if (offline) {
    list.warn('sts', null, 'STS not asked (--offline)', null);
  }

  // --- a role's source keys, even while its cached session still works: they are what
  // renews it, and a broken key shows only when the session ends.
  if (set && kind === 'role' && !offline) await sourceCheck(set, intended, region, deps, list);

  const healthy = !list.checks.some((c) => c.status === 'problem');
  return { version: 1, profile: intended, source, healthy, identity, checks: list.checks };
}

/** Asks STS about the long-term keys at the root of role `name`'s source_profile chain. */
async function sourceCheck(set: ProfileSet, name: string, region: string | undefined, deps: DoctorDeps, list: Checklist) {
  const seen = new Set<string>();
  let current = name;
  for (;;) {
    if (seen.has(current)) return; // a cycle: reported by the shared checks
    seen.add(current);
    let s: ProfileSettings;
    try {
      s = settingsOf(getProfile(set, current));
    } catch {
      return; // reported by the shared checks
    }
    if (s.role_arn && s.source_profile && s.source_profile !== current) {
      current = s.source_profile;
      continue;
    }
    if (!s.aws_access_key_id || !s.aws_secret_access_key || current === name && !s.source_profile) return;
    const keys: Credentials = { accessKeyId: s.aws_access_key_id, secretAccessKey: s.aws_secret_access_key, sessionToken: s.aws_session_token };
    try {
      const id = await (await deps.sts(region)).callerIdentity(keys);
      list.ok('source-keys', `the source keys of '${name}' (profile '${current}', ${maskKeyId(keys.accessKeyId)}) are valid: ${id.arn}`);
    } catch (error) {
      if (!(error instanceof AwsenvError)) throw error;
      const code = (error as { code?: string }).code;
      const why =
        code === 'InvalidClientTokenId'
          ? `the access key ${maskKeyId(keys.accessKeyId)} is inactive or deleted`
          : code === 'SignatureDoesNotMatch'
            ? `the secret access key does not belong to ${maskKeyId(keys.accessKeyId)}`
            : error.message;
      const fix = code === 'InvalidClientTokenId' || code === 'SignatureDoesNotMatch' ? configure(current, code === 'SignatureDoesNotMatch' ? 'the secret access key' : 'a working key') : null;
      list.problem(
        'source-keys',
        code === 'InvalidClientTokenId' ? 'key-inactive' : 'wrong-secret',
        `source profile '${current}' of '${name}': ${why}; a session of '${name}' cannot be renewed with it`,
        fix,
      );
    }
    return;
  }
}

/** A long-term key past 90 days is a warning; skipped silently when IAM does not say (no permission, MFA, offline). */
async function keyAgeCheck(
  creds: Credentials,
  arn: string,
  region: string | undefined,
  settings: ProfileSettings | undefined,
  intended: string,
  deps: DoctorDeps,
  list: Checklist,
) {
  const user = /^arn:[\w-]+:iam::\d+:user\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1];
  if (!deps.keyCreated || !user || creds.sessionToken || !creds.accessKeyId.startsWith('AKIA')) return;
  let created: Date | undefined;
  try {
    created = await deps.keyCreated(creds, user, region);
  } catch {
    return;
  }
  if (!created) return;
  const days = Math.floor((deps.now.getTime() - created.getTime()) / 86_400_000);
  const key = maskKeyId(creds.accessKeyId);
  if (days > KEY_AGE_LIMIT_DAYS) {
    // The fix names the profile only when the key is that profile's own (else: which one?).
    const mine = settings?.aws_access_key_id === creds.accessKeyId;
    list.warn('key-age', null, `the access key ${key} is ${days} days old (created ${created.toISOString().slice(0, 10)}); AWS advises rotating long-term keys every ${KEY_AGE_LIMIT_DAYS} days`, mine ? `awsenv rotate ${sh(intended)}` : null);
  } else {
    list.ok('key-age', `the access key ${key} is ${days} day${days === 1 ? '' : 's'} old`);
  }
}

function tokenChecks(creds: Credentials, env: Env, settings: ProfileSettings | undefined, source: string, list: Checklist, now: Date, intended: string, syntax: Syntax) {
  const fromEnv = source === 'environment';
  const where = fromEnv ? 'AWS_SESSION_TOKEN' : `aws_session_token of profile '${intended}'`;
  const longTerm = creds.accessKeyId.startsWith('AKIA');
  const temporary = creds.accessKeyId.startsWith('ASIA');
  const token = creds.sessionToken;
  if (longTerm && token) {
    list.problem(
      'leftover-token',
      'leftover-token',
      `${where} is set next to a long-term AKIA key: a token left from an earlier session, which AWS rejects with the key`,
      fromEnv ? syntax.unset('AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN') : 'awsenv clear --stale-tokens',
    );
  } else if (temporary && !token) {
    list.problem('token-missing', 'token-missing', `a temporary ASIA key is in use without its session token`, useIn(syntax, intended));
  } else if (fromEnv ? env.AWS_SESSION_TOKEN === '' : settings?.aws_session_token === '') {
    list.warn('empty-token', 'leftover-token', `${where} is set but empty; some tools send it as an empty token`, fromEnv ? syntax.unset('AWS_SESSION_TOKEN') : 'awsenv clear --stale-tokens');
  } else {
    list.ok('session-token', token ? 'temporary key with its session token' : 'long-term key, no session token');
  }
  // AWSENV_EXPIRY comes from the environment: only digits of a representable date count.
  const expiryMs = fromEnv && /^\d{1,15}$/.test(env.AWSENV_EXPIRY ?? '') ? Number(env.AWSENV_EXPIRY) * 1000 : NaN;
  const ends = [
    fromEnv ? env.AWS_CREDENTIAL_EXPIRATION : undefined,
    Math.abs(expiryMs) <= 8.64e15 ? new Date(expiryMs).toISOString() : undefined,
    creds.expiration?.toISOString(),
    !fromEnv ? settings?.expiration : undefined,
  ].filter((e): e is string => !!e && !Number.isNaN(Date.parse(e)));
  const past = ends.map((e) => Date.parse(e)).filter((t) => t <= now.getTime());
  if (token && past.length > 0) {
    const ago = formatDuration(Math.floor((now.getTime() - Math.max(...past)) / 1000));
    list.problem('expiry', 'expired', `the session expired ${ago} ago`, useIn(syntax, intended, ' --refresh'));
  } else if (token && ends.length > 0) {
    const left = Math.min(...ends.map((e) => Date.parse(e))) - now.getTime();
    list.ok('expiry', `the session has ${formatDuration(Math.floor(left / 1000))} left`);
  }
}

/**
 * A key, secret or token with a line break or another control character (a value pasted
 * with its newline), or with spaces at its ends. The SDK refuses to put a control character
 * in a header, and retries for seconds before it says so; AWS takes spaces as part of the
 * value. Either way the credentials are wrong (cause 2), and STS is not asked.
 */
function damageChecks(creds: Credentials, source: string, list: Checklist, intended: string, syntax: Syntax): boolean {
  const fromEnv = source === 'environment';
  // Each value with its variable, its name in a profile, and the fix there.
  const reEnter = configure(intended, 'the key');
  const values: [string, string, string | undefined, string][] = [
    ['AWS_ACCESS_KEY_ID', 'the access key id', creds.accessKeyId, reEnter],
    ['AWS_SECRET_ACCESS_KEY', 'the secret access key', creds.secretAccessKey, reEnter],
    ['AWS_SESSION_TOKEN', 'the session token', creds.sessionToken, useIn(syntax, intended, ' --refresh')],
  ];
  let damaged = false;
  for (const [variable, what, value, profileFix] of values) {
    if (!value) continue;
    const control = /[\x00-\x1f\x7f]/.exec(value)?.[0];
    const problem =
      control === '\n' || control === '\r'
        ? 'contains a line break'
        : control !== undefined
          ? `contains a control character (U+${control.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')})`
          : value !== value.trim()
            ? 'begins or ends with a space'
            : undefined;
    if (!problem) continue;
    damaged = true;
    const name = fromEnv ? variable : `${what} of '${intended}'`;
    const fix = fromEnv ? `export ${variable}="$(printf %s "$${variable}" | tr -d '[:space:][:cntrl:]')"` : profileFix;
    list.problem('damaged-value', 'wrong-secret', `${name} ${problem}, so AWS cannot match it (pasted with its newline?); STS not asked`, fix);
  }
  return damaged;
}

function fileChecks(set: ProfileSet, list: Checklist) {
  const { credentials, config } = set.paths;
  try {
    const mode = statSync(credentials).mode & 0o777;
    if (mode & 0o077) {
      list.warn('credentials-mode', 'files', `${credentials} can be read by others (mode ${mode.toString(8)})`, `chmod 600 ${sh(credentials)}`);
    }
  } catch {
    // no credentials file
  }
  // With the files at hand (loadProfiles), only the sections these checks can be about are
  // read: a generated config of 50,000 profiles has a handful (issue 15). The same
  // warnings, in the same order, as going through every profile and section.
  const files = set.files && config !== credentials ? set.files : undefined;
  const keyed = files ? profilesKeyedIn(set, files.config) : set.profiles.values();
  for (const p of keyed) {
    const key = p.settings.get('aws_access_key_id');
    if (key && key.file === config) {
      list.warn('keys-in-config', 'files', `profile '${p.name}' keeps long-term keys in ${config}:${key.line}; they belong in ${credentials}`, null);
    }
  }
  try {
    for (const section of files ? notPlainProfiles(files.config) : readIniFile(config)) {
      const name = configProfileName(section.name);
      if (name === undefined && !/^(sso-session|services)\b/.test(section.name)) {
        list.warn('ignored-section', 'files', `${config}:${section.line}: [${section.name}] is not a profile and is ignored; did you mean [profile ${section.name}]?`, null);
      } else if (name === 'default' && section.name !== 'default' && set.profiles.get('default')?.sections.filter((s) => s.origin === 'config').length === 2) {
        list.warn('duplicate-default', 'files', `${config} has both [default] and [profile default]; the later one wins`, null);
      }
    }
  } catch {
    // reported by the 'files' check
  }
}

/**
 * The profiles that may take their keys from config: those with a config section that sets
 * aws_access_key_id, in the order of set.profiles (each name where it first appears in config).
 */
function profilesKeyedIn(set: ProfileSet, config: IniFile): Profile[] {
  const names = new Map<string, number>();
  for (const i of config.withAccessKey()) {
    const name = configProfileName(config.section(i).name);
    if (name === undefined || name === '' || names.has(name)) continue;
    names.set(name, Math.min(...configSectionsOf(config, name)));
  }
  return [...names].sort((a, b) => a[1] - b[1]).flatMap(([name]) => set.profiles.get(name) ?? []);
}

/**
 * The config sections whose names are not `profile WORD` plainly, in file order, as
 * { name, line }: every other section is a profile by its plain name, which neither check
 * above is about ('profile default' is added: the duplicate-default check is).
 */
function notPlainProfiles(config: IniFile): { name: string; line: number }[] {
  const found = new Map<number, string>([...config.irregular(), ...config.others()].map(([name, i]) => [i, name]));
  const plainDefault = config.indexOf('profile default');
  if (plainDefault !== undefined) found.set(plainDefault, 'profile default');
  return [...found]
    .sort((a, b) => a[0] - b[0])
    .map(([i, name]) => ({
      name,
      get line() {
        return config.section(i).line;
      },
    }));
}

function skewCheck(serverDate: Date | undefined, now: Date, list: Checklist) {
  if (!serverDate) return;
  const offset = Math.round((now.getTime() - serverDate.getTime()) / 1000);
  if (Math.abs(offset) > SKEW_LIMIT_S) {
    list.problem('clock', 'clock-skew', `this clock is ${formatDuration(Math.abs(offset))} ${offset > 0 ? 'ahead of' : 'behind'} AWS; signed requests are refused beyond 5 minutes`, 'sudo timedatectl set-ntp true');
  } else {
    list.ok('clock', `clock within ${Math.abs(offset)} s of AWS`);
  }
}

/**
 * Whether STS's own words (not awsenv's explanation of them, whose hint names mfa_serial)
 * are about MFA: an AccessDenied from a trust policy or a deny is not "MFA required".
 */
function mentionsMfa(error: AwsenvError): boolean {
  const raw = (error.cause as { message?: unknown } | undefined)?.message;
  return /MultiFactor|\bMFA\b/.test(typeof raw === 'string' ? raw : error.message.split('; check ')[0]!);
}

/** The cause of a profile whose credentials could not be had without a person. */
function resolveCause(error: AwsenvError & { code?: string }): Cause {
  if (/expired/.test(error.message)) return 'expired';
  if (/MFA code|MultiFactor/.test(error.message)) return 'mfa-required';
  if (error.code === 'InvalidClientTokenId') return 'key-inactive';
  if (error.code === 'SignatureDoesNotMatch') return 'wrong-secret';
  if (/cannot reach|no answer|did not answer/.test(error.message)) return 'unreachable';
  if (error.code === 'AccessDenied' && mentionsMfa(error)) return 'mfa-required';
  return 'wrong-profile';
}

function liveProblem(
  error: AwsenvError & { code?: string; serverDate?: Date },
  creds: Credentials,
  region: string | undefined,
  list: Checklist,
  now: Date,
  intended: string,
  syntax: Syntax,
  /** The profile's settings when the credentials came from the environment instead. */
  fileSettings: ProfileSettings | undefined,
) {
  const code = error.code ?? 'Error';
  const use = useIn(syntax, intended);
  const refresh = useIn(syntax, intended, ' --refresh');
  const explainedBy = (['leftover-token', 'token-missing', 'expired', 'wrong-profile'] as const).find((c) => list.has(c));
  if ((code === 'InvalidClientTokenId' || code === 'ExpiredToken' || code === 'ExpiredTokenException') && explainedBy) {
    list.problem('sts', explainedBy, `STS rejected the credentials (${code}), as the ${explainedBy} problem above explains`, null);
    return;
  }
  if (code === 'InvalidClientTokenId') {
    if (partitionOf(region) !== 'aws') {
      list.problem('sts', 'partition', `STS does not know this key; region ${region} is in the ${partitionOf(region)} partition, and keys of one partition are unknown in the others`, null);
    } else if (creds.sessionToken) {
      list.problem('sts', 'expired', 'STS does not accept this session: it was revoked or has expired', refresh);
    } else {
      list.problem('sts', 'key-inactive', `the access key ${maskKeyId(creds.accessKeyId)} is inactive or deleted (AWS does not know it)`, 'aws iam list-access-keys  # then create a new key, and update ~/.aws/credentials');
    }
  } else if (code === 'SignatureDoesNotMatch') {
    // Only the environment's copy may be wrong: then the profile's own keys fix it.
    const fileIsOther = fileSettings?.aws_access_key_id === creds.accessKeyId && fileSettings.aws_secret_access_key !== undefined && fileSettings.aws_secret_access_key !== creds.secretAccessKey;
    list.problem(
      'sts',
      'wrong-secret',
      `the secret access key${fileIsOther ? ' in the environment' : ''} does not belong to ${maskKeyId(creds.accessKeyId)}${fileIsOther ? `; profile '${intended}' has another one` : ''}`,
      fileIsOther ? use : configure(intended, 'the secret access key'),
    );
  } else if (code === 'ExpiredToken' || code === 'ExpiredTokenException') {
    list.problem('sts', 'expired', 'STS says the session token has expired', refresh);
  } else if (code === 'RequestExpired' || /SignatureDoesNotMatch.*time|Signature expired/i.test(error.message)) {
    skewCheck(error.serverDate, now, list);
    if (!list.has('clock-skew')) list.problem('clock', 'clock-skew', 'STS refused the request time: check the system clock', 'sudo timedatectl set-ntp true');
  } else if (code === 'AccessDenied' && mentionsMfa(error)) {
    list.problem('sts', 'mfa-required', 'the account requires MFA for this call', use);
  } else if (/cannot reach|no answer/.test(error.message)) {
    list.problem('sts', 'unreachable', error.message, 'awsenv doctor --offline');
  } else {
    list.problem('sts', 'wrong-secret', error.message, null);
  }
}
