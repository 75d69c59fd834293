// The process edge, and the only place that writes output, prints errors (`awsenv: …`)
// and sets the exit status. stdout is written once, at the end, and only on success, so a
// failed `eval "$(awsenv use x)"` changes nothing.
import type { Context, Output } from './commands/context.js';
import { AwsenvError } from './errors.js';

export function processContext(): Context {
  return {
    env: process.env,
    now: () => new Date(),
    ppid: process.ppid,
    stdoutIsTTY: process.stdout.isTTY === true,
    warn: (message) => process.stderr.write(`awsenv: ${message}\n`),
  };
}

export async function finish(command: (ctx: Context) => Output | Promise<Output>): Promise<void> {
  let code = 0;
  try {
    const out = await command(processContext());
    if (out.stdout) process.stdout.write(out.stdout);
    code = out.exitCode ?? 0;
  } catch (error) {
    code = report(error, process.env.AWSENV_DEBUG === '1');
  }
  process.exitCode = code;
}

function report(error: unknown, debug: boolean): number {
  if (error instanceof AwsenvError) {
    process.stderr.write(`awsenv: ${error.message}\n`);
    return error.exitCode;
  }
  // An unexpected error: its message may come from a library, but ours never put a secret
  // into one. The stack only under AWSENV_DEBUG=1.
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`awsenv: unexpected error: ${message}\n`);
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return 1;
}
