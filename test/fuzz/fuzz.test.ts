// Property test: seeded random values (every plane of UTF-8, controls, shell metacharacters,
// commands that must never run, 8 KB runs, and bytes that must be refused) round-tripped
// through the AWS files, the built CLI and every real shell (bash, zsh, dash, ksh, fish,
// tcsh, Wine's cmd), and through render() for what the files cannot carry. test/fuzz/engine.ts
// does the work; `npm run fuzz` runs the same with more values.
//
// FUZZ_SEED replays a run (the seed is printed with every result); FUZZ_COUNT sets the values
// per shell (default DEFAULT_COUNT, so the suite stays well under three minutes on 2 cores).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { describe, fuzzTarget, summary, TARGETS } from './engine.js';
import { seedFromEnv } from './prng.js';
import { requireTool } from '../helpers/tools.js';

export const DEFAULT_COUNT = 800;

const seed = seedFromEnv();
const count = process.env.FUZZ_COUNT ? Number(process.env.FUZZ_COUNT) : DEFAULT_COUNT;
if (!Number.isInteger(count) || count < 10) throw new Error(`FUZZ_COUNT must be a whole number of at least 10, not ${process.env.FUZZ_COUNT}`);

const test = suite(`fuzz (seed ${seed}, ${count} values per shell)`);
for (const target of TARGETS) {
  test(`${target.id}: every value reads back exactly or is refused; nothing runs`, async () => {
    if (!requireTool(target.bin, `the fuzz test round-trips values through ${target.id}`)) return;
    const report = await fuzzTarget(target, { seed, count, shrink: 40, maxFailures: 2 });
    console.log(`  fuzz ${summary(report)}`);
    if (report.failures.length > 0) {
      const shown = report.failures.slice(0, 5).map((f) => describe(f, count));
      assert.unreachable(`${report.failures.length} fuzz failures in ${target.id} (seed ${seed}):\n${shown.join('\n')}`);
    }
  });
}
test.run();
