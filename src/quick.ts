// The common forms of the commands that make no request of their own (use, clear, current,
// list, export, doctor, complete) with all their flags, recognised without yargs: loading
// yargs and its help layout costs three to five times as much as starting Node (see the
// speed issues and `npm run bench`). Anything unusual (help, --version, unknown or repeated
// flags, a bad choice, a value that looks like a flag, `--no-…`, a missing word, a picker)
// is declined and goes to the full parser in cli.ts, which also gives the usage errors.
// Where this parser accepts, it gives exactly what yargs gives: test/quick.test.ts runs a
// table of command lines through both.
import { COMPLETIONS } from './commands/complete.js';
import { EXPORT_FORMATS } from './commands/export.js';
import type { Invocation } from './dispatch.js';
import { SHELL_NAMES } from './shells/index.js';

type Value = string | number | boolean;
interface Option {
  key: string;
  type: 'string' | 'number' | 'boolean';
  choices?: readonly string[];
}
interface Positional {
  key: string;
  required: boolean;
  choices?: readonly string[];
}
interface Command {
  positionals: Positional[];
  options: Record<string, Option>;
  /** The one positional a word after `--` may fill (a name that starts with '-'); without, `--` is yargs'. */
  afterDashes?: string;
  /** The arguments in the shape cli.ts's handler gives; undefined declines (a rule yargs enforces). */
  build(v: Record<string, Value | undefined>): Invocation | undefined;
}

const shell: Option = { key: 'shell', type: 'string', choices: SHELL_NAMES };
const mfaCode: Option = { key: 'mfaCode', type: 'string' };
const json: Option = { key: 'json', type: 'boolean' };
const str = (v: Value | undefined) => v as string | undefined;
const bool = (v: Value | undefined) => v as boolean | undefined;

const COMMANDS: Record<string, Command> = {
  use: {
    // No profile: the picker, on the terminal (cli.ts).
    positionals: [{ key: 'profile', required: true }],
    // The hooks' `awsenv use -- "$AWSENV_PROFILE"`.
    afterDashes: 'profile',
    options: {
      '--shell': shell,
      '--mfa-code': mfaCode,
      '--duration': { key: 'duration', type: 'number' },
      '--refresh': { key: 'refresh', type: 'boolean' },
      '--login': { key: 'login', type: 'boolean' },
      '--save-as': { key: 'saveAs', type: 'string' },
      '--print': { key: 'print', type: 'boolean' },
    },
    build: (v) => ({
      command: 'use',
      args: {
        profile: str(v.profile),
        shell: str(v.shell),
        mfaCode: str(v.mfaCode),
        duration: v.duration as number | undefined,
        refresh: bool(v.refresh),
        login: bool(v.login),
        saveAs: str(v.saveAs),
        print: bool(v.print),
      },
    }),
  },
  clear: {
    positionals: [],
    options: {
      '--shell': shell,
      '--all': { key: 'all', type: 'boolean' },
      '--stale-tokens': { key: 'staleTokens', type: 'boolean' },
      '--dry-run': { key: 'dryRun', type: 'boolean' },
    },
    // --dry-run implies --stale-tokens: yargs says so.
    build: (v) =>
      v.dryRun && !v.staleTokens ? undefined : { command: 'clear', args: { shell: str(v.shell), all: bool(v.all), staleTokens: bool(v.staleTokens), dryRun: bool(v.dryRun) } },
  },
  list: { positionals: [], options: { '--json': json }, build: (v) => ({ command: 'list', args: { json: bool(v.json) } }) },
  current: { positionals: [], options: { '--json': json }, build: (v) => ({ command: 'current', args: { json: bool(v.json) } }) },
  export: {
    positionals: [{ key: 'profile', required: true }],
    options: { '--format': { key: 'format', type: 'string', choices: EXPORT_FORMATS }, '--mfa-code': mfaCode },
    build: (v) => ({
      command: 'export',
      args: { profile: v.profile as string, format: (v.format ?? 'process') as (typeof EXPORT_FORMATS)[number], mfaCode: str(v.mfaCode) },
    }),
  },
  doctor: {
    positionals: [{ key: 'profile', required: false }],
    options: { '--json': json, '--offline': { key: 'offline', type: 'boolean' } },
    build: (v) => ({ command: 'doctor', args: { profile: str(v.profile), json: bool(v.json), offline: bool(v.offline) } }),
  },
  complete: {
    positionals: [
      { key: 'what', required: true, choices: COMPLETIONS },
      { key: 'value', required: false },
    ],
    options: {},
    // The tcsh hook's `awsenv complete shown -- VALUE`.
    afterDashes: 'value',
    build: (v) => ({ command: 'complete', args: { what: v.what as (typeof COMPLETIONS)[number], value: str(v.value) } }),
  },
};

/** The parsed command line, or undefined for the full parser (cli.ts) to deal with. */
export function parseQuick(argv: readonly string[]): Invocation | undefined {
  const [name, ...rest] = argv;
  if (name === undefined || !Object.hasOwn(COMMANDS, name)) return undefined;
  const command = COMMANDS[name]!;
  const values: Record<string, Value | undefined> = {};
  const words: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '--') {
      // One word after `--`, even one that starts with '-', and only into the last slot.
      const after = rest.slice(i + 1);
      if (command.afterDashes === undefined || after.length !== 1) return undefined;
      if (command.positionals[words.length]?.key !== command.afterDashes) return undefined;
      words.push(after[0]!);
      break;
    }
    if (!arg.startsWith('-')) {
      // yargs answers `awsenv use help` with the help of `use` (after `--`, 'help' is a name).
      if (arg === 'help') return undefined;
      words.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const option = Object.hasOwn(command.options, flag) ? command.options[flag]! : undefined;
    // Unknown (or -h, --help, --version, --no-x, -x, --camelCase), or given twice (yargs makes an array).
    if (option === undefined || option.key in values) return undefined;
    if (option.type === 'boolean') {
      // `--print=false` and `--print false` are yargs' to read.
      const next = rest[i + 1];
      if (eq !== -1 || next === 'true' || next === 'false') return undefined;
      values[option.key] = true;
      continue;
    }
    const value = eq === -1 ? rest[++i] : arg.slice(eq + 1);
    // Missing, empty, or flag-like ('-5', '--x'): yargs' to read.
    if (value === undefined || value === '' || value.startsWith('-')) return undefined;
    if (option.choices && !option.choices.includes(value)) return undefined;
    if (option.type === 'number') {
      // Plain decimal only: '1h', '0x10', '1e3' and '007' are yargs' to read (or to refuse).
      if (!/^[1-9][0-9]{0,8}$/.test(value)) return undefined;
      values[option.key] = Number(value);
    } else {
      values[option.key] = value;
    }
  }
  const required = command.positionals.filter((p) => p.required).length;
  if (words.length < required || words.length > command.positionals.length) return undefined;
  for (const [i, word] of words.entries()) {
    const p = command.positionals[i]!;
    if (p.choices && !p.choices.includes(word)) return undefined;
    values[p.key] = word;
  }
  return command.build(values);
}
