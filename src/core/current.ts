// What the shell holds now, and whether it hangs together: the offline checks behind
// `awsenv current` (and, later, the first checks of `doctor`).
import type { Env } from '../files/files.js';
import { getProfile, kindOf, type ProfileSet, settingsOf } from '../files/profiles.js';
import { AwsenvError } from '../errors.js';
import { maskKeyId, STATE } from './variables.js';

export interface Problem {
  code:
    | 'profile-changed'
    | 'keys-not-awsenv'
    | 'keys-not-profile'
    | 'leftover-token'
    | 'token-missing'
    | 'empty-token'
    | 'expired'
    | 'unknown-profile'
    | 'unreadable-files';
  message: string;
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

export function describeCurrent(env: Env, load: () => ProfileSet, now: Date): CurrentState {
  const keyId = env.AWS_ACCESS_KEY_ID || null;
  const token = env.AWS_SESSION_TOKEN;
  const profile = env.AWS_PROFILE || null;
  const chosen = env[STATE.profile] || null;
  const problems: Problem[] = [];

  const temporary = keyId?.startsWith('ASIA') || !!token;
  const expiryText = env.AWS_CREDENTIAL_EXPIRATION || null;
  // From the environment: digits only, and a date JavaScript can hold (±8.64e15 ms).
  const expiryEpoch = /^\d{1,15}$/.test(env[STATE.expiry] ?? '') ? Number(env[STATE.expiry]) * 1000 : NaN;
  const parsedMs = expiryText ? Date.parse(expiryText) : expiryEpoch;
  const expiresMs = Math.abs(parsedMs) <= 8.64e15 ? parsedMs : NaN;
  const secondsLeft = Number.isNaN(expiresMs) ? null : Math.floor((expiresMs - now.getTime()) / 1000);

  if (chosen && profile !== chosen) {
    problems.push({
      code: 'profile-changed',
      message: `AWS_PROFILE is ${profile ? `'${profile}'` : 'unset'}, but awsenv set up '${chosen}'; run \`awsenv use ${profile ?? chosen}\``,
    });
  }
  if (keyId && chosen && env[STATE.keyId] !== keyId) {
    problems.push({ code: 'keys-not-awsenv', message: `the exported keys (${maskKeyId(keyId)}) were not set by awsenv` });
  }
  if (keyId?.startsWith('AKIA') && token !== undefined) {
    problems.push({
      code: 'leftover-token',
      message: 'AWS_SESSION_TOKEN is set next to a long-term AKIA key; AWS rejects the pair. Run `eval "$(awsenv clear)"`',
    });
  }
  if (keyId?.startsWith('ASIA') && !token) {
    problems.push({ code: 'token-missing', message: 'a temporary ASIA key is set without AWS_SESSION_TOKEN' });
  }
  if (token === '') problems.push({ code: 'empty-token', message: 'AWS_SESSION_TOKEN is set but empty' });
  if (secondsLeft !== null && secondsLeft <= 0) {
    problems.push({ code: 'expired', message: `the session expired ${formatDuration(-secondsLeft)} ago` });
  }
  if (profile && keyId) {
    try {
      const p = getProfile(load(), profile);
      const s = settingsOf(p);
      const kind = kindOf(s, p.keysInCredentials);
      if ((kind === 'keys' || kind === 'keys+token') && s.aws_access_key_id !== keyId) {
        problems.push({
          code: 'keys-not-profile',
          message: `the exported key ${maskKeyId(keyId)} is not profile '${profile}''s (${maskKeyId(s.aws_access_key_id!)}); it shadows AWS_PROFILE. Run \`awsenv use ${profile}\``,
        });
      }
    } catch (error) {
      if (!(error instanceof AwsenvError)) throw error;
      problems.push({
        code: error.name === 'ProfileNotFound' ? 'unknown-profile' : 'unreadable-files',
        message: error.message,
      });
    }
  }

  return {
    version: 1,
    profile,
    chosen,
    keyId: keyId ? maskKeyId(keyId) : null,
    credentials: keyId ? (temporary ? 'temporary' : 'long-term') : 'none',
    expiresAt: Number.isNaN(expiresMs) ? null : new Date(expiresMs).toISOString(),
    secondsLeft,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || null,
    consistent: problems.length === 0,
    problems,
  };
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h}h${m % 60 ? `${m % 60}m` : ''}` : `${Math.floor(h / 24)}d`;
}
