// `npm run fuzz -- [--count N] [--seed S] [--shell bash,fish,…]`: the fuzz test of
// test/fuzz/ outside uvu, with as many values as asked, and a summary: values tried per
// shell, values refused, and each failure with its seed and a minimal reproducer.
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: process.env.FUZZ_COUNT ?? '1000' },
    seed: { type: 'string', default: process.env.FUZZ_SEED },
    shell: { type: 'string' },
    shrink: { type: 'string', default: '200' },
    'no-build': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('usage: npm run fuzz -- [--count N] [--seed S] [--shell bash,zsh,dash,ksh,fish,tcsh,cmd] [--shrink RUNS] [--no-build]');
  process.exit(0);
}

if (!values['no-build']) {
  // As `npm test` does: the CLI bundle, then the tests compiled to build/.
  execFileSync('node', ['scripts/build.mjs'], { stdio: 'inherit' });
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
}
const { describe, fuzzTarget, summary, TARGETS, total } = await import('../build/test/fuzz/engine.js');
const { seedFromEnv } = await import('../build/test/fuzz/prng.js');

const count = Number(values.count);
if (!Number.isInteger(count) || count < 10) throw new Error(`--count must be a whole number of at least 10`);
const seed = seedFromEnv({ FUZZ_SEED: values.seed });
const wanted = values.shell ? values.shell.split(',') : TARGETS.map((t) => t.id);
const unknown = wanted.filter((id) => !TARGETS.some((t) => t.id === id));
if (unknown.length) throw new Error(`unknown shell ${unknown.join(', ')}; known: ${TARGETS.map((t) => t.id).join(', ')}`);

console.log(`fuzz: seed ${seed}, ${count} values per shell, shells ${wanted.join(', ')}`);
const reports = [];
for (const target of TARGETS.filter((t) => wanted.includes(t.id))) {
  const report = await fuzzTarget(target, { seed, count, shrink: Number(values.shrink), maxFailures: 5, log: (l) => console.log(l) });
  console.log(`  ${summary(report)}`);
  reports.push(report);
}

const failures = reports.flatMap((r) => r.failures);
console.log('\nsummary');
for (const r of reports) console.log(`  ${summary(r)}`);
console.log(`  total: ${reports.reduce((n, r) => n + total(r), 0)} values, ${reports.reduce((n, r) => n + r.refused, 0)} refused as required, ${failures.length} failures`);
// The first failures of each shell (the shrunk ones), then how many more.
for (const r of reports) {
  for (const f of r.failures.slice(0, 5)) console.log(`\n${describe(f, count)}`);
  if (r.failures.length > 5) console.log(`\n… and ${r.failures.length - 5} more in ${r.target}`);
}
const skipped = reports.filter((r) => r.skipped).length;
console.log(`${reports.length - skipped - reports.filter((r) => r.failures.length).length} passed, ${reports.filter((r) => r.failures.length).length} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failures.length > 0 ? 1 : 0);
