// SSO profiles to credentials: role credentials from the shared session cache when still
// good, else from GetRoleCredentials with the token `aws sso login` cached. Without a usable
// token the error names the exact login command; with --login awsenv runs it and goes on.
// Dependencies are passed in, so the flow is tested with a fake portal and login.
import { fromCached, type SessionCache, sessionKey, toCached } from '../sessions/cache.js';
import type { Env } from '../files/files.js';
import type { ProfileSet, ProfileSettings } from '../files/profiles.js';
import { loginCommand, SsoLoginNeeded, type SsoPort, ssoTarget, type SsoTarget, ssoToken, SsoTokenRejected } from '../sessions/sso.js';
import type { OidcPort } from '../sessions/sso-oidc.js';
import type { Credentials } from './environment.js';

export interface SsoDeps {
  env: Env;
  now(): Date;
  cache: SessionCache;
  sso(ssoRegion: string): Promise<SsoPort>;
  /** SSO OIDC, to refresh an expiring token as the AWS CLI does; without it, no refresh. */
  oidc?(ssoRegion: string): Promise<OidcPort>;
  /** Runs `aws ARGS…` with the terminal, its output kept off our stdout. */
  login(args: string[]): Promise<void>;
  /** A one-line notice on stderr (before handing the terminal to `aws sso login`). */
  notice?(message: string): void;
  /** A spinner while a request is in flight; returns its stop. */
  progress?(what: string): () => void;
}

export interface SsoOptions {
  /** Get new role credentials even if some are cached. */
  refresh?: boolean | undefined;
  /** Run `aws sso login` when the token is missing, expired or rejected. */
  login?: boolean | undefined;
}

export async function ssoCredentials(
  profile: string,
  settings: ProfileSettings,
  set: ProfileSet,
  deps: SsoDeps,
  options: SsoOptions = {},
): Promise<Credentials> {
  const target = ssoTarget(profile, settings, set, deps.env);
  const { cache, now } = deps;
  const key = sessionKey({ op: 'sso-role', startUrl: target.startUrl, accountId: target.accountId, roleName: target.roleName });
  const cached = () => {
    const hit = options.refresh ? undefined : cache.read(key, now());
    return hit && fromCached(hit);
  };
  // Cached role credentials outlive the token that got them, as in botocore's SSO provider.
  const hit = cached();
  if (hit) return hit;

  let loggedIn = false;
  const logIn = async (target: SsoTarget) => {
    deps.notice?.(`running \`${loginCommand(target)}\``);
    await deps.login(target.loginArgs);
    loggedIn = true;
  };
  for (;;) {
    let token: string;
    try {
      // Under a lock: two shells refreshing at once would spend the refresh token twice.
      token = await cache.withLock(sessionKey({ op: 'sso-token', file: target.tokenFile }), () => ssoToken(target, now(), deps.oidc));
    } catch (error) {
      if (!(error instanceof SsoLoginNeeded) || !options.login || loggedIn) throw error;
      await logIn(target);
      continue;
    }
    try {
      return await cache.withLock(key, async () => {
        // Another process may have filled it while we waited for the lock.
        const filled = cached();
        if (filled) return filled;
        const stop = deps.progress?.(`getting credentials for ${target.roleName} in ${target.accountId} from AWS SSO`);
        const c = await (await deps.sso(target.ssoRegion))
          .getRoleCredentials({ accessToken: token, accountId: target.accountId, roleName: target.roleName })
          .finally(() => stop?.());
        cache.write(key, toCached(profile, c, false));
        return c;
      });
    } catch (error) {
      if (!(error instanceof SsoTokenRejected)) throw error;
      if (!options.login || loggedIn) throw new SsoLoginNeeded(target, error.message, { cause: error });
      await logIn(target);
    }
  }
}
