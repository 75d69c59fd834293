// Hex digests, loading node:crypto only when one is asked for: crypto is the largest
// built-in module a plain `awsenv use` would otherwise load (see the speed issue).
import type { BinaryLike } from 'node:crypto';

type Crypto = typeof import('node:crypto');

export function hexDigest(algorithm: 'sha1' | 'sha256', data: BinaryLike): string {
  const crypto = process.getBuiltinModule('node:crypto') as Crypto;
  return crypto.createHash(algorithm).update(data).digest('hex');
}
