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

export async function runCredentialProcess(
  profile: string,
  command: string,
  env: Readonly<Record<string, string | undefined>>,
  timeoutMs: number,
): Promise<Credentials> {
  const [file, ...args] = splitCommand(command);
  if (!file) throw new ProcessError(`profile '${profile}': credential_process is empty`);
  const { execa } = await import('execa');
  // In a process group of its own, so that the timeout stops the whole group: a script
  // whose child (a `sleep`, a browser login) holds stdout open would otherwise outlive it.
  const child = execa(file, args, {
    env: env as Record<string, string>,
    extendEnv: false,
    stdin: 'ignore',
    stderr: 'inherit',
    reject: false,
    detached: true,
    maxBuffer: 1024 * 1024,
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }, timeoutMs);
  const result = await child.finally(() => clearTimeout(timer));
  const name = `credential_process of profile '${profile}'`;
  if (timedOut) throw new ProcessError(`${name} did not finish within ${Math.round(timeoutMs / 1000)} s; it was stopped`);
  if (result.failed && result.exitCode === undefined) {
    throw new ProcessError(`${name} could not be started: ${(result as { code?: string }).code ?? 'unknown error'} (${file})`);
  }
  if (result.exitCode !== 0) throw new ProcessError(`${name} failed with exit status ${result.exitCode}`);
  let json: unknown;
  try {
    json = JSON.parse(String(result.stdout));
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
