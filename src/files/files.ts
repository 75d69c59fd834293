// Where the two shared files are and how they are read: the AWS CLI's path rules
// (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, ~ and $VAR expanded) and file errors
// that name the file.
//
// botocore reads a path only when os.path.isfile() says yes, and configparser skips a file
// that open() fails on, so the CLI silently treats a directory, an unreadable file, a
// symlink loop or a path through a file (~/.aws being a file) as "no file". awsenv refuses
// those with an error naming the path instead: each is a broken setup the user wants to
// hear about, not a file they meant to be empty (the unreadable case is from the source,
// RawConfigParser.read catching OSError; tests run as root, where nothing is unreadable).
// What the CLI ignores and awsenv ignores too: a missing file or dangling symlink (a file on
// a volume that is not mounted is a real setup), and a path that is not a regular file
// (/dev/null, a FIFO, which reading would block on). Checked against aws-cli 2.9.19.
import { closeSync, fstatSync, openSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { decodeUtf8, type IniSection, parseIni } from './ini.js';
import { changed, FLAG_KEY_ID, FLAG_OTHER, headerNames, type IniIndex, LINE, lookUp, nameAt, readRange, readSection, scanIni, stampOfStats, STRIDE } from './scan.js';
import { type IndexCache, INDEX_MIN_SIZE, loadIndex, loadNameBytes, loadNames, saveIndex, saveNames } from './index-cache.js';
import { os } from '../util/os.js';

export type Env = Readonly<Record<string, string | undefined>>;

export function homeOf(env: Env): string {
  return env.HOME || os().homedir();
}

/**
 * botocore expands $VAR/${VAR} (os.path.expandvars) and then ~ in both paths. `~user/…` is
 * left as it is (Python would look the user up; Node has no getpwnam), so such a path names
 * no file here where the CLI would find one: rare enough to leave.
 */
export function expandPath(path: string, env: Env): string {
  const vars = path.replace(/\$(\w+|\{[^}]*\})/g, (all, name: string) => {
    const value = env[name.replace(/^\{|\}$/g, '')];
    return value === undefined ? all : value;
  });
  return vars === '~' || vars.startsWith('~/') ? join(homeOf(env), vars.slice(1)) : vars;
}

export interface AwsFilePaths {
  config: string;
  credentials: string;
}

/**
 * An empty AWS_CONFIG_FILE= is an empty path to the CLI, which names no file, so that file is
 * not read; only an unset variable means the default path.
 */
export function awsFilePaths(env: Env): AwsFilePaths {
  return {
    config: expandPath(env.AWS_CONFIG_FILE ?? '~/.aws/config', env),
    credentials: expandPath(env.AWS_SHARED_CREDENTIALS_FILE ?? '~/.aws/credentials', env),
  };
}

const problemOf = (error: unknown): string => {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read: permission denied';
    case 'ELOOP':
      return 'is a loop of symbolic links';
    case 'ENOTDIR':
      return 'cannot be read: a directory in its path is a file';
    case 'EISDIR':
      return 'is a directory, not a file';
    default:
      return `cannot be read (${code ?? 'unknown error'})`;
  }
};

/** Reads and parses one file; a missing file, or one that is not a regular file, has no sections. */
export function readIniFile(file: string): IniSection[] {
  if (file === '') return [];
  let bytes: Buffer | undefined;
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) throw new ConfigError(file, undefined, problemOf({ code: 'EISDIR' }));
    if (stat.isFile()) bytes = readFileSync(file);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ConfigError(file, undefined, problemOf(error), { cause: error });
  }
  return bytes ? parseIni(file, decodeUtf8(file, bytes)) : [];
}

/**
 * One shared file's sections, read the cheap way when it can be (scan.ts: headers found in
 * one pass, a section parsed when asked for) and whole otherwise; both give what parseIni
 * gives for the whole file, and the same errors.
 */
export interface IniFile {
  file: string;
  /** Section names in file order. */
  names(): readonly string[];
  indexOf(name: string): number | undefined;
  /**
   * [name, position] of the sections whose names start with 'profile' or 'sso-session' but
   * not as `PREFIX WORD` with WORD free of spaces, tabs, quotes and backslashes (at least
   * those: a parsed file gives all that start so).
   */
  irregular(): readonly [string, number][];
  /**
   * [name, position] of the sections whose names neither start with 'profile' nor are
   * 'default': in a config file the few that are not profiles (sso-session, services, a
   * typo); in a credentials file, every one.
   */
  others(): readonly [string, number][];
  /** The positions of the sections that set aws_access_key_id (at least those). */
  withAccessKey(): readonly number[];
  section(i: number): IniSection;
  /** Every section, parsed (list, doctor): one read of the whole file. */
  all(): readonly IniSection[];
  /** For a file the scan indexed: its index and the descriptor to read its sections through. */
  indexed?: { fd: number; index: IniIndex };
  /**
   * The section names as the kept names file's bytes (a name a line from `body`), when the
   * file's index and names are kept (index-cache.ts); undefined otherwise.
   */
  nameBytes?(): { bytes: Buffer; body: number } | undefined;
}

export function parsedIniFile(file: string, sections: IniSection[]): IniFile {
  let byName: Map<string, number> | undefined;
  return {
    file,
    names: () => sections.map((s) => s.name),
    indexOf: (name) => (byName ??= new Map(sections.map((s, i) => [s.name, i]))).get(name),
    irregular: () => sections.flatMap((s, i): [string, number][] => (/^(profile|sso-session)/.test(s.name) ? [[s.name, i]] : [])),
    others: () => sections.flatMap((s, i): [string, number][] => (!s.name.startsWith('profile') && s.name !== 'default' ? [[s.name, i]] : [])),
    withAccessKey: () => sections.flatMap((s, i) => (s.values.has('aws_access_key_id') ? [i] : [])),
    section: (i) => sections[i]!,
    all: () => sections,
  };
}

/**
 * The descriptors of indexed files, closed when their IniFile is collected (a long `exec
 * --server` loads the profiles at each renewal) and in any case when the process exits.
 */
const descriptors = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
});

function indexedIniFile(file: string, fd: number, index: IniIndex, cache: IndexCache | undefined): IniFile {
  let whole: IniSection[] | undefined;
  let names: string[] | undefined;
  // With a kept index, the names are kept beside it the first time they are listed.
  const listed = (): string[] => {
    const kept = cache && loadNames(cache, file, index);
    if (kept) return kept;
    const decoded = headerNames(file, fd, index);
    if (cache) saveNames(cache, file, index, decoded);
    return decoded;
  };
  const indexed: IniFile = {
    file,
    names: () => (names ??= whole?.map((s) => s.name) ?? listed()),
    indexOf: (name) => lookUp(index, name),
    irregular: () => index.irregular,
    others: () => flagged(index, FLAG_OTHER).map((i): [string, number] => [names?.[i] ?? nameAt(file, fd, index, i), i]),
    withAccessKey: () => flagged(index, FLAG_KEY_ID),
    section: (i) => whole?.[i] ?? readSection(file, fd, index, i),
    all: () => (whole ??= readWhole(file, fd, index)),
    indexed: { fd, index },
    nameBytes: () => (cache ? loadNameBytes(cache, file, index) : undefined),
  };
  descriptors.register(indexed, fd);
  return indexed;
}

/** The positions of the headers with `flag` set. */
function flagged(index: IniIndex, flag: number): number[] {
  const found: number[] = [];
  for (let i = 0; i < index.count; i++) if (index.flags[i]! & flag) found.push(i);
  return found;
}

/** An indexed file read whole (through the descriptor it was indexed through), checked to be the file indexed. */
function readWhole(file: string, fd: number, index: IniIndex): IniSection[] {
  const sections = parseIni(file, decodeUtf8(file, readRange(file, fd, index, 0, index.size)));
  if (sections.length !== index.count || sections.some((s, i) => s.line !== index.rec[i * STRIDE + LINE] || lookUp(index, s.name) !== i)) {
    throw changed(file);
  }
  return sections;
}

/**
 * A shared file, indexed when the scan can follow it, else parsed whole (with its errors).
 * With a cache, a big file's index is kept between runs (index-cache.ts).
 */
export function openIniFile(file: string, cache?: IndexCache): IniFile {
  if (file === '') return parsedIniFile(file, []);
  let index: IniIndex | undefined;
  let indexKept = false;
  let fd: number | undefined;
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) throw new ConfigError(file, undefined, problemOf({ code: 'EISDIR' }));
    if (!stat.isFile()) return parsedIniFile(file, []);
    fd = openSync(file, 'r');
    const st = fstatSync(fd, { bigint: true });
    const cached = cache && st.size >= INDEX_MIN_SIZE;
    index = cached ? loadIndex(cache, file, stampOfStats(st)) : undefined;
    indexKept = index !== undefined;
    if (!index) {
      index = scanIni(fd);
      if (index && cached) indexKept = saveIndex(cache, file, index, st);
    }
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    if (error instanceof ConfigError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return parsedIniFile(file, []);
    throw new ConfigError(file, undefined, problemOf(error), { cause: error });
  }
  // Indexed: sections are read later, through this descriptor (readRange); else parsed whole now.
  if (index) return indexedIniFile(file, fd, index, indexKept ? cache : undefined);
  closeSync(fd);
  return parsedIniFile(file, readIniFile(file));
}
