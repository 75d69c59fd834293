// awsenv's side of a case: what it resolves for a profile, in the shape of an Outcome, so a
// table row can be compared with it (profiles.test.ts) and with the CLI (awscli.test.ts).
import type { AwsFilePaths, Env } from '../../src/files/files.js';
import { getProfile, kindOf, loadProfiles, type ProfileKind, settingsOf } from '../../src/files/profiles.js';
import { staticCredentials } from '../../src/core/credentials.js';
import { ConfigError, ProfileNotFound } from '../../src/errors.js';
import type { Outcome } from './cases.js';

export type Resolved =
  | { keys: { id: string; secret: string; token?: string }; region?: string }
  /** A ConfigError's place: "FILE:LINE", or "FILE" alone. */
  | { error: string }
  | { notFound: true }
  | { kind: ProfileKind; region?: string };

const place = (file: string, line: number | undefined) => (line === undefined ? file : `${file}:${line}`);
const withRegion = <T extends object>(r: T, region: string | undefined) => (region === undefined ? r : { ...r, region });

export function awsenvResolves(env: Env, name: string): Resolved {
  try {
    const profile = getProfile(loadProfiles(env), name);
    const s = settingsOf(profile);
    const kind = kindOf(s, profile.keysInCredentials);
    if (kind !== 'keys' && kind !== 'keys+token') return withRegion({ kind }, s.region);
    const c = staticCredentials(name, kind, s, new Date());
    const keys = c.sessionToken === undefined
      ? { id: c.accessKeyId, secret: c.secretAccessKey }
      : { id: c.accessKeyId, secret: c.secretAccessKey, token: c.sessionToken };
    return withRegion({ keys }, s.region);
  } catch (error) {
    if (error instanceof ConfigError) return { error: place(error.file, error.line) };
    if (error instanceof ProfileNotFound) return { notFound: true };
    throw error;
  }
}

/** What awsenv should make of a profile the CLI treats as `outcome`. */
export function awsenvShould(outcome: Outcome, paths: AwsFilePaths): Resolved {
  if ('keys' in outcome) {
    // An empty token is unset, never exported empty (CONTRACT.md).
    const { token, ...rest } = outcome.keys;
    return withRegion({ keys: token ? { ...rest, token } : rest }, outcome.region);
  }
  if ('unparsable' in outcome) return { error: place(paths[outcome.unparsable], outcome.line) };
  if ('partial' in outcome) return { error: place(paths[outcome.partial], outcome.line) };
  if ('refusedByAwsenv' in outcome) return { error: place(paths[outcome.refusedByAwsenv], outcome.line) };
  if ('notFound' in outcome) return { notFound: true };
  if ('process' in outcome) return { kind: 'process' };
  return withRegion({ kind: 'none' }, outcome.region);
}
