// The SSO port on the AWS SDK (loaded lazily by sso.ts). GetRoleCredentials is unsigned: the
// token travels in the x-amz-sso_bearer_token header. awsenv passes the endpoint variables
// itself so the environment stays injected. Every failure becomes one sentence with a next
// step; the token and the credentials are never in it.
import { GetRoleCredentialsCommand, SSOClient } from '@aws-sdk/client-sso';
import * as z from 'zod/mini';
import { AwsenvError } from '../errors.js';
import type { Env } from '../files/files.js';
import { type RoleCredentialsRequest, type SsoPort, SsoTokenRejected } from './sso.js';
import { boundedHandler, deadlineMs, deadlineSignal } from './http.js';

export class SsoError extends AwsenvError {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const RoleCredentials = z.object({
  accessKeyId: z.string().check(z.minLength(1)),
  secretAccessKey: z.string().check(z.minLength(1)),
  sessionToken: z.string().check(z.minLength(1)),
  /** Epoch milliseconds. */
  expiration: z.int().check(z.positive()),
});

export function ssoEndpoint(env: Env): string | undefined {
  return env.AWS_ENDPOINT_URL_SSO || env.AWS_ENDPOINT_URL || undefined;
}

/** One sentence and a next step for each way the portal says no. */
export function explainSso(error: unknown, r: Pick<RoleCredentialsRequest, 'accountId' | 'roleName'>, env: Env, region: string): AwsenvError {
  const e = error as { name?: string; code?: string; message?: string; $fault?: string; $metadata?: { httpStatusCode?: number } };
  const code = e.name ?? e.code ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  // The portal's own messages are short sentences without secrets; anything else (a parse
  // error could quote a response body) is reduced to its name and status.
  const serviceMessage = e.$fault && e.message ? `: ${e.message.slice(0, 200)}` : '';
  const what = `getting credentials for role ${r.roleName} in account ${r.accountId}`;
  const says = (text: string) => new SsoError(code, `${what} failed: ${text}`, { cause: error });
  const endpoint = ssoEndpoint(env) ?? `the AWS SSO portal in ${region}`;
  switch (code) {
    case 'UnauthorizedException':
      return new SsoTokenRejected(`the SSO portal rejected the cached token${serviceMessage} (it was revoked, or its session ended)`, { cause: error });
    case 'ForbiddenException':
    case 'AccessDeniedException':
      return says(`this identity may not use that role${serviceMessage}; check sso_account_id and sso_role_name`);
    case 'ResourceNotFoundException':
      return says(`no such role for this identity${serviceMessage}; check sso_account_id and sso_role_name`);
    case 'TooManyRequestsException':
      return says('the SSO portal is throttling requests; try again in a moment');
    case 'InvalidRequestException':
      return says(`the SSO portal refused the request${serviceMessage}; check sso_account_id and sso_role_name`);
    case 'TimeoutError':
    case 'RequestTimeout':
    case 'AbortError':
      return says(`no answer from ${endpoint} within ${deadlineMs(env) / 1000} s (AWSENV_STS_TIMEOUT); check the network or proxy, or try again`);
    case 'ResponseTooLarge':
      return says(`${endpoint} sent an answer larger than any SSO answer; check AWS_ENDPOINT_URL_SSO and the proxy settings`);
  }
  if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EAI_AGAIN'].includes(e.code ?? code)) {
    return says(`cannot reach ${endpoint} (${e.code ?? code}); check the network, proxy, sso_region or AWS_ENDPOINT_URL_SSO`);
  }
  return says(`${code}${status ? ` (HTTP ${status})` : ''}${serviceMessage}`);
}

export function createSdkSso(env: Env, region: string): SsoPort {
  return {
    async getRoleCredentials(r) {
      // One deadline for the whole request, body capped (http.ts).
      const signal = deadlineSignal(deadlineMs(env));
      const client = new SSOClient({
        region,
        endpoint: ssoEndpoint(env),
        // Bounded like STS: an unreachable portal fails in about 10 s, not minutes.
        maxAttempts: 2,
        // throwOnRequestTimeout: without it this handler version only warns (on our stderr) and waits on.
        requestHandler: boundedHandler(signal),
      });
      try {
        const response = await client.send(
          new GetRoleCredentialsCommand({ accessToken: r.accessToken, accountId: r.accountId, roleName: r.roleName }),
          { abortSignal: signal },
        );
        const parsed = RoleCredentials.safeParse(response.roleCredentials);
        if (!parsed.success) throw new SsoError('InvalidResponse', `the SSO portal answered GetRoleCredentials for role ${r.roleName} without usable credentials`);
        const c = parsed.data;
        return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration: new Date(c.expiration) };
      } catch (error) {
        throw error instanceof AwsenvError ? error : explainSso(error, r, env, region);
      } finally {
        client.destroy();
      }
    },
  };
}
