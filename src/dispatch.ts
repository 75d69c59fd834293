// One parsed command line, and the one table from it to its command function. Both parsers
// produce it: quick.ts (the common forms, no yargs) and cli.ts (yargs: everything, with help
// and usage errors); test/quick.test.ts shows that where both parse, they agree.
import { clear, type ClearArgs } from './commands/clear.js';
import { complete, type Completion } from './commands/complete.js';
import type { Context, Output } from './commands/context.js';
import { current } from './commands/current.js';
import { doctor } from './commands/doctor.js';
import { type EXPORT_FORMATS, exportCredentials } from './commands/export.js';
import { list } from './commands/list.js';
import { use, type UseArgs } from './commands/use.js';

export type Invocation =
  | { command: 'use'; args: UseArgs }
  | { command: 'clear'; args: ClearArgs }
  | { command: 'list'; args: { json?: boolean | undefined } }
  | { command: 'current'; args: { json?: boolean | undefined } }
  | { command: 'export'; args: { profile: string; format: (typeof EXPORT_FORMATS)[number]; mfaCode?: string | undefined } }
  | { command: 'doctor'; args: { profile?: string | undefined; json?: boolean | undefined; offline?: boolean | undefined } }
  | { command: 'complete'; args: { what: Completion; value?: string | undefined } };

export function invoke(inv: Invocation, ctx: Context): Output | Promise<Output> {
  switch (inv.command) {
    case 'use':
      return use(inv.args, ctx);
    case 'clear':
      return clear(inv.args, ctx);
    case 'list':
      return list(inv.args, ctx);
    case 'current':
      return current(inv.args, ctx);
    case 'export':
      return exportCredentials(inv.args, ctx);
    case 'doctor':
      return doctor(inv.args, ctx);
    case 'complete':
      return complete(inv.args, ctx);
  }
}
