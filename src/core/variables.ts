// The variables of CONTRACT.md's table, named once.

export const CREDENTIAL_VARS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CREDENTIAL_EXPIRATION'] as const;
/** Legacy names that linger from older tools and confuse SDKs; always unset. */
export const LEGACY_VARS = ['AWS_SECURITY_TOKEN', 'AWS_SESSION_EXPIRATION', 'AWS_DEFAULT_PROFILE'] as const;
export const REGION_VARS = ['AWS_REGION', 'AWS_DEFAULT_REGION'] as const;

/** awsenv's own state, read by the hook scripts (documented in the README). */
export const STATE = {
  /** The profile chosen with `awsenv use`. */
  profile: 'AWSENV_PROFILE',
  /** The key id awsenv exported, so a key exported by someone else is noticed. */
  keyId: 'AWSENV_KEY_ID',
  /** Epoch seconds when the exported session ends; unset for long-term keys. */
  expiry: 'AWSENV_EXPIRY',
  /** The region awsenv exported, so a region the user set by hand is told apart. */
  region: 'AWSENV_REGION',
  /** For static keys: the file they came from, which the hook watches for rotation… */
  watch: 'AWSENV_WATCH',
  /** …and the stamp file that holds that file's mtime when the keys were read; for a
   * session, a stamp dated at its end (fish reads its clock from it). */
  stamp: 'AWSENV_STAMP',
} as const;
export const STATE_VARS = Object.values(STATE);

/** Variables that other tools leave behind; `clear --all` removes them (prefixes end in _). */
export const OTHER_TOOLS = ['AWS_VAULT', 'AWSUME_', 'GRANTED_'] as const;

export function maskKeyId(id: string): string {
  return id.length <= 8 ? '****' : `${id.slice(0, 4)}…${id.slice(-4)}`;
}
