// What the hardening tests (test/hardening/) share: a credentials file with everything a
// hand-kept one has, the session it holds, the blocks `--save-as` appends, and a parser
// for `use --shell bash` output.
import * as z from 'zod/mini';

export const FUTURE = new Date(Date.now() + 3 * 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The temporary session of [session-src]: keys+token, so `use` needs no STS. */
export const SESSION = {
  accessKeyId: 'ASIAHARDENSESSION001',
  secretAccessKey: 'harden/session+SECRETSECRETSECRETSECRET0001',
  sessionToken: 'FwoGZXIvYXdzHARDENTOKEN//////////wEaDSESSIONTOKENxyz=',
};

export const FIXTURE =
  [
    '# ~/.aws/credentials — kept by hand',
    '; semicolon comment',
    '',
    '[default]',
    'aws_access_key_id = AKIAIOSFODNN7HARDEN1',
    '# the secret:',
    'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYHARDENKEY1',
    'aws_session_token = LEFTOVER-TOKEN-FROM-AN-OLD-MFA-SESSION',
    'region = eu-west-1',
    '   ',
    '[session-src]',
    `aws_access_key_id = ${SESSION.accessKeyId}`,
    `aws_secret_access_key=${SESSION.secretAccessKey}`,
    `AWS_SESSION_TOKEN: ${SESSION.sessionToken}`,
    `expiration = ${FUTURE}`,
    '',
    '[old-mfa]',
    '\t# indented comment, ünïcödé',
    'aws_access_key_id = ASIAOLDSESSION000001',
    'aws_secret_access_key = old-secret-value-0001',
    'aws_session_token = OLD-TOKEN-VALUE-0001',
    '  continued-token-line',
    'expiration = 2020-01-01T00:00:00Z',
    '',
    '[other]',
    'aws_access_key_id = AKIAOTHER00000000001',
    'aws_secret_access_key = other-secret-value-0001',
    's3 =',
    '  max_concurrent_requests = 20',
    '# aws_session_token = commented out, not a key',
  ].join('\n') + '\n';

/** The lines `clear --stale-tokens` removes from FIXTURE. */
export const STALE_LINES = new Set([
  'aws_session_token = LEFTOVER-TOKEN-FROM-AN-OLD-MFA-SESSION\n',
  'aws_access_key_id = ASIAOLDSESSION000001\n',
  'aws_secret_access_key = old-secret-value-0001\n',
  'aws_session_token = OLD-TOKEN-VALUE-0001\n',
  '  continued-token-line\n',
  'expiration = 2020-01-01T00:00:00Z\n',
]);

export const linesOf = (text: string) => text.split(/(?<=\n)/);

/** FIXTURE as `clear --stale-tokens` leaves it. */
export const CLEARED = linesOf(FIXTURE)
  .filter((l) => !STALE_LINES.has(l))
  .join('');

/** The block `use session-src --save-as NAME` appends (after a blank line). */
export const savedBlock = (name: string) =>
  `\n[${name}]\naws_access_key_id = ${SESSION.accessKeyId}\naws_secret_access_key = ${SESSION.secretAccessKey}\naws_session_token = ${SESSION.sessionToken}\nexpiration = ${FUTURE}\n`;

export { exportsOf } from './exports.js';

/** A session cache file as the contract describes it (an oracle, not src/sessions/cache.ts). */
export const CacheFile = z.object({
  version: z.literal(1),
  profile: z.string(),
  accessKeyId: z.string().check(z.minLength(1)),
  secretAccessKey: z.string().check(z.minLength(1)),
  sessionToken: z.string().check(z.minLength(1)),
  expiration: z.string(),
  mfa: z.boolean(),
});

/** Splits a credentials file into its [sections] as text blocks (the text before the first, under ''). */
export function sectionsOf(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let name = '';
  let block = '';
  for (const line of linesOf(text)) {
    const header = /^\[([^\]]+)\]/.exec(line);
    if (header) {
      out.set(name, block);
      name = header[1]!;
      block = '';
    }
    block += line;
  }
  out.set(name, block);
  return out;
}
