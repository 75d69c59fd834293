// The STS port on the AWS SDK (loaded lazily by sts.ts). The SDK honours the endpoint
// variables, but awsenv passes them itself so the environment stays injected.
// Every failure becomes one StsError sentence with a next step; no secret is in it.
import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import * as z from 'zod/mini';
import { AwsenvError } from '../errors.js';
import type { Credentials } from '../core/environment.js';
import type { Env } from '../files/files.js';
import type { StsPort } from './sts.js';
import { boundedHandler, deadlineMs, deadlineSignal } from './http.js';

export class StsError extends AwsenvError {
  /** The server's Date header when there was an answer (clock skew). */
  serverDate?: Date | undefined;
  /** STS refused the MFA code itself (wrong, expired or already used): another code may work. */
  mfaCodeRejected = false;
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const StsCredentials = z.object({
  AccessKeyId: z.string().check(z.minLength(1)),
  SecretAccessKey: z.string().check(z.minLength(1)),
  SessionToken: z.string().check(z.minLength(1)),
  Expiration: z.date(),
});

export function stsEndpoint(env: Env): string | undefined {
  return env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL || undefined;
}

/**
 * `source` undefined: an unsigned client (AssumeRoleWithWebIdentity needs no keys).
 * A client whose every request ends by the deadline (AWSENV_STS_TIMEOUT, http.ts), body
 * capped; `seen` keeps the last response's Date header. Send with `{ abortSignal: signal }`.
 */
function client(env: Env, region: string | undefined, source: Credentials | undefined, seen: { date?: Date } = {}): STSClient & { signal: AbortSignal } {
  const signal = deadlineSignal(deadlineMs(env));
  const sts = new STSClient({
    region: region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    endpoint: stsEndpoint(env),
    credentials: source && {
      accessKeyId: source.accessKeyId,
      secretAccessKey: source.secretAccessKey,
      ...(source.sessionToken ? { sessionToken: source.sessionToken } : {}),
    },
    // Bounded: an unreachable endpoint fails in about 10 s, not the SDK's default minutes.
    maxAttempts: 2,
    requestHandler: boundedHandler(signal, seen),
    // Every setting the SDK would otherwise look up in the AWS files, given: it would read
    // them from the section AWS_PROFILE names (not the profile awsenv resolves), and parse
    // both files again for it (a few ms each cold `use`; most of a second with 50,000
    // profiles). FIPS and dual-stack endpoints follow the SDK's own variables.
    ...sdkSettings(env),
  });
  return Object.assign(sts, { signal });
}

/** The client settings the SDK reads from the environment or the AWS files, from the environment only. */
export function sdkSettings(env: Env) {
  return {
    useFipsEndpoint: env.AWS_USE_FIPS_ENDPOINT?.toLowerCase() === 'true',
    useDualstackEndpoint: env.AWS_USE_DUALSTACK_ENDPOINT?.toLowerCase() === 'true',
    retryMode: 'standard',
    defaultsMode: 'standard' as const,
    authSchemePreference: [],
    sigv4aSigningRegionSet: [],
    userAgentAppId: async () => env.AWS_SDK_UA_APP_ID,
    disableClockSkewCorrection: async () => env.AWS_DISABLE_CLOCK_SKEW_CORRECTION?.toLowerCase() === 'true',
  };
}

class InvalidResponse extends Error {
  override name = 'InvalidResponse';
}

function converted(response: { Credentials?: unknown }) {
  const parsed = StsCredentials.safeParse(response.Credentials);
  if (!parsed.success) throw new InvalidResponse('the answer held no usable credentials');
  const c = parsed.data;
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
}

/** One sentence and a next step for each way STS says no. */
export function explain(error: unknown, what: string, env: Env): StsError {
  const e = error as { name?: string; code?: string; message?: string; $metadata?: unknown };
  const code = e.name ?? e.code ?? 'Error';
  const message = String(e.message ?? '');
  const endpoint = stsEndpoint(env) ?? 'the AWS STS endpoint';
  const says = (text: string) => new StsError(code, `${what} failed: ${text}`, { cause: error });
  if (/MultiFactorAuthentication|MFA/i.test(message) || (code === 'AccessDenied' && /token ?code|one time pass/i.test(message))) {
    // "unable to validate MFA code … verify your MFA serial number" is about the device, not
    // the code: another code will not help.
    if (/unable to validate|serial number/i.test(message)) {
      return says('STS could not validate codes of this MFA device; check that mfa_serial is the ARN of your MFA device, and resync the device in IAM if it is');
    }
    const rejected = says('the MFA code was rejected (codes are valid for 30 s and used once); try again with the next code');
    rejected.mfaCodeRejected = true;
    return rejected;
  }
  switch (code) {
    case 'InvalidClientTokenId':
      return says('AWS does not know this access key, or it is inactive (or a stale session token was sent with it); run `awsenv doctor`');
    case 'SignatureDoesNotMatch':
      return says('the secret access key does not match the key id; check aws_secret_access_key');
    case 'ExpiredToken':
    case 'ExpiredTokenException':
      return says('the source session has expired; run `awsenv use SOURCE --refresh` to get a new one');
    case 'RequestExpired':
      return says('the request was signed at a time AWS does not accept: check the system clock');
    case 'AccessDenied':
      return says(`${message.replace(/\.$/, '')}; check the role's trust policy, external_id and mfa_serial`);
    case 'TimeoutError':
    case 'RequestTimeout':
    case 'AbortError':
      return says(`no answer from ${endpoint} within ${deadlineMs(env) / 1000} s (AWSENV_STS_TIMEOUT); check the network or proxy, or try again`);
    case 'ResponseTooLarge':
      return says(`${endpoint} sent an answer larger than any STS answer (${message}); check AWS_ENDPOINT_URL_STS and the proxy settings`);
  }
  if (code === 'InvalidResponse' || /Deserialization error|parse error|\$response/i.test(message) || (e.$metadata as { httpStatusCode?: number } | undefined)?.httpStatusCode === 200) {
    return says(`${endpoint} did not answer like STS (a proxy or captive portal in the way?); check AWS_ENDPOINT_URL_STS and the proxy settings`);
  }
  if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EAI_AGAIN'].includes(e.code ?? code)) {
    return says(`cannot reach ${endpoint} (${e.code ?? code}); check the network, proxy or AWS_ENDPOINT_URL_STS`);
  }
  // Library messages can run over several lines; one sentence is enough here.
  return says(`${code}: ${message.split('\n')[0]!.trim() || 'unknown error'}`);
}

export function createSdkSts(env: Env, region: string | undefined): StsPort {
  return {
    async callerIdentity(credentials) {
      const seen: { date?: Date } = {};
      const sts = client(env, region, credentials, seen);
      try {
        const r = await sts.send(new GetCallerIdentityCommand({}), { abortSignal: sts.signal });
        return { arn: r.Arn ?? '', account: r.Account ?? '', serverDate: seen.date };
      } catch (error) {
        const e = explain(error, 'GetCallerIdentity', env);
        e.serverDate = seen.date;
        throw e;
      }
    },
    async getSessionToken(r) {
      try {
        const sts = client(env, region, r.source);
        const response = await sts.send(
          new GetSessionTokenCommand({
            DurationSeconds: r.durationSeconds,
            SerialNumber: r.mfaSerial,
            TokenCode: r.mfaCode,
          }),
          { abortSignal: sts.signal },
        );
        return converted(response);
      } catch (error) {
        throw error instanceof StsError ? error : explain(error, 'getting an MFA session', env);
      }
    },
    async assumeRole(r) {
      try {
        const sts = client(env, region, r.source);
        const response = await sts.send(
          new AssumeRoleCommand({
            RoleArn: r.roleArn,
            RoleSessionName: r.sessionName,
            ExternalId: r.externalId,
            DurationSeconds: r.durationSeconds,
            SerialNumber: r.mfaSerial,
            TokenCode: r.mfaCode,
          }),
          { abortSignal: sts.signal },
        );
        return converted(response);
      } catch (error) {
        throw error instanceof StsError ? error : explain(error, `assuming ${r.roleArn}`, env);
      }
    },
    async assumeRoleWithWebIdentity(r) {
      try {
        const sts = client(env, region, undefined);
        const response = await sts.send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: r.roleArn,
            RoleSessionName: r.sessionName,
            WebIdentityToken: r.webIdentityToken,
            DurationSeconds: r.durationSeconds,
          }),
          { abortSignal: sts.signal },
        );
        return converted(response);
      } catch (error) {
        throw error instanceof StsError ? error : explain(error, `assuming ${r.roleArn} with a web identity token`, env);
      }
    },
  };
}
