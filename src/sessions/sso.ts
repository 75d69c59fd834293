// SSO (IAM Identity Center) profiles: which portal, account and role a profile names, the
// token that `aws sso login` cached for it, and a small port for GetRoleCredentials whose
// real implementation (sso-sdk.ts) loads the AWS SDK only when a request is needed.
// Token cache: https://docs.aws.amazon.com/cli/latest/userguide/sso-configure-profile-token.html
// (botocore SSOTokenLoader: ~/.aws/sso/cache/<sha1 of the session name, or of the start URL>.json)
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import type { Credentials } from '../core/environment.js';
import { AwsenvError, ConfigError } from '../errors.js';
import { type Env, homeOf } from '../files/files.js';
import { getProfile, type ProfileSet, type ProfileSettings, ssoSessionOf } from '../files/profiles.js';
import { resolveLinks, writeFileAtomic } from '../util/atomic.js';
import { createOidc, type OidcPort, type RefreshRequest } from './sso-oidc.js';

export interface SsoTarget {
  profile: string;
  startUrl: string;
  /** The region of the SSO portal (sso_region), not the profile's region. */
  ssoRegion: string;
  accountId: string;
  roleName: string;
  /** The sso-session name; undefined for a legacy profile (start URL on the profile). */
  session: string | undefined;
  tokenFile: string;
  /** The arguments of the `aws` command that logs in for this profile. */
  loginArgs: string[];
}

export function ssoCacheDir(env: Env): string {
  return join(homeOf(env), '.aws', 'sso', 'cache');
}

/** botocore's cache key: sha1 hex of the sso-session name, or of the start URL (legacy). */
export function tokenFileName(key: string): string {
  return `${createHash('sha1').update(key, 'utf8').digest('hex')}.json`;
}

/** A word as a POSIX shell reads it back, for commands the user is told to run. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

export const loginCommand = (t: SsoTarget): string => ['aws', ...t.loginArgs].map(shellWord).join(' ');

/** Everything the profile must say, checked as botocore does (missing keys named together). */
export function ssoTarget(name: string, s: ProfileSettings, set: ProfileSet, env: Env): SsoTarget {
  const profile = getProfile(set, name);
  const first = profile.sections[0]!;
  const missing = (keys: string[]) =>
    new ConfigError(first.file, first.line, `profile '${name}' is an SSO profile but lacks ${keys.join(', ')}`);
  let startUrl: string;
  let ssoRegion: string;
  let session: string | undefined;
  if (s.sso_session !== undefined) {
    session = s.sso_session;
    const sso = ssoSessionOf(set, profile, session);
    // botocore refuses a profile whose own start URL or region contradicts its session's.
    for (const key of ['sso_start_url', 'sso_region'] as const) {
      if (s[key] !== undefined && s[key] !== sso[key]) {
        const at = profile.settings.get(key)!;
        throw new ConfigError(at.file, at.line, `profile '${name}': ${key} differs from the one in [sso-session ${session}] (${sso.file}:${sso.line}); remove it from the profile`);
      }
    }
    startUrl = sso.sso_start_url;
    ssoRegion = sso.sso_region;
  } else {
    const lacking = (['sso_start_url', 'sso_region'] as const).filter((k) => s[k] === undefined);
    if (lacking.length > 0) throw missing(lacking);
    startUrl = s.sso_start_url!;
    ssoRegion = s.sso_region!;
  }
  const lacking = (['sso_account_id', 'sso_role_name'] as const).filter((k) => s[k] === undefined);
  if (lacking.length > 0) throw missing(lacking);
  return {
    profile: name,
    startUrl,
    ssoRegion,
    accountId: s.sso_account_id!,
    roleName: s.sso_role_name!,
    session,
    tokenFile: join(ssoCacheDir(env), tokenFileName(session ?? startUrl)),
    loginArgs: session !== undefined ? ['sso', 'login', '--sso-session', session] : ['sso', 'login', '--profile', name],
  };
}

/** The fields awsenv needs of the file `aws sso login` writes; others (refreshToken, …) pass. */
const SsoToken = z.looseObject({
  accessToken: z.string().check(z.minLength(1)),
  // "2024-01-01T00:00:00Z"; older AWS CLI v2 releases wrote "2019-11-14T04:05:45UTC".
  expiresAt: z.pipe(
    z.pipe(z.string(), z.transform((s) => Date.parse(s.replace(/UTC$/, 'Z')))),
    z.number().check(z.refine((t) => !Number.isNaN(t), 'is not a date')),
  ),
  startUrl: z.optional(z.string()),
  region: z.optional(z.string()),
});

/** No usable token: the message says which command to run (and never shows a token). */
export class SsoLoginNeeded extends AwsenvError {
  constructor(
    readonly target: SsoTarget,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `profile '${target.profile}': ${reason}; run \`${loginCommand(target)}\` (or \`awsenv use ${shellWord(target.profile)} --login\`)`,
      options,
    );
  }
}

/** The token must still be good for a moment: GetRoleCredentials takes a request. */
const TOKEN_MARGIN_MS = 60_000;

/** The token file, read and validated; SsoLoginNeeded when there is no usable one. */
function loadSsoToken(target: SsoTarget): { raw: Record<string, unknown>; token: z.infer<typeof SsoToken> } {
  const what = target.session !== undefined ? `sso-session '${target.session}'` : `start URL ${target.startUrl}`;
  let text: string;
  try {
    text = readFileSync(target.tokenFile, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SsoLoginNeeded(target, `there is no SSO token for ${what} (not logged in)`);
    throw new SsoLoginNeeded(target, `the SSO token file ${target.tokenFile} cannot be read (${code ?? 'unknown error'})`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SsoLoginNeeded(target, `the SSO token file ${target.tokenFile} is not JSON`);
  }
  const parsed = SsoToken.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SsoLoginNeeded(target, `the SSO token file ${target.tokenFile} is not usable: ${issue.path.join('.') || 'value'} ${issue.message}`);
  }
  const token = parsed.data;
  if (token.startUrl !== undefined && token.startUrl !== target.startUrl) {
    throw new SsoLoginNeeded(target, `the SSO token for ${what} is for ${token.startUrl}, not ${target.startUrl}`);
  }
  return { raw: json as Record<string, unknown>, token };
}

const isoSeconds = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function readSsoToken(target: SsoTarget, now: Date): string {
  const { token } = loadSsoToken(target);
  if (token.expiresAt - TOKEN_MARGIN_MS <= now.getTime()) {
    const what = target.session !== undefined ? `sso-session '${target.session}'` : `start URL ${target.startUrl}`;
    throw new SsoLoginNeeded(target, `the SSO token for ${what} expired at ${isoSeconds(token.expiresAt)}`);
  }
  return token.accessToken;
}

/** When the cached token ends (epoch ms), for `list`; undefined without a readable token. */
export function ssoTokenExpiry(target: SsoTarget): number | undefined {
  try {
    return loadSsoToken(target).token.expiresAt;
  } catch {
    return undefined;
  }
}

/** botocore's SSOTokenProvider refreshes a token in its last 15 minutes (_REFRESH_WINDOW). */
export const SSO_REFRESH_WINDOW_MS = 15 * 60_000;

const parseTime = (s: unknown) => (typeof s === 'string' ? Date.parse(s.replace(/UTC$/, 'Z')) : Number.NaN);

/** What a refresh needs, or why the token cannot be refreshed. */
function refreshable(raw: Record<string, unknown>, now: Date): RefreshRequest | string {
  const missing = (['refreshToken', 'clientId', 'clientSecret', 'registrationExpiresAt'] as const).filter((k) => typeof raw[k] !== 'string' || raw[k] === '');
  if (missing.length > 0) return `it holds no ${missing.join(', ')}`;
  const registration = parseTime(raw.registrationExpiresAt);
  if (Number.isNaN(registration)) return 'its registrationExpiresAt is not a date';
  if (registration <= now.getTime()) return `its client registration expired at ${isoSeconds(registration)}`;
  return { clientId: raw.clientId as string, clientSecret: raw.clientSecret as string, refreshToken: raw.refreshToken as string };
}

/**
 * Python's json.dumps(obj) as botocore writes the token cache: one line, ", " and ": "
 * between items, non-ASCII as \\uXXXX (ensure_ascii), no final newline.
 */
export function pythonJson(obj: Record<string, string>): string {
  const str = (s: string) => JSON.stringify(s).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `{${Object.entries(obj).map(([k, v]) => `${str(k)}: ${str(v)}`).join(', ')}}`;
}

/**
 * The access token for an SSO profile, refreshed as AWS CLI v2 does when it is in its last
 * 15 minutes (or past them) and the file holds a refresh token and a client registration
 * that is still valid: SSO OIDC CreateToken (grant_type refresh_token), and the file
 * written back in the CLI's own format, under the same name, atomically, 0600. Only the
 * sso-session form can be refreshed (the legacy form has no registration). When the
 * refresh fails, a token that is still good is used; otherwise the user is told to log in,
 * with the reason.
 */
export async function ssoToken(target: SsoTarget, now: Date, oidc?: (region: string) => Promise<OidcPort>): Promise<string> {
  const { raw, token } = loadSsoToken(target);
  let refreshFailed: string | undefined;
  if (target.session !== undefined && oidc && token.expiresAt - SSO_REFRESH_WINDOW_MS <= now.getTime()) {
    const request = refreshable(raw, now);
    if (typeof request === 'string') {
      refreshFailed = request;
    } else {
      try {
        const fresh = await (await oidc(target.ssoRegion)).refresh(request);
        // The CLI's field order (botocore _attempt_create_token); a refresh token is kept
        // when the answer brings none, so that the next refresh can still happen.
        const next: Record<string, string> = {
          startUrl: target.startUrl,
          region: target.ssoRegion,
          accessToken: fresh.accessToken,
          expiresAt: isoSeconds(now.getTime() + fresh.expiresIn * 1000),
          clientId: request.clientId,
          clientSecret: request.clientSecret,
          registrationExpiresAt: raw.registrationExpiresAt as string,
          refreshToken: fresh.refreshToken ?? request.refreshToken,
        };
        writeFileAtomic(resolveLinks(target.tokenFile), pythonJson(next), { mode: 0o600 });
        return fresh.accessToken;
      } catch (error) {
        if (!(error instanceof AwsenvError)) throw error;
        refreshFailed = error.message;
      }
    }
  }
  if (token.expiresAt - TOKEN_MARGIN_MS <= now.getTime()) {
    const what = target.session !== undefined ? `sso-session '${target.session}'` : `start URL ${target.startUrl}`;
    const why = refreshFailed ? ` and could not be refreshed (${refreshFailed})` : '';
    throw new SsoLoginNeeded(target, `the SSO token for ${what} expired at ${isoSeconds(token.expiresAt)}${why}`);
  }
  return token.accessToken;
}

export interface RoleCredentialsRequest {
  accessToken: string;
  accountId: string;
  roleName: string;
}

export interface SsoPort {
  getRoleCredentials(request: RoleCredentialsRequest): Promise<Required<Pick<Credentials, 'accessKeyId' | 'secretAccessKey' | 'sessionToken' | 'expiration'>>>;
}

/** The portal turned the token down (401): it was revoked, or belongs to an ended session. */
export class SsoTokenRejected extends AwsenvError {}

export async function realSso(env: Env, ssoRegion: string): Promise<SsoPort> {
  // As in sts.ts: awsenv pins its SDK; the SDK's Node version notice is not for our stderr.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { createSdkSso } = await import('./sso-sdk.js');
  return createSdkSso(env, ssoRegion);
}

/** The SSO OIDC port for token refresh (plain fetch; see sso-oidc.ts). */
export async function realOidc(env: Env, ssoRegion: string): Promise<OidcPort> {
  return createOidc(env, ssoRegion);
}
