// Entry point of the bundled CLI (dist/main.cjs, started by dist/awsenv.js): the plain forms of use/clear/current run
// without loading yargs; everything else loads the full command line (a chunk of its own).
import { clear } from './commands/clear.js';
import { current } from './commands/current.js';
import { use } from './commands/use.js';
import { parseQuick } from './quick.js';
import { finish } from './run.js';
import { failureFor } from './shells/detect.js';

async function main(argv: string[]): Promise<void> {
  const quick = parseQuick(argv);
  if (quick?.command === 'use') await finish((ctx) => use({ profile: quick.profile, shell: quick.shell }, ctx), (ctx) => failureFor(quick.shell, ctx.env, ctx.ppid));
  else if (quick?.command === 'clear') await finish((ctx) => clear({ shell: quick.shell, all: quick.all }, ctx), (ctx) => failureFor(quick.shell, ctx.env, ctx.ppid));
  else if (quick?.command === 'current') await finish((ctx) => current({ json: quick.json }, ctx));
  else await (await import('./cli.js')).runCli(argv);
}

// The bundle is CommonJS (see scripts/build.mjs), which has no top-level await.
void main(process.argv.slice(2));
