// quick.ts (the yargs-free path) against yargs (cli.ts): for every command line below the
// fast path either declines, and yargs reads it as before, or gives exactly what yargs gives.
// Each row also says which of the two it expects, so a fast path that declines everything
// (or accepts too much) fails here too.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from '../src/cli.js';
import type { Context } from '../src/commands/context.js';
import type { Invocation } from '../src/dispatch.js';
import { parseQuick } from '../src/quick.js';

// parse() runs no command of dispatch.ts; the rows hold none of the others (hook, setup, rotate).
const ctx: Context = { env: {}, now: () => new Date(0), ppid: 1, stdoutIsTTY: false, warn: () => {} };

/** What yargs makes of argv: the invocation, its own output, or the usage error. */
async function viaYargs(argv: string[]): Promise<{ invocation: Invocation } | { output: unknown } | { error: string }> {
  try {
    return await parse([...argv], ctx);
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** Without the keys whose value is undefined: `{ shell: undefined }` and `{}` mean the same. */
function defined(inv: Invocation): unknown {
  return { command: inv.command, args: Object.fromEntries(Object.entries(inv.args).filter(([, v]) => v !== undefined)) };
}

const FAST = 'fast';
const YARGS = 'yargs';
type Row = [typeof FAST | typeof YARGS, ...string[]];

const rows: Row[] = [
  // use: every flag, in every position, both spellings of a value
  [FAST, 'use', 'admin'],
  [FAST, 'use', 'admin', '--shell', 'fish'],
  [FAST, 'use', '--shell=tcsh', 'admin'],
  [FAST, 'use', '--shell', 'bash', 'admin'],
  [FAST, 'use', 'admin', '--mfa-code', '123456'],
  [FAST, 'use', '--mfa-code=012345', 'admin', '--shell', 'zsh'],
  [FAST, 'use', 'admin', '--duration', '3600'],
  [FAST, 'use', '--duration=900', 'admin'],
  [FAST, 'use', 'admin', '--refresh'],
  [FAST, 'use', '--refresh', 'admin'],
  [FAST, 'use', 'admin', '--login', '--print'],
  [FAST, 'use', '--print', '--shell', 'pwsh', 'admin'],
  [FAST, 'use', 'admin', '--save-as', 'admin-session'],
  [FAST, 'use', '--save-as=x', 'admin'],
  [FAST, 'use', 'admin', '--mfa-code', '123456', '--duration', '43200', '--refresh', '--login', '--save-as', 's', '--print', '--shell', 'cmd'],
  [FAST, 'use', '--shell', 'bash', '--', '-dash-profile'],
  [FAST, 'use', '--', 'admin'],
  [FAST, 'use', '123456'],
  [FAST, 'use', '0x10'],
  [FAST, 'use', '1e3'],
  [FAST, 'use', 'true'],
  [YARGS, 'use', 'help'],
  [FAST, 'use', 'version'],
  [FAST, 'use', 'completion'],
  [YARGS, 'use', '--', 'a', 'b'],
  [YARGS, 'use', '--'],
  [FAST, 'use', '--', '--shell'],
  [FAST, 'use', '--print', '--', 'help'],
  [FAST, 'use', 'list'],
  [FAST, 'use', 'a.b'],
  [FAST, 'use', 'admin', '--shell', 'setx'],
  [YARGS, 'use'],
  [YARGS, 'use', '--shell', 'bash'],
  [YARGS, 'use', 'a', 'b'],
  [YARGS, 'use', 'a', '924673'],
  [YARGS, 'use', 'a', '--help'],
  [YARGS, 'use', '-h', 'a'],
  [YARGS, 'use', 'a', '--version'],
  [YARGS, 'use', 'a', '--shell', 'ksh'],
  [YARGS, 'use', 'a', '--shell=ksh'],
  [YARGS, 'use', 'a', '--shell'],
  [YARGS, 'use', 'a', '--shell='],
  [YARGS, 'use', 'a', '--shell', 'bash', '--shell', 'zsh'],
  [YARGS, 'use', 'a', '--shell', 'bash', '--shell=bash'],
  [YARGS, 'use', 'a', '--refresh', '--refresh'],
  [YARGS, 'use', 'a', '--mfa-code'],
  [YARGS, 'use', 'a', '--mfa-code', '-5'],
  [YARGS, 'use', 'a', '--mfaCode', '123456'],
  [YARGS, 'use', 'a', '--duration', '1h'],
  [YARGS, 'use', 'a', '--duration', '0x10'],
  [YARGS, 'use', 'a', '--duration', '007'],
  [YARGS, 'use', 'a', '--duration', '1e3'],
  [YARGS, 'use', 'a', '--duration', '-1'],
  [YARGS, 'use', 'a', '--duration='],
  [YARGS, 'use', 'a', '--print=false'],
  [YARGS, 'use', 'a', '--print', 'false'],
  [YARGS, 'use', '--print', 'true', 'a'],
  [YARGS, 'use', 'a', '--no-print'],
  [YARGS, 'use', 'a', '--save-as'],
  [YARGS, 'use', 'a', '--save-as', '--print'],
  [YARGS, 'use', 'a', '--json'],
  [YARGS, 'use', 'a', '--all'],
  [YARGS, 'use', 'a', '-s', 'bash'],
  [YARGS, 'use', 'a', '-'],
  [YARGS, 'use', 'a', '--', 'b'],
  [YARGS, 'use', 'a', '--shel', 'bash'],
  [YARGS, 'use', 'a', '--shell.x', 'bash'],
  // clear
  [FAST, 'clear'],
  [FAST, 'clear', '--all'],
  [FAST, 'clear', '--shell', 'bash', '--all'],
  [FAST, 'clear', '--all', '--shell=fish'],
  [FAST, 'clear', '--stale-tokens'],
  [FAST, 'clear', '--stale-tokens', '--dry-run'],
  [FAST, 'clear', '--dry-run', '--stale-tokens', '--shell', 'zsh'],
  [YARGS, 'clear', '--dry-run'],
  [YARGS, 'clear', 'x'],
  [YARGS, 'clear', '--json'],
  [YARGS, 'clear', '--all', 'false'],
  [YARGS, 'clear', '--help'],
  [YARGS, 'clear', '--', 'x'],
  // list and current
  [FAST, 'list'],
  [FAST, 'list', '--json'],
  [FAST, 'current'],
  [FAST, 'current', '--json'],
  [YARGS, 'list', 'x'],
  [YARGS, 'list', '--json', '--json'],
  [YARGS, 'list', '--json=true'],
  [YARGS, 'list', '--all'],
  [YARGS, 'list', '--help'],
  [YARGS, 'current', '--all'],
  [YARGS, 'current', '--shell', 'bash'],
  [YARGS, 'current', '-h'],
  // export
  [FAST, 'export', 'admin'],
  [FAST, 'export', 'admin', '--format', 'process'],
  [FAST, 'export', '--format', 'process', 'admin'],
  [FAST, 'export', '--format=process', 'admin', '--mfa-code', '123456'],
  [FAST, 'export', '--mfa-code=123456', 'admin'],
  [YARGS, 'export', '--', '-dash'],
  [YARGS, 'export', 'help'],
  [YARGS, 'export'],
  [YARGS, 'export', 'admin', '--format', 'env'],
  [YARGS, 'export', 'admin', '--format'],
  [YARGS, 'export', 'admin', '--format', 'process', '--format', 'process'],
  [YARGS, 'export', 'admin', 'extra'],
  [YARGS, 'export', 'admin', '--shell', 'bash'],
  [YARGS, 'export', 'admin', '--help'],
  [YARGS, 'export', '--format', 'process'],
  // doctor
  [FAST, 'doctor'],
  [FAST, 'doctor', 'admin'],
  [FAST, 'doctor', '--offline'],
  [FAST, 'doctor', '--offline', 'admin'],
  [FAST, 'doctor', 'admin', '--offline', '--json'],
  [FAST, 'doctor', '--json', 'admin'],
  [YARGS, 'doctor', '--offline', '--', '-dash'],
  [YARGS, 'doctor', 'help'],
  [YARGS, 'doctor', 'a', 'b'],
  [YARGS, 'doctor', '--offline', 'true'],
  [YARGS, 'doctor', '--offline=false'],
  [YARGS, 'doctor', '--online'],
  [YARGS, 'doctor', '--help'],
  // complete
  [FAST, 'complete', 'profiles'],
  [FAST, 'complete', 'shown', 'value'],
  [FAST, 'complete', 'shown', '--', '-value'],
  [FAST, 'complete', 'shown', '--', 'a b'],
  [YARGS, 'complete', '--', 'shown', '--x'],
  [YARGS, 'complete', 'shown', 'help'],
  [FAST, 'complete', 'shown', '--', 'help'],
  [YARGS, 'complete', 'help'],
  [YARGS, 'complete'],
  [YARGS, 'complete', 'nothing'],
  [YARGS, 'complete', 'profiles', 'x', 'y'],
  [YARGS, 'complete', 'shown', '--', 'a', 'b'],
  [YARGS, 'complete', 'shown', '-x'],
  [YARGS, 'complete', 'profiles', '--json'],
  // not ours
  [YARGS],
  [YARGS, '--version'],
  [YARGS, '--help'],
  [YARGS, '-h'],
  [YARGS, 'lst'],
  [YARGS, '--shell', 'bash', 'use', 'admin'],
  [YARGS, 'hook', 'bash'],
  [YARGS, 'rotate', 'admin'],
  [YARGS, 'constructor'],
  [YARGS, 'toString'],
  [YARGS, '__proto__'],
];

const q = suite('parseQuick against yargs');
for (const [expected, ...argv] of rows) {
  q(`${expected}: ${JSON.stringify(argv)}`, async () => {
    const quick = parseQuick(argv);
    const slow = await viaYargs(argv);
    assert.is(quick === undefined ? YARGS : FAST, expected, `expected ${expected}; yargs gives ${JSON.stringify(slow)}`);
    if (quick === undefined) return;
    assert.ok('invocation' in slow, `the fast path accepted what yargs does not run: ${JSON.stringify(slow)}`);
    assert.equal(defined(quick), defined(slow.invocation));
  });
}

// Flags in every order: each permutation of a profile and three options, both spellings.
const perms = suite('parseQuick against yargs: every order');
function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}
for (const [command, parts] of [
  ['use', [['admin'], ['--shell', 'zsh'], ['--mfa-code=123456'], ['--refresh']]],
  ['use', [['admin'], ['--duration', '900'], ['--save-as=out'], ['--print']]],
  ['export', [['admin'], ['--format=process'], ['--mfa-code', '654321']]],
  ['doctor', [['admin'], ['--offline'], ['--json']]],
  ['clear', [['--shell=sh'], ['--stale-tokens'], ['--dry-run'], ['--all']]],
] as const) {
  perms(`${command} ${parts.map((p) => p.join(' ')).join(', ')}`, async () => {
    for (const order of permutations(parts.map((p) => [...p]))) {
      const argv = [command, ...order.flat()];
      const quick = parseQuick(argv);
      assert.ok(quick, JSON.stringify(argv));
      const slow = await viaYargs(argv);
      assert.ok('invocation' in slow, JSON.stringify(slow));
      assert.equal(defined(quick), defined(slow.invocation), JSON.stringify(argv));
    }
  });
}

q.run();
perms.run();
