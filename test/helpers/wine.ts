// Wine's cmd for the Windows tests: a private prefix inside the sandbox (never ~/.wine), an
// interactive cmd fed through stdin as a user types, and `set` read back as UTF-16 (`cmd /u`)
// so that what the Windows environment holds is seen exactly.
import { execa } from 'execa';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const WINE = '/usr/lib/wine/wine64';
export const WINESERVER = '/usr/lib/wine/wineserver';

/** The Windows path of a Unix path through Wine's Z: drive. */
export const winPath = (path: string): string => `Z:${path.replaceAll('/', '\\')}`;

export interface Wine {
  prefix: string;
  /**
   * Types `lines` into an interactive cmd (`cmd /v:on` when delayedExpansion), with exactly
   * `env` as its environment (Wine hands the Unix environment to Windows programs).
   */
  cmd(lines: string[], env: Record<string, string>, options?: { delayedExpansion?: boolean }): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  /** Stops this prefix's wineserver and removes the prefix. */
  cleanup(): Promise<void>;
}

export function wine(dir: string, home: string): Wine {
  const prefix = join(dir, 'wineprefix');
  let inputs = 0;
  const base = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    WINEPREFIX: prefix,
    WINEDEBUG: '-all',
    // No Mono or Gecko install prompts when the prefix is created.
    WINEDLLOVERRIDES: 'mscoree,mshtml=',
  };
  return {
    prefix,
    async cmd(lines, env, options = {}) {
      // From a file, not a pipe: Wine 8's cmd reads a block of stdin, takes the first line
      // and seeks back to the start of the next one (WCMD_fgets), which a pipe cannot do, so
      // everything after the first line or two is lost. The first call creates the prefix
      // (about 10 s), hence the generous timeout.
      const input = join(dir, `cmd-input-${inputs++}.txt`);
      writeFileSync(input, `${lines.join('\r\n')}\r\nexit\r\n`);
      // An open descriptor, so cmd gets the file itself (execa would stream it through a
      // socket); node:child_process takes one where execa's types do not.
      const fd = openSync(input, 'r');
      try {
        return await spawnWithStdin(WINE, options.delayedExpansion ? ['cmd', '/v:on'] : ['cmd'], fd, { ...env, ...base }, 180_000);
      } finally {
        closeSync(fd);
      }
    },
    async cleanup() {
      if (existsSync(prefix)) await execa(WINESERVER, ['-k'], { env: base, extendEnv: false, reject: false, timeout: 30_000 });
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}

/**
 * Parses the output of `cmd /u /c set` (UTF-16LE, CRLF): the environment as Windows holds
 * it, character for character. Names never contain '='; values cannot contain CR or LF.
 */
export function readSetDump(path: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(path).toString('utf16le').split('\r\n')) {
    const eq = line.indexOf('=', 1);
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

/** Runs `file` with `stdin` as its standard input; collects stdout and stderr as text. */
function spawnWithStdin(
  file: string,
  args: string[],
  stdin: number,
  env: Record<string, string>,
  timeout: number,
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: [stdin, 'pipe', 'pipe'], timeout });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ exitCode: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
  });
}
