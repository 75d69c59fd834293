// What every command gets from the edge: the environment, the clock and the terminal.
// Commands return their output; cli.ts alone writes it and picks the exit status.
import type { Env } from '../files/files.js';

export interface Context {
  env: Env;
  now(): Date;
  /** The parent process id, for telling which shell to print for. */
  ppid: number;
  stdoutIsTTY: boolean;
  /** Warnings and notices; never secrets. */
  warn(message: string): void;
}

export interface Output {
  stdout: string;
  /**
   * stdout made a chunk at a time (util/chunks.ts), written after `stdout`: each chunk is
   * written before the next is made, and may be the same buffer refilled. Everything that
   * can fail is done before the command returns; this only copies bytes.
   */
  produce?: (emit: (bytes: Uint8Array) => void) => void;
  /** Text for people that must not reach an eval'd stdout (help of use/clear/hook). */
  stderr?: string;
  exitCode?: number;
}
