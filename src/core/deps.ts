// The real dependencies of credential resolution, wired at the edge.
import { cacheDir, SessionCache } from '../aws/cache.js';
import type { Env } from '../aws/files.js';
import { realSts } from '../aws/sts.js';
import { AwsenvError, UnsupportedProfile } from '../errors.js';
import { spinner } from '../util/spinner.js';
import { askTerminal } from '../util/tty.js';
import type { ResolveDeps } from './resolve.js';

/** How long a credential_process may take (AWSENV_PROCESS_TIMEOUT seconds, default 60). */
function processTimeoutMs(env: Env): number {
  const seconds = Number(env.AWSENV_PROCESS_TIMEOUT);
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : 60) * 1000;
}

export function realDeps(env: Env, now: () => Date, _warn: (message: string) => void): ResolveDeps {
  return {
    env,
    now,
    sts: (region) => realSts(env, region),
    cache: new SessionCache(cacheDir(env)),
    // The prompt hook renews sessions in the background: it must never stop for a code.
    askMfaCode: async (serial) => {
      if (env.AWSENV_NONINTERACTIVE === '1') throw new AwsenvError(`a new session needs an MFA code for ${serial}`);
      return askTerminal(`MFA code for ${serial}: `);
    },
    runProcess: async (profile, command) => {
      const { runCredentialProcess } = await import('../aws/process.js');
      return runCredentialProcess(profile, command, env, processTimeoutMs(env));
    },
    sso: async (profile) => {
      throw new UnsupportedProfile(`profile '${profile}' is an SSO profile; SSO is not supported yet`);
    },
    progress: (what) => spinner(what),
  };
}
