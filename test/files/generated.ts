// Cases too big, too binary or too odd to commit as fixtures (a 5 MB file, random bytes, a
// directory, links, a FIFO, an empty path variable), built in a sandbox. What the AWS CLI v2
// makes of each was checked with aws-cli 2.9.19 the same way as cases.ts, and is re-checked by
// awscli.test.ts.
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sandbox } from '../helpers/env.js';
import type { Outcome } from './cases.js';

export interface Generated {
  name: string;
  what: string;
  profiles: Record<string, Outcome>;
  /** Builds the files in the sandbox; returns the two paths to give the CLI and awsenv. */
  make(box: Sandbox): { config: string; credentials: string };
}

const keys = (id: string, secret = 'secret') => `aws_access_key_id = ${id}\naws_secret_access_key = ${secret}\n`;

/** A credentials file of over 5 MiB: comment lines, then 20 000 profiles; both read it whole. */
export function bigCredentials(): string {
  const comments = `# ${'x'.repeat(97)}\n`.repeat(38_000);
  const profiles = Array.from({ length: 20_000 }, (_, i) => `[p${i}]\n${keys(`AKIABIG${i}`, `secret${i}`)}`).join('');
  return `[default]\n${keys('AKIABIG')}${comments}${profiles}`;
}

/** Deterministic noise (xorshift32), starting with a stray continuation byte so line 1 is not UTF-8. */
export function garbage(length: number, seed = 0x2545f491): Buffer {
  const bytes = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  bytes[0] = 0x80;
  return bytes;
}

const withConfigKeys = (box: Sandbox, credentials: (path: string) => void) => {
  writeFileSync(box.config, `[default]\n${keys('AKIACONFIG')}`);
  credentials(box.credentials);
  return { config: box.config, credentials: box.credentials };
};

export const GENERATED: Generated[] = [
  {
    name: '5 MB file',
    what: 'a 5 MB credentials file with 20 000 profiles, the one asked for last',
    // One profile only: the CLI takes 3 s to read this file.
    profiles: { p19999: { keys: { id: 'AKIABIG19999', secret: 'secret19999' } } },
    make: (box) => {
      writeFileSync(box.credentials, bigCredentials());
      return { config: box.config, credentials: box.credentials };
    },
  },
  {
    name: 'binary garbage',
    what: '64 KiB of random bytes as the credentials file',
    profiles: { default: { unparsable: 'credentials', line: 1 } },
    make: (box) => {
      writeFileSync(box.credentials, garbage(64 * 1024));
      return { config: box.config, credentials: box.credentials };
    },
  },
  {
    name: 'directory',
    what: 'a directory where the credentials file should be: the CLI skips it, awsenv says so',
    profiles: { default: { refusedByAwsenv: 'credentials', cli: { id: 'AKIACONFIG', secret: 'secret' } } },
    make: (box) => withConfigKeys(box, (path) => mkdirSync(path)),
  },
  {
    name: 'dangling symlink',
    what: 'a credentials file that links to nothing is no file, for both',
    profiles: { default: { keys: { id: 'AKIACONFIG', secret: 'secret' } } },
    make: (box) => withConfigKeys(box, (path) => symlinkSync(join(box.dir, 'nowhere'), path)),
  },
  {
    name: '/dev/null',
    what: 'a credentials file that links to /dev/null is no file (not a regular file)',
    profiles: { default: { keys: { id: 'AKIACONFIG', secret: 'secret' } } },
    make: (box) => withConfigKeys(box, (path) => symlinkSync('/dev/null', path)),
  },
  {
    name: 'FIFO',
    what: 'a FIFO as the credentials file is skipped, not read (which would block)',
    profiles: { default: { keys: { id: 'AKIACONFIG', secret: 'secret' } } },
    make: (box) => withConfigKeys(box, (path) => execFileSync('mkfifo', [path])),
  },
  {
    name: 'empty AWS_SHARED_CREDENTIALS_FILE',
    what: 'AWS_SHARED_CREDENTIALS_FILE= (empty) names no file; ~/.aws/credentials is not read',
    profiles: { default: { noCredentials: true, region: 'eu-west-1' } },
    make: (box) => {
      writeFileSync(join(box.home, '.aws/credentials'), `[default]\n${keys('AKIAHOME')}`);
      writeFileSync(box.config, '[default]\nregion = eu-west-1\n');
      return { config: box.config, credentials: '' };
    },
  },
];
