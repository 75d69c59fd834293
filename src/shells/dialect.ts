// The one interface every output dialect implements: pure functions from a name and a
// value to one statement. Rendering an EnvChange is the last step of every command.
import { UnrepresentableValue } from '../errors.js';

export interface Dialect {
  /** A statement that sets NAME to value in the current shell; throws UnrepresentableValue. */
  set(name: string, value: string): string;
  /** A statement that removes NAME from the environment; harmless when NAME is not set. */
  unset(name: string): string;
}

/** NUL cannot live in any environment (execve's strings end at it). */
export function refuseNul(name: string, shell: string, value: string): void {
  if (value.includes('\0')) throw new UnrepresentableValue(name, shell, 'contains a NUL byte');
}

/** For dialects that carry a value on one line only. */
export function refuseLineBreaks(name: string, shell: string, value: string): void {
  refuseNul(name, shell, value);
  if (/[\r\n]/.test(value)) {
    throw new UnrepresentableValue(name, shell, 'contains a line break, which this shell cannot hold');
  }
}

/**
 * For dialects whose lines are read by cmd's `for /f` (cmd, setx): it stops reading at a
 * Ctrl-Z (0x1A), from a file and from a command's output alike, so the value holding it is
 * cut there and the variables on later lines are never set: half a profile. Found by the
 * fuzz test (test/fuzz/) in Wine 8's cmd.
 */
export function refuseCtrlZ(name: string, shell: string, value: string): void {
  if (value.includes('\x1a')) {
    throw new UnrepresentableValue(name, shell, "contains Ctrl-Z (0x1A), at which cmd's `for /f` stops reading");
  }
}
