// Runs one compiled test file (the argument) with uvu and reports its counts on a last line
// "@@awsenv-test-result {json}" for scripts/test.mjs: passed, failed, skipped (tests that
// returned early because a shell or tool is missing, which uvu would count as passed), and
// why they were skipped.
import { register } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

register('./loader.mjs', import.meta.url);
globalThis.UVU_DEFER = 1; // uvu queues the suites instead of running them on import
globalThis.UVU_INDEX = 0;
globalThis.UVU_QUEUE = [[null]];

const file = process.argv[2];
let failed = 0;
let ran = 0;
let uvuSkipped = 0;
try {
  await import(pathToFileURL(resolve(file)).href);
  const [group] = globalThis.UVU_QUEUE;
  group.shift();
  for (const run of group) {
    const [errors, ok, skip, max] = await run();
    ran += ok;
    uvuSkipped += skip;
    // uvu swallows an error thrown by a before() hook and reports its tests as not run.
    failed += max - ok;
    if (errors !== true) process.stdout.write(`\n${errors}\n`);
    else if (ok < max) process.stdout.write(`\n${file}: ${max - ok} of ${max} tests did not run (a before() hook failed?)\n`);
  }
} catch (error) {
  failed += 1;
  process.stdout.write(`\n${file}: ${error?.stack ?? error}\n`);
}

const skippedTests = globalThis.__awsenvTests?.skipped ?? [];
const reasons = {};
for (const t of skippedTests) for (const why of new Set(t.reasons)) reasons[why] = (reasons[why] ?? 0) + 1;
const result = { passed: ran - skippedTests.length, failed, skipped: skippedTests.length + uvuSkipped, reasons };
process.stdout.write(`\n@@awsenv-test-result ${JSON.stringify(result)}\n`);
// Open handles a test left behind (a server, a child) must not hold the run.
process.exit(failed ? 1 : 0);
