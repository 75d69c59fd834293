// util/collate.ts against ICU: the same order as localeCompare for every locale it claims,
// and the whole comparator (locale read from the environment) against a real node's sort.
import { spawnSync } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { asciiCollationIsRoot, collateAscii, localeOrder } from '../../src/util/collate.js';

const ALPHABET = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
/** A deterministic stream of numbers (no Math.random: a failure must repeat). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
/** Names that stress the levels: shared prefixes, case pairs, punctuation, profile-like words. */
function names(n: number, seed: number): string[] {
  const next = lcg(seed);
  const pick = (s: string) => s[Math.floor(next() * s.length)]!;
  const out = ['a', 'A', 'aa', 'aA', 'Aa', 'AA', 'a-b', 'a_b', 'a.b', 'ab', 'aB', 'Ab', 'b', 'B', '0', '10', '9', 'prod', 'Prod', 'prod-admin', 'prod_admin', 'prod.admin', 'prod admin', 'dev', 'default', 'Z', 'z', 'ch', 'h', 'y', 'i', 'I', 'aab', 'zz'];
  for (let i = 0; i < n; i++) {
    const len = 1 + Math.floor(next() * 6);
    let s = '';
    for (let j = 0; j < len; j++) s += next() < 0.6 ? pick('abcABC-_.0') : pick(ALPHABET);
    out.push(s);
    // A prefix and a case change of it, so the tertiary level and lengths are reached.
    out.push(s + pick(ALPHABET), s.toUpperCase(), s.toLowerCase());
  }
  return [...new Set(out)];
}
const sign = (x: number) => Math.sign(x);

const c = suite('collate: printable ASCII as ICU orders it');
for (const locale of ['en-US', 'en-GB', 'de-DE', 'fr-FR', 'it-IT', 'es-ES', 'pt-BR', 'nl-NL']) {
  c(`every pair agrees with Intl.Collator('${locale}')`, () => {
    const icu = new Intl.Collator(locale);
    const words = names(150, locale.length * 7919);
    let compared = 0;
    for (const a of words) {
      for (const b of words) {
        const ours = collateAscii(a, b);
        assert.ok(ours !== undefined, `${JSON.stringify(a)} ${JSON.stringify(b)} are printable ASCII`);
        if (sign(ours) !== sign(icu.compare(a, b))) assert.unreachable(`${JSON.stringify(a)} vs ${JSON.stringify(b)}: ours ${ours}, ICU ${icu.compare(a, b)}`);
        compared++;
      }
    }
    assert.ok(compared > 100_000);
  });
}
c('anything else is left to localeCompare', () => {
  assert.is(collateAscii('é', 'e'), undefined);
  assert.is(collateAscii('a\tb', 'ab'), undefined);
  assert.is(collateAscii('b', 'aé'), undefined);
  assert.is(collateAscii('ab', 'a'), 1);
  const order = localeOrder({ LANG: 'en_US.UTF-8' });
  assert.is(sign(order('é', 'f')), sign('é'.localeCompare('f')));
});
c('locales: which ones are taken as the root order', () => {
  assert.ok(asciiCollationIsRoot({}));
  assert.ok(asciiCollationIsRoot({ LANG: 'C.UTF-8' }));
  assert.ok(asciiCollationIsRoot({ LANG: 'POSIX' }));
  assert.ok(asciiCollationIsRoot({ LANG: 'de_DE.UTF-8', LC_ALL: 'en_US.UTF-8' }));
  assert.not.ok(asciiCollationIsRoot({ LANG: 'da_DK.UTF-8' }));
  assert.not.ok(asciiCollationIsRoot({ LANG: 'en_US.UTF-8', LC_MESSAGES: 'lt_LT.UTF-8' }));
  assert.not.ok(asciiCollationIsRoot({ LC_ALL: 'tr_TR.UTF-8' }));
  assert.not.ok(asciiCollationIsRoot({ LANG: 'hu_HU' }));
});
c('in a real node with each environment, the same order as localeCompare', () => {
  const words = names(60, 42);
  const script = `process.stdout.write(JSON.stringify(${JSON.stringify(words)}.sort((a, b) => a.localeCompare(b))))`;
  for (const env of [{}, { LANG: 'C.UTF-8' }, { LANG: 'en_US.UTF-8' }, { LC_ALL: 'de_DE.UTF-8' }, { LANG: 'fr_FR.UTF-8' }, { LANG: 'da_DK.UTF-8' }, { LANG: 'lt_LT.UTF-8' }]) {
    const r = spawnSync(process.execPath, ['-e', script], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    const theirs = JSON.parse(r.stdout) as string[];
    const ours = [...words].sort((a, b) => collateAscii(a, b)!);
    if (asciiCollationIsRoot(env)) assert.equal(ours, theirs, JSON.stringify(env));
    // Danish ('aa' after 'z') and Lithuanian ('y' before 'k') order differently: those go to localeCompare.
    else assert.not.equal(ours, theirs, JSON.stringify(env));
  }
});
c.run();
