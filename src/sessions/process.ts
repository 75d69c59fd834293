// credential_process: run the command as the AWS CLI does (split like a POSIX shell word
// list, no shell), pass its stderr through, validate its Version 1 JSON with zod, and give
// up after a bounded time with a clear message.
// https://docs.aws.amazon.com/sdkref/latest/guide/feature-process-credentials.html
import * as z from 'zod/mini';
import { lazy } from '../util/lazy.js';
import { AwsenvError } from '../errors.js';
import type { Credentials } from '../core/environment.js';

export class ProcessError extends AwsenvError {}

const RFC3339 = lazy(() => z.iso.datetime({ offset: true }));

/** What a value is, for "got …" in a message: a type, or a short non-secret literal. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value === '' ? 'an empty string' : 'a string';
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

/**
 * The credential_process output, checked field by field so that each problem reads as
 * what was expected and what came ("Version must be 1, got 2"; "AccessKeyId is missing").
 * A message names fields, never the values of keys, secrets or tokens.
 * https://docs.aws.amazon.com/cli/latest/topic/config-vars.html#sourcing-credentials-from-external-processes
 */
export function parseProcessOutput(json: unknown): Credentials | { problem: string } {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { problem: `the output must be a JSON object, got ${describe(json)}` };
  const o = json as Record<string, unknown>;
  if (!('Version' in o)) return { problem: 'Version is missing (it must be 1)' };
  if (o.Version !== 1) {
    const got = typeof o.Version === 'number' || (typeof o.Version === 'string' && o.Version.length <= 20) ? JSON.stringify(o.Version) : describe(o.Version);
    return { problem: `Version must be 1, got ${got}` };
  }
  for (const key of ['AccessKeyId', 'SecretAccessKey'] as const) {
    if (!(key in o) || o[key] === null) return { problem: `${key} is missing` };
    if (typeof o[key] !== 'string') return { problem: `${key} must be a string, got ${describe(o[key])}` };
    if (o[key] === '') return { problem: `${key} is empty` };
  }
  let sessionToken: string | undefined;
  if (o.SessionToken !== undefined && o.SessionToken !== null) {
    if (typeof o.SessionToken !== 'string') return { problem: `SessionToken must be a string, got ${describe(o.SessionToken)}` };
    sessionToken = o.SessionToken || undefined;
  }
  let expiration: Date | undefined;
  if (o.Expiration !== undefined && o.Expiration !== null) {
    if (typeof o.Expiration !== 'string') return { problem: `Expiration must be an RFC 3339 date and time, got ${describe(o.Expiration)}` };
    if (!RFC3339().safeParse(o.Expiration).success) {
      const got = o.Expiration.length <= 40 ? JSON.stringify(o.Expiration) : 'a longer string';
      return { problem: `Expiration must be an RFC 3339 date and time such as "2026-12-01T12:00:00Z", got ${got}` };
    }
    expiration = new Date(o.Expiration);
  }
  return { accessKeyId: o.AccessKeyId as string, secretAccessKey: o.SecretAccessKey as string, sessionToken, expiration };
}

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
  now: () => Date = () => new Date(),
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
  const parsed = parseProcessOutput(json);
  if ('problem' in parsed) throw new ProcessError(`${name} printed JSON that is not credential_process Version 1: ${parsed.problem}`);
  // botocore and the JS SDK refuse credentials that are already dead: exported, every
  // later call would fail with ExpiredToken, far from the cause.
  if (parsed.expiration && parsed.expiration.getTime() <= now().getTime()) {
    throw new ProcessError(
      `credential_process for profile '${profile}' returned credentials that expired at ${parsed.expiration.toISOString().replace(/\.000Z$/, 'Z')}; the process must print a fresh session`,
    );
  }
  return parsed;
}
