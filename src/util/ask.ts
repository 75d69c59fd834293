// Asking a person without stopping the process: `exec --server` keeps answering its child
// while a renewal waits for an MFA code, so the terminal is read asynchronously (the read
// runs on libuv's thread pool), not with askTerminal's blocking readSync.
import { open } from 'node:fs/promises';
import { AwsenvError } from '../errors.js';

export async function askTerminalAsync(question: string): Promise<string> {
  let handle;
  try {
    handle = await open('/dev/tty', 'r+');
  } catch {
    throw new AwsenvError('it needs an MFA code and awsenv has no terminal to ask on');
  }
  try {
    await handle.write(`\n${question}`);
    const buffer = Buffer.alloc(256);
    let answer = '';
    while (!answer.includes('\n')) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead <= 0) break;
      answer += buffer.subarray(0, bytesRead).toString('utf8');
    }
    return answer.split('\n')[0]!.trim();
  } finally {
    await handle.close();
  }
}
