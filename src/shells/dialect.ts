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

/**
 * A reference to a FOR variable of the loops that apply cmd and setx lines: %%A and %%B in
 * shell/awsenv.cmd, %a and %b in the README's by-hand loops, with or without ~modifiers
 * (%~nxA, %~$PATH:a). Wine 8's cmd substitutes FOR variables again inside a substituted
 * value: `%A` in a value arrives as the variable's name, `%~zA` as nothing, and `%B` expands
 * into itself until cmd crashes, losing every later line. Found by the fuzz test
 * (test/fuzz/); real AWS keys, secrets and tokens never hold '%'.
 */
const FOR_VARIABLE = /%(?:~[fdpnxsatz]*(?:\$[^:%]*:)?)?[ab]/i;

export function refuseForVariables(name: string, shell: string, value: string): void {
  if (FOR_VARIABLE.test(value)) {
    throw new UnrepresentableValue(name, shell, "holds '%' before A or B, which cmd's `for /f` loop reads as one of its variables");
  }
}
