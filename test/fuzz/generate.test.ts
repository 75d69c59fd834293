// The fuzz test's own parts: a seed replays the same values, the generators keep their
// promises (valid UTF-8, byte limits, what the files carry), and shrinking finds a minimum.
import { isUtf8 } from 'node:buffer';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseIni } from '../../src/files/ini.js';
import { continuationCarries, fileValue, fuzzValue, iniEntry, profileName, pyStrip, truncateBytes, withInvalidUtf8 } from './generate.js';
import { refusal, shrink } from './engine.js';
import { mulberry32, subSeed } from './prng.js';

const test = suite('fuzz: generators');

const values = (seed: number, n = 300) => {
  const rng = mulberry32(seed);
  return Array.from({ length: n }, () => fuzzValue(rng, { alphabet: 'unicode' }));
};

test('a seed replays the same values; another seed does not', () => {
  assert.equal(values(42), values(42));
  assert.not.equal(values(42), values(43));
  assert.is.not(subSeed(42, 'bash'), subSeed(42, 'zsh'));
});

test('values are valid UTF-8 within their byte limit; ASCII ones are ASCII', () => {
  const rng = mulberry32(7);
  for (let i = 0; i < 2000; i++) {
    const v = fuzzValue(rng, { alphabet: i % 2 ? 'unicode' : 'ascii', maxBytes: 300 });
    assert.ok(Buffer.byteLength(v) <= 300);
    assert.is(Buffer.from(v).toString('utf8'), v, 'no lone surrogates');
    if (i % 2 === 0) assert.not.match(v, /[^\x00-\x7f]/);
  }
  assert.is(truncateBytes('aé😀', 4), 'aé');
});

test('what fileValue and profileName make is read back exactly by the INI reader', () => {
  const rng = mulberry32(9);
  for (let i = 0; i < 500; i++) {
    const value = fileValue(rng, fuzzValue(rng, { alphabet: 'unicode', maxBytes: 500 }));
    const name = profileName(rng, fuzzValue(rng, { alphabet: 'unicode', maxBytes: 100 }));
    const [section] = parseIni('f', `[${name}]\nk = ${value}\n`);
    assert.is(section!.name, name);
    assert.is(section!.values.get('k')!.value, value);
  }
});

test('continuation lines carry a multi-line value when continuationCarries says so', () => {
  for (const value of ['a\nb', 'a\n\nb', 'a\n[b]\n=c']) {
    assert.ok(continuationCarries(value), value);
    assert.is(parseIni('f', `[s]\n${iniEntry('k', value)}\n`)[0]!.values.get('k')!.value, value);
  }
  for (const value of ['a\n', '\nb', 'a\n#c', 'a\n b', 'a\r\nb']) assert.not.ok(continuationCarries(value), value);
});

test('pyStrip is the INI reader strip (Python whitespace, not JavaScript \\s)', () => {
  assert.is(pyStrip('\u0085\u001c a\u00a0b \u2028\u3000'), 'a\u00a0b');
  assert.is(pyStrip('\ufeffa'), '\ufeffa');
});

test('invalid UTF-8 is invalid', () => {
  const rng = mulberry32(3);
  for (let i = 0; i < 200; i++) assert.not.ok(isUtf8(withInvalidUtf8(rng, 'abc')));
});

test('the oracle of refusals', () => {
  assert.is(refusal('bash', 'X', 'a\nb\r'), undefined);
  assert.is(refusal('bash', 'X', 'a\0'), 'NUL');
  assert.is(refusal('tcsh', 'X', 'a\rb'), 'line break');
  assert.is(refusal('cmd', 'X', 'a%~nxBc'), 'FOR variable');
  assert.is(refusal('cmd', 'X', '%~dp0 %PATH%'), undefined);
});

test('shrink finds a minimal failing value', async () => {
  assert.is(await shrink("abc'def'ghi", async (v) => v.includes("'"), 100), "'");
  assert.is(await shrink('xxAxxBxx', async (v) => v.includes('A') && v.includes('B'), 100), 'AB');
});

test.run();
