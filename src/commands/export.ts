// awsenv export PROFILE --format process: the JSON that credential_process expects, so the
// AWS CLI, SDKs and Terraform share awsenv's sessions:
//   [profile admin-shared]
//   credential_process = awsenv export admin --format process
// https://docs.aws.amazon.com/sdkref/latest/guide/feature-process-credentials.html
import { loadProfiles } from '../files/profiles.js';
import { profileIndexCache } from '../sessions/cache.js';
import { realDeps } from '../core/deps.js';
import { Resolver } from '../core/resolve.js';
import type { Context, Output } from './context.js';

export const EXPORT_FORMATS = ['process'] as const;

export async function exportCredentials(
  args: { profile: string; format: (typeof EXPORT_FORMATS)[number]; mfaCode?: string | undefined },
  ctx: Context,
): Promise<Output> {
  const resolved = await new Resolver(loadProfiles(ctx.env, profileIndexCache(ctx.env)), realDeps(ctx.env, ctx.now, ctx.warn), {
    mfaCode: args.mfaCode,
  }).resolve(args.profile);
  const c = resolved.credentials;
  const json = {
    Version: 1,
    AccessKeyId: c.accessKeyId,
    SecretAccessKey: c.secretAccessKey,
    ...(c.sessionToken ? { SessionToken: c.sessionToken } : {}),
    ...(c.expiration ? { Expiration: c.expiration.toISOString() } : {}),
  };
  return { stdout: `${JSON.stringify(json)}\n` };
}
