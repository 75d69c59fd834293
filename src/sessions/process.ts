// credential_process: run the command as the AWS CLI does (split like a POSIX shell word
// list, no shell), pass its stderr through, validate its Version 1 JSON with zod, and give
// up after a bounded time with a clear message.
// https://docs.aws.amazon.com/sdkref/latest/guide/feature-process-credentials.html
import * as z from 'zod/mini';
import { AwsenvError } from '../errors.js';
import type { Credentials } from '../core/environment.js';

export class ProcessError extends AwsenvError {}

const ProcessOutput = z.object({
  Version: z.literal(1),
  AccessKeyId: z.string().check(z.minLength(1)),
  SecretAccessKey: z.string().check(z.minLength(1)),
  SessionToken: z.optional(z.string().check(z.minLength(1))),
  Expiration: z.optional(z.iso.datetime({ offset: true })),
});

/** POSIX shell word splitting without expansions (botocore uses shlex.split). */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && '"\\$`'.includes(command[i + 1] ?? '')) word += command[++i]!;
      else word += c;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < command.length) {
      word = (word ?? '') + command[++i]!;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote) throw new ProcessError('credential_process has an unclosed quote');
  if (word !== undefined) words.push(word);
  return words;
}

/** credential_process output is a few hundred bytes; more than this is not credentials. */
const MAX_OUTPUT = 1024 * 1024;
/**
 * After the process itself has exited, how long its stdout may stay open. A daemon it
 * started (`setsid sleep 999 &`) inherits stdout and can hold it for ever; what the process
 * printed before exiting is already in the pipe, so a short wait reads it all.
 */
const AFTER_EXIT_MS = 1000;

interface Outcome {
  stdout: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  tooLarge: boolean;
  startError?: string;
}

/**
 * Runs the command with no shell, stdin closed, stderr passed through, stdout collected (at
 * most MAX_OUTPUT), and stops waiting at the deadline or shortly after the process exits,
 * whichever is first, whatever still holds its stdout.
 */
async function runBounded(file: string, args: string[], env: Readonly<Record<string, string | undefined>>, timeoutMs: number): Promise<Outcome> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const outcome: Outcome = { stdout: '', exitCode: null, signal: null, timedOut: false, tooLarge: false };
    // In a process group of its own, so that the timeout stops the whole group: a script
    // whose child (a `sleep`, a browser login) holds stdout open would otherwise outlive it.
    const child = spawn(file, args, { env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(grace);
      // Stop reading: a daemon may still hold the other end.
      child.stdout?.destroy();
      outcome.stdout = Buffer.concat(chunks).toString('utf8');
      resolve(outcome);
    };
    let grace: NodeJS.Timeout | undefined;
    const deadline = setTimeout(() => {
      outcome.timedOut = true;
      killGroup();
      finish();
    }, timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT) {
        outcome.tooLarge = true;
        killGroup();
        finish();
      } else {
        chunks.push(chunk);
      }
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      outcome.startError = error.code ?? error.message;
      finish();
    });
    child.on('exit', (code, signal) => {
      outcome.exitCode = code;
      outcome.signal = signal;
      grace = setTimeout(finish, AFTER_EXIT_MS);
    });
    // All of stdout read and the process gone: no need to wait out the grace.
    child.on('close', finish);
  });
}

export async function runCredentialProcess(
  profile: string,
  command: string,
  env: Readonly<Record<string, string | undefined>>,
  timeoutMs: number,
): Promise<Credentials> {
  const [file, ...args] = splitCommand(command);
  if (!file) throw new ProcessError(`profile '${profile}': credential_process is empty`);
  const name = `credential_process of profile '${profile}'`;
  const result = await runBounded(file, args, env, timeoutMs);
  if (result.timedOut) throw new ProcessError(`${name} did not finish within ${Math.round(timeoutMs / 1000)} s; it was stopped`);
  if (result.startError) throw new ProcessError(`${name} could not be started: ${result.startError} (${file})`);
  if (result.tooLarge) throw new ProcessError(`${name} printed more than ${MAX_OUTPUT / 1024 / 1024} MB, which is not credentials`);
  if (result.exitCode !== 0) throw new ProcessError(`${name} failed with exit status ${result.exitCode ?? `signal ${result.signal}`}`);
  let json: unknown;
  try {
    json = JSON.parse(result.stdout);
  } catch {
    throw new ProcessError(`${name} did not print JSON`);
  }
  const parsed = ProcessOutput.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ProcessError(`${name} printed JSON that is not credential_process Version 1: ${issue.path.join('.') || 'value'} ${issue.message}`);
  }
  const o = parsed.data;
  return { accessKeyId: o.AccessKeyId, secretAccessKey: o.SecretAccessKey, sessionToken: o.SessionToken, expiration: o.Expiration ? new Date(o.Expiration) : undefined };
}
