// When each long-term access key was created, as IAM said at the last check (doctor, rotate),
// so that `awsenv list` can show a key's age without a network call. One small JSON file in
// the session cache directory, keyed by a digest of the key id (the file names no key).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { writeFileAtomic } from '../util/atomic.js';
import { sha256Hex } from '../util/hash.js';

const FILE = 'key-ages.json';
const KeyAges = z.object({
  version: z.literal(1),
  keys: z.record(z.string(), z.object({ createdAt: z.string(), checkedAt: z.string() })),
});
type KeyAgesFile = z.infer<typeof KeyAges>;

const digest = (keyId: string) => sha256Hex(`awsenv-key-age-v1\0${keyId}`).slice(0, 32);

function read(dir: string): KeyAgesFile {
  try {
    const parsed = KeyAges.safeParse(JSON.parse(readFileSync(join(dir, FILE), 'utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // missing or corrupt: start afresh
  }
  return { version: 1, keys: {} };
}

/** The creation date IAM last reported for `keyId`, if any check has seen it. */
export function knownKeyCreated(dir: string, keyId: string): Date | undefined {
  const entry = read(dir).keys[digest(keyId)];
  const t = entry ? Date.parse(entry.createdAt) : Number.NaN;
  return Number.isNaN(t) ? undefined : new Date(t);
}

/**
 * Records creation dates (and forgets `drop`, a deleted key). Best effort: a cache that
 * cannot be written only means `list` shows no age. The directory is the session cache's,
 * created 0700 by it; the file is written atomically, 0600.
 */
export function recordKeyAges(dir: string, now: Date, created: Record<string, Date>, drop: string[] = []): void {
  try {
    const file = read(dir);
    for (const id of drop) delete file.keys[digest(id)];
    for (const [id, date] of Object.entries(created)) file.keys[digest(id)] = { createdAt: date.toISOString(), checkedAt: now.toISOString() };
    writeFileAtomic(join(dir, FILE), `${JSON.stringify(file)}\n`, { mode: 0o600 });
  } catch {
    // best effort
  }
}

/** The name a key's age is kept under (the file, and list's kept recipe, name no key). */
export const keyAgeDigest = (keyId: string): string => digest(keyId);

/**
 * knownKeyCreated for many keys (`list`), each given by its keyAgeDigest: the file read
 * once, and nothing looked up when it is empty.
 */
export function keyAgesReader(dir: string): (keyDigest: string) => Date | undefined {
  const { keys } = read(dir);
  if (Object.keys(keys).length === 0) return () => undefined;
  return (keyDigest) => {
    const entry = Object.hasOwn(keys, keyDigest) ? keys[keyDigest] : undefined;
    const t = entry ? Date.parse(entry.createdAt) : Number.NaN;
    return Number.isNaN(t) ? undefined : new Date(t);
  };
}
