// Profiles from both shared files, merged with the AWS CLI's precedence, each validated with
// zod when it is used and told apart by kind.
import { z } from 'zod';
import { ConfigError, ProfileNotFound } from '../errors.js';
import { closest } from '../util/closest.js';
import { type AwsFilePaths, awsFilePaths, type Env, readIniFile } from './files.js';
import { type IniSection, type IniValue } from './ini.js';

export const PROFILE_KINDS = ['keys', 'keys+token', 'mfa', 'role', 'process', 'sso', 'none'] as const;
export type ProfileKind = (typeof PROFILE_KINDS)[number];

export interface Setting {
  value: string | Record<string, string>;
  file: string;
  line: number;
}

export interface Profile {
  name: string;
  /** The sections it was built from, config first. */
  sections: { file: string; line: number; origin: 'config' | 'credentials' }[];
  /** Merged settings: a key in the credentials file wins over the same key in config. */
  settings: Map<string, Setting>;
  /** Whether the access keys come from the credentials file (they then beat credential_process). */
  keysInCredentials: boolean;
}

export interface ProfileSet {
  paths: AwsFilePaths;
  profiles: Map<string, Profile>;
  /** `[sso-session NAME]` sections of config (botocore's `sso_sessions`); see ssoSessionOf. */
  ssoSessions?: Map<string, Profile>;
}

/**
 * botocore's build_profile_map: in config, `[profile NAME]` (split like a shell word, so
 * `[profile "a b"]` is `a b`) and `[default]`; other sections are not profiles. In the
 * credentials file every section is a profile.
 */
export function configProfileName(section: string): string | undefined {
  if (section === 'default') return 'default';
  if (!section.startsWith('profile')) return undefined;
  const words = shellWords(section);
  return words?.length === 2 ? words[1] : undefined;
}

/** botocore: `[sso-session NAME]` in config, NAME split like a shell word as for profiles. */
export function ssoSessionName(section: string): string | undefined {
  if (!section.startsWith('sso-session')) return undefined;
  const words = shellWords(section);
  return words?.length === 2 && words[0] === 'sso-session' ? words[1] : undefined;
}

/** Python's shlex.split for the simple cases a section header has; undefined when it would raise. */
function shellWords(s: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && (s[i + 1] === '"' || s[i + 1] === '\\')) word += s[++i]!;
      else word += c;
    } else if (/\s/.test(c)) {
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

function addSection(
  profiles: Map<string, Profile>,
  name: string,
  section: IniSection,
  file: string,
  origin: 'config' | 'credentials',
): void {
  let profile = profiles.get(name);
  if (!profile) {
    profile = { name, sections: [], settings: new Map(), keysInCredentials: false };
    profiles.set(name, profile);
  }
  profile.sections.push({ file, line: section.line, origin });
  for (const [key, v] of section.values as Map<string, IniValue>) {
    profile.settings.set(key, { value: v.value, file, line: v.line });
  }
  if (origin === 'credentials' && section.values.has('aws_access_key_id')) profile.keysInCredentials = true;
}

export function loadProfiles(env: Env): ProfileSet {
  const paths = awsFilePaths(env);
  const profiles = new Map<string, Profile>();
  const ssoSessions = new Map<string, Profile>();
  for (const section of readIniFile(paths.config)) {
    const name = configProfileName(section.name);
    if (name !== undefined) addSection(profiles, name, section, paths.config, 'config');
    const sso = ssoSessionName(section.name);
    if (sso !== undefined) addSection(ssoSessions, sso, section, paths.config, 'config');
  }
  for (const section of readIniFile(paths.credentials)) {
    addSection(profiles, section.name, section, paths.credentials, 'credentials');
  }
  return { paths, profiles, ssoSessions };
}

export function getProfile(set: ProfileSet, name: string): Profile {
  const profile = set.profiles.get(name);
  if (!profile) throw new ProfileNotFound(name, closest(name, [...set.profiles.keys()]));
  return profile;
}

const nonEmpty = z.string().min(1, 'is empty');
const seconds = z
  .string()
  .regex(/^\d+$/, 'is not a whole number of seconds')
  .transform(Number)
  .pipe(z.number().min(900, 'is under 900 seconds, the least STS grants').max(129600, 'is over 36 hours'));

/** The settings awsenv reads, validated; unknown keys (s3, cli_pager, …) pass untouched. */
export const ProfileSettings = z
  .looseObject({
    aws_access_key_id: nonEmpty.optional(),
    aws_secret_access_key: nonEmpty.optional(),
    // An empty token line is tolerated here (treated as no token) and reported by doctor.
    aws_session_token: z.string().optional(),
    aws_security_token: z.string().optional(),
    expiration: z
      .string()
      .refine((s) => !Number.isNaN(Date.parse(s)), 'is not a date and time (RFC 3339)')
      .optional(),
    region: nonEmpty.optional(),
    mfa_serial: nonEmpty.optional(),
    role_arn: nonEmpty.optional(),
    source_profile: nonEmpty.optional(),
    credential_source: z.enum(['Environment', 'Ec2InstanceMetadata', 'EcsContainer']).optional(),
    external_id: nonEmpty.optional(),
    role_session_name: nonEmpty.optional(),
    duration_seconds: seconds.optional(),
    credential_process: nonEmpty.optional(),
    sso_session: nonEmpty.optional(),
    sso_start_url: nonEmpty.optional(),
    sso_region: nonEmpty.optional(),
    sso_account_id: nonEmpty.optional(),
    sso_role_name: nonEmpty.optional(),
  })
  .superRefine((s, ctx) => {
    if (s.aws_access_key_id && !s.aws_secret_access_key) {
      ctx.addIssue({ code: 'custom', path: ['aws_access_key_id'], message: 'is set but aws_secret_access_key is missing' });
    }
    if (s.aws_secret_access_key && !s.aws_access_key_id) {
      ctx.addIssue({ code: 'custom', path: ['aws_secret_access_key'], message: 'is set but aws_access_key_id is missing' });
    }
  });
export type ProfileSettings = z.infer<typeof ProfileSettings>;

/** Validates a profile's settings; the error names file, line and key, never the value. */
export function settingsOf(profile: Profile): ProfileSettings {
  const plain: Record<string, unknown> = {};
  for (const [key, s] of profile.settings) plain[key] = s.value;
  const result = ProfileSettings.safeParse(plain);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const key = String(issue.path[0] ?? '');
  const where = profile.settings.get(key) ?? { file: profile.sections[0]!.file, line: profile.sections[0]!.line };
  const problem =
    issue.code === 'invalid_type' && typeof plain[key] === 'object'
      ? 'is a nested block, but must be a single value'
      : issue.message;
  throw new ConfigError(where.file, where.line, `profile '${profile.name}': ${key} ${problem}`);
}

const SsoSessionSettings = z.looseObject({
  sso_start_url: nonEmpty,
  sso_region: nonEmpty,
  sso_registration_scopes: z.string().optional(),
});
export type SsoSessionSettings = z.infer<typeof SsoSessionSettings>;

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
  const plain: Record<string, unknown> = {};
  for (const [key, s] of session.settings) plain[key] = s.value;
  const result = SsoSessionSettings.safeParse(plain);
  const { file, line } = session.sections[0]!;
  if (!result.success) {
    const key = String(result.error.issues[0]!.path[0] ?? '');
    const at = session.settings.get(key);
    const problem = at ? (typeof at.value === 'object' ? 'is a nested block, but must be a single value' : result.error.issues[0]!.message) : 'is missing';
    throw new ConfigError(at?.file ?? file, at?.line ?? line, `[sso-session ${name}]: ${key} ${problem}`);
  }
  return { ...result.data, file, line };
}

/**
 * The kind, in the order botocore's credential chain tries providers: assume-role, SSO,
 * keys from the credentials file, credential_process, keys from the config file.
 * Keys with mfa_serial are awsenv's "mfa" kind (a GetSessionToken session, as aws-mfa does).
 */
export function kindOf(s: ProfileSettings, keysInCredentials: boolean): ProfileKind {
  if (s.role_arn) return 'role';
  if (s.sso_session || s.sso_start_url) return 'sso';
  const keys = (): ProfileKind => (s.mfa_serial ? 'mfa' : s.aws_session_token ? 'keys+token' : 'keys');
  if (s.aws_access_key_id && keysInCredentials) return keys();
  if (s.credential_process) return 'process';
  if (s.aws_access_key_id) return keys();
  return 'none';
}

