// The real shells of the end-to-end tests: how each is started (strict flags, no rc files),
// how a user evaluates awsenv's output in it, and the environment it then hands a child,
// read back byte for byte with `env -0`.
import { execa } from 'execa';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ShellName } from '../../src/shells/index.js';
import { CLI } from './env.js';
import { findTool } from './tools.js';

/** PowerShell 7: on PATH, or where .ci/run installs it (`dotnet tool install --global`). */
export const PWSH = findTool('pwsh') ?? join(homedir(), '.dotnet/tools/pwsh');

/** One way of evaluating awsenv's output in a shell. */
export interface EvalStyle {
  name: string;
  /** Evaluates what the shell command `command` prints. */
  output(command: string): string;
  /** Evaluates a file holding awsenv's output. */
  file(path: string): string;
}

export interface RealShell {
  /** The suite's name, e.g. "sh (dash)". */
  name: string;
  bin: string;
  dialect: ShellName;
  /** Flags for running a script file strictly. */
  strict: string[];
  /** Flags for a script whose command substitutions are expected to fail. */
  tolerant: string[];
  /** Flags for an interactive shell reading its commands from a pipe (history expansion on). */
  interactive: string[];
  styles: EvalStyle[];
  /** Exports NAME with a plain value chosen by the test (no quoting needed beyond '…'). */
  exportVar(name: string, value: string): string;
  /** The script file's name ending: pwsh runs only a .ps1 with -File. */
  ext?: string;
  /** Lines that make a strict script strict, for a shell whose flags cannot (pwsh). */
  strictPrelude?: string[];
  /** Modes whose script is typed through a pipe like 'interactive' (pwsh -Command -). */
  piped?: ('strict' | 'tolerant')[];
  /**
   * For shells with history expansion: lines that leave RT_HISTORY set to HISTORY_PROBE when
   * `!!` is expanded as typed, proving that the interactive session really expands it.
   */
  historyProbe?: string[];
}

export const HISTORY_PROBE = 'echo history-probe';
const posixHistory = [HISTORY_PROBE, 'export RT_HISTORY="!!"'];

const posixEval: EvalStyle = {
  name: 'eval "$(…)"',
  output: (command) => `eval "$(${command})"`,
  file: (path) => `eval "$(cat '${path}')"`,
};
const posixExport = (name: string, value: string) => `export ${name}='${value}'`;

export const REAL_SHELLS: RealShell[] = [
  {
    name: 'bash',
    bin: '/usr/bin/bash',
    dialect: 'bash',
    strict: ['--noprofile', '--norc', '-e', '-u', '-o', 'pipefail'],
    tolerant: ['--noprofile', '--norc', '-u'],
    interactive: ['--noprofile', '--norc', '-i'],
    styles: [posixEval],
    exportVar: posixExport,
    historyProbe: posixHistory,
  },
  {
    name: 'zsh',
    bin: '/usr/bin/zsh',
    dialect: 'zsh',
    strict: ['-f', '-e', '-u'],
    tolerant: ['-f', '-u'],
    interactive: ['-f', '-i'],
    styles: [posixEval],
    exportVar: posixExport,
    historyProbe: posixHistory,
  },
  {
    name: 'sh (dash)',
    bin: '/usr/bin/dash',
    dialect: 'sh',
    strict: ['-e', '-u'],
    tolerant: ['-u'],
    interactive: ['-i'],
    styles: [posixEval],
    exportVar: posixExport,
  },
  {
    name: 'sh (ksh)',
    bin: '/usr/bin/ksh',
    dialect: 'sh',
    strict: ['-e', '-u'],
    tolerant: ['-u'],
    interactive: ['-i'],
    styles: [posixEval],
    exportVar: posixExport,
  },
  {
    name: 'fish',
    bin: '/usr/bin/fish',
    dialect: 'fish',
    strict: ['--no-config'],
    tolerant: ['--no-config'],
    interactive: ['--no-config', '-i'],
    styles: [
      { name: 'source', output: (command) => `${command} | source`, file: (path) => `source '${path}'` },
      // Command substitution splits on newlines and eval joins the pieces with spaces.
      { name: 'eval (…)', output: (command) => `eval (${command})`, file: (path) => `eval (cat '${path}')` },
    ],
    exportVar: (name, value) => `set -gx ${name} '${value}'`,
  },
  {
    name: 'tcsh',
    bin: '/usr/bin/tcsh',
    dialect: 'tcsh',
    // -e would end the script at the first failing `awsenv use` in a backquote, which is
    // exactly what the failure tests run.
    strict: ['-f', '-e'],
    tolerant: ['-f'],
    interactive: ['-f', '-i'],
    styles: [
      // Inside "…", a backquote's output is split into words at newlines only, and eval
      // joins them with spaces; each statement ends in ';' for that reason.
      { name: 'eval "`…`"', output: (command) => `eval "\`${command}\`"`, file: (path) => `eval "\`cat '${path}'\`"` },
    ],
    exportVar: (name, value) => `setenv ${name} '${value}'`,
    historyProbe: [HISTORY_PROBE, 'setenv RT_HISTORY "!!"'],
  },
  {
    name: 'pwsh',
    bin: PWSH,
    dialect: 'pwsh',
    // A script run with -File stops at its first error, as `set -e`, under these lines.
    strict: ['-NoLogo', '-NoProfile', '-NonInteractive', '-File'],
    ext: '.ps1',
    strictPrelude: ['Set-StrictMode -Version Latest', "$ErrorActionPreference = 'Stop'", '$PSNativeCommandUseErrorActionPreference = $true'],
    // A failed `use` ends a -File script (its failure statement throws, see src/shells/pwsh.ts);
    // read from stdin, each line is a command line of its own, as typed.
    tolerant: ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', '-'],
    piped: ['tolerant'],
    interactive: ['-NoLogo', '-NoProfile', '-Command', '-'],
    styles: [
      {
        name: '| Out-String | Invoke-Expression',
        output: (command) => `${command} | Out-String | Invoke-Expression`,
        // Through a native command, as awsenv's output arrives: decoded by pwsh as UTF-8.
        file: (path) => `/bin/cat '${path}' | Out-String | Invoke-Expression`,
      },
    ],
    exportVar: (name, value) => `$env:${name} = '${value}'`,
  },
];

/**
 * Installs `awsenv-rt` in `dir`/bin: test scaffolding, not a user's command.
 * `awsenv-rt use VAR ARGS…` runs the built CLI as `awsenv use "$VAR" ARGS…`, so a profile
 * name that no shell takes unquoted reaches the CLI unchanged without the test quoting it
 * for each shell (and tcsh history-expands a '!' even inside a backquote); anything else
 * runs `awsenv ARGS…`. Returns the bin directory, to put first on PATH.
 */
export function installRunner(dir: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  writeFileSync(
    join(bin, 'awsenv-rt'),
    [
      '#!/bin/sh',
      'if [ "$1" = use ]; then',
      '  eval "profile=\\${$2}"',
      '  shift 2',
      `  exec ${q(process.execPath)} ${q(CLI)} use "$profile" "$@"`,
      'fi',
      `exec ${q(process.execPath)} ${q(CLI)} "$@"`,
      '',
    ].join('\n'),
  );
  chmodSync(join(bin, 'awsenv-rt'), 0o755);
  return bin;
}

/** A script for one shell session, with numbered environment dumps. */
export class Session {
  readonly lines: string[] = [];
  private dumps = 0;
  constructor(
    readonly shell: RealShell,
    readonly style: EvalStyle,
    /** Where dumps go; the shell's working directory is elsewhere, and must stay empty. */
    readonly dumpDir: string,
  ) {
    mkdirSync(dumpDir, { recursive: true });
  }
  add(...lines: string[]): this {
    this.lines.push(...lines);
    return this;
  }
  /** `eval` of `awsenv-rt ARGS` in this session's style. */
  awsenv(args: string, envPrefix = ''): this {
    return this.add(this.style.output(`${envPrefix}awsenv-rt ${args}`));
  }
  /** Writes the environment a child of the shell gets, and returns the dump's number. */
  dump(): number {
    const n = this.dumps++;
    this.add(`env -0 > '${join(this.dumpDir, `${n}.env`)}'`);
    return n;
  }
  /** The environment in dump `n`, or a clear error when the shell never got there. */
  read(n: number, run: { stderr: string; exitCode: number }): Record<string, string> {
    const path = join(this.dumpDir, `${n}.env`);
    if (!existsSync(path)) {
      throw new Error(`${this.shell.name}: dump ${n} was never written (exit ${run.exitCode}); stderr:\n${run.stderr.slice(0, 2000)}`);
    }
    return readEnvDump(path);
  }
}

/**
 * Parses `env -0` output. Each entry is decoded as strict UTF-8 (an invalid byte fails the
 * test), and strict UTF-8 decoding is one-to-one, so comparing the strings compares the bytes.
 */
export function readEnvDump(path: string): Record<string, string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const bytes = readFileSync(path);
  const env: Record<string, string> = {};
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0) continue;
    const entry = decoder.decode(bytes.subarray(start, i));
    start = i + 1;
    const eq = entry.indexOf('=');
    env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

export interface ShellRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the session: as a script file with `flags`, or typed into an interactive shell
 * through a pipe (mode 'interactive'), where bash and tcsh expand history on every line.
 */
export async function runSession(
  session: Session,
  mode: 'strict' | 'tolerant' | 'interactive',
  env: Record<string, string>,
  cwd: string,
): Promise<ShellRun> {
  const { shell } = session;
  const prelude = mode === 'strict' ? (shell.strictPrelude ?? []) : [];
  const text = `${[...prelude, ...session.lines].join('\n')}\n`;
  const common = { env, extendEnv: false, reject: false, cwd, timeout: 120_000 } as const;
  let r;
  const file = join(session.dumpDir, `session${shell.ext ?? ''}`);
  writeFileSync(file, text);
  if (mode === 'interactive' || (shell.piped ?? []).includes(mode)) {
    // Through a real pipe from cat: Node gives a child a socket for `input`, and fish
    // refuses to read one ("Unable to read input file").
    const line = 'file=$1; shift; cat "$file" | "$@"';
    r = await execa('/bin/sh', ['-c', line, 'sh', file, shell.bin, ...shell[mode]], common);
  } else {
    r = await execa(shell.bin, [...shell[mode], file], { ...common, stdin: 'ignore' });
  }
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}
