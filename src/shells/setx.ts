// setx: persist variables for new windows and set them in this one. Lines are meant to be
// run one by one as FOR variables (see README), which cmd does not re-parse, so only the
// Windows argument rules apply to the setx argument:
// https://learn.microsoft.com/cpp/c-language/parsing-c-command-line-arguments
// setx truncates values at 1024 characters, so longer ones are refused. An empty setx does
// not delete a persisted variable; `reg delete HKCU\Environment /v NAME /f` does.
import { UnrepresentableValue } from '../errors.js';
import { type Dialect, refuseCtrlZ, refuseForVariables, refuseLineBreaks } from './dialect.js';

export const SETX_MAX = 1024;

/** Quote one argument so CommandLineToArgvW / the MSVC runtime reads it back unchanged. */
export function windowsArgQuote(value: string): string {
  let out = '"';
  let backslashes = 0;
  for (const ch of value) {
    if (ch === '\\') {
      backslashes++;
      continue;
    }
    if (ch === '"') {
      out += '\\'.repeat(backslashes * 2 + 1) + '"';
    } else {
      out += '\\'.repeat(backslashes) + ch;
    }
    backslashes = 0;
  }
  return out + '\\'.repeat(backslashes * 2) + '"';
}

export const setx: Dialect = {
  set(name, value) {
    refuseLineBreaks(name, 'setx', value);
    // Its lines are run as FOR variables too (see above).
    refuseCtrlZ(name, 'setx', value);
    refuseForVariables(name, 'setx', value);
    if (value === '') throw new UnrepresentableValue(name, 'setx', 'is empty, which setx cannot store');
    if ([...value].length > SETX_MAX) {
      throw new UnrepresentableValue(
        name,
        'setx',
        `is longer than setx's ${SETX_MAX}-character limit`,
        'use --shell cmd for the current window instead',
      );
    }
    return `setx ${name} ${windowsArgQuote(value)}\nset "${name}=${value}"`;
  },
  unset: (name) => `reg delete HKCU\\Environment /v ${name} /f\nset ${name}=`,
};
