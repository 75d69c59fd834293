// `awsenv use PROFILE --login`: runs `aws sso login …` for the user. Its prompts and the
// browser URL must reach the person, not the eval: stdin and stderr are the terminal's,
// and its stdout goes to our stderr (fd 2), since our stdout is being eval'd.
import { AwsenvError } from '../errors.js';
import type { Env } from '../files/files.js';
import { shellWord } from './sso.js';

export async function runAwsCli(args: string[], env: Env): Promise<void> {
  const { execa } = await import('execa');
  const command = ['aws', ...args].map(shellWord).join(' ');
  const result = await execa('aws', args, {
    env: env as Record<string, string>,
    extendEnv: false,
    stdin: 'inherit',
    stdout: 2,
    stderr: 'inherit',
    reject: false,
  });
  if (result.failed && result.exitCode === undefined) {
    const code = (result as { code?: string }).code;
    if (code === 'ENOENT') {
      throw new AwsenvError(`\`${command}\` could not be run: the AWS CLI (aws) is not on PATH; install AWS CLI v2`);
    }
    throw new AwsenvError(`\`${command}\` could not be run (${code ?? (result.isTerminated ? `stopped by ${result.signal}` : 'unknown error')})`);
  }
  if (result.exitCode !== 0) throw new AwsenvError(`\`${command}\` failed with exit status ${result.exitCode}`);
}
