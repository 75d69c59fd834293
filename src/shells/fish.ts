// fish: inside single quotes only \\ and \' are escapes.
// https://fishshell.com/docs/current/language.html#quotes
// Newlines are written as an unquoted \n between quoted parts, so every statement stays on
// one line: `eval (awsenv use x)` splits command output on newlines and would otherwise
// break a value in two; `awsenv use x | source` works either way.
import { type Dialect, refuseNul } from './dialect.js';

export function fishQuote(value: string): string {
  return value
    .split('\n')
    .map((part) => `'${part.replace(/[\\']/g, '\\$&')}'`)
    .join('\\n');
}

export const fish: Dialect = {
  set(name, value) {
    refuseNul(name, 'fish', value);
    return `set -gx ${name} ${fishQuote(value)};`;
  },
  // `set -e` of a missing variable returns 4; the `; or true` keeps the script's status 0.
  unset: (name) => `set -e -g ${name}; or true;`,
};
