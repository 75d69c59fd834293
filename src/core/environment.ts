// Turning a profile's credentials into the one EnvChange the contract describes, and the
// change that clears it. Pure: the current environment and the clock are passed in.
import type { Env } from '../files/files.js';
import type { EnvChange } from '../shells/index.js';
import { CREDENTIAL_VARS, LEGACY_VARS, OTHER_TOOLS, REGION_VARS, STATE, STATE_VARS } from './variables.js';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
  /** When temporary credentials end, if known. */
  expiration?: Date | undefined;
}

/** Region variables: set for a profile with a region; removed only if awsenv set them. */
function regionChange(region: string | undefined, env: Env): EnvChange {
  const change: EnvChange = {};
  if (region !== undefined) {
    for (const name of REGION_VARS) change[name] = region;
    change[STATE.region] = region;
    return change;
  }
  const ours = env[STATE.region];
  if (ours !== undefined) {
    for (const name of REGION_VARS) if (env[name] === ours) change[name] = null;
  }
  change[STATE.region] = null;
  return change;
}

export function useChange(profile: string, creds: Credentials, region: string | undefined, env: Env): EnvChange {
  const token = creds.sessionToken ? creds.sessionToken : undefined;
  const expiry = creds.expiration;
  const change: EnvChange = {
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    // Unset, never empty: an empty or leftover token breaks long-term keys (cause 4).
    AWS_SESSION_TOKEN: token ?? null,
    AWS_CREDENTIAL_EXPIRATION: expiry ? expiry.toISOString().replace(/\.\d{3}Z$/, 'Z') : null,
    AWS_PROFILE: profile,
    [STATE.profile]: profile,
    [STATE.keyId]: creds.accessKeyId,
    [STATE.expiry]: expiry ? String(Math.floor(expiry.getTime() / 1000)) : null,
    ...regionChange(region, env),
  };
  for (const name of LEGACY_VARS) change[name] = null;
  return change;
}

export function clearChange(env: Env, all: boolean): EnvChange {
  const change: EnvChange = {};
  for (const name of [...CREDENTIAL_VARS, ...LEGACY_VARS, 'AWS_PROFILE', ...STATE_VARS]) change[name] = null;
  if (all) {
    for (const name of REGION_VARS) change[name] = null;
    for (const name of Object.keys(env)) {
      if (OTHER_TOOLS.some((p) => (p.endsWith('_') ? name.startsWith(p) : name === p))) change[name] = null;
    }
  } else {
    Object.assign(change, regionChange(undefined, env));
  }
  return change;
}
