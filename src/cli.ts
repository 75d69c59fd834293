// The edge: parses arguments, runs one command, and is the only place that writes output,
// prints errors (`awsenv: …`) and sets the exit status. stdout is written once, at the end,
// and only on success, so a failed `eval "$(awsenv use x)"` changes nothing.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { clear } from './commands/clear.js';
import type { Context, Output } from './commands/context.js';
import { current } from './commands/current.js';
import { list } from './commands/list.js';
import { use } from './commands/use.js';
import { AwsenvError, UsageError } from './errors.js';
import { SHELL_NAMES } from './shells/index.js';

declare const AWSENV_VERSION: string;

export async function main(argv: string[], ctx: Context): Promise<Output> {
  let result: Output | undefined;
  const run = (f: () => Output | Promise<Output>) => async () => {
    result = await f();
  };
  const shellOption = {
    type: 'string',
    choices: SHELL_NAMES,
    describe: 'output dialect (default: the hook\'s AWSENV_SHELL, the parent shell, then $SHELL)',
  } as const;

  const parser = yargs(argv)
    .scriptName('awsenv')
    .usage('$0 <command>\n\nKeep this shell\'s AWS credentials consistent with one profile.')
    .command(
      'use <profile>',
      'print the statements that make this shell match PROFILE',
      (y) =>
        y
          .positional('profile', { type: 'string', demandOption: true })
          .option('shell', shellOption)
          .option('mfa-code', { type: 'string', describe: 'the six-digit MFA code (else asked on the terminal)' })
          .option('duration', { type: 'number', describe: 'session lifetime in seconds (else duration_seconds, else STS\'s default)' })
          .option('refresh', { type: 'boolean', describe: 'get a new session even if one is cached' })
          .option('login', { type: 'boolean', describe: 'SSO: run `aws sso login` first when the token is missing or expired' })
          .option('save-as', {
            type: 'string',
            requiresArg: true,
            describe: 'also write the session into section [NAME] of the credentials file',
          }),
      (a) =>
        run(() =>
          use(
            {
              profile: a.profile,
              shell: a.shell,
              mfaCode: a.mfaCode,
              duration: a.duration,
              refresh: a.refresh,
              login: a.login,
              saveAs: a.saveAs,
            },
            ctx,
          ),
        )(),
    )
    .command(
      'clear',
      'print the statements that drop every AWS credential variable',
      (y) =>
        y
          .option('shell', shellOption)
          .option('all', {
            type: 'boolean',
            describe: 'also the regions and what aws-vault, awsume and granted leave',
          })
          .option('stale-tokens', {
            type: 'boolean',
            describe: 'also remove session tokens next to long-term keys, or expired, from the credentials file',
          })
          .option('dry-run', {
            type: 'boolean',
            describe: 'with --stale-tokens: change nothing, list what would change (on stderr)',
          })
          .implies('dry-run', 'stale-tokens'),
      (a) => run(() => clear({ shell: a.shell, all: a.all, staleTokens: a.staleTokens, dryRun: a.dryRun }, ctx))(),
    )
    .command(
      'list',
      'the profiles of both files: kind, region, session, which one is active',
      (y) => y.option('json', { type: 'boolean', describe: 'machine-readable output (documented in the README)' }),
      (a) => run(() => list({ json: a.json }, ctx))(),
    )
    .command(
      'current',
      'what this shell holds now, and whether it is consistent',
      (y) => y.option('json', { type: 'boolean', describe: 'machine-readable output (documented in the README)' }),
      (a) => run(() => current({ json: a.json }, ctx))(),
    )
    .demandCommand(1, 'name a command; see `awsenv --help`')
    .strict()
    .version(typeof AWSENV_VERSION === 'string' ? AWSENV_VERSION : 'dev')
    .help()
    .wrap(Math.min(100, process.stdout.columns || 80))
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new UsageError(message);
    });

  let helpText = '';
  await parser.parseAsync(argv, {}, (_err, _argv, output) => {
    helpText = output;
  });
  return result ?? { stdout: helpText ? `${helpText}\n` : '' };
}

/** The process edge: real environment, clock and streams. */
export async function runCli(): Promise<void> {
  const ctx: Context = {
    env: process.env,
    now: () => new Date(),
    ppid: process.ppid,
    stdoutIsTTY: process.stdout.isTTY === true,
    warn: (message) => process.stderr.write(`awsenv: ${message}\n`),
  };
  let code = 0;
  try {
    const out = await main(hideBin(process.argv), ctx);
    if (out.stdout) process.stdout.write(out.stdout);
    code = out.exitCode ?? 0;
  } catch (error) {
    code = report(error, process.env.AWSENV_DEBUG === '1');
  }
  process.exitCode = code;
}

function report(error: unknown, debug: boolean): number {
  if (error instanceof AwsenvError) {
    process.stderr.write(`awsenv: ${error.message}\n`);
    return error.exitCode;
  }
  // An unexpected error: its message may come from a library, but ours never put a secret
  // into one. The stack only under AWSENV_DEBUG=1.
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`awsenv: unexpected error: ${message}\n`);
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return 1;
}
