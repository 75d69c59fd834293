// What the shell holds now, and whether it hangs together: `awsenv current`. The checks
// are checks.ts's shellFindings, the same that `doctor` runs, so the two agree.
import type { Env } from '../files/files.js';
import type { ProfileSet } from '../files/profiles.js';
import { environmentExpiry, formatDuration, shellFindings, type Syntax, syntaxFor } from './checks.js';
import { maskKeyId, STATE } from './variables.js';

export { formatDuration };

export interface Problem {
  /** The finding's id in checks.ts (profile-changed, keys-not-awsenv, shadowed-profile, …). */
  code: string;
  message: string;
  /** A command that fixes it, in the syntax of this shell. */
  fix: string | null;
}

export interface CurrentState {
  version: 1;
  /** AWS_PROFILE, what the AWS CLI and SDKs read. */
  profile: string | null;
  /** The profile chosen with `awsenv use`. */
  chosen: string | null;
  keyId: string | null;
  credentials: 'long-term' | 'temporary' | 'none';
  expiresAt: string | null;
  secondsLeft: number | null;
  region: string | null;
  consistent: boolean;
  problems: Problem[];
}

export function describeCurrent(env: Env, load: () => ProfileSet, now: Date, syntax: Syntax = syntaxFor(undefined)): CurrentState {
  const keyId = env.AWS_ACCESS_KEY_ID || null;
  const temporary = keyId?.startsWith('ASIA') || !!env.AWS_SESSION_TOKEN;
  const expiresMs = environmentExpiry(env);
  const secondsLeft = expiresMs === undefined ? null : Math.floor((expiresMs - now.getTime()) / 1000);
  // Warnings (an empty token) are shown, but do not make the shell inconsistent.
  const findings = shellFindings(env, load, now, syntax);
  return {
    version: 1,
    profile: env.AWS_PROFILE || null,
    chosen: env[STATE.profile] || null,
    keyId: keyId ? maskKeyId(keyId) : null,
    credentials: keyId ? (temporary ? 'temporary' : 'long-term') : 'none',
    expiresAt: expiresMs === undefined ? null : new Date(expiresMs).toISOString(),
    secondsLeft,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || null,
    consistent: !findings.some((f) => f.severity === 'problem'),
    problems: findings.map((f) => ({ code: f.id, message: f.message, fix: f.fix })),
  };
}
