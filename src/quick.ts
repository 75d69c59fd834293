// The commands a shell runs on every `eval` and prompt (use, clear, current) in their plain
// forms, recognised without yargs: loading yargs costs about as much as starting Node
// (see the speed issue and `npm run bench`). Anything else, or anything unusual (help,
// unknown flags, a bad --shell), goes to the full parser in cli.ts, which also gives the
// usage errors, so both paths reach the same command functions with the same arguments.
import { isShellName } from './shells/index.js';

export type Quick =
  | { command: 'use'; profile: string; shell?: string | undefined }
  | { command: 'clear'; shell?: string | undefined; all: boolean }
  | { command: 'current'; json: boolean };

export function parseQuick(argv: readonly string[]): Quick | undefined {
  const [command, ...rest] = argv;
  let shell: string | undefined;
  const flags = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '--') {
      // Everything after `--` is a name, even one that starts with '-'.
      positional.push(...rest.slice(i + 1));
      break;
    }
    if (arg === '--shell' || arg.startsWith('--shell=')) {
      if (shell !== undefined) return undefined;
      shell = arg === '--shell' ? rest[++i] : arg.slice('--shell='.length);
      if (shell === undefined || !isShellName(shell)) return undefined;
    } else if (arg === '--all' || arg === '--json') {
      flags.add(arg);
    } else if (arg.startsWith('-')) {
      return undefined;
    } else {
      positional.push(arg);
    }
  }
  switch (command) {
    case 'use':
      return positional.length === 1 && flags.size === 0 ? { command, profile: positional[0]!, shell } : undefined;
    case 'clear':
      return positional.length === 0 && !flags.has('--json') ? { command, shell, all: flags.has('--all') } : undefined;
    case 'current':
      return positional.length === 0 && shell === undefined && !flags.has('--all') ? { command, json: flags.has('--json') } : undefined;
    default:
      return undefined;
  }
}
