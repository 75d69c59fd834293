// `npm test`: build the CLI, compile the tests, run every *.test.js with uvu, and end with
// the line CI reads: "N passed, N failed".
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const npx = (args) => execFileSync('npx', args, { stdio: 'inherit' });
execFileSync('node', ['scripts/build.mjs'], { stdio: 'inherit' });
rmSync('build', { recursive: true, force: true });
npx(['tsc', '-p', 'tsconfig.json']);

// Extra arguments narrow the run: `npm test -- shells` runs files matching "shells".
const pattern = process.argv[2] ?? '\\.test\\.js$';
const run = spawnSync('npx', ['uvu', 'build/test', pattern], {
  stdio: ['ignore', 'pipe', 'inherit'],
  encoding: 'utf8',
  maxBuffer: 256 * 1024 * 1024,
});
process.stdout.write(run.stdout);
const text = run.stdout.replace(/\x1b\[[0-9;]*m/g, '');
const total = Number(new RegExp(`^\\s*Total:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
const passed = Number(new RegExp(`^\\s*Passed:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
const skipped = Number(new RegExp(`^\\s*Skipped:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
const failed = Math.max(total - passed - skipped, run.status === 0 ? 0 : 1);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(run.status === 0 && failed === 0 && total > 0 ? 0 : 1);
