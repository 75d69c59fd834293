// Profiles for the end-to-end tests, written into the two AWS files wherever the INI format
// keeps a value as is, and the environment CONTRACT.md says `use` and `clear` leave behind:
// an oracle written from the contract's table, not from src/core/environment.ts.
import { STATE, STATE_VARS } from '../../src/core/variables.js';

export interface ProfileSpec {
  name: string;
  keyId: string;
  secret: string;
  token?: string;
  /** Written as `expiration = …` next to the token; RFC 3339. */
  expiration?: string;
  /** Written into config as `[profile "name"]` / `region = …`. */
  region?: string;
}

/** Every variable CONTRACT.md's table names, awsenv's state included. */
export const CREDENTIAL_VARS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CREDENTIAL_EXPIRATION'];
export const LEGACY_VARS = ['AWS_SECURITY_TOKEN', 'AWS_SESSION_EXPIRATION', 'AWS_DEFAULT_PROFILE'];
export const REGION_VARS = ['AWS_REGION', 'AWS_DEFAULT_REGION'];
export const CONTRACT_VARS = [...CREDENTIAL_VARS, ...LEGACY_VARS, 'AWS_PROFILE', ...REGION_VARS, ...STATE_VARS];

/**
 * The state variables this oracle models: what CONTRACT.md names (profile, expiry, what
 * awsenv set). State that awsenv adds for its hook beyond these is checked only in that
 * clear removes it (CONTRACT_VARS), so such additions do not need a change here.
 */
const MODELLED_STATE: string[] = [STATE.profile, STATE.keyId, STATE.expiry, STATE.region];
const unmodelled = (name: string) => (STATE_VARS as readonly string[]).includes(name) && !MODELLED_STATE.includes(name);

/** The variables of an environment that are compared with the oracle: AWS_* and AWSENV_*. */
export function awsVars(env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(env).sort()) if (/^AWS/.test(name) && !unmodelled(name)) out[name] = env[name]!;
  return out;
}

/** The contract's "environment after `use PROFILE`", from the environment before it. */
export function afterUse(before: Record<string, string>, p: ProfileSpec): Record<string, string> {
  const env = { ...before };
  for (const name of [...CREDENTIAL_VARS, ...LEGACY_VARS, STATE.expiry]) delete env[name];
  env.AWS_ACCESS_KEY_ID = p.keyId;
  env.AWS_SECRET_ACCESS_KEY = p.secret;
  if (p.token) env.AWS_SESSION_TOKEN = p.token;
  if (p.token && p.expiration) {
    const at = new Date(p.expiration);
    env.AWS_CREDENTIAL_EXPIRATION = at.toISOString().replace(/\.\d{3}Z$/, 'Z');
    env[STATE.expiry] = String(Math.floor(at.getTime() / 1000));
  }
  env.AWS_PROFILE = p.name;
  env[STATE.profile] = p.name;
  env[STATE.keyId] = p.keyId;
  if (p.region !== undefined) {
    for (const name of [...REGION_VARS, STATE.region]) env[name] = p.region;
  } else {
    dropOurRegion(before, env);
  }
  return env;
}

/** The contract's `clear` (and `clear --all`). */
export function afterClear(before: Record<string, string>, all = false): Record<string, string> {
  const env = { ...before };
  for (const name of [...CREDENTIAL_VARS, ...LEGACY_VARS, 'AWS_PROFILE']) delete env[name];
  if (all) {
    for (const name of Object.keys(env)) {
      if (REGION_VARS.includes(name) || /^(AWS_VAULT$|AWSUME_|GRANTED_)/.test(name)) delete env[name];
    }
  } else {
    dropOurRegion(before, env);
  }
  for (const name of STATE_VARS) delete env[name];
  return env;
}

/** "a region that awsenv set for an earlier profile is removed …; a region the user set by hand is left alone". */
function dropOurRegion(before: Record<string, string>, env: Record<string, string>): void {
  const ours = before[STATE.region];
  if (ours !== undefined) for (const name of REGION_VARS) if (before[name] === ours) delete env[name];
  delete env[STATE.region];
}

// --- Writing the files. What the INI reader (src/files/ini.ts, after Python's configparser)
// keeps as is: values are stripped of Python whitespace at both ends; a line whose first
// non-blank character is '#' or ';' is a comment, but `key = ;x` is not; an indented line
// continues the value above as a new line (so a value CAN hold LF that way), a blank line
// inside one becomes an empty line of it; CR ends a line. Values that break these rules are
// refused here, so a test never believes it wrote something the file cannot carry.
const PY_SPACE = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const EDGE_SPACE = new RegExp(`^[${PY_SPACE}]|[${PY_SPACE}]$`);

function iniLines(key: string, value: string): string {
  const [first, ...rest] = value.split('\n');
  if (!first || value.includes('\r') || value.includes('\0')) throw new Error(`${key}: the INI format cannot carry this value`);
  for (const line of [first, ...rest]) {
    if (line !== '' && EDGE_SPACE.test(line)) throw new Error(`${key}: a line of the value starts or ends with whitespace, which the reader strips`);
  }
  if (rest.at(-1) === '') throw new Error(`${key}: trailing empty lines are stripped`);
  for (const line of rest) {
    if (/^[#;]/.test(line)) throw new Error(`${key}: a continuation line starting with # or ; is a comment`);
  }
  return [`${key} = ${first}`, ...rest.map((line) => (line === '' ? '' : `    ${line}`))].join('\n');
}

function sectionName(name: string): string {
  if (/[\r\n\]]/.test(name) || EDGE_SPACE.test(name) || name === 'DEFAULT') throw new Error(`profile name ${JSON.stringify(name)} cannot be a section`);
  return name;
}

/** The credentials file: one `[name]` section per profile. */
export function credentialsFile(profiles: ProfileSpec[]): string {
  return profiles
    .map((p) => {
      const lines = [`[${sectionName(p.name)}]`, iniLines('aws_access_key_id', p.keyId), iniLines('aws_secret_access_key', p.secret)];
      if (p.token) lines.push(iniLines('aws_session_token', p.token));
      if (p.expiration) lines.push(iniLines('expiration', p.expiration));
      return `${lines.join('\n')}\n`;
    })
    .join('\n');
}

/**
 * The config file: `[profile "name"]` with the region. botocore splits the header like a
 * shell word (shlex), so the name is double-quoted with \ before " and \.
 */
export function configFile(profiles: ProfileSpec[]): string {
  return profiles
    .filter((p) => p.region !== undefined)
    .map((p) => `[profile "${sectionName(p.name).replace(/["\\]/g, '\\$&')}"]\n${iniLines('region', p.region!)}\n`)
    .join('\n');
}

/** Repeats `chunk` to exactly `length` code points, ending in a non-space. */
export function longValue(chunk: string, length: number): string {
  const points: string[] = [];
  while (points.length < length) points.push(...chunk);
  points.length = length - 1;
  return `${points.join('')}Z`;
}
