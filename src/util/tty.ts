// Asking a person: stdout is being eval'd and stdin may be a pipe, so the MFA code is
// read from the controlling terminal, /dev/tty, and echoed there only.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { AwsenvError } from '../errors.js';

export function askTerminal(question: string): string {
  let fd: number;
  try {
    fd = openSync('/dev/tty', 'r+');
  } catch {
    throw new AwsenvError('no terminal to ask for the MFA code on; pass --mfa-code CODE');
  }
  try {
    writeSync(fd, question);
    const buffer = Buffer.alloc(256);
    let answer = '';
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n <= 0) break;
      answer += buffer.subarray(0, n).toString('utf8');
      if (answer.includes('\n')) break;
    }
    return answer.split('\n')[0]!.trim();
  } finally {
    closeSync(fd);
  }
}
