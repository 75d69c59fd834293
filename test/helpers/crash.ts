// Crashing the built CLI on purpose: runs that report the signal that ended them, the
// fault hooks of src/util/atomic.ts (AWSENV_TEST_CRASH_AT / _PAUSE_AT), and a look at a
// directory's files (temporaries, locks) after a crash. Every wait has a deadline.
import { execa, type ResultPromise } from 'execa';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { CLI } from './env.js';

export { WRITE_POINTS, type WritePoint } from '../../src/util/atomic.js';

export interface Ended {
  stdout: string;
  stderr: string;
  /** undefined when a signal ended it. */
  exitCode: number | undefined;
  signal: string | undefined;
}

/** Runs the built CLI with exactly `env` and no stdin; never rejects. */
export async function run(args: string[], env: Record<string, string>): Promise<Ended> {
  const r = await execa('node', [CLI, ...args], { env, extendEnv: false, reject: false, stripFinalNewline: false, stdin: 'ignore' });
  return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode, signal: r.signal };
}

/** The environment that makes a run SIGKILL itself at `point` of the write whose path contains `target`. */
export function crashAt(env: Record<string, string>, point: string, target: string): Record<string, string> {
  return { ...env, AWSENV_TEST_CRASH_AT: point, AWSENV_TEST_FAULT_TARGET: target };
}

export interface Paused {
  /** The paused process's id, as it wrote it. */
  pid: number;
  /** Lets it go on; it then finishes (or has been killed). */
  release(): void;
  /** The run, once it ends. */
  ended: Promise<Ended>;
}

/**
 * Starts a run that stops at `point` of the write whose path contains `target` and waits
 * there until released; resolves once it is there (or rejects: it ended, or 30 s passed).
 */
export async function pauseAt(args: string[], env: Record<string, string>, point: string, target: string, marker: string): Promise<Paused> {
  rmSync(marker, { force: true });
  const child: ResultPromise = execa('node', [CLI, ...args], {
    env: { ...env, AWSENV_TEST_PAUSE_AT: point, AWSENV_TEST_FAULT_TARGET: target, AWSENV_TEST_PAUSE_FILE: marker },
    extendEnv: false,
    reject: false,
    stripFinalNewline: false,
    stdin: 'ignore',
  });
  let done = false;
  const ended = child.then((r) => {
    done = true;
    return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode, signal: r.signal } as Ended;
  });
  const deadline = Date.now() + 30_000;
  while (!existsSync(marker)) {
    if (done) throw new Error(`the run ended before reaching ${point}: ${(await ended).stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the run did not reach ${point} within 30 s`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  const pid = Number(readFileSync(marker, 'utf8'));
  return { pid, release: () => rmSync(marker, { force: true }), ended };
}

/** The files of `dir` (not recursive), sorted; [] when it does not exist. */
export function filesIn(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** awsenv's temporary files in `dir` (util/atomic.ts names them .NAME.PID.HOST.N.tmp). */
export const tempsIn = (dir: string) => filesIn(dir).filter((f) => /^\..+\.\d+\.[0-9a-f]{8}\.\d+\.tmp$/.test(f));
/** Lock files (and takeover guards) in the cache directory. */
export const locksIn = (dir: string) => filesIn(dir).filter((f) => /\.lock(\.takeover)?$/.test(f));
