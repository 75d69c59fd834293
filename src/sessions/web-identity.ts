// Web identity (OIDC) tokens for role_arn + web_identity_token_file profiles: the file an
// identity provider keeps current (EKS service accounts, GitHub Actions, …). botocore's
// FileWebIdentityTokenLoader reads it whole on every request and sends it as is; so does
// awsenv, with errors that name the profile and the file, never the token.
// https://docs.aws.amazon.com/sdkref/latest/guide/feature-assume-role-credentials.html
import { readFileSync } from 'node:fs';
import { AwsenvError } from '../errors.js';

export class WebIdentityTokenError extends AwsenvError {}

/** STS takes a WebIdentityToken of at most 20000 characters (AssumeRoleWithWebIdentity). */
export const MAX_TOKEN_LENGTH = 20_000;

export function readWebIdentityToken(profile: string, file: string): string {
  const what = `profile '${profile}': the web identity token file ${file}`;
  let token: string;
  try {
    token = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read (${code ?? 'unknown error'})`;
    throw new WebIdentityTokenError(`${what} ${why}; check web_identity_token_file, or that the identity provider has written it`, { cause: error });
  }
  if (token.trim() === '') throw new WebIdentityTokenError(`${what} is empty; the identity provider has not written a token into it`);
  if (token.length > MAX_TOKEN_LENGTH) throw new WebIdentityTokenError(`${what} holds ${token.length} characters, more than the ${MAX_TOKEN_LENGTH} STS accepts; is it the right file?`);
  return token;
}
