// From a profile of any kind to credentials: static keys from the files, MFA sessions and
// roles from STS (through the shared cache), credential_process, SSO. The dependencies
// are passed in, so the logic is tested with a fake STS and a temporary cache.
import { fromCached, type SessionCache, sessionKey, toCached } from '../sessions/cache.js';
import type { Env } from '../files/files.js';
import { getProfile, kindOf, type Profile, type ProfileKind, type ProfileSet, type ProfileSettings, settingsOf } from '../files/profiles.js';
import type { UsedCodes } from '../sessions/mfa-codes.js';
import type { StsPort } from '../sessions/sts.js';
import { readWebIdentityToken } from '../sessions/web-identity.js';
import { AwsenvError, ConfigError, UnsupportedProfile, UsageError } from '../errors.js';
import { sha256Hex } from '../util/hash.js';
import { staticCredentials } from './credentials.js';
import { os } from '../util/os.js';
import type { Credentials } from './environment.js';

export interface ResolveDeps {
  env: Env;
  now(): Date;
  sts(region: string | undefined): Promise<StsPort>;
  cache: SessionCache;
  askMfaCode(serial: string): Promise<string>;
  runProcess(profile: string, command: string): Promise<Credentials>;
  sso(profile: string, settings: ProfileSettings, set: ProfileSet): Promise<Credentials>;
  /** Told before a request that may take a while, for a spinner; returns its stop. */
  progress?(what: string): () => void;
  /** A line for the person at the terminal (a rejected MFA code, before asking again). */
  notice?(message: string): void;
  /** MFA codes accepted lately, to tell a reused code from a wrong one. */
  usedCodes?: UsedCodes;
}

export interface ResolveOptions {
  mfaCode?: string | undefined;
  durationSeconds?: number | undefined;
  /** Get a new session for the profile even if one is cached. */
  refresh?: boolean | undefined;
  /** Only what the files and the cache hold: no STS, no process, no prompt. */
  offline?: boolean | undefined;
}

export interface Resolved {
  profile: string;
  kind: ProfileKind;
  credentials: Credentials;
  region: string | undefined;
  /** Where the credentials came from, for `doctor` and `list`. */
  from: 'files' | 'cache' | 'sts' | 'process' | 'sso' | 'environment';
  /** For keys read from the files: the file that holds aws_access_key_id. */
  keyFile?: string | undefined;
}

/**
 * How long STS lets a session last, in seconds: GetSessionToken 15 minutes to 36 hours;
 * AssumeRole 15 minutes to 12 hours (the role's MaxSessionDuration may allow less), and at
 * most one hour when the source is itself a role's session ("role chaining").
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use.html#id_roles_use_view-role-max-session
 */
export function durationLimits(kind: 'mfa' | 'role', chained: boolean): { min: number; max: number; what: string; why: string } {
  if (kind === 'mfa') return { min: 900, max: 129600, what: 'an MFA session (GetSessionToken)', why: '15 minutes to 36 hours' };
  if (chained) return { min: 900, max: 3600, what: 'a role assumed with another role\'s session', why: 'AWS limits role chaining to 1 hour' };
  return { min: 900, max: 43200, what: 'a role session (AssumeRole)', why: "15 minutes to 12 hours; the role's maximum session duration may allow less" };
}

export class CycleError extends AwsenvError {}
export class NeedsRequest extends AwsenvError {}

const MFA_CODE = /^\d{6}$/;
/** How many MFA codes a person may type before awsenv gives up. */
export const MFA_TRIES = 3;

function hashSecret(secret: string): string {
  return sha256Hex(secret);
}

/** A default RoleSessionName: awsenv-USER, limited to what STS accepts ([\w+=,.@-]{2,64}). */
export function defaultSessionName(): string {
  let user = 'user';
  try {
    user = os().userInfo().username;
  } catch {
    // no passwd entry (containers): keep "user"
  }
  return `awsenv-${user}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

/** The cache key of the MFA session of long-term keys (shared with `awsenv rotate`, which reuses it). */
export function mfaSessionKey(source: Credentials, serial: string, duration: number | undefined): string {
  return sessionKey({ op: 'session-token', source: source.accessKeyId, secret: hashSecret(source.secretAccessKey), mfaSerial: serial, duration });
}

/** The cache key of a role's session assumed with the source key `sourceKeyId` (list finds cached sessions with it too). */
export function roleSessionKey(
  sourceKeyId: string,
  s: Pick<ProfileSettings, 'role_arn' | 'external_id' | 'role_session_name'>,
  duration: number | undefined,
  mfaSerial: string | undefined,
): string {
  return sessionKey({ op: 'assume-role', source: sourceKeyId, roleArn: s.role_arn, externalId: s.external_id, sessionName: s.role_session_name, duration, mfaSerial });
}

export class Resolver {
  /** botocore's _visited_profiles: the named profile, then each source_profile followed. */
  private visited: string[] = [];
  /** Where the last source_profile's credentials came from (a cached session may be revoked). */
  private sourceFrom: Resolved['from'] | undefined;
  /** Profiles whose cached session must be replaced (a role's source that STS refused). */
  private readonly renewing = new Set<string>();

  constructor(
    private readonly set: ProfileSet,
    private readonly deps: ResolveDeps,
    private readonly options: ResolveOptions = {},
  ) {}

  async resolve(name: string): Promise<Resolved> {
    this.visited = [name];
    const profile = getProfile(this.set, name);
    const s = settingsOf(profile);
    return this.resolveAs(name, profile, s, kindOf(s, profile.keysInCredentials), true);
  }

  /**
   * A source_profile's credentials, as botocore's _resolve_credentials_from_profile finds
   * them: static keys (or no role_arn) mean the profile chain, so the source's own role_arn
   * is ignored when it has keys; otherwise its role is assumed, with its own source.
   */
  private async source(parent: Profile, name: string): Promise<Resolved> {
    const profile = this.set.profiles.get(name);
    if (!profile) {
      const at = parent.settings.get('source_profile')!;
      throw new ConfigError(at.file, at.line, `profile '${parent.name}': source_profile names '${name}', which is a profile in neither ${this.set.paths.config} nor ${this.set.paths.credentials}`);
    }
    const s = settingsOf(profile);
    const kind = kindOf(s, profile.keysInCredentials, true);
    if (kind === 'none') {
      throw new AwsenvError(`profile '${name}' is the source_profile of '${parent.name}' but has no credentials (no keys, role, web identity, process or SSO settings)`);
    }
    return this.resolveAs(name, profile, s, kind, false);
  }

  private async resolveAs(name: string, profile: Profile, s: ProfileSettings, kind: ProfileKind, target: boolean): Promise<Resolved> {
    const region = s.region;
    const duration = (target ? this.options.durationSeconds : undefined) ?? s.duration_seconds;
    // Before anything is asked (an MFA code of a source included): a duration STS would refuse.
    if (target && duration !== undefined && (kind === 'mfa' || kind === 'role')) this.checkDuration(name, s, kind, duration);
    const refresh = (target && this.options.refresh === true) || this.renewing.has(name);
    const done = (credentials: Credentials, from: Resolved['from']): Resolved => ({ profile: name, kind, credentials, region, from });

    switch (kind) {
      case 'keys':
      case 'keys+token':
      case 'none':
        return {
          ...done(staticCredentials(name, kind, s, this.deps.now()), 'files'),
          keyFile: profile.settings.get('aws_access_key_id')?.file,
        };
      case 'mfa': {
        const source = staticCredentials(name, 'keys', s, this.deps.now());
        const { session, fresh } = await this.mfaSession(name, source, s.mfa_serial!, duration, region, refresh);
        return done(session, fresh ? 'sts' : 'cache');
      }
      case 'role':
        return this.role(profile, s, kind, region, duration, refresh);
      case 'web-identity':
        return this.webIdentity(profile, s, kind, region, duration, refresh);
      case 'process':
        if (this.options.offline) throw new NeedsRequest(`profile '${name}' runs a credential_process`);
        return done(await this.deps.runProcess(name, s.credential_process!), 'process');
      case 'sso':
        if (this.options.offline) throw new NeedsRequest(`profile '${name}' needs SSO`);
        return done(await this.deps.sso(name, s, this.set), 'sso');
    }
  }

  /** STS's limits on a session's length, by kind (see durationLimits). */
  private checkDuration(name: string, s: ProfileSettings, kind: 'mfa' | 'role', duration: number): void {
    let chained = false;
    if (kind === 'role' && s.source_profile !== undefined && s.source_profile !== name) {
      try {
        const source = getProfile(this.set, s.source_profile);
        const sourceKind = kindOf(settingsOf(source), source.keysInCredentials, true);
        chained = sourceKind === 'role' || sourceKind === 'sso';
      } catch {
        // the source's own error comes when it is resolved
      }
    }
    const limits = durationLimits(kind, chained);
    if (Number.isInteger(duration) && duration >= limits.min && duration <= limits.max) return;
    const given = this.options.durationSeconds !== undefined ? `--duration ${duration}` : `duration_seconds = ${duration} of profile '${name}'`;
    const error = `${given}: ${limits.what} lasts from ${limits.min} to ${limits.max} seconds (${limits.why})`;
    throw this.options.durationSeconds !== undefined ? new UsageError(error) : new AwsenvError(error);
  }

  /** The source credentials of a role profile: source_profile or credential_source, never both. */
  private async roleSource(profile: Profile, s: ProfileSettings): Promise<Credentials> {
    const name = profile.name;
    const sourceProfile = profile.settings.get('source_profile');
    const credentialSource = profile.settings.get('credential_source');
    if (sourceProfile && credentialSource) {
      // botocore: 'The profile "A" contains both source_profile and credential_source.'
      const other = credentialSource.file === sourceProfile.file ? `line ${credentialSource.line}` : `${credentialSource.file}:${credentialSource.line}`;
      throw new ConfigError(
        sourceProfile.file,
        sourceProfile.line,
        `profile '${name}' sets both source_profile and credential_source (${other}); a role takes its source credentials from one of them, so remove the other`,
      );
    }
    if (s.source_profile !== undefined) {
      const sourceName = s.source_profile;
      if (this.visited.includes(sourceName)) {
        // A profile may name itself to take its own keys (only the named profile gets here
        // with keys: as a source, keys are read before role_arn is looked at).
        if (sourceName !== name) {
          throw new CycleError(`profiles form a cycle through source_profile: ${[...this.visited, sourceName].join(' → ')}`);
        }
        if (s.aws_access_key_id === undefined) {
          throw new ConfigError(sourceProfile!.file, sourceProfile!.line, `profile '${name}' names itself as source_profile but has no keys (aws_access_key_id and aws_secret_access_key)`);
        }
      }
      this.visited.push(sourceName);
      this.sourceFrom = 'files';
      if (sourceName === name) return staticCredentials(name, s.aws_session_token ? 'keys+token' : 'keys', s, this.deps.now());
      const resolved = await this.source(profile, sourceName);
      this.sourceFrom = resolved.from;
      return resolved.credentials;
    }
    if (s.credential_source === 'Environment') {
      const env = this.deps.env;
      if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) {
        throw new AwsenvError(`profile '${name}' takes its source keys from the environment, but AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are not set`);
      }
      this.sourceFrom = 'environment';
      return { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN || undefined };
    }
    if (s.credential_source) {
      throw new UnsupportedProfile(`profile '${name}': credential_source = ${s.credential_source} is not supported by awsenv; use source_profile`);
    }
    const first = profile.settings.get('role_arn')!;
    throw new ConfigError(first.file, first.line, `profile '${name}' has role_arn but neither source_profile nor credential_source`);
  }

  private async role(
    profile: Profile,
    s: ProfileSettings,
    kind: ProfileKind,
    region: string | undefined,
    duration: number | undefined,
    refresh: boolean,
  ): Promise<Resolved> {
    const name = profile.name;
    const visited = [...this.visited];
    // The source credentials, and whether they came from the cache (a session STS may have
    // revoked since); `renew` gets new ones along the chain, MFA session included.
    const acquire = async (renew: boolean) => {
      if (renew && s.source_profile !== undefined && s.source_profile !== name) this.renewing.add(s.source_profile);
      this.visited = [...visited];
      this.sourceFrom = undefined;
      let source = await this.roleSource(profile, s);
      let fromCache = this.sourceFrom === 'cache';
      const sourceIsLongTerm = !source.sessionToken;

      // With MFA on the role and long-term source keys, get one MFA session for the source
      // and assume the role with it: every role sharing that source then shares one code.
      // (The AWS CLI sends the code with AssumeRole instead; a deliberate difference.)
      let mfaOnRole: string | undefined;
      if (s.mfa_serial) {
        if (sourceIsLongTerm) {
          const mfa = await this.mfaSession(s.source_profile ?? name, source, s.mfa_serial, undefined, region, renew);
          source = mfa.session;
          fromCache ||= !mfa.fresh;
        } else {
          mfaOnRole = s.mfa_serial;
        }
      }
      return { source, mfaOnRole, fromCache };
    };

    const assume = ({ source, mfaOnRole }: { source: Credentials; mfaOnRole: string | undefined }) => {
      // The key names the session only when the profile does: the default name comes from the
      // user that owns the cache directory anyway, and asking the system for it (userInfo)
      // costs 0.3 ms of a cached `use`, so it is asked only when a request is made.
      const key = roleSessionKey(source.accessKeyId, s, duration, mfaOnRole);
      return this.cachedOrNew(key, name, refresh, !!(s.mfa_serial), () =>
        this.withMfaCode(mfaOnRole, async (mfaCode) => {
          const stop = this.deps.progress?.(`assuming ${s.role_arn}`);
          return (await this.deps.sts(region)).assumeRole({
            source,
            roleArn: s.role_arn!,
            sessionName: s.role_session_name ?? defaultSessionName(),
            externalId: s.external_id,
            durationSeconds: duration,
            mfaSerial: mfaOnRole,
            mfaCode,
          }).finally(stop);
        }),
      );
    };

    const first = await acquire(false);
    let result: { session: Credentials; fresh: boolean };
    try {
      result = await assume(first);
    } catch (error) {
      // STS no longer takes a cached source session (revoked, or the keys under it changed):
      // renew the chain under the role once, MFA session included, rather than send the user
      // from `doctor` to `--refresh` and back.
      const code = (error as { code?: string }).code;
      if (!first.fromCache || !(error instanceof AwsenvError) || !['InvalidClientTokenId', 'ExpiredToken', 'ExpiredTokenException'].includes(code ?? '')) throw error;
      this.deps.notice?.(`STS no longer accepts the cached session under profile '${name}'; getting a new one`);
      result = await assume(await acquire(true));
    }
    const { session, fresh } = result;
    return { profile: name, kind, credentials: session, region, from: fresh ? 'sts' : 'cache' };
  }

  /**
   * role_arn + web_identity_token_file: AssumeRoleWithWebIdentity with the token read from
   * the file, unsigned (no source keys), cached like role sessions. The file is read only
   * when a request is made: a token file is rotated (Kubernetes, every hour or so), and a
   * session got with the old token stays good until it ends.
   */
  private async webIdentity(
    profile: Profile,
    s: ProfileSettings,
    kind: ProfileKind,
    region: string | undefined,
    duration: number | undefined,
    refresh: boolean,
  ): Promise<Resolved> {
    const name = profile.name;
    const at = profile.settings.get('web_identity_token_file')!;
    if (s.role_arn === undefined) {
      throw new ConfigError(at.file, at.line, `profile '${name}' has web_identity_token_file but no role_arn (the role to assume with the token)`);
    }
    const tokenFile = s.web_identity_token_file!;
    const key = sessionKey({ op: 'web-identity', roleArn: s.role_arn, tokenFile, sessionName: s.role_session_name, duration });
    const { session, fresh } = await this.cachedOrNew(key, name, refresh, false, async () => {
      const token = readWebIdentityToken(name, tokenFile);
      const stop = this.deps.progress?.(`assuming ${s.role_arn} with a web identity token`);
      return (await this.deps.sts(region)).assumeRoleWithWebIdentity({
        roleArn: s.role_arn!,
        sessionName: s.role_session_name ?? defaultSessionName(),
        webIdentityToken: token,
        durationSeconds: duration,
      }).finally(stop);
    });
    return { profile: name, kind, credentials: session, region, from: fresh ? 'sts' : 'cache' };
  }

  private async mfaSession(
    profile: string,
    source: Credentials,
    serial: string,
    duration: number | undefined,
    region: string | undefined,
    refresh: boolean,
  ): Promise<{ session: Credentials; fresh: boolean }> {
    const key = mfaSessionKey(source, serial, duration);
    return this.cachedOrNew(key, profile, refresh, true, () =>
      this.withMfaCode(serial, async (mfaCode) => {
        const stop = this.deps.progress?.('getting an MFA session from STS');
        return (await this.deps.sts(region)).getSessionToken({ source, mfaSerial: serial, mfaCode, durationSeconds: duration }).finally(stop);
      }),
    );
  }

  /**
   * Runs `request` with an MFA code for `serial` (none when there is no serial). A code
   * typed at the terminal that is not six digits, or that STS rejects, is asked again, up
   * to MFA_TRIES codes in all, with a line saying what was wrong; a code from --mfa-code is
   * tried once.
   */
  private async withMfaCode<T>(serial: string | undefined, request: (code: string | undefined) => Promise<T>): Promise<T> {
    if (serial === undefined) return request(undefined);
    const given = this.options.mfaCode;
    for (let attempt = 1; ; attempt++) {
      const code = given ?? (await this.deps.askMfaCode(serial));
      const last = given !== undefined || attempt >= MFA_TRIES;
      if (!MFA_CODE.test(code)) {
        const what = `the MFA code must be six digits${/^\d+$/.test(code) ? ` (that was ${code.length})` : ''}`;
        if (last) throw new AwsenvError(given !== undefined ? what : `${what}; no session after ${MFA_TRIES} tries`);
        this.deps.notice?.(`${what}; try again`);
        continue;
      }
      try {
        const result = await request(code);
        this.deps.usedCodes?.remember(serial, code);
        return result;
      } catch (error) {
        if (!(error instanceof AwsenvError) || (error as { mfaCodeRejected?: boolean }).mfaCodeRejected !== true) throw error;
        const reused = this.deps.usedCodes?.wasUsed(serial, code) === true;
        const why = reused
          ? 'STS rejected the MFA code: it was already used (each code works once); wait for the next code'
          : 'STS rejected the MFA code as wrong or expired (check the device and its clock)';
        if (last) {
          throw new AwsenvError(given !== undefined ? `${why}; run again with the next code` : `${why}; no session after ${MFA_TRIES} tries`, {
            cause: error,
          });
        }
        this.deps.notice?.(`${why}; try again`);
      }
    }
  }

  /** The cached session for `key`, or a new one from `fetch`, taken under the key's lock. */
  private async cachedOrNew(
    key: string,
    profile: string,
    refresh: boolean,
    mfa: boolean,
    fetch: () => Promise<Required<Pick<Credentials, 'accessKeyId' | 'secretAccessKey' | 'sessionToken' | 'expiration'>>>,
  ): Promise<{ session: Credentials; fresh: boolean }> {
    const { cache, now } = this.deps;
    const hit = refresh ? undefined : cache.read(key, now());
    if (hit) return { session: fromCached(hit), fresh: false };
    if (this.options.offline) throw new NeedsRequest(`profile '${profile}' has no cached session`);
    return cache.withLock(key, async () => {
      // Another process may have filled it while we waited for the lock.
      const filled = refresh ? undefined : cache.read(key, now());
      if (filled) return { session: fromCached(filled), fresh: false };
      const c = await fetch();
      cache.write(key, toCached(profile, c, mfa));
      return { session: c, fresh: true };
    });
  }
}
