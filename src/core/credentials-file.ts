// The two edits awsenv makes to the credentials file: `use PROFILE --save-as NAME` and
// `clear --stale-tokens`. The text work is in aws/edit.ts, the disk work in aws/edit-file.ts;
// this wires them to the environment and says on stderr what changed (never a secret).
import { checkSectionName, dropStaleTokens, type KeyPair, replaceKeys, saveSession, type StaleChange } from '../files/edit.js';
import { editFile } from '../files/edit-file.js';
import { awsFilePaths, type Env } from '../files/files.js';
import { AwsenvError, UsageError } from '../errors.js';
import type { Credentials } from './environment.js';
import { maskKeyId } from './variables.js';

const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

function modeNotice(file: string, previous: number | undefined, warn: (m: string) => void): void {
  if (previous !== undefined) warn(`${file} was mode ${previous.toString(8).padStart(4, '0')}; it holds secrets, so it is 0600 now`);
}

/** Writes a resolved session into section [name] of the credentials file. */
export async function saveSessionAs(
  name: string,
  profile: string,
  credentials: Credentials,
  env: Env,
  warn: (message: string) => void,
): Promise<void> {
  const problem = checkSectionName(name);
  if (problem) throw new UsageError(`--save-as: the section name ${problem}`);
  if (!credentials.sessionToken) {
    throw new AwsenvError(
      `profile '${profile}' has long-term keys (${maskKeyId(credentials.accessKeyId)}), not a session; --save-as saves temporary sessions only`,
    );
  }
  const session = {
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
    expiration: credentials.expiration ? rfc3339(credentials.expiration) : undefined,
  };
  const { credentials: file } = awsFilePaths(env);
  const out = await editFile(file, (text) => {
    const r = saveSession(text, file, name, session);
    return { text: r.text, result: r.action };
  }, {});
  modeNotice(file, out.previousMode, warn);
  const until = session.expiration ? `, valid until ${session.expiration}` : '';
  warn(`saved the session of '${profile}' as [${name}] in ${file}${out.target !== file ? ` (through its link to ${out.target})` : ''}${until}`);
}

export function describeStale(c: StaleChange): string {
  const why =
    c.reason === 'long-term-key'
      ? `a session token next to the long-term key ${c.keyId}`
      : `a session that expired at ${c.expiredAt}`;
  return `[${c.section}] (line ${c.line}): ${why}: ${c.removed.join(', ')}`;
}

/** Removes stale session tokens from the credentials file; says what (with dryRun, what it would). */
export async function clearStaleTokens(env: Env, now: Date, dryRun: boolean, warn: (message: string) => void): Promise<StaleChange[]> {
  const { credentials: file } = awsFilePaths(env);
  const out = await editFile(file, (text) => {
    const r = dropStaleTokens(text, now);
    return { text: r.text, result: r.changes };
  }, { dryRun });
  const changes = out.result;
  if (changes.length === 0) {
    warn(`no stale session tokens in ${file}`);
    return changes;
  }
  warn(`${dryRun ? 'would remove' : 'removed'} from ${file}${out.target !== file ? ` (through its link to ${out.target})` : ''}:`);
  for (const c of changes) warn(`  ${describeStale(c)}`);
  if (!dryRun) modeNotice(file, out.previousMode, warn);
  return changes;
}

export { checkSectionName } from '../files/edit.js';

/**
 * `awsenv rotate`: swaps the key pair of section [name] (the one holding `from`) for `to`,
 * with the same locked, atomic, byte-preserving edit; the file keeps its mode and owner.
 */
export async function swapKeys(env: Env, name: string, from: string, to: KeyPair): Promise<{ target: string }> {
  const { credentials: file } = awsFilePaths(env);
  const out = await editFile(file, (text) => ({ text: replaceKeys(text, file, name, from, to), result: undefined }), {
    keepMode: true,
  });
  return { target: out.target };
}
