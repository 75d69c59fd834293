// Entry point of the bundled CLI (dist/main.cjs, started by dist/awsenv.js): the common forms
// of the commands that make no request of their own (quick.ts) and `exec` (which parses its
// own command line) run without loading yargs; everything else loads the full command line
// (cli.ts, a chunk of its own), which gives help and usage errors.
import { execCommandLine } from './commands/exec.js';
import type { Context } from './commands/context.js';
import { invoke } from './dispatch.js';
import { parseQuick } from './quick.js';
import { finish } from './run.js';
import { failStatement, isShellName } from './shells/index.js';
import { failureFor, shellFlagIn } from './shells/detect.js';

/** use, clear and hook are eval'd: on failure their stdout holds one failing statement. */
function failureOf(argv: readonly string[]): ((ctx: Context) => string) | undefined {
  const command = argv[0];
  if (command === 'use' || command === 'clear') return (ctx) => failureFor(shellFlagIn(argv), ctx.env, ctx.ppid);
  if (command === 'hook') return () => failStatement(argv[1] !== undefined && isShellName(argv[1]) ? argv[1] : undefined);
  return undefined;
}

async function main(argv: string[]): Promise<void> {
  const quick = parseQuick(argv);
  if (quick) await finish((ctx) => invoke(quick, ctx), failureOf(argv));
  else if (argv[0] === 'exec') await finish((ctx) => execCommandLine(argv.slice(1), ctx));
  else await finish(async (ctx) => (await import('./cli.js')).main(argv, ctx), failureOf(argv));
}

// The bundle is CommonJS (see scripts/build.mjs), which has no top-level await.
void main(process.argv.slice(2));
