// SSO OIDC CreateToken with grant_type refresh_token: how AWS CLI v2 renews the access token
// of an `[sso-session]` without a browser (botocore tokens.py, SSOTokenProvider). One
// unsigned JSON POST to https://oidc.REGION.amazonaws.com/token; plain fetch rather than a
// whole SDK client for one call. The answer is bounded in time and size, validated, and no
// token or secret ever reaches a message.
// https://docs.aws.amazon.com/singlesignon/latest/OIDCAPIReference/API_CreateToken.html
import * as z from 'zod/mini';
import { AwsenvError } from '../errors.js';
import type { Env } from '../files/files.js';
import { deadlineMs } from './deadline.js';

export interface RefreshRequest {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

export interface RefreshedToken {
  accessToken: string;
  /** Seconds from now. */
  expiresIn: number;
  refreshToken?: string | undefined;
}

export interface OidcPort {
  refresh(request: RefreshRequest): Promise<RefreshedToken>;
}

export class OidcError extends AwsenvError {}

const CreateTokenResponse = z.looseObject({
  accessToken: z.string().check(z.minLength(1)),
  expiresIn: z.int().check(z.positive()),
  refreshToken: z.optional(z.string().check(z.minLength(1))),
});

/** As the SDKs resolve it: AWS_ENDPOINT_URL_SSO_OIDC, then AWS_ENDPOINT_URL, then AWS's. */
export function oidcEndpoint(env: Env, region: string): string {
  return (env.AWS_ENDPOINT_URL_SSO_OIDC || env.AWS_ENDPOINT_URL || `https://oidc.${region}.amazonaws.com`).replace(/\/+$/, '');
}

const MAX_BODY = 64 * 1024;

async function readCapped(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (error) {
      throw new OidcError(`the SSO OIDC answer from ${response.url} was cut off (${(error as Error).name})`, { cause: error });
    }
    const { done, value } = chunk;
    if (done) break;
    size += value.length;
    if (size > MAX_BODY) {
      await reader.cancel();
      throw new OidcError(`the SSO OIDC answer was larger than ${MAX_BODY / 1024} KiB; is ${response.url} the SSO OIDC endpoint?`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function createOidc(env: Env, region: string): OidcPort {
  const endpoint = oidcEndpoint(env, region);
  // The deadline every STS and SSO request has (AWSENV_STS_TIMEOUT, deadline.ts); the signal
  // also bounds reading the body.
  const timeoutMs = deadlineMs(env);
  return {
    async refresh(r) {
      let response: Response;
      try {
        response = await fetch(`${endpoint}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ clientId: r.clientId, clientSecret: r.clientSecret, grantType: 'refresh_token', refreshToken: r.refreshToken }),
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'error',
        });
      } catch (error) {
        const e = error as { name?: string; cause?: { code?: string } };
        if (e.name === 'TimeoutError') throw new OidcError(`no answer from ${endpoint} within ${timeoutMs / 1000} s (AWSENV_STS_TIMEOUT)`, { cause: error });
        throw new OidcError(`cannot reach ${endpoint} (${e.cause?.code ?? e.name ?? 'unknown error'})`, { cause: error });
      }
      const text = await readCapped(response);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new OidcError(`${endpoint} did not answer like SSO OIDC (HTTP ${response.status}, not JSON)`);
      }
      if (!response.ok) {
        // {"error":"invalid_grant","error_description":"…"}; the type also comes as a header.
        const o = json as { error?: unknown; error_description?: unknown };
        const code = typeof o.error === 'string' ? o.error.slice(0, 60) : (response.headers.get('x-amzn-errortype')?.split(':')[0] ?? 'error');
        throw new OidcError(`SSO OIDC refused to refresh the token (HTTP ${response.status}, ${code})`);
      }
      const parsed = CreateTokenResponse.safeParse(json);
      if (!parsed.success) throw new OidcError(`${endpoint} answered CreateToken without a usable token`);
      return parsed.data;
    },
  };
}
