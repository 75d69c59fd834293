// Asking a person without stopping the process: `exec --server` keeps answering its child
// while a renewal waits for an MFA code, so the terminal is read through a libuv TTY handle
// (polled, non-blocking on awsenv's own open of /dev/tty), not with askTerminal's readSync
// and not with fs.promises, whose read would hold a thread-pool thread in read(2) that Node
// joins at exit: awsenv would hang after its command ended with a question still open.
import { openSync, writeSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import { AwsenvError } from '../errors.js';

export function askTerminalAsync(question: string): Promise<string> {
  let fd: number;
  try {
    fd = openSync('/dev/tty', 'r+');
  } catch {
    return Promise.reject(new AwsenvError('it needs an MFA code and awsenv has no terminal to ask on'));
  }
  writeSync(fd, `\n${question}`);
  const input = new ReadStream(fd);
  // A question still open does not keep awsenv alive once its command has ended.
  input.unref();
  return new Promise((resolve, reject) => {
    let answer = '';
    const done = (error?: Error) => {
      input.destroy();
      if (error) reject(error);
      else resolve(answer.split('\n')[0]!.trim());
    };
    input.on('data', (d: Buffer) => {
      answer += d.toString('utf8');
      if (answer.includes('\n')) done();
    });
    input.on('end', () => done());
    input.on('error', (e) => done(new AwsenvError(`reading the MFA code from the terminal failed: ${e.message}`)));
  });
}
