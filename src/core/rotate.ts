// awsenv rotate PROFILE: replace a profile's long-term access key, in an order that always
// leaves a working key in the credentials file. Authenticate as the key's user (with an MFA
// session when the profile or IAM asks for one), check there is room for a second key,
// create it, write it into the file, wait until AWS accepts it, and only then retire the old
// one. A step that fails undoes what the steps before it did, and the error says where it
// stopped and what is left to do. No secret is ever put into a message.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AwsenvError } from '../errors.js';
import type { Env } from '../files/files.js';
import { getProfile, kindOf, type ProfileSet, settingsOf } from '../files/profiles.js';
import { type SessionCache, toCached, fromCached } from '../sessions/cache.js';
import type { AccessKeyInfo, IamPort, KeyLastUsed, NewAccessKey } from '../sessions/iam.js';
import { recordKeyAges } from '../sessions/iam-key-ages.js';
import type { StsPort } from '../sessions/sts.js';
import { formatDuration } from './current.js';
import type { Credentials } from './environment.js';
import { mfaSessionKey } from './resolve.js';
import { maskKeyId } from './variables.js';

export interface RotateOptions {
  mfaCode?: string | undefined;
  /** Deactivate the old key instead of deleting it. */
  keepOld?: boolean | undefined;
  /** Read-only IAM calls only; say what would happen. */
  dryRun?: boolean | undefined;
}

export interface RotateDeps {
  env: Env;
  now(): Date;
  sts(region: string | undefined): Promise<StsPort>;
  iam(region: string | undefined, credentials: Credentials): Promise<IamPort>;
  /** The session cache: MFA sessions are reused from it, and those of the old key dropped. */
  cache: SessionCache;
  askMfaCode(serial: string): Promise<string>;
  /** A spinner while a request is in flight; returns its stop. */
  progress(what: string): () => void;
  /** A line for the user, shown at once (stderr): each step as it is done. */
  say(message: string): void;
  sleep(ms: number): Promise<void>;
  /** The locked, atomic, byte-preserving swap of the pair in section [section] of `file`. */
  writeKeys(file: string, section: string, from: string, to: { accessKeyId: string; secretAccessKey: string }): Promise<{ target: string }>;
}

export interface RotateResult {
  profile: string;
  user: string;
  oldKeyId: string;
  /** Undefined with --dry-run. */
  newKeyId?: string;
  retired?: 'deleted' | 'deactivated';
  droppedSessions?: number;
}

/** Stopped at a step; the message says what was undone and what is left to do. */
export class RotateError extends AwsenvError {}

/** How long the new key may take to work (IAM is eventually consistent), and the waits between tries. */
export const WAIT_LIMIT_MS = 15_000;
const BACKOFF_MS = [250, 500, 1000, 2000, 4000];

const MFA_CODE = /^\d{6}$/;
/** A shell word, quoted only when it must be (as doctor's fixes are). */
export const sh = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);
const day = (d: Date) => d.toISOString().slice(0, 10);
const age = (d: Date, now: Date) => `${formatDuration(Math.max(0, Math.floor((now.getTime() - d.getTime()) / 1000)))} ago`;

function describeKey(k: AccessKeyInfo, used: KeyLastUsed | undefined, now: Date): string {
  const created = k.createDate ? `created ${day(k.createDate)} (${age(k.createDate, now)})` : 'creation date unknown';
  const last =
    used === undefined
      ? 'last use unknown'
      : used.date
        ? `last used ${day(used.date)} (${age(used.date, now)})${used.service ? ` with ${used.service}` : ''}${used.region ? ` in ${used.region}` : ''}`
        : 'never used';
  return `${maskKeyId(k.accessKeyId)}, ${k.status.toLowerCase()}, ${created}, ${last}`;
}

/** Profiles whose credentials are made from `name`'s keys (through source_profile, at any depth), and `name`. */
export function dependents(set: ProfileSet, name: string): Set<string> {
  const out = new Set([name]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of set.profiles.values()) {
      const source = p.settings.get('source_profile')?.value;
      if (typeof source === 'string' && out.has(source) && !out.has(p.name)) {
        out.add(p.name);
        grew = true;
      }
    }
  }
  return out;
}

/** The MFA serial that goes with `name`'s keys: its own, or one a profile built on them names. */
function serialFromFiles(set: ProfileSet, name: string): string | undefined {
  const own = getProfile(set, name).settings.get('mfa_serial')?.value;
  if (typeof own === 'string' && own) return own;
  for (const p of set.profiles.values()) {
    const serial = p.settings.get('mfa_serial')?.value;
    if (p.settings.get('source_profile')?.value === name && typeof serial === 'string' && serial) return serial;
  }
  return undefined;
}

/** An IAM refusal that an MFA session may lift. */
function deniedForMfa(error: unknown, serialKnown: boolean): boolean {
  const e = error as { code?: string; message?: string };
  if (e.code !== 'AccessDenied' && e.code !== 'AccessDeniedException') return false;
  return /MultiFactor|MFA/i.test(e.message ?? '') || (serialKnown && /explicit deny/i.test(e.message ?? ''));
}

const why = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function rotateKey(set: ProfileSet, name: string, options: RotateOptions, deps: RotateDeps): Promise<RotateResult> {
  const { now, say } = deps;
  const profile = getProfile(set, name);
  const s = settingsOf(profile);
  const kind = kindOf(s, profile.keysInCredentials);
  const quoted = sh(name);

  // --- which key, and whether awsenv may edit where it is
  if (kind === 'role' && s.source_profile && s.source_profile !== name) {
    throw new AwsenvError(`profile '${name}' assumes a role; the long-term key it is made from belongs to profile '${s.source_profile}': awsenv rotate ${sh(s.source_profile)}`);
  }
  if (kind !== 'keys' && kind !== 'mfa' && !(kind === 'keys+token' && s.aws_access_key_id?.startsWith('AKIA'))) {
    throw new AwsenvError(`profile '${name}' (${kind}) has no long-term access key in the credentials file; awsenv rotate replaces long-term IAM user keys only`);
  }
  if (kind === 'keys+token') {
    throw new AwsenvError(`profile '${name}' has a session token next to its long-term key (a leftover that AWS rejects); remove it first: awsenv clear --stale-tokens`);
  }
  const keyId = s.aws_access_key_id!;
  if (!keyId.startsWith('AKIA')) {
    throw new AwsenvError(`profile '${name}' holds ${maskKeyId(keyId)}, which is not a long-term IAM user key (AKIA…); nothing to rotate`);
  }
  const file = set.paths.credentials;
  const idFile = profile.settings.get('aws_access_key_id')?.file;
  const secretFile = profile.settings.get('aws_secret_access_key')?.file;
  if (idFile !== file || secretFile !== file) {
    throw new AwsenvError(`the keys of profile '${name}' are in ${idFile ?? secretFile}, not in ${file}; awsenv rotate edits only the credentials file (move them there, where they belong)`);
  }
  const old: Credentials = { accessKeyId: keyId, secretAccessKey: s.aws_secret_access_key! };
  const region = s.region;

  // --- step 1: who owns the key (GetCallerIdentity needs no permission and no MFA)
  const sts = await deps.sts(region);
  let arn: string;
  {
    const stop = deps.progress(`asking STS who owns ${maskKeyId(keyId)}`);
    try {
      arn = (await sts.callerIdentity(old)).arn;
    } catch (error) {
      throw new RotateError(`stopped before changing anything: the current key ${maskKeyId(keyId)} of profile '${name}' does not work (${why(error)}); awsenv doctor ${quoted} says why`, { cause: error });
    } finally {
      stop();
    }
  }
  const user = /^arn:[\w-]+:iam::\d+:user\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1];
  if (!user) {
    throw new AwsenvError(`the key ${maskKeyId(keyId)} belongs to ${arn}, not to an IAM user; awsenv rotate replaces IAM user keys only (root keys: rotate them in the console, or better, delete them)`);
  }
  say(`${options.dryRun ? 'dry run: ' : ''}rotating the access key of profile '${name}': ${maskKeyId(keyId)} of IAM user ${user}`);

  // --- step 2: credentials IAM accepts, and the user's keys
  const mfaDuration = kind === 'mfa' ? s.duration_seconds : undefined;
  const mfaSession = async (serial: string): Promise<Credentials> => {
    const key = mfaSessionKey(old, serial, mfaDuration);
    const hit = deps.cache.read(key, now());
    if (hit) {
      say(`using the cached MFA session of ${maskKeyId(keyId)}`);
      return fromCached(hit);
    }
    return deps.cache.withLock(key, async () => {
      const filled = deps.cache.read(key, now());
      if (filled) return fromCached(filled);
      const code = options.mfaCode ?? (await deps.askMfaCode(serial));
      if (!MFA_CODE.test(code)) throw new AwsenvError('the MFA code must be six digits');
      const stop = deps.progress('getting an MFA session from STS');
      let c: Awaited<ReturnType<StsPort['getSessionToken']>>;
      try {
        c = await sts.getSessionToken({ source: old, mfaSerial: serial, mfaCode: code, durationSeconds: mfaDuration });
      } catch (error) {
        throw new RotateError(`stopped before changing anything: ${why(error)}`, { cause: error });
      } finally {
        stop();
      }
      deps.cache.write(key, toCached(name, c, true));
      say(`got an MFA session for ${serial}`);
      return c;
    });
  };

  let auth: Credentials = kind === 'mfa' ? await mfaSession(s.mfa_serial!) : old;
  let iam = await deps.iam(region, auth);
  let keys: AccessKeyInfo[];
  try {
    keys = await iam.listAccessKeys(user);
  } catch (error) {
    const known = serialFromFiles(set, name);
    if (auth !== old || !deniedForMfa(error, known !== undefined)) {
      throw new RotateError(`stopped before changing anything: ${why(error)}`, { cause: error });
    }
    // IAM wants MFA: the serial from the files, else the user's own device list (which the
    // usual "force MFA" policy allows without MFA).
    const serial = known ?? (await iam.listMfaDevices(user).then((d) => d[0], () => undefined));
    if (!serial) {
      throw new RotateError(
        `stopped before changing anything: IAM requires MFA for ${user}'s keys, and no MFA device is known; add mfa_serial = ARN to [profile ${name}] in ${set.paths.config}, then run awsenv rotate ${quoted} again`,
        { cause: error },
      );
    }
    say(`IAM requires MFA (${why(error).replace(/^iam:ListAccessKeys failed: /, '')}); using an MFA session`);
    auth = await mfaSession(serial);
    iam = await deps.iam(region, auth);
    try {
      keys = await iam.listAccessKeys(user);
    } catch (again) {
      throw new RotateError(`stopped before changing anything: ${why(again)}`, { cause: again });
    }
  }
  recordKeyAges(deps.cache.dir, now(), Object.fromEntries(keys.filter((k) => k.createDate).map((k) => [k.accessKeyId, k.createDate!])));
  const current = keys.find((k) => k.accessKeyId === keyId);
  const others = keys.filter((k) => k.accessKeyId !== keyId);
  if (!current) {
    throw new RotateError(`stopped before changing anything: IAM lists no key ${maskKeyId(keyId)} for user ${user}`);
  }
  if (others.length > 0) {
    // IAM allows two keys: there is no room for a new one. Which is the other, and is it used?
    const lines = await Promise.all(
      others.map(async (k) => `  the other key: ${describeKey(k, await iam.lastUsed(k.accessKeyId).catch(() => undefined), now())}`),
    );
    throw new RotateError(
      [
        `stopped before changing anything: user ${user} already has two access keys, IAM's limit, so there is no room for a new one`,
        `  this profile's key: ${describeKey(current, await iam.lastUsed(keyId).catch(() => undefined), now())}`,
        ...lines,
        `  if nothing uses the other key, delete it (\`aws iam list-access-keys --user-name ${sh(user)}\` shows its full id):`,
        `    aws iam delete-access-key --user-name ${sh(user)} --access-key-id ID`,
        `  then run awsenv rotate ${quoted} again`,
      ].join('\n'),
    );
  }

  const retire = options.keepOld ? 'deactivate' : 'delete';
  if (options.dryRun) {
    const used = await iam.lastUsed(keyId).catch(() => undefined);
    say(`the current key: ${describeKey(current, used, now())}`);
    say(`would create a new access key for ${user}, write it into [${name}] of ${file}, wait until AWS accepts it (up to ${WAIT_LIMIT_MS / 1000} s), then ${retire} ${maskKeyId(keyId)}, and drop the sessions cached from it`);
    say('dry run: nothing was changed');
    return { profile: name, user, oldKeyId: keyId };
  }

  // --- step 3: the new key
  let created: NewAccessKey;
  {
    const stop = deps.progress('creating a new access key');
    try {
      created = await iam.createAccessKey(user);
    } catch (error) {
      throw new RotateError(`stopped before changing anything: ${why(error)}; ${maskKeyId(keyId)} stays in ${file} and works as before`, { cause: error });
    } finally {
      stop();
    }
  }
  const fresh = { accessKeyId: created.accessKeyId, secretAccessKey: created.secretAccessKey };
  const newId = maskKeyId(fresh.accessKeyId);
  say(`created the access key ${newId}`);
  const deleteNew = async (): Promise<string> => {
    try {
      await iam.deleteAccessKey(user, fresh.accessKeyId);
      return `the new key ${newId} was deleted again`;
    } catch (error) {
      return `deleting the new key ${newId} again failed too (${why(error)}): delete it by hand, \`aws iam delete-access-key --user-name ${sh(user)} --access-key-id ID\` with the id ending in ${fresh.accessKeyId.slice(-4)}`;
    }
  };

  // --- step 4: into the file, in place
  let target: string;
  try {
    target = (await deps.writeKeys(file, name, keyId, fresh)).target;
  } catch (error) {
    const undone = await deleteNew();
    throw new RotateError(`stopped at writing the new key into ${file}: ${why(error)}; ${undone}; the file still holds ${maskKeyId(keyId)}, which works as before`, { cause: error });
  }
  say(`wrote it into [${name}] of ${file}${target !== file ? ` (through its link to ${target})` : ''}`);

  // --- step 5: wait until AWS accepts it
  const started = now().getTime();
  let lastError: unknown;
  let accepted = false;
  {
    const stop = deps.progress('waiting until AWS accepts the new key');
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          const id = await sts.callerIdentity(fresh);
          if (id.arn === arn) {
            accepted = true;
            break;
          }
          lastError = new Error(`it belongs to ${id.arn}, not ${arn}`);
        } catch (error) {
          lastError = error;
        }
        // Backing off, but using the whole limit: the last try is made at its end.
        const left = WAIT_LIMIT_MS - (now().getTime() - started);
        if (left <= 0) break;
        await deps.sleep(Math.min(BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)]!, left));
      }
    } finally {
      stop();
    }
  }
  const waited = Math.round((now().getTime() - started) / 100) / 10;
  if (!accepted) {
    // Put the old key back (it still works), then remove the new one.
    let back: string;
    try {
      await deps.writeKeys(file, name, fresh.accessKeyId, old);
      back = `${maskKeyId(keyId)} was put back into ${file} and works as before; ${await deleteNew()}`;
    } catch (error) {
      back =
        `putting ${maskKeyId(keyId)} back into ${file} failed (${why(error)}), so the file holds the new key ${newId}, which AWS may yet accept: ` +
        `check in a minute with awsenv doctor ${quoted}; the old key is still active in IAM, so nothing is locked out`;
    }
    throw new RotateError(`stopped at waiting for the new key: AWS did not accept ${newId} within ${waited} s (${why(lastError)}); ${back}`, { cause: lastError });
  }
  say(`AWS accepts the new key (after ${waited} s)`);

  // --- step 6: retire the old key
  try {
    if (options.keepOld) await iam.deactivateAccessKey(user, keyId);
    else await iam.deleteAccessKey(user, keyId);
  } catch (error) {
    throw new RotateError(
      `stopped at ${retire === 'delete' ? 'deleting' : 'deactivating'} the old key: ${why(error)}; the new key ${newId} is in ${file} and works, ` +
        `but ${maskKeyId(keyId)} is still active: ${retire} it by hand, \`aws iam ${retire === 'delete' ? 'delete-access-key' : 'update-access-key --status Inactive'} --user-name ${sh(user)} --access-key-id ID\` with the id ending in ${keyId.slice(-4)}`,
      { cause: error },
    );
  }
  say(
    options.keepOld
      ? `deactivated the old key ${maskKeyId(keyId)} (re-enable it with \`aws iam update-access-key --status Active --user-name ${sh(user)} --access-key-id ID\`, the id ending in ${keyId.slice(-4)})`
      : `deleted the old key ${maskKeyId(keyId)}`,
  );

  // --- step 7: sessions made from the old key
  const dropped = dropSessions(deps.cache.dir, dependents(set, name));
  if (dropped > 0) say(`dropped ${dropped} cached session${dropped === 1 ? '' : 's'} made from the old key`);
  recordKeyAges(deps.cache.dir, now(), { [fresh.accessKeyId]: created.createDate ?? now() }, options.keepOld ? [] : [keyId]);
  say(`done: profile '${name}' now uses ${newId}. Shells using it pick up the new key at their next prompt (the awsenv hook watches ${file}); elsewhere run: eval "$(awsenv use ${quoted})"`);
  return { profile: name, user, oldKeyId: keyId, newKeyId: fresh.accessKeyId, retired: options.keepOld ? 'deactivated' : 'deleted', droppedSessions: dropped };
}

/** Removes the cached sessions of these profiles (all made from the old key); how many. */
export function dropSessions(dir: string, profiles: Set<string>): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  let dropped = 0;
  for (const file of names) {
    if (!file.endsWith('.json') || file === 'key-ages.json') continue;
    try {
      const session = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { version?: unknown; profile?: unknown };
      if (session.version === 1 && typeof session.profile === 'string' && profiles.has(session.profile)) {
        rmSync(join(dir, file), { force: true });
        dropped++;
      }
    } catch {
      // not a session, or gone already
    }
  }
  return dropped;
}
