// Test sandboxes: a temporary HOME with its own AWS files and cache, so no test touches the
// real home, and a runner for the built CLI.
import { execa } from 'execa';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const CLI = join(ROOT, 'dist/awsenv.js');

export interface Sandbox {
  dir: string;
  home: string;
  config: string;
  credentials: string;
  /** The environment a command in this sandbox gets: nothing of the real user's AWS state. */
  env: Record<string, string>;
  write(which: 'config' | 'credentials', text: string | Buffer): void;
  cleanup(): void;
}

export function sandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'awsenv-test-'));
  const home = join(dir, 'home');
  mkdirSync(join(home, '.aws'), { recursive: true });
  const config = join(home, '.aws/config');
  const credentials = join(home, '.aws/credentials');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: credentials,
    AWSENV_CACHE_DIR: join(dir, 'cache'),
    XDG_CACHE_HOME: join(dir, 'xdg-cache'),
  };
  return {
    dir,
    home,
    config,
    credentials,
    env,
    write(which, text) {
      writeFileSync(which === 'config' ? config : credentials, text, { mode: 0o600 });
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Run {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Runs the built CLI with exactly `env` (no inherited variables) and no stdin. */
export async function awsenv(args: string[], env: Record<string, string>): Promise<Run> {
  const r = await execa('node', [CLI, ...args], { env, extendEnv: false, reject: false, stripFinalNewline: false, stdin: 'ignore' });
  return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode ?? -1 };
}
