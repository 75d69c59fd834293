// What awsenv asks of STS, as a small port so the core can be tested with a fake. The
// real one loads the AWS SDK only when a request is actually needed (a cached session
// never loads it; see the speed issue).
import type { Credentials } from '../core/environment.js';
import type { Env } from '../files/files.js';

export interface SessionRequest {
  source: Credentials;
  durationSeconds?: number | undefined;
  mfaSerial?: string | undefined;
  mfaCode?: string | undefined;
}

export interface AssumeRoleRequest extends SessionRequest {
  roleArn: string;
  sessionName: string;
  externalId?: string | undefined;
}

/** AssumeRoleWithWebIdentity: unsigned, the token is the proof of identity. */
export interface WebIdentityRequest {
  roleArn: string;
  sessionName: string;
  webIdentityToken: string;
  durationSeconds?: number | undefined;
}

export interface CallerIdentity {
  arn: string;
  account: string;
  /** The server's Date header, to measure clock skew. */
  serverDate?: Date | undefined;
}

export interface StsPort {
  /** GetCallerIdentity with exactly these credentials (doctor's live check). */
  callerIdentity(credentials: Credentials): Promise<CallerIdentity>;
  getSessionToken(request: SessionRequest): Promise<Required<Pick<Credentials, 'accessKeyId' | 'secretAccessKey' | 'sessionToken' | 'expiration'>>>;
  assumeRole(request: AssumeRoleRequest): Promise<Required<Pick<Credentials, 'accessKeyId' | 'secretAccessKey' | 'sessionToken' | 'expiration'>>>;
  assumeRoleWithWebIdentity(request: WebIdentityRequest): Promise<Required<Pick<Credentials, 'accessKeyId' | 'secretAccessKey' | 'sessionToken' | 'expiration'>>>;
}

export async function realSts(env: Env, region: string | undefined): Promise<StsPort> {
  // The SDK warns on stderr that its 2027 releases will need Node 22. awsenv pins its SDK
  // through the lockfile, and stderr is for awsenv's own messages.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { createSdkSts } = await import('./sts-sdk.js');
  return createSdkSts(env, region);
}
