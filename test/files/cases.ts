// The tricky shared files in test/fixtures/aws/<case>/, and what the AWS CLI v2 makes of each
// profile in them. Every expectation here was produced by aws-cli 2.9.19 (Python 3.11.2,
// /usr/bin/aws) running
//   AWS_CONFIG_FILE=…/config AWS_SHARED_CREDENTIALS_FILE=…/credentials \
//     aws configure export-credentials --profile P --format process
//   aws configure get region --profile P
// and is re-checked against the installed CLI by awscli.test.ts; profiles.test.ts checks
// awsenv's side of the same table without the CLI.

import { join } from 'node:path';
import { ROOT } from '../helpers/env.js';

export const FIXTURES = join(ROOT, 'test/fixtures/aws');

export type Which = 'config' | 'credentials';

export interface Keys {
  id: string;
  secret: string;
  /** The CLI's token; '' is a token line with no value, which awsenv unsets (never empty). */
  token?: string;
}

export type Outcome =
  /** The CLI resolves these keys (and this region, when given); so does awsenv. */
  | { keys: Keys; region?: string }
  /** The CLI cannot parse the file ("Unable to parse config file: FILE"); awsenv names FILE:LINE. */
  | { unparsable: Which; line: number }
  /** The CLI finds half a key pair ("Partial credentials found"); awsenv names FILE:LINE of the key. */
  | { partial: Which; line: number }
  /** No such profile, for both. */
  | { notFound: true }
  /** The profile exists but has nothing to sign with, for both. */
  | { noCredentials: true; region?: string }
  /** Both run credential_process (here /bin/false, so both fail). */
  | { process: true }
  /**
   * The CLI takes it, awsenv refuses it on purpose with FILE:LINE, or FILE alone for a file
   * that is no file (see the comments in src/files/); `cli` is what the CLI made of it.
   */
  | { refusedByAwsenv: Which; line?: number; cli: { id: unknown; secret: string } };

export interface Case {
  /** Directory under test/fixtures/aws. */
  dir: string;
  what: string;
  profiles: Record<string, Outcome>;
}

const notFound = { notFound: true } as const;

export const CASES: Case[] = [
  {
    dir: 'inline-comments',
    what: "';' and '#' after a value are part of it: only whole-line comments exist",
    profiles: {
      default: { keys: { id: 'AKIAINLINE ;not a comment', secret: 'secret #kept' }, region: 'eu-west-1 # kept too' },
    },
  },
  {
    dir: 'quotes',
    what: 'quotes around a value are kept',
    profiles: { default: { keys: { id: '"AKIAQUOTED"', secret: "'secret'" } } },
  },
  {
    dir: 'colon',
    what: "'key: value' works; the first '=' or ':' ends the key",
    profiles: { default: { keys: { id: 'AKIACOLON', secret: 'se=cr:et', token: 'tok:en' } } },
  },
  {
    dir: 'uppercase-keys',
    what: 'keys are lowercased',
    profiles: { default: { keys: { id: 'AKIAUPPER', secret: 'secret' } } },
  },
  {
    dir: 'section-names-config',
    what: 'config section names: [profile NAME] split like shell words, everything else is not a profile',
    profiles: {
      'a b': { keys: { id: 'AKIAQUOTEDNAME', secret: 'secret' } },
      'a c': notFound,
      a: notFound,
      profile: notFound,
      profilex: notFound,
      x: notFound,
      ' profile x ': notFound,
      'profile x': notFound,
      'q r': { keys: { id: 'AKIASINGLE', secret: 'secret' } },
      t: { keys: { id: 'AKIATAB', secret: 'secret' } },
      // shlex splits on ASCII whitespace only: [profile\u00a0n] is one word, so no profile.
      n: notFound,
      'profile\u00a0n': notFound,
      s: notFound,
      preview: notFound,
    },
  },
  {
    dir: 'section-names-credentials',
    what: 'credentials section names are taken whole: spaces, non-ASCII, a "profile " prefix, a ]',
    profiles: {
      'my profile': { keys: { id: 'AKIASPACED', secret: 'secret' } },
      'prod-é🙂': { keys: { id: 'AKIAUNICODE', secret: 'sécret' } },
      ÄBC: { keys: { id: 'AKIAUPPERNAME', secret: 'secret' } },
      äbc: notFound,
      'profile p': { keys: { id: 'AKIAPREFIXED', secret: 'secret' } },
      p: notFound,
      'def]ault': { keys: { id: 'AKIABRACKET', secret: 'secret' } },
      def: notFound,
    },
  },
  {
    dir: 'default-and-profile-default',
    what: '[default] then [profile default] in config: the later replaces the earlier whole',
    profiles: { default: { partial: 'config', line: 6 } },
  },
  {
    dir: 'profile-replaced',
    what: '[profile a], [profile  a], [profile "a"]: the last one is the profile, not a merge',
    profiles: {
      a: { noCredentials: true, region: 'eu-west-2' },
      default: { keys: { id: 'AKIALAST', secret: 'secret' } },
    },
  },
  {
    dir: 'duplicate-section',
    what: 'a section twice in one file is refused',
    profiles: { default: { unparsable: 'credentials', line: 6 }, other: { unparsable: 'credentials', line: 6 } },
  },
  {
    dir: 'duplicate-key',
    what: 'a key twice in a section is refused, whatever its case',
    profiles: { default: { unparsable: 'credentials', line: 4 } },
  },
  {
    dir: 'key-before-section',
    what: 'a key before any section is refused',
    profiles: { default: { unparsable: 'credentials', line: 2 } },
  },
  {
    dir: 'missing-bracket',
    what: "a section header without ']' is refused, and the whole config file with it",
    profiles: { default: { unparsable: 'config', line: 3 } },
  },
  {
    dir: 'bom',
    what: 'a byte-order mark is refused (Python reads the file as utf-8, not utf-8-sig)',
    profiles: { default: { unparsable: 'credentials', line: 1 } },
  },
  {
    dir: 'crlf',
    what: 'CRLF line ends',
    profiles: { crlf: { keys: { id: 'AKIACRLF', secret: 'secret' }, region: 'eu-west-1' } },
  },
  {
    dir: 'lone-cr',
    what: 'lone CR line ends (classic Mac)',
    profiles: { default: { keys: { id: 'AKIACR', secret: 'secret' } } },
  },
  {
    dir: 'tabs',
    what: 'tabs around keys and values, keys indented alike',
    profiles: { default: { keys: { id: 'AKIATAB', secret: 'secret' } } },
  },
  {
    dir: 'continuation',
    what: 'deeper-indented lines continue a value; blank lines are kept in it, comment lines dropped',
    profiles: { default: { keys: { id: 'AKIACONT', secret: 'first\nsecond\n\nthird', token: 'token' } } },
  },
  {
    dir: 'indented-deeper',
    what: 'a key indented deeper than the one above is part of its value',
    profiles: { default: { partial: 'credentials', line: 2 } },
  },
  {
    dir: 'nested',
    what: 'a nested s3 block with a comment in it',
    profiles: { default: { keys: { id: 'AKIANESTED', secret: 'secret' }, region: 'eu-west-3' } },
  },
  {
    dir: 'nested-no-equals',
    what: "a nested line without '=' makes the file unparsable",
    profiles: { default: { unparsable: 'config', line: 4 } },
  },
  {
    dir: 'default-section',
    what: '[DEFAULT] (twice) gives its keys to every section of its file, and is no profile',
    profiles: {
      default: { keys: { id: 'AKIADEFAULT', secret: 'shared-secret' }, region: 'eu-north-1' },
      other: { keys: { id: 'AKIAOTHER', secret: 'own-secret' }, region: 'eu-north-1' },
      DEFAULT: notFound,
    },
  },
  {
    dir: 'default-section-config',
    what: '[DEFAULT] in config gives keys to [profile p] and makes no default profile',
    profiles: {
      p: { keys: { id: 'AKIAFROMDEFAULT', secret: 'secret' }, region: 'ap-south-1' },
      default: notFound,
      s: notFound,
    },
  },
  {
    dir: 'empty-values',
    what: 'empty values: an empty token is no token to awsenv; an empty or nested key id is refused',
    profiles: {
      default: { keys: { id: 'AKIAEMPTYTOKEN', secret: 'secret', token: '' } },
      'empty-id': { refusedByAwsenv: 'credentials', line: 6, cli: { id: '', secret: 'secret' } },
      'nested-id': { refusedByAwsenv: 'credentials', line: 9, cli: { id: { a: 'b' }, secret: 'secret' } },
    },
  },
  {
    dir: 'keys-in-both-files',
    what: 'static keys and token come from one file: credentials when it has a key id, else config',
    profiles: {
      both: { keys: { id: 'AKIACREDS', secret: 'creds-secret' }, region: 'us-west-2' },
      'id-only': { partial: 'credentials', line: 6 },
      'secret-only': { keys: { id: 'AKIACONFIG', secret: 'config-secret' } },
      'token-only': { keys: { id: 'AKIACONFIG', secret: 'config-secret' } },
      'config-token': { keys: { id: 'AKIACREDS', secret: 'creds-secret' } },
      'config-only': { keys: { id: 'AKIACONFIGONLY', secret: 'config-secret', token: 'config-token' } },
    },
  },
  {
    dir: 'security-token',
    what: 'aws_security_token beats aws_session_token, even when empty',
    profiles: {
      both: { keys: { id: 'AKIABOTH', secret: 'secret', token: 'security' } },
      'legacy-only': { keys: { id: 'AKIALEGACY', secret: 'secret', token: 'security' } },
      'empty-legacy': { keys: { id: 'AKIAEMPTYLEGACY', secret: 'secret', token: '' } },
    },
  },
  {
    dir: 'kinds',
    what: 'provider order: sso_start_url alone is not SSO; credentials-file keys beat credential_process, config keys do not',
    profiles: {
      'sso-url-and-keys': { keys: { id: 'AKIASSOURL', secret: 'secret' } },
      'process-and-credentials-keys': { keys: { id: 'AKIACREDSKEYS', secret: 'secret' } },
      'process-and-config-keys': { process: true },
    },
  },
  {
    dir: 'empty',
    what: 'two empty files',
    profiles: { default: notFound },
  },
  {
    dir: 'odd-whitespace',
    what: "no-break spaces are stripped like spaces; VT, U+2028 and U+FEFF inside a value are kept",
    profiles: { default: { keys: { id: 'AKIANBSP', secret: 'se\u000bcr\u2028et\ufeff' } } },
  },
  {
    dir: 'nul',
    what: 'a NUL byte in a comment',
    profiles: { default: { refusedByAwsenv: 'credentials', line: 4, cli: { id: 'AKIANUL', secret: 'secret' } } },
  },
  {
    dir: 'invalid-utf8',
    what: 'a Latin-1 byte in a UTF-8 file',
    profiles: { default: { unparsable: 'credentials', line: 3 } },
  },
  {
    dir: 'utf16',
    what: 'a UTF-16 file, as Notepad saves "Unicode"',
    profiles: { default: { unparsable: 'credentials', line: 1 } },
  },
  {
    dir: 'header-text',
    what: "text after a header's ']' is ignored; '[] = v' is a key; a key with spaces is just a key",
    profiles: { default: { keys: { id: 'AKIAHEADER', secret: 'secret' } }, '[]': notFound },
  },
  {
    dir: 'percent',
    what: "no interpolation: '%(x)s' and '%%' stay",
    profiles: { default: { keys: { id: 'AKIA%(x)s', secret: 's%%ecret' } } },
  },
  {
    dir: 'malformed-credentials',
    what: 'a malformed credentials file fails every profile, even one that lives only in config',
    profiles: { p: { unparsable: 'credentials', line: 3 } },
  },
  {
    dir: 'malformed-config',
    what: 'a malformed config file fails every profile, even one that lives only in credentials',
    profiles: { default: { unparsable: 'config', line: 3 } },
  },
  {
    dir: 'region-in-credentials',
    what: 'a region in the credentials file beats the one in config',
    profiles: { default: { keys: { id: 'AKIAREGION', secret: 'secret' }, region: 'eu-west-1' } },
  },
];
