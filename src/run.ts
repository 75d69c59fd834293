// The process edge, and the only place that writes output, prints errors (`awsenv: …`)
// and sets the exit status. stdout is written at the end (a big one a chunk at a time, see
// util/chunks.ts) and only on success, so a failed `eval "$(awsenv use x)"` changes nothing.
import { fstatSync, writeSync } from 'node:fs';
import type { Context, Output } from './commands/context.js';
import { AwsenvError } from './errors.js';
import { printable, printableLines } from './util/printable.js';

/**
 * Writes all of `text` to fd 1 or 2 with writeSync: process.stdout would load Node's
 * stream modules (a few ms of every `use`). A non-blocking pipe (EAGAIN) falls back to
 * the stream, which waits for it.
 */
function write(fd: 1 | 2, text: string | Uint8Array): void {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const stream = () => (fd === 1 ? process.stdout : process.stderr);
  // Once a stream holds some of fd's output, the rest follows it there, in order. It keeps
  // what it is given until written: a copy (a chunk's buffer is refilled).
  if (streamed[fd]) {
    stream().write(Buffer.from(bytes));
    return;
  }
  let done = 0;
  try {
    while (done < bytes.length) done += writeSync(fd, bytes, done);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    streaming = true;
    streamed[fd] = true;
    stream().write(Buffer.from(bytes.subarray(done)));
  }
}
/** Whether some output went to a stream, which writes later: the process must not exit before. */
let streaming = false;
const streamed = { 1: false, 2: false };

export function processContext(): Context {
  return {
    env: process.env,
    now: () => new Date(),
    ppid: process.ppid,
    // node:tty loads net and the stream modules (1.5 ms): asked only when a command prints
    // for people, and only about a character device, since a pipe or a file is no terminal.
    get stdoutIsTTY() {
      let device = false;
      try {
        device = fstatSync(1).isCharacterDevice();
      } catch {
        // fd 1 closed: no terminal
      }
      return device && (process.getBuiltinModule('node:tty') as typeof import('node:tty')).isatty(1);
    },
    // Messages name profiles, regions and files from outside: control characters escaped,
    // line breaks too (one message, one line: a name cannot fake a line of its own).
    warn: (message) => write(2, `awsenv: ${printable(message)}\n`),
  };
}

/**
 * Runs a command and writes its output. `failure`, for commands whose stdout is eval'd
 * (use, clear, hook), gives the statement that stdout holds when they fail (see
 * shells/index.ts failStatement); it is not written to a terminal, where nobody evals it.
 */
export async function finish(command: (ctx: Context) => Output | Promise<Output>, failure?: (ctx: Context) => string): Promise<void> {
  let code = 0;
  let wroteStdout = false;
  const ctx = processContext();
  try {
    const out = await command(ctx);
    if (out.stdout) write(1, out.stdout);
    wroteStdout = out.stdout !== '';
    out.produce?.((bytes) => {
      if (bytes.length === 0) return;
      wroteStdout = true;
      write(1, bytes);
    });
    if (out.stderr) write(2, out.stderr);
    code = out.exitCode ?? 0;
  } catch (error) {
    code = report(error, process.env.AWSENV_DEBUG === '1');
  }
  if (code !== 0 && failure && !wroteStdout) {
    let statement = 'false\n';
    try {
      if (ctx.stdoutIsTTY) statement = '';
      else statement = failure(ctx);
    } catch {
      // which shell is unknown: `false` is the statement of most
    }
    if (statement) write(1, statement);
  }
  process.exitCode = code;
  // Everything is written: exit now rather than through Node's natural end (the event loop
  // once more, beforeExit, freeing the environment), which costs 0.4 ms of a 23 ms `use`.
  if (!streaming) process.exit();
}

function report(error: unknown, debug: boolean): number {
  // Messages quote profile names, paths and endpoints' words: control characters escaped.
  if (error instanceof AwsenvError) {
    write(2, `awsenv: ${printable(error.message)}\n`);
    return error.exitCode;
  }
  // An unexpected error: its message may come from a library, but ours never put a secret
  // into one. The stack only under AWSENV_DEBUG=1.
  const message = error instanceof Error ? error.message : String(error);
  write(2, `awsenv: unexpected error: ${printableLines(message)}\n`);
  if (debug && error instanceof Error && error.stack) write(2, `${error.stack}\n`);
  return 1;
}
