// The overall deadline of every STS, SSO and SSO OIDC request (issue 12), in a module of its
// own so that a caller needs no HTTP code to know it.
import type { Env } from '../files/files.js';

/** The overall deadline of one request, retries included: AWSENV_STS_TIMEOUT seconds, default 10. */
export function deadlineMs(env: Env): number {
  const seconds = Number(env.AWSENV_STS_TIMEOUT);
  return (Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 3600) : 10) * 1000;
}
