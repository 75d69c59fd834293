// Starts a command with stdio inherited, for `exec`: the one child awsenv waits on with nothing
// to read or write.
//
// Why not only node:child_process: loading it runs 37 builtin modules (net, streams, dgram,
// sockets) that an inherited-stdio child never uses. On the bench machine that was 8 ms of
// an `exec`'s 80 (0.13 × `node -e 0`), the difference between meeting the speed target and
// missing it. child_process itself spawns through the `process_wrap` binding; on the Node line
// it was checked against (20) that binding is used directly, with the options object
// child_process would have built. process.binding is deprecated in the documentation only
// (DEP0111). When its runtime warning is on (--pending-deprecation) process.binding is
// wrapped; then, on any other Node major, on Windows, or if the binding is gone, the public
// module is used: same behaviour, test/util/spawn.test.ts runs both side by side.
import { getSystemErrorName } from 'node:util';
import { os } from './os.js';

export type Exit = { code: number | null; signal: NodeJS.Signals | null } | { error: NodeJS.ErrnoException };

export interface Child {
  /** Settles once: the command's status or signal, or why it could not start. */
  readonly exited: Promise<Exit>;
  /** Sends a signal; a child that has already ended is left alone. */
  kill(signal: NodeJS.Signals): void;
}

/** The binding's handle, as node's lib/internal/child_process.js uses it. */
interface ProcessHandle {
  onexit: (exitCode: number, signalCode: NodeJS.Signals | '') => void;
  spawn(options: object): number;
  kill(signal: number): number;
  close(): void;
}

type Impl = 'binding' | 'child_process';

/** process.binding, left out of @types/node since it is deprecated. */
const binding = (): (((name: string) => unknown) & { name: string }) | undefined =>
  (process as unknown as { binding?: ((name: string) => unknown) & { name: string } }).binding;

/** The implementation this Node can take (exported for the test that runs both). */
export function available(): Impl {
  // On Windows child_process also sorts the environment and drops keys that differ only in
  // case; that was not rebuilt here, so Windows keeps the public module.
  if (!process.versions.node.startsWith('20.') || process.platform === 'win32') return 'child_process';
  // Wrapped by util.deprecate (named `deprecated`) when the runtime warning is on.
  return binding()?.name === 'binding' ? 'binding' : 'child_process';
}

export function spawnInherit(file: string, args: readonly string[], env: Record<string, string>, impl: Impl = available()): Child {
  if (impl === 'binding') {
    const child = viaBinding(file, args, env);
    if (child !== undefined) return child;
  }
  return viaChildProcess(file, args, env);
}

function viaChildProcess(file: string, args: readonly string[], env: Record<string, string>): Child {
  const { spawn } = process.getBuiltinModule('node:child_process') as typeof import('node:child_process');
  let child: import('node:child_process').ChildProcess;
  try {
    child = spawn(file, args, { env, stdio: 'inherit', windowsHide: true });
  } catch (thrown) {
    // child_process emits EACCES, EAGAIN, EMFILE, ENFILE and ENOENT but throws any other
    // error of the spawn itself (ENOTDIR, ELOOP, E2BIG...): settled the same way as the
    // binding does, so that exec reports "cannot run" on both paths. Errors of ours
    // (ERR_INVALID_ARG_VALUE for a NUL, ERR_ACCESS_DENIED) have no errno and still throw.
    const errno = (thrown as NodeJS.ErrnoException).errno;
    if (typeof errno !== 'number' || (thrown as NodeJS.ErrnoException).syscall !== 'spawn') throw thrown;
    return { exited: Promise.resolve({ error: spawnError(file, errno) }), kill: () => undefined };
  }
  const exited = new Promise<Exit>((done) => {
    child.once('error', (error) => done({ error }));
    child.once('exit', (code, signal) => done({ code, signal }));
  });
  return { exited, kill: (signal) => void child.kill(signal) };
}

/** undefined when the binding cannot be had (then the caller takes child_process). */
function viaBinding(file: string, args: readonly string[], env: Record<string, string>): Child | undefined {
  let Process: new () => ProcessHandle;
  try {
    ({ Process } = binding()!('process_wrap') as { Process: new () => ProcessHandle });
  } catch {
    return undefined;
  }
  if (typeof Process !== 'function') return undefined;
  const handle = new Process();
  let ended = false;
  let done!: (exit: Exit) => void;
  const exited = new Promise<Exit>((resolve) => (done = resolve));
  handle.onexit = (exitCode, signalCode) => {
    ended = true;
    handle.close();
    done(signalCode ? { code: null, signal: signalCode } : { code: exitCode, signal: null });
  };
  // The fields child_process's normalizeSpawnArguments and getValidStdio produce for
  // spawn(file, args, { env, stdio: 'inherit', windowsHide: true }).
  const err = handle.spawn({
    file,
    args: [file, ...args],
    cwd: undefined,
    envPairs: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    stdio: [0, 1, 2].map((fd) => ({ type: 'inherit', fd })),
    detached: false,
    windowsHide: true,
    windowsVerbatimArguments: false,
  });
  if (err !== 0) {
    ended = true;
    handle.close();
    done({ error: spawnError(file, err) });
  }
  return {
    exited,
    kill: (signal) => {
      if (!ended) handle.kill(os().constants.signals[signal]);
    },
  };
}

/** As child_process reports a failed spawn (ErrnoException): the name as `code`, the number as `errno`. */
function spawnError(file: string, errno: number): NodeJS.ErrnoException {
  const code = getSystemErrorName(errno);
  return Object.assign(new Error(`spawn ${file} ${code}`), { errno, code, syscall: `spawn ${file}`, path: file });
}
