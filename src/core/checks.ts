// The one set of offline checks behind `list`, `current` and `doctor`, so that the three
// agree: shellFindings looks at this shell's environment (current, doctor), profileFindings
// at one profile of the files and the profiles it draws on (list, doctor). Each finding has
// the cause it points to (CONTRACT.md's list) and a command that fixes it, written in the
// syntax of the user's shell; each command shows what fits its purpose.
import type { Env } from '../files/files.js';
import { getProfile, kindOf, type ProfileKind, type ProfileSet, type ProfileSettings, settingsOf } from '../files/profiles.js';
import { AwsenvError } from '../errors.js';
import type { ShellName } from '../shells/index.js';
import { maskKeyId, STATE } from './variables.js';

export const CAUSES = [
  'key-inactive',
  'wrong-secret',
  'wrong-profile',
  'leftover-token',
  'mfa-required',
  'expired',
  'token-missing',
  'clock-skew',
  'unreachable',
  'region',
  'partition',
  'files',
] as const;
export type Cause = (typeof CAUSES)[number];

export interface Finding {
  id: string;
  severity: 'problem' | 'warning';
  cause: Cause;
  message: string;
  fix: string | null;
}

/** Commands to suggest, in the syntax of the shell they will be typed in. */
export interface Syntax {
  /** Applies `awsenv ARGS`: eval "$(awsenv use p)", awsenv use p | source, … */
  apply(args: string): string;
  unset(...names: string[]): string;
  /** A word quoted for this shell when it needs it. */
  quote(word: string): string;
}

const posixQuote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);

export function syntaxFor(shell: ShellName | undefined): Syntax {
  switch (shell) {
    case 'fish':
      return {
        apply: (args) => `awsenv ${args} | source`,
        unset: (...names) => `set -e ${names.join(' ')}`,
        quote: (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/[\\']/g, '\\$&')}'`),
      };
    case 'tcsh':
      return {
        apply: (args) => `eval "\`awsenv ${args}\`"`,
        unset: (...names) => names.map((n) => `unsetenv ${n}`).join('; '),
        quote: posixQuote,
      };
    case 'pwsh':
      return {
        apply: (args) => `awsenv ${args} --shell pwsh | Out-String | Invoke-Expression`,
        unset: (...names) => names.map((n) => `Remove-Item Env:${n} -ErrorAction SilentlyContinue`).join('; '),
        quote: (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", "''")}'`),
      };
    case 'cmd':
    case 'setx':
      return {
        apply: (args) => `shell\\awsenv.cmd ${args}`,
        unset: (...names) => names.map((n) => `set ${n}=`).join(' & '),
        quote: (s) => (/^[\w@+=:,./-]+$/.test(s) ? s : `"${s}"`),
      };
    default:
      return { apply: (args) => `eval "$(awsenv ${args})"`, unset: (...names) => `unset ${names.join(' ')}`, quote: posixQuote };
  }
}

/** "3h5m", "42m", "17s", "2d": time left or ago, rounded down, as the prompt segment shows it. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h}h${m % 60 ? `${m % 60}m` : ''}` : `${Math.floor(h / 24)}d`;
}

const profileWord = (name: string) => `profile '${name}'`;

const STATIC_KINDS: readonly ProfileKind[] = ['keys', 'keys+token'];

/** The end of the session the environment holds, in ms, when it says. */
export function environmentExpiry(env: Env): number | undefined {
  const text = env.AWS_CREDENTIAL_EXPIRATION;
  // From the environment: digits only, and a date JavaScript can hold (±8.64e15 ms).
  const epoch = /^\d{1,15}$/.test(env[STATE.expiry] ?? '') ? Number(env[STATE.expiry]) * 1000 : NaN;
  const parsed = text ? Date.parse(text) : epoch;
  return Math.abs(parsed) <= 8.64e15 ? parsed : undefined;
}

/** What is wrong with this shell's AWS environment, offline. */
export function shellFindings(env: Env, load: () => ProfileSet, now: Date, syntax: Syntax): Finding[] {
  const out: Finding[] = [];
  const add = (id: string, cause: Cause, message: string, fix: string | null, severity: Finding['severity'] = 'problem') =>
    out.push({ id, severity, cause, message, fix });
  const keyId = env.AWS_ACCESS_KEY_ID || undefined;
  const token = env.AWS_SESSION_TOKEN;
  const profile = env.AWS_PROFILE || undefined;
  const chosen = env[STATE.profile] || undefined;
  const use = (p: string, more = '') => syntax.apply(`use ${syntax.quote(p)}${more}`);

  if (chosen && profile !== chosen) {
    add('profile-changed', 'wrong-profile', `AWS_PROFILE is ${profile ? `'${profile}'` : 'unset'}, but awsenv set up '${chosen}'`, use(profile ?? chosen));
  }
  if (keyId && chosen && env[STATE.keyId] !== keyId) {
    add('keys-not-awsenv', 'wrong-profile', `the exported key ${maskKeyId(keyId)} was not set by awsenv (it set up '${chosen}')`, use(profile ?? chosen));
  }
  if (keyId?.startsWith('AKIA') && token) {
    add('leftover-token', 'leftover-token', 'AWS_SESSION_TOKEN is set next to a long-term AKIA key: a token left from an earlier session, which AWS rejects with the key', syntax.unset('AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN'));
  }
  if (keyId?.startsWith('ASIA') && !token) {
    add('token-missing', 'token-missing', 'a temporary ASIA key is set without AWS_SESSION_TOKEN', profile ? use(profile) : syntax.apply('clear'));
  }
  if (token === '') add('empty-token', 'leftover-token', 'AWS_SESSION_TOKEN is set but empty; some tools send it as an empty token', syntax.unset('AWS_SESSION_TOKEN'), 'warning');
  const expiry = environmentExpiry(env);
  if (expiry !== undefined && expiry <= now.getTime() && (keyId || token)) {
    const ago = formatDuration(Math.floor((now.getTime() - expiry) / 1000));
    add('expired', 'expired', `the session expired ${ago} ago`, use(profile ?? chosen ?? 'PROFILE', ' --refresh'));
  }
  // AWS_PROFILE must name a profile, keys or no keys: every AWS tool fails on one it cannot find.
  if (profile) {
    try {
      const p = getProfile(load(), profile);
      const s = settingsOf(p);
      const kind = kindOf(s, p.keysInCredentials);
      const fromAwsenv = chosen === profile && env[STATE.keyId] === keyId;
      const fileKey = s.aws_access_key_id;
      const theirs = STATIC_KINDS.includes(kind) ? fileKey === keyId : fromAwsenv;
      if (keyId && !theirs && !out.some((f) => f.id === 'keys-not-awsenv')) {
        add(
          'keys-not-profile',
          'wrong-profile',
          STATIC_KINDS.includes(kind)
            ? `the exported key ${maskKeyId(keyId)} is not the key of profile '${profile}' (${fileKey ? maskKeyId(fileKey) : 'none'}), and exported keys beat AWS_PROFILE in every AWS tool`
            : `keys are exported (${maskKeyId(keyId)}) that awsenv did not get for profile '${profile}' (${kind}), and exported keys beat AWS_PROFILE in every AWS tool`,
          use(profile),
        );
      }
    } catch (error) {
      if (!(error instanceof AwsenvError)) throw error;
      const notFound = error.name === 'ProfileNotFound';
      add(notFound ? 'unknown-profile' : 'unreadable-files', notFound ? 'wrong-profile' : 'files', `AWS_PROFILE: ${error.message}`, notFound ? 'awsenv list' : null);
    }
  }
  return out;
}

/**
 * What is wrong with profile `name` in the files, offline: its settings, a token left next
 * to long-term keys, an expired one, and along source_profile, the profiles it draws on
 * (a cycle, a missing source, their own problems).
 */
export function profileFindings(set: ProfileSet, name: string, now: Date): Finding[] {
  const out: Finding[] = [];
  const seen: string[] = [];
  let current: string | undefined = name;
  while (current !== undefined) {
    if (seen.includes(current)) {
      out.push({ id: 'cycle', severity: 'problem', cause: 'files', message: `source_profile forms a cycle: ${[...seen, current].join(' → ')}`, fix: null });
      break;
    }
    seen.push(current);
    const via = current === name ? '' : `source ${profileWord(current)}: `;
    let s: ProfileSettings;
    let kind: ProfileKind;
    try {
      const p = getProfile(set, current);
      s = settingsOf(p);
      kind = kindOf(s, p.keysInCredentials);
    } catch (error) {
      if (!(error instanceof AwsenvError)) throw error;
      out.push({ id: error.name === 'ProfileNotFound' ? 'missing-source' : 'invalid', severity: 'problem', cause: error.name === 'ProfileNotFound' ? 'wrong-profile' : 'files', message: `${via}${error.message}`, fix: null });
      break;
    }
    if (kind === 'keys+token' && s.aws_access_key_id?.startsWith('AKIA')) {
      out.push({
        id: 'leftover-token',
        severity: 'problem',
        cause: 'leftover-token',
        message: `${via}aws_session_token is next to a long-term AKIA key: AWS rejects the pair`,
        fix: 'awsenv clear --stale-tokens',
      });
    } else if (kind === 'keys+token' && typeof s.expiration === 'string' && Date.parse(s.expiration) <= now.getTime()) {
      out.push({
        id: 'expired',
        severity: 'problem',
        cause: 'expired',
        message: `${via}its session token expired ${formatDuration(Math.floor((now.getTime() - Date.parse(s.expiration)) / 1000))} ago`,
        fix: 'awsenv clear --stale-tokens',
      });
    }
    if (kind === 'role' && s.source_profile === undefined && s.credential_source === undefined) {
      out.push({ id: 'no-source', severity: 'problem', cause: 'files', message: `${via}role_arn without source_profile or credential_source`, fix: null });
    }
    current = kind === 'role' && s.source_profile !== undefined && s.source_profile !== current ? s.source_profile : undefined;
  }
  return out;
}
