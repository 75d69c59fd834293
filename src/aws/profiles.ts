// Profiles from both shared files, merged with the AWS CLI's precedence, each validated with
// zod when it is used and told apart by kind.
// zod/mini: the same validation as zod, a fraction of the size on the path every `use` takes.
import * as z from 'zod/mini';
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
  for (const section of readIniFile(paths.config)) {
    const name = configProfileName(section.name);
    if (name !== undefined) addSection(profiles, name, section, paths.config, 'config');
  }
  for (const section of readIniFile(paths.credentials)) {
    addSection(profiles, section.name, section, paths.credentials, 'credentials');
  }
  return { paths, profiles };
}

export function getProfile(set: ProfileSet, name: string): Profile {
  const profile = set.profiles.get(name);
  if (!profile) throw new ProfileNotFound(name, closest(name, [...set.profiles.keys()]), set.profiles.size);
  return profile;
}

const nonEmpty = z.optional(z.string().check(z.minLength(1, 'is empty')));
const seconds = z.optional(
  z.pipe(
    z.pipe(z.string().check(z.regex(/^\d+$/, 'is not a whole number of seconds')), z.transform(Number)),
    z.number().check(z.gte(900, 'is under 900 seconds, the least STS grants'), z.lte(129600, 'is over 36 hours')),
  ),
);

/** The settings awsenv reads, validated; unknown keys (s3, cli_pager, …) pass untouched. */
export const ProfileSettings = z
  .looseObject({
    aws_access_key_id: nonEmpty,
    aws_secret_access_key: nonEmpty,
    // An empty token line is tolerated here (treated as no token) and reported by doctor.
    aws_session_token: z.optional(z.string()),
    aws_security_token: z.optional(z.string()),
    expiration: z.optional(z.string().check(z.refine((s) => !Number.isNaN(Date.parse(s)), 'is not a date and time (RFC 3339)'))),
    region: nonEmpty,
    mfa_serial: nonEmpty,
    role_arn: nonEmpty,
    source_profile: nonEmpty,
    credential_source: z.optional(z.enum(['Environment', 'Ec2InstanceMetadata', 'EcsContainer'])),
    external_id: nonEmpty,
    role_session_name: nonEmpty,
    duration_seconds: seconds,
    credential_process: nonEmpty,
    sso_session: nonEmpty,
    sso_start_url: nonEmpty,
    sso_region: nonEmpty,
    sso_account_id: nonEmpty,
    sso_role_name: nonEmpty,
  })
  .check(
    z.superRefine((s, ctx) => {
      if (s.aws_access_key_id && !s.aws_secret_access_key) {
        ctx.issues.push({ code: 'custom', input: s, path: ['aws_access_key_id'], message: 'is set but aws_secret_access_key is missing' });
      }
      if (s.aws_secret_access_key && !s.aws_access_key_id) {
        ctx.issues.push({ code: 'custom', input: s, path: ['aws_secret_access_key'], message: 'is set but aws_access_key_id is missing' });
      }
    }),
  );
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

