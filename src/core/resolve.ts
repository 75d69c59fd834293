// From a profile of any kind to credentials: static keys from the files, MFA sessions and
// roles from STS (through the shared cache), credential_process, SSO. The dependencies
// are passed in, so the logic is tested with a fake STS and a temporary cache.
import { fromCached, type SessionCache, sessionKey, toCached } from '../sessions/cache.js';
import type { Env } from '../files/files.js';
import { getProfile, kindOf, type Profile, type ProfileKind, type ProfileSet, type ProfileSettings, settingsOf } from '../files/profiles.js';
import type { StsPort } from '../sessions/sts.js';
import { readWebIdentityToken } from '../sessions/web-identity.js';
import { AwsenvError, ConfigError, UnsupportedProfile } from '../errors.js';
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

export class CycleError extends AwsenvError {}
export class NeedsRequest extends AwsenvError {}

const MFA_CODE = /^\d{6}$/;

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

export class Resolver {
  /** botocore's _visited_profiles: the named profile, then each source_profile followed. */
  private visited: string[] = [];

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
    const refresh = target && this.options.refresh === true;
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
      if (sourceName === name) return staticCredentials(name, s.aws_session_token ? 'keys+token' : 'keys', s, this.deps.now());
      return (await this.source(profile, sourceName)).credentials;
    }
    if (s.credential_source === 'Environment') {
      const env = this.deps.env;
      if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) {
        throw new AwsenvError(`profile '${name}' takes its source keys from the environment, but AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are not set`);
      }
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
    let source = await this.roleSource(profile, s);
    const sourceIsLongTerm = !source.sessionToken;

    // With MFA on the role and long-term source keys, get one MFA session for the source
    // and assume the role with it: every role sharing that source then shares one code.
    // (The AWS CLI sends the code with AssumeRole instead; a deliberate difference.)
    let mfaOnRole: string | undefined;
    if (s.mfa_serial) {
      if (sourceIsLongTerm) {
        source = (await this.mfaSession(s.source_profile ?? name, source, s.mfa_serial, undefined, region, false)).session;
      } else {
        mfaOnRole = s.mfa_serial;
      }
    }

    // The key names the session only when the profile does: the default name comes from the
    // user that owns the cache directory anyway, and asking the system for it (userInfo)
    // costs 0.3 ms of a cached `use`, so it is asked only when a request is made.
    const key = sessionKey({
      op: 'assume-role',
      source: source.accessKeyId,
      roleArn: s.role_arn,
      externalId: s.external_id,
      sessionName: s.role_session_name,
      duration,
      mfaSerial: mfaOnRole,
    });
    const { session, fresh } = await this.cachedOrNew(key, name, refresh, !!(s.mfa_serial), async () => {
      const mfaCode = mfaOnRole ? await this.mfaCode(mfaOnRole) : undefined;
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
    });
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
    return this.cachedOrNew(key, profile, refresh, true, async () => {
      const mfaCode = await this.mfaCode(serial);
      const stop = this.deps.progress?.('getting an MFA session from STS');
      return (await this.deps.sts(region)).getSessionToken({ source, mfaSerial: serial, mfaCode, durationSeconds: duration }).finally(stop);
    });
  }

  private async mfaCode(serial: string): Promise<string> {
    const code = this.options.mfaCode ?? (await this.deps.askMfaCode(serial));
    if (!MFA_CODE.test(code)) throw new AwsenvError('the MFA code must be six digits');
    return code;
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
