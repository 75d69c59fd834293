// The locks and leftovers a killed writer leaves (Hardening, item 3): a lock whose holder is
// gone is taken over at once, a live holder's is not (until staleMs), concurrent takeovers
// of one dead lock let exactly one waiter in at a time, and a write removes the temporary
// files of dead writers only. In-process, on src/sessions/cache.ts and src/util/atomic.ts.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SessionCache } from '../../src/sessions/cache.js';
import { hostTag, sweepTemps, writeFileAtomic } from '../../src/util/atomic.js';

let dir: string;
let cache: SessionCache;
const KEY = 'k'.repeat(40);
const lockFile = () => join(dir, `${KEY}.lock`);

/** A process id that was in use a moment ago and is gone now. */
function deadPid(): number {
  const r = spawnSync('true');
  return r.pid!;
}

async function livePid(): Promise<ChildProcess> {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  await new Promise((r) => child.once('spawn', r));
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await gone;
}

const holder = (pid: number, host = hostTag()) => `${pid} ${host} test.1\n`;
const backdate = (file: string, ms: number) => utimesSync(file, (Date.now() - ms) / 1000, (Date.now() - ms) / 1000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type State = 'pending' | 'done';
/** Starts withLock and tracks whether it got in. */
function acquire(staleMs: number): { state(): State; done: Promise<void> } {
  let state: State = 'pending';
  const done = cache.withLock(KEY, async () => {
    state = 'done';
  }, staleMs).then(() => undefined);
  return { state: () => state, done };
}

/** Waits for `p` at most `ms` (a deadline, not a timing assertion: the correct code gets in at once). */
async function within(p: Promise<void>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still blocked after ${ms} ms`)), ms);
  });
  try {
    await Promise.race([p, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

const HOUR = 3600_000;
const locks = suite('locks of killed writers');
locks.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'awsenv-lock-'));
  cache = new SessionCache(dir);
});
locks.after.each(() => rmSync(dir, { recursive: true, force: true }));

locks('a lock whose holder is gone is taken over at once, however long staleMs is', async () => {
  writeFileSync(lockFile(), holder(deadPid()));
  await within(acquire(HOUR).done, 10_000, 'dead holder');
  assert.not.ok(existsSync(lockFile()), 'released');
});

locks('a live holder keeps its lock until it dies; then the waiter gets in', async () => {
  const child = await livePid();
  try {
    writeFileSync(lockFile(), holder(child.pid!));
    const waiter = acquire(HOUR);
    await sleep(500);
    assert.is(waiter.state(), 'pending', 'never while the holder lives and staleMs has not passed');
    await kill(child);
    await within(waiter.done, 10_000, 'holder killed');
  } finally {
    child.kill('SIGKILL');
  }
});

locks("another host's lock is judged by age only: kept while young, taken once older than staleMs", async () => {
  writeFileSync(lockFile(), holder(deadPid(), '00000000'));
  const waiter = acquire(HOUR);
  await sleep(300);
  assert.is(waiter.state(), 'pending', 'its process id means nothing here');
  backdate(lockFile(), 2 * HOUR);
  await within(waiter.done, 10_000, 'old foreign lock');
});

locks('an empty lock (holder died before writing its line, or an older awsenv) is taken after a short grace', async () => {
  writeFileSync(lockFile(), '');
  const waiter = acquire(HOUR);
  await sleep(300);
  assert.is(waiter.state(), 'pending', 'a holder may be writing its line right now');
  backdate(lockFile(), 10_000);
  await within(waiter.done, 10_000, 'empty lock');
});

locks('a takeover guard left by a dead process does not block the takeover', async () => {
  writeFileSync(lockFile(), holder(deadPid()));
  writeFileSync(`${lockFile()}.takeover`, holder(deadPid()));
  await within(acquire(HOUR).done, 10_000, 'dead guard');
  assert.equal(readdirSync(dir), [], 'lock and guard gone');
});

locks('a holder does not remove a lock that was taken over from it', async () => {
  const other = holder(process.pid + 1_000_000);
  await cache.withLock(KEY, async () => {
    writeFileSync(lockFile(), other); // another process took it over after staleMs
  });
  assert.is(readFileSync(lockFile(), 'utf8'), other);
});

locks('twenty waiters on one dead lock: the takeover lets exactly one in at a time, all get in', async () => {
  writeFileSync(lockFile(), holder(deadPid()));
  let inside = 0;
  let most = 0;
  let entered = 0;
  const all = Promise.all(
    Array.from({ length: 20 }, () =>
      cache.withLock(KEY, async () => {
        inside++;
        entered++;
        most = Math.max(most, inside);
        await sleep(Math.random() * 5);
        inside--;
      }, HOUR),
    ),
  );
  await within(all.then(() => undefined), 30_000, 'twenty waiters');
  assert.is(entered, 20);
  assert.is(most, 1, 'never two holders');
  assert.equal(readdirSync(dir), []);
});

locks('twenty processes, some killed while holding the lock: never two holders, every survivor gets in', async () => {
  // Each worker takes the lock three times and logs enter/exit with O_APPEND; every fourth
  // one SIGKILLs itself inside its first turn, leaving its lock to be taken over.
  const log = join(dir, 'log');
  const cacheJs = new URL('../../src/sessions/cache.js', import.meta.url).href;
  const worker = `
    const { SessionCache } = await import(${JSON.stringify(cacheJs)});
    const { appendFileSync } = await import('node:fs');
    const [dir, key, log, die] = process.argv.slice(1);
    const cache = new SessionCache(dir);
    for (let turn = 0; turn < 3; turn++) {
      await cache.withLock(key, async () => {
        appendFileSync(log, 'enter ' + process.pid + '\\n');
        await new Promise((r) => setTimeout(r, 1 + Math.random() * 3));
        if (die === '1') {
          appendFileSync(log, 'dying ' + process.pid + '\\n');
          process.kill(process.pid, 'SIGKILL');
        }
        appendFileSync(log, 'exit ' + process.pid + '\\n');
      }, ${HOUR});
    }`;
  writeFileSync(lockFile(), holder(deadPid()));
  const runs = Array.from({ length: 20 }, (_, i) =>
    new Promise<{ code: number | null; signal: string | null }>((resolve) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', worker, dir, KEY, log, i % 4 === 0 ? '1' : '0'], { stdio: 'ignore' });
      child.once('exit', (code, signal) => resolve({ code, signal }));
    }),
  );
  let timer: NodeJS.Timeout | undefined;
  const ended = await Promise.race([
    Promise.all(runs),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('workers still blocked after 60 s')), 60_000))),
  ]);
  clearTimeout(timer);
  assert.is(ended.filter((e) => e.signal === 'SIGKILL').length, 5);
  assert.is(ended.filter((e) => e.code === 0).length, 15);
  let holderPid: string | undefined;
  const entries = readFileSync(log, 'utf8').trim().split('\n');
  for (const line of entries) {
    const [what, pid] = line.split(' ');
    if (what === 'enter') {
      assert.is(holderPid, undefined, `\${pid} entered while \${holderPid} held the lock`);
      holderPid = pid;
    } else {
      assert.is(pid, holderPid, line);
      holderPid = undefined; // exit, or dying: the SIGKILL follows at once
    }
  }
  assert.is(entries.filter((l) => l.startsWith('enter')).length, 15 * 3 + 5);
  // A worker killed in the last turn of all leaves its lock, with nobody after it to take
  // it over: the next awsenv would. Any other leftover is a bug.
  const last = entries.at(-1)!.split(' ');
  const leftover = readdirSync(dir).filter((name) => name !== 'log');
  if (last[0] === 'dying') {
    assert.equal(leftover, [`${KEY}.lock`], 'only the lock of the worker killed last');
    assert.ok(readFileSync(lockFile(), 'utf8').startsWith(`${last[1]} `), 'and it names that worker');
  } else {
    assert.equal(leftover, []);
  }
});

locks.run();

const temps = suite('temporary files of killed writers');
temps.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'awsenv-temps-'));
});
temps.after.each(() => rmSync(dir, { recursive: true, force: true }));

temps('a write removes its file\'s leftovers whose writer is gone, and only those', async () => {
  const child = await livePid();
  try {
    const host = hostTag();
    const dead = deadPid();
    const names = {
      dead: `.credentials.${dead}.${host}.1.tmp`,
      live: `.credentials.${child.pid}.${host}.1.tmp`,
      foreign: `.credentials.${dead}.00000000.1.tmp`,
      foreignOld: `.credentials.${dead}.00000000.2.tmp`,
      otherFile: `.config.${dead}.${host}.1.tmp`,
      notOurs: '.credentials.bak',
    };
    for (const n of Object.values(names)) writeFileSync(join(dir, n), 'secret copy');
    backdate(join(dir, names.foreignOld), 25 * HOUR);
    writeFileAtomic(join(dir, 'credentials'), 'new');
    assert.equal(readdirSync(dir).sort(), ['credentials', names.foreign, names.live, names.otherFile, names.notOurs].sort());
    // The cache sweeps its whole directory (every file in it is awsenv's).
    sweepTemps(dir);
    assert.equal(readdirSync(dir).sort(), ['credentials', names.foreign, names.live, names.notOurs].sort());
  } finally {
    await kill(child);
  }
});

temps('a leftover whose name a new write would take (a reused process id) is skipped, not truncated', () => {
  const target = join(dir, 'f');
  const mine = `.f.${process.pid}.${hostTag()}`;
  for (let n = 1; n <= 500; n++) writeFileSync(join(dir, `${mine}.${n}.tmp`), 'keep');
  writeFileAtomic(target, 'new');
  writeFileAtomic(target, 'newer');
  assert.is(readFileSync(target, 'utf8'), 'newer');
  for (let n = 1; n <= 500; n++) {
    const f = join(dir, `${mine}.${n}.tmp`);
    if (existsSync(f)) assert.is(readFileSync(f, 'utf8'), 'keep');
  }
});

temps.run();
