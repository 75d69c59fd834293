// Profiles from both shared files, merged with the AWS CLI's precedence, each validated with
// zod when it is used and told apart by kind.
//
// The rules are botocore's, as aws-cli 2.9.19 runs them (checked with test/aws/awscli.test.ts):
// Session.full_config merges the credentials file's section over the config file's profile
// key by key, and the role, SSO and credential_process providers read that merge. Static
// keys do not come from the merge: the shared-credentials provider reads the access key,
// secret and token from the credentials file's section alone, and the config provider from
// the config file's profile alone. So a token in one file never rides along with keys from
// the other (it would be a stale token sent with long-term keys, CONTRACT.md cause 4).
// https://github.com/aws/aws-cli/blob/v2/awscli/botocore/credentials.py
// zod/mini: the same validation as zod, a fraction of the size on the path every `use` takes.
import * as z from 'zod/mini';
import { ConfigError, ProfileNotFound, UsageError } from '../errors.js';
import { closest } from '../util/closest.js';
import { lazy } from '../util/lazy.js';
import { type AwsFilePaths, awsFilePaths, type Env, type IniFile, openIniFile, parsedIniFile } from './files.js';
import { type IniSection } from './ini.js';
import type { IndexCache } from './index-cache.js';

export const PROFILE_KINDS = ['keys', 'keys+token', 'mfa', 'role', 'web-identity', 'process', 'sso', 'none'] as const;
export type ProfileKind = (typeof PROFILE_KINDS)[number];

export interface Setting {
  value: string | Record<string, string>;
  file: string;
  line: number;
}

export type Settings = Map<string, Setting>;

export interface Profile {
  name: string;
  /** The sections it was built from, config first. */
  sections: { file: string; line: number; origin: 'config' | 'credentials' }[];
  /**
   * What the AWS CLI resolves: a key in the credentials file wins over the same key in
   * config, except the static keys (aws_access_key_id, aws_secret_access_key and the
   * token), which all come from the one file the CLI takes them from. The token is under
   * aws_session_token even when the file spells it aws_security_token (which botocore
   * prefers when both are there); aws_security_token itself is left out.
   */
  settings: Settings;
  /** Whether the access keys come from the credentials file (they then beat credential_process). */
  keysInCredentials: boolean;
  /** Each file's own settings for this profile, as written (for doctor and clear). */
  config?: Settings | undefined;
  credentials?: Settings | undefined;
}

export interface ProfileSet {
  paths: AwsFilePaths;
  /** Built when asked for (see ProfileMap); a plain Map in tests. */
  profiles: ReadonlyMap<string, Profile>;
  /** `[sso-session NAME]` sections of config (botocore's `sso_sessions`); see ssoSessionOf. */
  ssoSessions?: ReadonlyMap<string, Profile>;
  /** The two files as read: list reads every section's keys from them, doctor and exec --server what they read besides profiles. */
  files?: { config: IniFile; credentials: IniFile };
}

/**
 * botocore's build_profile_map: in config, `[profile NAME]` (split like a shell word, so
 * `[profile "a b"]` is `a b`) and `[default]`; other sections are not profiles. In the
 * credentials file every section is a profile, by its exact name.
 */
export function configProfileName(section: string): string | undefined {
  if (section.startsWith('profile')) {
    const words = shellWords(section);
    return words?.length === 2 ? words[1] : undefined;
  }
  return section === 'default' ? 'default' : undefined;
}

/** botocore: `[sso-session NAME]` in config, NAME split like a shell word as for profiles. */
export function ssoSessionName(section: string): string | undefined {
  if (!section.startsWith('sso-session')) return undefined;
  const words = shellWords(section);
  return words?.length === 2 && words[0] === 'sso-session' ? words[1] : undefined;
}

/** Python's shlex.split (POSIX mode, no comments); undefined where it would raise. */
function shellWords(s: string): string[] | undefined {
  // shlex splits on these four only: a no-break space or a vertical tab is part of a word.
  const space = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && (s[i + 1] === '"' || s[i + 1] === '\\')) word += s[++i]!;
      else word += c;
    } else if (space(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (c === '\\') {
      if (i + 1 >= s.length) return undefined;
      word = (word ?? '') + s[++i]!;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote) return undefined;
  if (word !== undefined) words.push(word);
  return words;
}

const settingsOfSection = (section: IniSection, file: string): Settings =>
  new Map([...section.values].map(([key, v]) => [key, { value: v.value, file, line: v.line }]));

const STATIC_KEYS = ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'aws_security_token'];

/** One profile from its config section and credentials section (either may be missing). */
export function mergeProfile(
  name: string,
  config?: { section: IniSection; file: string },
  credentials?: { section: IniSection; file: string },
): Profile {
  const fromConfig = config && settingsOfSection(config.section, config.file);
  const fromCredentials = credentials && settingsOfSection(credentials.section, credentials.file);
  const settings: Settings = new Map([...(fromConfig ?? []), ...(fromCredentials ?? [])]);
  for (const key of STATIC_KEYS) settings.delete(key);

  // The file the static keys come from: the credentials file when it has an access key id
  // (the shared-credentials provider), else config (the config-file provider). With no key
  // id in either, a stray secret or token is kept so that validation can point at it.
  const hasId = (s?: Settings) => s?.has('aws_access_key_id') === true;
  const hasAny = (s?: Settings) => STATIC_KEYS.some((k) => s?.has(k));
  const source = hasId(fromCredentials)
    ? fromCredentials
    : hasId(fromConfig)
      ? fromConfig
      : hasAny(fromCredentials)
        ? fromCredentials
        : fromConfig;
  if (source) {
    for (const key of ['aws_access_key_id', 'aws_secret_access_key']) {
      const setting = source.get(key);
      if (setting) settings.set(key, setting);
    }
    // botocore's TOKENS order: the legacy name first.
    const token = source.get('aws_security_token') ?? source.get('aws_session_token');
    if (token) settings.set('aws_session_token', token);
  }

  const sections: Profile['sections'] = [];
  if (config) sections.push({ file: config.file, line: config.section.line, origin: 'config' });
  if (credentials) sections.push({ file: credentials.file, line: credentials.section.line, origin: 'credentials' });
  return {
    name,
    sections,
    settings,
    keysInCredentials: hasId(fromCredentials),
    config: fromConfig,
    credentials: fromCredentials,
  };
}

/** The profiles of both files' parsed sections, in the CLI's order: config's, then the rest. */
export function buildProfiles(paths: AwsFilePaths, config: IniSection[], credentials: IniSection[]): ProfileSet {
  return profilesOf(paths, parsedIniFile(paths.config, config), parsedIniFile(paths.credentials, credentials));
}

/** Both files' profiles; with `cache`, a big file's index of headers is kept between runs. */
export function loadProfiles(env: Env, cache?: IndexCache): ProfileSet {
  const paths = awsFilePaths(env);
  return profilesOf(paths, openIniFile(paths.config, cache), openIniFile(paths.credentials, cache));
}

function profilesOf(paths: AwsFilePaths, config: IniFile, credentials: IniFile): ProfileSet {
  return { paths, profiles: new ProfileMap(paths, config, credentials), ssoSessions: new SsoSessionMap(paths, config), files: { config, credentials } };
}

// `[profile NAME]` and `[sso-session NAME]` as nearly every file writes them: NAME one shell
// word with nothing to unquote, so the section's name is the prefix and NAME. A file's other
// headers (quoted, extra spaces) are few and are looked at one by one.
const PLAIN_PROFILE = /^profile [^ \t\r\n"'\\]+$/;
const PLAIN_SSO_SESSION = /^sso-session [^ \t\r\n"'\\]+$/;

/**
 * The config sections that name something other than the plain way, as [name, section]
 * (the file's scan noted them).
 */
function irregular(config: IniFile, prefix: string, plain: RegExp, nameOf: (section: string) => string | undefined): [string, number][] {
  const found: [string, number][] = [];
  for (const [section, i] of config.irregular()) {
    if (!section.startsWith(prefix) || plain.test(section)) continue;
    const name = nameOf(section);
    if (name !== undefined) found.push([name, i]);
  }
  return found;
}

/**
 * The config section a name's settings come from: botocore's build_profile_map lets a later
 * section for the same name replace an earlier one whole ([default] then [profile default],
 * or [profile a] then [profile "a"]), so the last of them.
 */
function lastSection(config: IniFile, name: string, prefix: string, plain: RegExp, others: [string, number][], alias?: string): number | undefined {
  const all = sectionsNamed(config, name, prefix, plain, others, alias);
  return all.length === 0 ? undefined : Math.max(...all);
}

function sectionsNamed(config: IniFile, name: string, prefix: string, plain: RegExp, others: [string, number][], alias?: string): number[] {
  const found: number[] = [];
  const direct = plain.test(`${prefix} ${name}`) ? config.indexOf(`${prefix} ${name}`) : undefined;
  if (direct !== undefined) found.push(direct);
  const aliased = alias === undefined ? undefined : config.indexOf(alias);
  if (aliased !== undefined) found.push(aliased);
  for (const [other, i] of others) if (other === name) found.push(i);
  return found;
}

/** The positions of the config sections profile `name` is made of (the last one wins), or none. */
export function configSectionsOf(config: IniFile, name: string): number[] {
  if (name === '') return [];
  const others = irregular(config, 'profile', PLAIN_PROFILE, configProfileName);
  return sectionsNamed(config, name, 'profile', PLAIN_PROFILE, others, name === 'default' ? 'default' : undefined);
}

/**
 * The profiles of both files as a read-only Map that builds a profile when it is asked for:
 * `use` merges the two or three it needs, not all of a generated file's 50,000. Iterating
 * it (list, doctor) reads each file whole once.
 */
/**
 * A ReadonlyMap of profiles (or sso-sessions) built when asked for: each name's value is made
 * by build() the first time it is asked for and kept (null: no such name); `names()` lists
 * them in file order. The rest of the Map surface is the same for both kinds.
 */
abstract class LazyProfiles implements ReadonlyMap<string, Profile> {
  readonly #built = new Map<string, Profile | null>();

  protected abstract build(name: string): Profile | null;
  protected abstract names(): string[];

  get(name: string): Profile | undefined {
    let profile = this.#built.get(name);
    if (profile === undefined) {
      profile = this.build(name);
      this.#built.set(name, profile);
    }
    return profile ?? undefined;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  get size(): number {
    return this.names().length;
  }

  keys(): MapIterator<string> {
    return this.names()[Symbol.iterator]();
  }

  *entries(): MapIterator<[string, Profile]> {
    for (const name of this.names()) yield [name, this.get(name)!];
  }

  *values(): MapIterator<Profile> {
    for (const [, profile] of this.entries()) yield profile;
  }

  [Symbol.iterator](): MapIterator<[string, Profile]> {
    return this.entries();
  }

  forEach(callback: (value: Profile, key: string, map: ReadonlyMap<string, Profile>) => void, thisArg?: unknown): void {
    for (const [name, profile] of this.entries()) callback.call(thisArg, profile, name, this);
  }
}

class ProfileMap extends LazyProfiles {
  #others?: [string, number][];
  #names?: string[];

  constructor(
    private readonly paths: AwsFilePaths,
    private readonly config: IniFile,
    private readonly credentials: IniFile,
  ) {
    super();
  }

  protected build(name: string): Profile | null {
    // `[profile ""]` makes a profile named '', which no --profile can select; leave it out.
    this.#others ??= irregular(this.config, 'profile', PLAIN_PROFILE, configProfileName);
    const c = name === '' ? undefined : lastSection(this.config, name, 'profile', PLAIN_PROFILE, this.#others, name === 'default' ? 'default' : undefined);
    const k = this.credentials.indexOf(name);
    if (c === undefined && k === undefined) return null;
    return mergeProfile(
      name,
      c === undefined ? undefined : { section: this.config.section(c), file: this.paths.config },
      k === undefined ? undefined : { section: this.credentials.section(k), file: this.paths.credentials },
    );
  }

  /** Config's profiles in the order each first appears, then the credentials file's others. */
  protected names(): string[] {
    if (!this.#names) {
      const seen = new Set<string>();
      // Headers not in irregular() that start with 'profile ' are plain: no test of each.
      const odd = new Set(this.config.irregular().map(([, i]) => i));
      this.config.names().forEach((section, i) => {
        const name = !odd.has(i) && section.startsWith('profile ') ? section.slice('profile '.length) : configProfileName(section);
        if (name !== undefined && name !== '') seen.add(name);
      });
      for (const section of this.credentials.names()) seen.add(section);
      this.#names = [...seen];
    }
    return this.#names;
  }

  override *entries(): MapIterator<[string, Profile]> {
    // Every profile: each file read whole once, not a section at a time.
    this.config.all();
    this.credentials.all();
    yield* super.entries();
  }
}

/** botocore's `sso_sessions`: the `[sso-session NAME]` sections of config, built when asked for. */
class SsoSessionMap extends LazyProfiles {
  #others?: [string, number][];

  constructor(
    private readonly paths: AwsFilePaths,
    private readonly config: IniFile,
  ) {
    super();
  }

  protected build(name: string): Profile | null {
    this.#others ??= irregular(this.config, 'sso-session', PLAIN_SSO_SESSION, ssoSessionName);
    const i = lastSection(this.config, name, 'sso-session', PLAIN_SSO_SESSION, this.#others);
    return i === undefined ? null : mergeProfile(name, { section: this.config.section(i), file: this.paths.config });
  }

  protected names(): string[] {
    const seen = new Set<string>();
    for (const section of this.config.names()) {
      const name = PLAIN_SSO_SESSION.test(section) ? section.slice('sso-session '.length) : ssoSessionName(section);
      if (name !== undefined) seen.add(name);
    }
    return [...seen];
  }
}

export function getProfile(set: ProfileSet, name: string): Profile {
  // The CLI takes `--profile ''` as no profile at all; awsenv has no default to fall back on.
  if (name === '') throw new UsageError('the profile name is empty');
  const profile = set.profiles.get(name);
  if (!profile) throw new ProfileNotFound(name, closest(name, [...set.profiles.keys()]), set.profiles.size);
  return profile;
}

// Stricter than the CLI, on purpose (each checked against aws-cli 2.9.19): it takes an empty
// `aws_access_key_id =` as a key and fails only at the first request, and it takes a nested
// block under a key (`aws_access_key_id =` then indented lines) as the key "{'a': 'b'}".
// awsenv refuses both here, naming the file, line and key.
//
// Each key has its own schema, built the first time a profile has that key: a `use` reads
// a profile of two to four keys, and building and running one object schema of all twenty
// cost a millisecond of a 25 ms run (see the speed issue), mostly zod code running for the
// first time. Validated key by key, a role profile builds one string schema and shares it.
/** botocore's CanonicalNameCredentialSourcer names, the values credential_source may have. */
export const CREDENTIAL_SOURCES = ['Environment', 'Ec2InstanceMetadata', 'EcsContainer'] as const;
const nonEmpty = lazy(() => z.string().check(z.minLength(1, 'is empty')));
const anyString = lazy(() => z.string());
const SETTING_SCHEMAS = {
  aws_access_key_id: nonEmpty,
  aws_secret_access_key: nonEmpty,
  // An empty token line is tolerated here (treated as no token) and reported by doctor.
  aws_session_token: anyString,
  aws_security_token: anyString,
  expiration: lazy(() => z.string().check(z.refine((s) => !Number.isNaN(Date.parse(s)), 'is not a date and time (RFC 3339)'))),
  region: nonEmpty,
  mfa_serial: nonEmpty,
  role_arn: nonEmpty,
  source_profile: nonEmpty,
  // The message names the valid values, never the value found (it could be anything).
  credential_source: lazy(() =>
    z.enum(CREDENTIAL_SOURCES, { error: `must be one of ${CREDENTIAL_SOURCES.join(', ')} (botocore's names, case-sensitive)` }),
  ),
  external_id: nonEmpty,
  role_session_name: nonEmpty,
  web_identity_token_file: nonEmpty,
  duration_seconds: lazy(() =>
    z.pipe(
      z.pipe(z.string().check(z.regex(/^\d+$/, 'is not a whole number of seconds')), z.transform(Number)),
      z.number().check(z.gte(900, 'is under 900 seconds, the least STS grants'), z.lte(129600, 'is over 36 hours')),
    ),
  ),
  credential_process: nonEmpty,
  sso_session: nonEmpty,
  sso_start_url: nonEmpty,
  sso_region: nonEmpty,
  sso_account_id: nonEmpty,
  sso_role_name: nonEmpty,
};
type SettingSchemas = typeof SETTING_SCHEMAS;
/** The keys parseSettings validates (every other key passes untouched). */
export const SETTING_KEYS = Object.keys(SETTING_SCHEMAS) as (keyof SettingSchemas)[];

/** The settings awsenv reads, validated; unknown keys (s3, cli_pager, …) pass untouched. */
export type ProfileSettings = { [K in keyof SettingSchemas]?: z.output<ReturnType<SettingSchemas[K]>> } & Record<string, unknown>;

/** A problem with one key of a profile's settings. */
export interface SettingIssue {
  key: string;
  message: string;
}

/** Validates settings given as plain values; the issue names the key, never the value. */
export function parseSettings(plain: Readonly<Record<string, unknown>>): { settings: ProfileSettings } | { issue: SettingIssue } {
  // No prototype: a key named __proto__ in a file is only a key.
  const settings = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(plain)) {
    const value = plain[key];
    const schema = Object.hasOwn(SETTING_SCHEMAS, key) ? SETTING_SCHEMAS[key as keyof SettingSchemas]() : undefined;
    if (!schema) {
      settings[key] = value;
      continue;
    }
    if (typeof value === 'object') return { issue: { key, message: 'is a nested block, but must be a single value' } };
    const result = schema.safeParse(value);
    if (!result.success) return { issue: { key, message: result.error.issues[0]!.message } };
    settings[key] = result.data;
  }
  if (settings.aws_access_key_id && !settings.aws_secret_access_key) {
    return { issue: { key: 'aws_access_key_id', message: 'is set but aws_secret_access_key is missing' } };
  }
  if (settings.aws_secret_access_key && !settings.aws_access_key_id) {
    return { issue: { key: 'aws_secret_access_key', message: 'is set but aws_access_key_id is missing' } };
  }
  return { settings: settings as ProfileSettings };
}

/** Validates a profile's settings; the error names file, line and key, never the value. */
export function settingsOf(profile: Profile): ProfileSettings {
  const plain: Record<string, unknown> = Object.create(null);
  for (const [key, s] of profile.settings) plain[key] = s.value;
  const result = parseSettings(plain);
  if ('settings' in result) return result.settings;
  const { key, message } = result.issue;
  const where = profile.settings.get(key) ?? { file: profile.sections[0]!.file, line: profile.sections[0]!.line };
  throw new ConfigError(where.file, where.line, `profile '${profile.name}': ${key} ${message}`);
}

const buildSsoSessionSettings = () => {
  const required = z.string().check(z.minLength(1, 'is empty'));
  return z.looseObject({
    sso_start_url: required,
    sso_region: required,
    sso_registration_scopes: z.optional(z.string()),
  });
};
const ssoSessionSettings = lazy(buildSsoSessionSettings);
export type SsoSessionSettings = z.infer<ReturnType<typeof buildSsoSessionSettings>>;

/**
 * The validated `[sso-session NAME]` that a profile's sso_session names; errors name the
 * profile's line when the section is missing, else the section's file and line.
 */
export function ssoSessionOf(set: ProfileSet, profile: Profile, name: string): SsoSessionSettings & { file: string; line: number } {
  const session = set.ssoSessions?.get(name);
  if (!session) {
    const where = profile.settings.get('sso_session') ?? { file: set.paths.config, line: undefined };
    throw new ConfigError(where.file, where.line, `profile '${profile.name}': sso_session names '${name}', but ${set.paths.config} has no [sso-session ${name}] section`);
  }
  const known = validSessions.get(session);
  if (known) return { ...known };
  const plain: Record<string, unknown> = {};
  for (const [key, s] of session.settings) plain[key] = s.value;
  const result = ssoSessionSettings().safeParse(plain);
  const { file, line } = session.sections[0]!;
  if (!result.success) {
    const key = String(result.error.issues[0]!.path[0] ?? '');
    const at = session.settings.get(key);
    const problem = at ? (typeof at.value === 'object' ? 'is a nested block, but must be a single value' : result.error.issues[0]!.message) : 'is missing';
    throw new ConfigError(at?.file ?? file, at?.line ?? line, `[sso-session ${name}]: ${key} ${problem}`);
  }
  const valid = { ...result.data, file, line };
  validSessions.set(session, valid);
  return { ...valid };
}

/** Sessions found valid, by their section: `list` asks once per profile, 40,000 times for one session. */
const validSessions = new WeakMap<Profile, SsoSessionSettings & { file: string; line: number }>();

/**
 * The kind, in the order botocore's credential chain tries providers for a named profile
 * (the environment is skipped when a profile is named): assume-role (role_arn without
 * web_identity_token_file), web identity (web_identity_token_file; botocore's provider
 * takes it before the rest and insists on role_arn), SSO (sso_account_id or sso_role_name;
 * sso_start_url alone is not enough), keys from the credentials file, credential_process,
 * keys from the config file. Keys with mfa_serial are awsenv's "mfa" kind (a
 * GetSessionToken session, as aws-mfa does); the CLI itself ignores mfa_serial there.
 *
 * As a source_profile (`asSource`), botocore's _resolve_credentials_from_profile: a profile
 * with static keys, or without role_arn, is read through the profile chain (web identity,
 * SSO, keys, process), so its own role_arn is not followed and its mfa_serial is not used;
 * only a source without keys but with role_arn assumes its role.
 */
export function kindOf(s: ProfileSettings, keysInCredentials: boolean, asSource = false): ProfileKind {
  const hasStatic = s.aws_access_key_id !== undefined || s.aws_secret_access_key !== undefined;
  if (s.role_arn !== undefined && s.web_identity_token_file === undefined && !(asSource && hasStatic)) return 'role';
  if (s.web_identity_token_file !== undefined) return 'web-identity';
  if (s.sso_account_id !== undefined || s.sso_role_name !== undefined) return 'sso';
  const keys = (): ProfileKind => (s.mfa_serial && !asSource ? 'mfa' : s.aws_session_token ? 'keys+token' : 'keys');
  if (s.aws_access_key_id !== undefined && keysInCredentials) return keys();
  if (s.credential_process !== undefined) return 'process';
  if (s.aws_access_key_id !== undefined) return keys();
  return 'none';
}
