// The full command line: every command, its flags, help and usage errors, through yargs.
// Output, errors and the exit status are run.ts's (main.ts calls main() here through finish()).
import yargs from 'yargs';
import { COMPLETIONS } from './commands/complete.js';
import type { Context, Output } from './commands/context.js';
import { execCommandLine } from './commands/exec.js';
import { EXPORT_FORMATS } from './commands/export.js';
import { HOOK_SHELL_NAMES, type HookShell, hook } from './commands/hook.js';
import { rotate } from './commands/rotate.js';
import { setup } from './commands/setup.js';
import { type Invocation, invoke } from './dispatch.js';
import { UsageError } from './errors.js';
import { closest } from './util/closest.js';
import { SHELL_NAMES } from './shells/index.js';

declare const AWSENV_VERSION: string;

export async function main(argv: string[], ctx: Context): Promise<Output> {
  if (argv[0] === 'exec') return execCommandLine(argv.slice(1), ctx);
  const parsed = await parse(argv, ctx);
  return 'invocation' in parsed ? invoke(parsed.invocation, ctx) : parsed.output;
}

/** What yargs makes of a command line: what to run, or its own output (help, version). */
export type Parsed = { invocation: Invocation } | { output: Output };

/**
 * The command line through yargs. The commands of dispatch.ts are not run here but handed
 * back, so test/quick.test.ts can hold quick.ts's result against this one; the others (rotate,
 * hook, setup) run with `ctx`. A usage error is thrown (UsageError).
 */
export async function parse(argv: string[], ctx: Context): Promise<Parsed> {
  let invocation: Invocation | undefined;
  let result: Output | undefined;
  const run = (f: () => Output | Promise<Output>) => async () => {
    result = await f();
  };
  const hand = (inv: Invocation) => {
    invocation = inv;
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
      'use [profile]',
      'print the statements that make this shell match PROFILE (none: pick one on the terminal)',
      (y) =>
        y
          .positional('profile', { type: 'string', describe: 'the profile; without one, a picker on the terminal' })
          .option('shell', shellOption)
          .option('mfa-code', { type: 'string', describe: 'the six-digit MFA code (else asked on the terminal)' })
          .option('duration', { type: 'number', describe: 'session lifetime in seconds (else duration_seconds, else STS\'s default)' })
          .option('refresh', { type: 'boolean', describe: 'get a new session even if one is cached' })
          .option('login', { type: 'boolean', describe: 'SSO: run `aws sso login` first when the token is missing or expired' })
          .option('save-as', {
            type: 'string',
            requiresArg: true,
            describe: 'also write the session into section [NAME] of the credentials file',
          })
          .option('print', { type: 'boolean', describe: 'print the statements even when stdout is a terminal' }),
      (a) =>
        hand({
          command: 'use',
          args: {
            // After `--` (a name may start with '-', as in the hooks' `use -- "$AWSENV_PROFILE"`)
            // yargs puts the name in `_`, after the command's name.
            profile: a.profile ?? a._.slice(1).map(String)[0],
            shell: a.shell,
            mfaCode: a.mfaCode,
            duration: a.duration,
            refresh: a.refresh,
            login: a.login,
            saveAs: a.saveAs,
            print: a.print,
          },
        }),
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
      (a) => hand({ command: 'clear', args: { shell: a.shell, all: a.all, staleTokens: a.staleTokens, dryRun: a.dryRun } }),
    )
    .command(
      'list',
      'the profiles of both files: kind, region, session, which one is active',
      (y) => y.option('json', { type: 'boolean', describe: 'machine-readable output (documented in the README)' }),
      (a) => hand({ command: 'list', args: { json: a.json } }),
    )
    .command(
      'current',
      'what this shell holds now, and whether it is consistent',
      (y) => y.option('json', { type: 'boolean', describe: 'machine-readable output (documented in the README)' }),
      (a) => hand({ command: 'current', args: { json: a.json } }),
    )
    .command(
      'export <profile>',
      'print PROFILE\'s credentials for other tools (credential_process JSON)',
      (y) =>
        y
          .positional('profile', { type: 'string', demandOption: true })
          .option('format', { choices: EXPORT_FORMATS, default: 'process' as const, describe: 'output format' })
          .option('mfa-code', { type: 'string', describe: 'the six-digit MFA code (else asked on the terminal)' }),
      (a) => hand({ command: 'export', args: { profile: a.profile, format: a.format, mfaCode: a.mfaCode } }),
    )
    .command(
      'exec <profile> [command..]',
      'run CMD with PROFILE\'s credentials: awsenv exec [--server] [--mfa-code CODE] PROFILE CMD [ARG…]',
      // Parsed by commands/exec.ts before yargs sees it (everything after PROFILE is the command).
    )
    .command(
      'doctor [profile]',
      'explain "The security token included in the request is invalid", with fixes',
      (y) =>
        y
          .positional('profile', { type: 'string', describe: 'the profile meant (default: AWS_PROFILE, else default)' })
          .option('json', { type: 'boolean', describe: 'machine-readable output (documented in the README)' })
          .option('offline', { type: 'boolean', describe: 'do not ask STS' }),
      (a) => hand({ command: 'doctor', args: { profile: a.profile, json: a.json, offline: a.offline } }),
    )
    .command(
      'rotate <profile>',
      'replace PROFILE\'s long-term access key (IAM): create, write, check, then delete the old one',
      (y) =>
        y
          .positional('profile', { type: 'string', demandOption: true })
          .option('mfa-code', { type: 'string', describe: 'the six-digit MFA code, when IAM needs an MFA session (else asked on the terminal)' })
          .option('keep-old', { type: 'boolean', describe: 'deactivate the old key instead of deleting it' })
          .option('dry-run', { type: 'boolean', describe: 'change nothing: read-only IAM calls, and say what would happen' }),
      (a) => run(() => rotate({ profile: a.profile, mfaCode: a.mfaCode, keepOld: a.keepOld, dryRun: a.dryRun }, ctx))(),
    )
    .command(
      'hook <shell>',
      'print the shell hook: eval "$(awsenv hook bash)" (zsh, fish, tcsh, pwsh alike)',
      (y) => y.positional('shell', { choices: HOOK_SHELL_NAMES, demandOption: true }),
      (a) => run(() => hook({ shell: a.shell }, ctx))(),
    )
    .command(
      'setup',
      'write the shell hooks and source them from your shells\' start-up files (--uninstall: take them out)',
      (y) =>
        y
          .option('shell', { type: 'string', array: true, choices: HOOK_SHELL_NAMES, describe: 'only these shells\' start-up files (default: all)' })
          .option('uninstall', { type: 'boolean', describe: 'remove the blocks and hook files setup wrote, restoring each file' })
          .option('purge', { type: 'boolean', describe: 'with --uninstall: also remove the session cache (sessions and stamps)' })
          .option('dry-run', { type: 'boolean', describe: 'say what would change, change nothing' })
          .option('modify-rc', { type: 'boolean', default: true, describe: 'edit the start-up files (--no-modify-rc: write the hook files only, and print the lines to add by hand)' })
          .option('hooks-only', { type: 'boolean', hidden: true })
          .option('allow-root', { type: 'boolean', describe: 'run even as root (root\'s own start-up files are edited)' })
          .implies('purge', 'uninstall'),
      (a) =>
        run(() =>
          setup(
            {
              shells: a.shell as HookShell[] | undefined,
              uninstall: a.uninstall,
              purge: a.purge,
              dryRun: a.dryRun,
              noModifyRc: a.modifyRc === false,
              hooksOnly: a.hooksOnly,
              allowRoot: a.allowRoot,
            },
            ctx,
          ),
        )(),
    )
    .command(
      'complete <what> [value]',
      false, // hidden: for the shell completions (on TAB) and the tcsh hook's notices
      (y) => y.positional('what', { choices: COMPLETIONS, demandOption: true }).positional('value', { type: 'string' }),
      // After `--` (a value may start with '-') yargs puts the value in `_`, after the command's name.
      (a) => hand({ command: 'complete', args: { what: a.what, value: a.value ?? a._.slice(1).map(String)[0] } }),
    )
    .demandCommand(1, 'name a command; see `awsenv --help`')
    .strict()
    .version(typeof AWSENV_VERSION === 'string' ? AWSENV_VERSION : 'dev')
    .help()
    .wrap(Math.min(100, process.stdout.columns || 80))
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new UsageError(explainUsage(message, argv, commands, Object.keys((parser as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions().key)));
    });
  // The commands there are, for "did you mean": yargs keeps them only inside. The hidden
  // `complete` is never suggested.
  const commands = (
    (parser as unknown as { getInternalMethods?: () => { getCommandInstance(): { getCommands(): string[] } } })
      .getInternalMethods?.()
      .getCommandInstance()
      .getCommands() ?? []
  ).filter((c) => c !== 'complete');

  let helpText = '';
  await parser.parseAsync(argv, {}, (_err, _argv, output) => {
    helpText = output;
  });
  if (invocation) return { invocation };
  if (result) return { output: result };
  // Help or version of a command whose stdout is eval'd goes to stderr: `eval "$(awsenv use
  // --help)"` must not run the help text.
  // A command's help lists its own options: the version is the program's (`awsenv
  // --version`), not an option of `awsenv use`.
  const ofCommand = argv.some((a) => commands.includes(a));
  const help = ofCommand ? helpText.replace(/^ *--version +Show version number +\[boolean\]\n/m, '') : helpText;
  const text = help ? `${help}\n` : '';
  return { output: ['use', 'clear', 'hook'].includes(argv[0] ?? '') ? { stdout: '', stderr: text } : { stdout: text } };
}

/**
 * yargs' "Unknown argument: lst" in our words: an unknown command or option with the
 * nearest known one ("unknown command 'lst'; did you mean 'list'?", "unknown option
 * '--shel'; did you mean '--shell'?"), and a stray argument as what it is. Other
 * messages pass through withoutCodes.
 */
export function explainUsage(message: string, argv: readonly string[], commands: readonly string[], options: readonly string[]): string {
  const m = /^Unknown (?:argument|command)s?: (.*)$/s.exec(message);
  if (!m) return withoutCodes(message);
  const unknown = m[1]!.split(', ');
  const words = argv.filter((a) => !a.startsWith('-'));
  const command = words[0];
  if (command !== undefined && commands.length > 0 && !commands.includes(command) && unknown.includes(command)) {
    const near = closest(command, commands, 1);
    return `unknown command ${quoteWord(command)}; ${near.length ? `did you mean '${near[0]}'?` : '`awsenv --help` lists the commands'}`;
  }
  const flags = options.filter((o) => o !== '$0' && o !== '_' && !/[A-Z]/.test(o));
  const parts = unknown.map((u) => {
    // yargs names an option without its dashes ('shel' for --shel); a word as it was typed.
    const typed = argv.find((a) => a.replace(/^-+/, '').split('=')[0] === u && a.startsWith('-'));
    if (typed) {
      const dashes = typed.startsWith('--') ? '--' : '-';
      const near = closest(u, flags.filter((f) => f.length > 1), 1);
      return `unknown option '${dashes}${u}'${near.length ? `; did you mean '--${near[0]}'?` : ''}`;
    }
    return `unexpected argument ${quoteWord(u)}`;
  });
  const help = command && commands.includes(command) ? `; see \`awsenv ${command} --help\`` : '';
  return parts.join('; ') + (parts.every((p) => p.includes('did you mean')) ? '' : help);
}

/** An all-digit word is most likely an MFA code typed without --mfa-code: not shown. */
function hideCode(word: string): string {
  return /^\d+$/.test(word) ? '(a number, not shown: an MFA code goes after --mfa-code)' : word;
}
const quoteWord = (word: string) => (/^\d+$/.test(word) ? hideCode(word) : `'${word}'`);

/**
 * yargs echoes stray arguments ("Unknown argument: 924673"); the one secret that arrives on
 * the command line is an MFA code typed without --mfa-code (`awsenv use admin 924673`), so
 * an all-digit one is not shown (CONTRACT.md: no MFA code on stderr).
 */
export function withoutCodes(message: string): string {
  const m = /^(Unknown (?:argument|command)s?: )(.*)$/s.exec(message);
  if (!m) return message;
  const args = m[2]!.split(', ').map(hideCode);
  return m[1] + args.join(', ');
}
