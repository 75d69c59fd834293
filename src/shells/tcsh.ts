// tcsh (and csh). Single quotes stop every expansion except history substitution, so
// '!' is written outside them as \! (literal whether or not history is on), and so is
// the single quote itself (\'). A value cannot hold a newline here: csh has no quoting
// that carries one through `eval "`...`"`, so those are refused.
// https://www.mkssoftware.com/docs/man1/csh.1.asp (Lexical structure, Quotations)
import { type Dialect, refuseLineBreaks } from './dialect.js';

export function tcshQuote(value: string): string {
  if (value === '') return "''";
  return value
    .split(/(['!])/)
    .filter((p) => p !== '')
    .map((p) => (p === "'" || p === '!' ? `\\${p}` : `'${p}'`))
    .join('');
}

export const tcsh: Dialect = {
  set(name, value) {
    refuseLineBreaks(name, 'tcsh', value);
    return `setenv ${name} ${tcshQuote(value)};`;
  },
  unset: (name) => `unsetenv ${name};`,
};
