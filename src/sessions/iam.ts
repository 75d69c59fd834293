// What `awsenv rotate` (and doctor's key-age check) asks of IAM, as a small port so the core
// can be tested with a fake. The real one loads the IAM SDK only when a request is made, so
// it costs nothing on `use` (scripts/build.mjs puts iam-sdk.ts in a lazy bundle of its own).
import type { Credentials } from '../core/environment.js';
import type { Env } from '../files/files.js';

export interface AccessKeyInfo {
  accessKeyId: string;
  /** 'Active' or 'Inactive'. */
  status: string;
  createDate: Date | undefined;
}

export interface KeyLastUsed {
  /** Undefined when the key was never used (or IAM has not recorded it yet). */
  date: Date | undefined;
  service: string | undefined;
  region: string | undefined;
}

export interface NewAccessKey {
  accessKeyId: string;
  secretAccessKey: string;
  createDate: Date | undefined;
}

/** One user's keys, as seen with one set of credentials. */
export interface IamPort {
  listAccessKeys(userName: string): Promise<AccessKeyInfo[]>;
  lastUsed(accessKeyId: string): Promise<KeyLastUsed>;
  createAccessKey(userName: string): Promise<NewAccessKey>;
  deleteAccessKey(userName: string, accessKeyId: string): Promise<void>;
  deactivateAccessKey(userName: string, accessKeyId: string): Promise<void>;
  /** The serial numbers (ARNs) of the user's MFA devices. */
  listMfaDevices(userName: string): Promise<string[]>;
}

/** IAM is global, but its endpoint and signing region depend on the partition. */
export function iamRegion(region: string | undefined): string {
  if (region?.startsWith('cn-')) return 'cn-north-1';
  if (region?.startsWith('us-gov-')) return 'us-gov-west-1';
  return 'us-east-1';
}

export async function realIam(env: Env, region: string | undefined, credentials: Credentials): Promise<IamPort> {
  // As in sts.ts: the SDK's Node-version warning is not for awsenv's users.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { createSdkIam } = await import('./iam-sdk.js');
  return createSdkIam(env, iamRegion(region), credentials);
}
