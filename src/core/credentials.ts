// From a validated profile to credentials. Static kinds are read from the files; the STS
// kinds (mfa, role, process, sso) are resolved by the session code.
import type { ProfileKind, ProfileSettings } from '../files/profiles.js';
import { AwsenvError, UnsupportedProfile } from '../errors.js';
import type { Credentials } from './environment.js';

export class ExpiredCredentials extends AwsenvError {}

export function staticCredentials(
  name: string,
  kind: ProfileKind,
  s: ProfileSettings,
  now: Date,
): Credentials {
  if (kind !== 'keys' && kind !== 'keys+token') {
    if (kind === 'none') {
      throw new UnsupportedProfile(`profile '${name}' has no credentials (no keys, role, process or SSO settings)`);
    }
    throw new UnsupportedProfile(`profile '${name}' is a ${kind} profile, which needs STS; this awsenv reads keys only`);
  }
  const token = s.aws_session_token || s.aws_security_token || undefined;
  const expiration = token && s.expiration ? new Date(s.expiration) : undefined;
  if (expiration && expiration.getTime() <= now.getTime()) {
    throw new ExpiredCredentials(
      `the session in profile '${name}' expired at ${expiration.toISOString()}; get a new one, or run \`awsenv clear --stale-tokens\` to drop it`,
    );
  }
  return {
    accessKeyId: s.aws_access_key_id!,
    secretAccessKey: s.aws_secret_access_key!,
    sessionToken: token,
    expiration,
  };
}
