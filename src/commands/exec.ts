// awsenv exec [--server] [--mfa-code CODE] PROFILE [--] CMD [ARG…]: runs CMD with PROFILE's
// environment (exactly what `use` would leave), or with `--server` a local credentials
// endpoint that renews PROFILE's sessions while CMD runs. stdio inherited, CMD's exit status
// passed through (128+N for a signal, as shells report it).
//
// Its command line is parsed here, not by yargs: everything after PROFILE is the command,
// as with `env`, `sudo` and `aws-vault exec`, so `awsenv exec admin aws --version` runs
// `aws --version` (yargs would answer with awsenv's version) and awsenv's own options go
// before PROFILE.
import { loadProfiles } from '../files/profiles.js';
import { profileIndexCache } from '../sessions/cache.js';
import { realDeps } from '../core/deps.js';
import { useChange } from '../core/environment.js';
import { Resolver } from '../core/resolve.js';
import { AwsenvError, UsageError } from '../errors.js';
import { refuseNul } from '../shells/dialect.js';
import { os } from '../util/os.js';
import { spawnInherit } from '../util/spawn.js';
import type { Context, Output } from './context.js';

/** Exit status 127 (not found) or 126 (found, not runnable), as a shell reports them. */
class CommandNotRun extends AwsenvError {
  constructor(
    message: string,
    override readonly exitCode: number,
  ) {
    super(message);
  }
}

export const EXEC_USAGE = `Usage: awsenv exec [--server] [--mfa-code CODE] PROFILE [--] CMD [ARG…]

Run CMD with PROFILE's credentials. Everything after PROFILE is the command; awsenv's own
options go before PROFILE.

Options:
  --server          give CMD a local credentials endpoint instead of keys, and renew
                    PROFILE's sessions while it runs (see docs/exec.md)
  --mfa-code CODE   the six-digit MFA code (else asked on the terminal)
  -h, --help        this help
`;

export interface ExecArgs {
  profile: string;
  command: string[];
  mfaCode?: string | undefined;
  server?: boolean | undefined;
}

/** `exec`'s arguments (those after the word `exec`); `help` when help was asked for. */
export function parseExecArgs(argv: readonly string[]): ExecArgs | 'help' {
  let mfaCode: string | undefined;
  let server = false;
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    if (a === '-h' || a === '--help') return 'help';
    if (a === '--server') server = true;
    else if (a === '--mfa-code') {
      const v = argv[++i];
      if (v === undefined) throw new UsageError('--mfa-code needs a value: awsenv exec --mfa-code CODE PROFILE CMD…');
      mfaCode = v;
    } else if (a.startsWith('--mfa-code=')) mfaCode = a.slice('--mfa-code='.length);
    else throw new UsageError(`unknown option for exec: ${a.replace(/=.*/s, '')}\n\n${EXEC_USAGE}`);
  }
  const profile = argv[i];
  if (profile === undefined) throw new UsageError(`name a profile and a command\n\n${EXEC_USAGE}`);
  let command = argv.slice(i + 1);
  if (command[0] === '--') command = command.slice(1);
  else if (command[0] === '--server' || command[0] === '--mfa-code' || command[0]?.startsWith('--mfa-code=')) {
    // The order of awsenv < 0.2 (`exec PROFILE --mfa-code C -- CMD`): say what changed
    // rather than try to run a command called --server.
    throw new UsageError(`awsenv's options go before the profile: awsenv exec ${command[0].replace(/=.*/s, '')} … ${profile} CMD…`);
  }
  if (command.length === 0) throw new UsageError(`name a command to run: awsenv exec ${server ? '--server ' : ''}${profile} CMD [ARG…]`);
  return { profile, command, mfaCode, server };
}

/** The `exec` command line: parse, then run. */
export async function execCommandLine(argv: readonly string[], ctx: Context): Promise<Output> {
  const args = parseExecArgs(argv);
  if (args === 'help') return { stdout: EXEC_USAGE };
  return exec(args, ctx);
}

export async function exec(args: ExecArgs, ctx: Context): Promise<Output> {
  const [file, ...rest] = args.command;
  if (!file) throw new UsageError('name a command to run: awsenv exec PROFILE CMD [ARG…]');
  if (args.server) {
    const { startServing } = await import('../core/serve.js');
    const serving = await startServing({ profile: args.profile, mfaCode: args.mfaCode }, ctx);
    try {
      return await run(file, rest, serving.env);
    } finally {
      await serving.stop();
    }
  }
  const resolved = await new Resolver(loadProfiles(ctx.env, profileIndexCache(ctx.env)), realDeps(ctx.env, ctx.now, ctx.warn), {
    mfaCode: args.mfaCode,
  }).resolve(args.profile);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) env[k] = v;
  for (const [k, v] of Object.entries(useChange(resolved.profile, resolved.credentials, resolved.region, ctx.env))) {
    if (v === null) {
      delete env[k];
    } else {
      // A value from credential_process or SSO may hold a NUL, which no environment can carry.
      refuseNul(k, "the command's environment", v);
      env[k] = v;
    }
  }
  return run(file, rest, env);
}

/** How long a forwarded SIGTERM is given before SIGKILL follows (execa's forceKillAfterDelay, which this replaced). */
const KILL_AFTER_MS = 5000;

/**
 * Runs the command with exactly `env`, stdio inherited; signals meant for it are passed on.
 * Not execa: its load is most of an `exec`'s own time, and with stdio inherited nothing of it
 * is needed (util/spawn.ts says why not always node:child_process either). What execa did is
 * kept: PATH looked up in `env`, SIGKILL 5 s after a forwarded SIGTERM the command ignores,
 * the command killed if awsenv exits first.
 */
async function run(file: string, rest: string[], env: Record<string, string>): Promise<Output> {
  const child = spawnInherit(file, rest, env);
  let ended = false;
  let killTimer: NodeJS.Timeout | undefined;
  // While the child runs, signals meant for it (Ctrl-C reaches both) must not kill us first.
  const forward = (signal: NodeJS.Signals) => {
    if (ended) return;
    child.kill(signal);
    if (signal === 'SIGTERM' && killTimer === undefined) {
      killTimer = setTimeout(() => ended || child.kill('SIGKILL'), KILL_AFTER_MS);
      killTimer.unref();
    }
  };
  const killOnExit = () => ended || child.kill('SIGTERM');
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];
  for (const s of signals) process.on(s, forward);
  process.on('exit', killOnExit);
  try {
    const result = await child.exited;
    ended = true;
    if ('error' in result) {
      const code = result.error.code;
      if (code === 'EACCES') throw new CommandNotRun(`permission denied: ${file}`, 126);
      // A six-digit "command" is an MFA code typed in the wrong place: never echoed.
      const shown = /^\d{6}$/.test(file) ? '(a number, not shown: an MFA code goes after --mfa-code, before the profile)' : file;
      if (code === 'ENOENT') throw new CommandNotRun(`command not found: ${shown}`, 127);
      throw new CommandNotRun(`cannot run ${file}: ${code ?? 'unknown error'}`, 127);
    }
    if (result.signal) return { stdout: '', exitCode: 128 + (os().constants.signals[result.signal] ?? 0) };
    return { stdout: '', exitCode: result.code ?? 0 };
  } finally {
    ended = true;
    clearTimeout(killTimer);
    for (const s of signals) process.off(s, forward);
    process.off('exit', killOnExit);
  }
}
