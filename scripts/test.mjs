// `npm test`: build the CLI, compile the tests, run every *.test.js with uvu, one file after
// another, each in its own process (scripts/test/file.mjs), with a line per file as it
// finishes, and end with the line CI reads: "N passed, N failed" (", M skipped" when a test
// could not run because a shell or tool is missing; under CI=true that fails instead).
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';

// A build or type error is a failed run, and says so on the last line like any other.
try {
  execFileSync('node', ['scripts/build.mjs'], { stdio: 'inherit' });
  rmSync('build', { recursive: true, force: true });
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
} catch {
  console.log('\nthe build or the compilation of the tests failed (above)');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// Extra arguments narrow the run: `npm test -- shells` runs test files whose path (under
// build/test) matches "shells", as a regular expression.
const pattern = new RegExp(process.argv[2] ?? '\\.test\\.js$');
const root = 'build/test';
const files = walk(root)
  .map((f) => relative(root, f))
  .filter((f) => f.endsWith('.test.js') && pattern.test(f))
  .sort();

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

// A file that hangs (a shell or Wine waiting for ever) fails after this many seconds instead
// of holding the run; generous, since a loaded machine is slow (one file took 19 minutes).
const FILE_TIMEOUT_S = Number(process.env.AWSENV_TEST_FILE_TIMEOUT) || 2400;

// Being in a group of its own, the running file does not get the terminal's Ctrl-C: pass it on.
let current;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    try {
      if (current) process.kill(-current.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    process.exit(130);
  });
}

/** Runs one test file; resolves to its counts as scripts/test/file.mjs reports them. */
function runFile(file) {
  return new Promise((resolve) => {
    // A process group of its own, so that a hung file is stopped with what it started.
    const child = spawn(process.execPath, ['scripts/test/file.mjs', join(root, file)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    current = child;
    let out = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, FILE_TIMEOUT_S * 1000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const marker = /^@@awsenv-test-result (.*)$/m.exec(out);
      const result = marker ? JSON.parse(marker[1]) : undefined;
      if (timedOut) out += `\n  ${file}: stopped after ${FILE_TIMEOUT_S} s (AWSENV_TEST_FILE_TIMEOUT)\n`;
      resolve({ out: out.replace(/^@@awsenv-test-result .*\n?/m, ''), code, signal, result });
    });
  });
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const started = Date.now();
let passed = 0;
let failed = 0;
let skipped = 0;
const reasons = new Map(); // why a test was skipped → how many tests
if (files.length === 0) console.log(`no test file matches ${pattern}`);
for (const [i, file] of files.entries()) {
  const t0 = Date.now();
  const { out, code, signal, result } = await runFile(file);
  const r = result ?? { passed: 0, failed: 0, skipped: 0, reasons: {} };
  // A file that crashed or exited non-zero without a failed test still fails the run.
  const crashed = !result || code !== 0 ? Math.max(0, 1 - r.failed) : 0;
  passed += r.passed;
  failed += r.failed + crashed;
  skipped += r.skipped;
  for (const [why, n] of Object.entries(r.reasons)) reasons.set(why, (reasons.get(why) ?? 0) + n);
  if (r.failed || crashed) {
    process.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
    if (crashed) console.log(`  ${file}: ${signal ? `killed by ${signal}` : `exited with status ${code}`} before reporting its tests`);
  }
  const counts = [`${r.passed} passed`, r.failed + crashed ? `${r.failed + crashed} FAILED` : '', r.skipped ? `${r.skipped} skipped` : '']
    .filter(Boolean)
    .join(', ');
  const mark = r.failed || crashed ? 'FAIL' : r.skipped ? 'skip' : ' ok ';
  console.log(`[${String(i + 1).padStart(String(files.length).length)}/${files.length}] ${mark} ${file}: ${counts} (${seconds(Date.now() - t0)})`);
}

if (reasons.size) {
  console.log('\nSkipped, because something is not installed (under CI=true these fail):');
  for (const [why, n] of reasons) console.log(`  ${n} × ${why}`);
}
console.log(`\ntook ${seconds(Date.now() - started)}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 && passed + skipped > 0 ? 0 : 1);
