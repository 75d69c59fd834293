// Per-dialect tables: each awkward value either renders to text that the dialect's own
// reading rules turn back into the value, or is refused with an error that names the
// variable and not the value. The real shells read the same values in test/e2e.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { UnrepresentableValue } from '../../src/errors.js';
import { CMD_LINE_MAX, cmd } from '../../src/shells/cmd.js';
import { fish, fishQuote } from '../../src/shells/fish.js';
import { DIALECTS, render, SHELL_NAMES } from '../../src/shells/index.js';
import { pwsh, pwshQuote } from '../../src/shells/pwsh.js';
import { SETX_MAX, setx, windowsArgQuote } from '../../src/shells/setx.js';
import { tcsh, tcshQuote } from '../../src/shells/tcsh.js';
import { AWKWARD } from './awkward.js';

/** `%A`, `%~nxb`…: the FOR variables of the loops that apply cmd and setx lines. */
const FOR_VARIABLE = /%(~[fdpnxsatz]*(\$[^:%]*:)?)?[ab]/i;

/** What each dialect must refuse: the reason it gives is checked loosely. */
const REFUSED: Record<string, (v: string) => boolean> = {
  bash: (v) => v.includes('\0'),
  zsh: (v) => v.includes('\0'),
  sh: (v) => v.includes('\0'),
  fish: (v) => v.includes('\0'),
  pwsh: (v) => v.includes('\0'),
  tcsh: (v) => /[\0\r\n]/.test(v),
  cmd: (v) => /[\0\r\n\x1a]/.test(v) || FOR_VARIABLE.test(v) || v === '' || v.startsWith('=') || Buffer.byteLength(`AWS_SESSION_TOKEN=${v}`) > CMD_LINE_MAX,
  setx: (v) => /[\0\r\n\x1a]/.test(v) || FOR_VARIABLE.test(v) || v === '' || [...v].length > SETX_MAX,
};

const refusal = suite('refusals name the variable, never the value');
for (const shell of SHELL_NAMES) {
  for (const [label, value] of Object.entries({ ...AWKWARD, nul: 'a\0b' })) {
    refusal(`${shell}: ${label}`, () => {
      const set = () => DIALECTS[shell].set('AWS_SESSION_TOKEN', value);
      if (!REFUSED[shell]!(value)) {
        assert.type(set(), 'string');
        return;
      }
      try {
        set();
        assert.unreachable('should refuse');
      } catch (error) {
        assert.instance(error, UnrepresentableValue);
        const message = (error as Error).message;
        assert.match(message, 'AWS_SESSION_TOKEN');
        if (value.length > 3) assert.not.match(message, value);
      }
    });
  }
}
refusal.run();

// --- PowerShell: a reader for exactly the syntax pwshQuote writes ('…' with doubled quote
// characters, "`n"/"`r", joined by +), following about_Quoting_Rules.
function readPwsh(text: string): string {
  let out = '';
  let i = 0;
  const quotes = "'\u2018\u2019\u201A\u201B";
  while (i < text.length) {
    if (text.startsWith(' + ', i)) i += 3;
    if (text.startsWith('"`n"', i)) (out += '\n'), (i += 4);
    else if (text.startsWith('"`r"', i)) (out += '\r'), (i += 4);
    else {
      assert.ok(quotes.includes(text[i]!), `expected a quote at ${i}`);
      i++;
      for (;;) {
        const c = text[i]!;
        assert.ok(c !== undefined, 'unterminated string');
        if (quotes.includes(c)) {
          if (text[i + 1] !== undefined && quotes.includes(text[i + 1]!) ) {
            out += c;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        out += c;
        i++;
      }
    }
  }
  return out;
}

const pw = suite('pwsh');
for (const [label, value] of Object.entries(AWKWARD)) {
  pw(`round trip: ${label}`, () => {
    const quoted = pwshQuote(value);
    assert.is(readPwsh(quoted), value);
    assert.not.match(quoted, /[\r\n]/, 'one line per statement');
    // Nothing outside a single-quoted string but the "`n"/"`r" escapes and +.
    assert.not.match(quoted.replace(/'(?:[^'\u2018\u2019\u201A\u201B]|['\u2018\u2019\u201A\u201B]{2})*'/g, ''), /[$`](?!n"|r")/);
  });
}
pw('curly quotes are doubled, since PowerShell ends a string at any of them', () => {
  assert.is(pwshQuote('a\u2019b'), "'a\u2019\u2019b'");
});
pw('set and unset statements', () => {
  assert.is(pwsh.set('AWS_PROFILE', 'dev'), "$env:AWS_PROFILE = 'dev'");
  assert.is(pwsh.unset('AWS_SESSION_TOKEN'), '$env:AWS_SESSION_TOKEN = $null');
});
pw.run();

// --- fish: a reader for single-quoted fish strings joined by unquoted \n.
function readFish(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('\\n', i)) {
      out += '\n';
      i += 2;
      continue;
    }
    assert.is(text[i], "'");
    i++;
    while (text[i] !== "'") {
      assert.ok(i < text.length, 'unterminated');
      if (text[i] === '\\' && (text[i + 1] === '\\' || text[i + 1] === "'")) i++;
      out += text[i];
      i++;
    }
    i++;
  }
  return out;
}
const fi = suite('fish');
for (const [label, value] of Object.entries(AWKWARD)) {
  fi(`round trip: ${label}`, () => {
    const quoted = fishQuote(value);
    assert.is(readFish(quoted), value);
    assert.not.match(quoted, '\n', 'newlines are written as \\n so `eval (…)` keeps statements whole');
  });
}
fi('unset keeps the status 0 when the variable is missing', () => {
  assert.is(fish.unset('AWS_PROFILE'), 'set -e -g AWS_PROFILE; or true;');
});
fi.run();

// --- tcsh: single-quoted runs, with ' and ! written as \' and \! outside quotes.
const tc = suite('tcsh');
tc('quote table', () => {
  assert.is(tcshQuote(''), "''");
  assert.is(tcshQuote('plain'), "'plain'");
  assert.is(tcshQuote("it's"), "'it'\\''s'");
  assert.is(tcshQuote('hi!'), "'hi'\\!");
  assert.is(tcshQuote('$HOME `x`'), "'$HOME `x`'");
});
tc('no ! or \' inside a quoted run', () => {
  for (const value of Object.values(AWKWARD)) {
    if (/[\r\n]/.test(value)) continue;
    const runs = tcshQuote(value).match(/'[^']*'/g) ?? [];
    for (const run of runs) assert.not.match(run.slice(1, -1), /[!']/);
  }
});
tc('statements', () => {
  assert.is(tcsh.set('AWS_PROFILE', 'dev'), "setenv AWS_PROFILE 'dev';");
  assert.is(tcsh.unset('AWS_PROFILE'), 'unsetenv AWS_PROFILE;');
});
tc.run();

// --- cmd: data lines.
const cm = suite('cmd');
cm('NAME=value lines, NAME= to unset, the value untouched', () => {
  assert.is(cmd.set('AWS_SECRET_ACCESS_KEY', 'a&b|c%PATH%"^!'), 'AWS_SECRET_ACCESS_KEY=a&b|c%PATH%"^!');
  assert.is(cmd.unset('AWS_SESSION_TOKEN'), 'AWS_SESSION_TOKEN=');
});
cm.run();

// --- setx: Windows argument rules, checked with a CommandLineToArgvW reader.
// https://learn.microsoft.com/cpp/c-language/parsing-c-command-line-arguments
function commandLineToArgv(line: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (i >= line.length) break;
    let arg = '';
    let inQuotes = false;
    while (i < line.length && (inQuotes || (line[i] !== ' ' && line[i] !== '\t'))) {
      let slashes = 0;
      while (line[i] === '\\') (slashes++, i++);
      if (line[i] === '"') {
        arg += '\\'.repeat(Math.floor(slashes / 2));
        if (slashes % 2 === 1) arg += '"';
        else if (inQuotes && line[i + 1] === '"') (arg += '"', i++);
        else inQuotes = !inQuotes;
        i++;
      } else {
        arg += '\\'.repeat(slashes);
        if (i < line.length) arg += line[i++];
      }
    }
    args.push(arg);
  }
  return args;
}
const sx = suite('setx');
for (const [label, value] of Object.entries(AWKWARD)) {
  if (REFUSED.setx!(value)) continue;
  sx(`argv round trip: ${label}`, () => {
    const [setxLine, setLine] = setx.set('AWS_SECRET_ACCESS_KEY', value).split('\n');
    assert.equal(commandLineToArgv(setxLine!), ['setx', 'AWS_SECRET_ACCESS_KEY', value]);
    assert.is(setLine, `set "AWS_SECRET_ACCESS_KEY=${value}"`);
  });
}
sx('quote table', () => {
  assert.is(windowsArgQuote('a b'), '"a b"');
  assert.is(windowsArgQuote('a"b'), '"a\\"b"');
  assert.is(windowsArgQuote('a\\"b'), '"a\\\\\\"b"');
  assert.is(windowsArgQuote('end\\'), '"end\\\\"');
  assert.is(windowsArgQuote('a\\b'), '"a\\b"');
});
sx('a value over 1024 characters is refused with a hint to use cmd', () => {
  assert.throws(() => setx.set('AWS_SESSION_TOKEN', 'x'.repeat(1025)), /1024.*--shell cmd/);
  assert.type(setx.set('AWS_SESSION_TOKEN', 'x'.repeat(1024)), 'string');
});
sx('unset deletes the persisted value with reg delete, not an empty setx', () => {
  assert.is(setx.unset('AWS_SESSION_TOKEN'), 'reg delete HKCU\\Environment /v AWS_SESSION_TOKEN /f\nset AWS_SESSION_TOKEN=');
});
sx.run();

const rd = suite('render');
rd('unsets first, then sets, each sorted; empty change renders nothing', () => {
  assert.is(render('bash', { B: 'x', A: null, C: 'y' }), "unset A;\nexport B='x';\nexport C='y';\n");
  assert.is(render('bash', {}), '');
});
rd.run();
