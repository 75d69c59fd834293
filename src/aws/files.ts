// Where the two shared files are and how they are read: the AWS CLI's path rules
// (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, ~ and $VAR expanded) and file errors
// that name the file.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { decodeUtf8, type IniSection, parseIni } from './ini.js';

export type Env = Readonly<Record<string, string | undefined>>;

export function homeOf(env: Env): string {
  return env.HOME || homedir();
}

/** botocore expands $VAR/${VAR} (os.path.expandvars) and then ~ in both paths. */
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

export function awsFilePaths(env: Env): AwsFilePaths {
  return {
    config: expandPath(env.AWS_CONFIG_FILE || '~/.aws/config', env),
    credentials: expandPath(env.AWS_SHARED_CREDENTIALS_FILE || '~/.aws/credentials', env),
  };
}

/** Reads and parses one file; a file that does not exist has no sections. */
export function readIniFile(file: string): IniSection[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    const problem =
      code === 'EISDIR'
        ? 'is a directory, not a file'
        : code === 'EACCES' || code === 'EPERM'
          ? 'cannot be read: permission denied'
          : code === 'ELOOP'
            ? 'is a loop of symbolic links'
            : `cannot be read (${code ?? 'unknown error'})`;
    throw new ConfigError(file, undefined, problem, { cause: error });
  }
  return parseIni(file, decodeUtf8(file, bytes));
}
