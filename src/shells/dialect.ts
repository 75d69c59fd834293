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
