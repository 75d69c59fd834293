// Which MFA codes awsenv has had accepted lately, so that a code STS rejects can be told
// apart: one awsenv already used (codes work once; wait for the next) from a wrong one.
// STS says the same for both. Kept in the cache directory as hashes with a time, for two
// minutes (a code lives 30 s, and STS also takes the one before and after).
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import { readOwnFile, trustDir } from './cache.js';
import { sha256Hex } from '../util/hash.js';

const KEEP_MS = 120_000;
const FILE = 'mfa-codes-used'; // not *.json: that name is a session's

type Used = Record<string, number>; // hash of serial and code → when it was accepted (ms)

export interface UsedCodes {
  wasUsed(serial: string, code: string): boolean;
  remember(serial: string, code: string): void;
}

export function usedCodes(dir: string, now: () => Date): UsedCodes {
  const path = join(dir, FILE);
  const read = (): Used => {
    try {
      // Like every file in the cache directory: the user's own, never through a link.
      const json = JSON.parse(readOwnFile(path) ?? '{}') as unknown;
      if (typeof json !== 'object' || json === null) return {};
      const fresh: Used = {};
      for (const [k, v] of Object.entries(json)) if (typeof v === 'number' && now().getTime() - v < KEEP_MS) fresh[k] = v;
      return fresh;
    } catch {
      return {};
    }
  };
  const key = (serial: string, code: string) => sha256Hex(`awsenv-mfa-code\n${serial}\n${code}`);
  return {
    wasUsed: (serial, code) => key(serial, code) in read(),
    remember(serial, code) {
      try {
        if (!trustDir(dir, true)) return;
        writeFileAtomic(path, `${JSON.stringify({ ...read(), [key(serial, code)]: now().getTime() })}\n`, { mode: 0o600 });
      } catch {
        // Only a better message is lost.
      }
    },
  };
}
