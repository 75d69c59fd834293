// PowerShell 5.1 and 7. In a single-quoted string the only special characters are the
// four single quotes (' ‘ ’ ‚ ‛), each escaped by doubling it.
// https://learn.microsoft.com/powershell/module/microsoft.powershell.core/about/about_quoting_rules
// CR and LF are written as "`r" / "`n" joined with +, so each statement stays on one line
// for `awsenv use x | Invoke-Expression`, which runs every line on its own.
import { type Dialect, refuseNul } from './dialect.js';

const SINGLE_QUOTES = /['\u2018\u2019\u201A\u201B]/g;

export function pwshQuote(value: string): string {
  const parts = value.split(/(\r|\n)/);
  return parts
    .filter((p, i) => p !== '' || i === 0)
    .map((p) => (p === '\n' ? '"`n"' : p === '\r' ? '"`r"' : `'${p.replace(SINGLE_QUOTES, '$&$&')}'`))
    .join(' + ');
}

/**
 * What stdout holds when a command fails (CONTRACT.md: one statement that sets a failing
 * status and changes nothing else). Tried in pwsh 7.6 (test/e2e/roundtrip.test.ts): an error
 * written inside Invoke-Expression, even by Write-Error, leaves its $? true; only a
 * terminating error makes `… | Invoke-Expression` fail, stops `… && deploy`, and stops a
 * script unless caught, as `set -e` does with `false`. Windows PowerShell 5.1 has no `&&`
 * and does not fail a pipeline for a native command's exit status, so this is what tells it.
 */
export const PWSH_FAILURE = "throw 'awsenv failed (its message is above); nothing was changed'";

export const pwsh: Dialect = {
  set(name, value) {
    refuseNul(name, 'pwsh', value);
    return `$env:${name} = ${pwshQuote(value)}`;
  },
  unset: (name) => `$env:${name} = $null`,
};
