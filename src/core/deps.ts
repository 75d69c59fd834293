// The real dependencies of credential resolution, wired at the edge.
import { cacheDir, SessionCache } from '../sessions/cache.js';
import type { Env } from '../files/files.js';
import { usedCodes } from '../sessions/mfa-codes.js';
import { realSts } from '../sessions/sts.js';
import { AwsenvError } from '../errors.js';
import { spinner } from '../util/spinner.js';
import { askTerminal } from '../util/tty.js';
import type { ResolveDeps } from './resolve.js';

/** How long a credential_process may take (AWSENV_PROCESS_TIMEOUT seconds, default 60). */
function processTimeoutMs(env: Env): number {
  const seconds = Number(env.AWSENV_PROCESS_TIMEOUT);
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : 60) * 1000;
}

export interface DepsOptions {
  /** Run `aws sso login` when an SSO profile's token is missing, expired or rejected. */
  login?: boolean | undefined;
  /** The profile whose cached SSO role credentials `--refresh` skips (the target only). */
  refreshProfile?: string | undefined;
}

export function realDeps(env: Env, now: () => Date, warn: (message: string) => void, options: DepsOptions = {}): ResolveDeps {
  const cache = new SessionCache(cacheDir(env), warn);
  const progress = (what: string) => spinner(what);
  return {
    env,
    now,
    sts: (region) => realSts(env, region),
    cache,
    // The prompt hook renews sessions in the background: it must never stop for a code.
    askMfaCode: async (serial) => {
      if (env.AWSENV_NONINTERACTIVE === '1') throw new AwsenvError(`a new session needs an MFA code for ${serial}`);
      return askTerminal(`MFA code for ${serial}: `);
    },
    runProcess: async (profile, command) => {
      const { runCredentialProcess } = await import('../sessions/process.js');
      return runCredentialProcess(profile, command, env, processTimeoutMs(env), now);
    },
    sso: async (profile, settings, set) => {
      const { ssoCredentials } = await import('./sso.js');
      return ssoCredentials(
        profile,
        settings,
        set,
        {
          env,
          now,
          cache,
          sso: async (region) => (await import('../sessions/sso.js')).realSso(env, region),
          oidc: async (region) => (await import('../sessions/sso.js')).realOidc(env, region),
          login: async (args) => (await import('../sessions/login.js')).runAwsCli(args, env),
          notice: (message) => warn(`${message}…`),
          progress,
        },
        { login: options.login, refresh: options.refreshProfile === profile },
      );
    },
    progress,
    notice: warn,
    usedCodes: usedCodes(cacheDir(env), now),
  };
}
