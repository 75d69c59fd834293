// The IAM port on the AWS SDK (loaded lazily by iam.ts). The endpoint comes from
// AWS_ENDPOINT_URL_IAM, else AWS_ENDPOINT_URL, passed in like STS's so the environment stays
// injected. Every failure becomes one IamError sentence; no secret is in it.
import {
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  GetAccessKeyLastUsedCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import * as z from 'zod/mini';
import type { Credentials } from '../core/environment.js';
import { AwsenvError } from '../errors.js';
import type { Env } from '../files/files.js';
import type { IamPort } from './iam.js';

export class IamError extends AwsenvError {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function iamEndpoint(env: Env): string | undefined {
  return env.AWS_ENDPOINT_URL_IAM || env.AWS_ENDPOINT_URL || undefined;
}

const NewKey = z.object({
  AccessKeyId: z.string().check(z.minLength(16)),
  SecretAccessKey: z.string().check(z.minLength(1)),
  CreateDate: z.optional(z.date()),
});

/** One sentence for each way IAM says no (the caller adds what to do at its step). */
export function explainIam(error: unknown, what: string, env: Env): IamError {
  const e = error as { name?: string; code?: string; message?: string };
  const code = e.name ?? e.code ?? 'Error';
  const message = String(e.message ?? '').split('\n')[0]!.trim();
  const endpoint = iamEndpoint(env) ?? 'the AWS IAM endpoint';
  const says = (text: string) => new IamError(code, `${what} failed: ${text}`, { cause: error });
  switch (code) {
    case 'InvalidClientTokenId':
      return says('AWS does not know this access key, or it is inactive');
    case 'SignatureDoesNotMatch':
      return says('the secret access key does not match the key id');
    case 'ExpiredToken':
    case 'ExpiredTokenException':
      return says('the MFA session has expired');
    case 'LimitExceeded':
    case 'LimitExceededException':
      return says('the user already has the most access keys IAM allows (two)');
    case 'NoSuchEntity':
    case 'NoSuchEntityException':
      return says(`IAM does not know it (${message.replace(/\.$/, '')})`);
    case 'TimeoutError':
    case 'RequestTimeout':
      return says(`no answer from ${endpoint} within 10 s`);
  }
  if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EAI_AGAIN'].includes(e.code ?? code)) {
    return says(`cannot reach ${endpoint} (${e.code ?? code}); check the network, proxy or AWS_ENDPOINT_URL_IAM`);
  }
  return says(`${code}: ${message.replace(/\.$/, '') || 'unknown error'}`);
}

export function createSdkIam(env: Env, region: string, credentials: Credentials): IamPort {
  const iam = new IAMClient({
    region,
    endpoint: iamEndpoint(env),
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
    },
    // Bounded like STS: an unreachable endpoint fails in about 10 s.
    maxAttempts: 2,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 3000, requestTimeout: 5000, throwOnRequestTimeout: true }),
  });
  const call = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (error) {
      throw error instanceof IamError ? error : explainIam(error, what, env);
    }
  };
  return {
    listAccessKeys: (userName) =>
      call('iam:ListAccessKeys', async () => {
        const r = await iam.send(new ListAccessKeysCommand({ UserName: userName }));
        return (r.AccessKeyMetadata ?? [])
          .filter((k) => typeof k.AccessKeyId === 'string')
          .map((k) => ({ accessKeyId: k.AccessKeyId!, status: String(k.Status ?? 'Active'), createDate: k.CreateDate }));
      }),
    lastUsed: (accessKeyId) =>
      call('iam:GetAccessKeyLastUsed', async () => {
        const r = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }));
        const u = r.AccessKeyLastUsed;
        // IAM says "N/A" for a key never used.
        const known = (s: string | undefined) => (s && s !== 'N/A' ? s : undefined);
        return { date: u?.LastUsedDate, service: known(u?.ServiceName), region: known(u?.Region) };
      }),
    createAccessKey: (userName) =>
      call('iam:CreateAccessKey', async () => {
        const r = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
        const parsed = NewKey.safeParse(r.AccessKey);
        if (!parsed.success) throw new IamError('InvalidResponse', 'iam:CreateAccessKey failed: the answer held no usable key');
        const k = parsed.data;
        return { accessKeyId: k.AccessKeyId, secretAccessKey: k.SecretAccessKey, createDate: k.CreateDate };
      }),
    deleteAccessKey: (userName, accessKeyId) =>
      call('iam:DeleteAccessKey', async () => {
        await iam.send(new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId }));
      }),
    deactivateAccessKey: (userName, accessKeyId) =>
      call('iam:UpdateAccessKey', async () => {
        await iam.send(new UpdateAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId, Status: 'Inactive' }));
      }),
    listMfaDevices: (userName) =>
      call('iam:ListMFADevices', async () => {
        const r = await iam.send(new ListMFADevicesCommand({ UserName: userName }));
        return (r.MFADevices ?? []).map((d) => d.SerialNumber).filter((s): s is string => typeof s === 'string');
      }),
  };
}
