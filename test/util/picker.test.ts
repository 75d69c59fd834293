// The picker's pure parts: the fuzzy filter, the keys read from a terminal, and what each
// key does. The picker on a real terminal is tested in test/e2e/picker.test.ts (tmux).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fuzzyFilter, fuzzyScore } from '../../src/util/fuzzy.js';
import { frame, parseKeys, type PickerState, step } from '../../src/util/picker.js';

const fuzzy = suite('fuzzy filter');
const names = ['admin', 'prod-admin', 'production', 'dev', 'deploy', 'sandbox-dev', 'proc'];
const filter = (q: string) => fuzzyFilter(q, names, (n) => n);

fuzzy('the typed letters in order, anywhere; others are out', () => {
  assert.equal(filter('dv').sort(), ['dev', 'sandbox-dev'].sort());
  assert.is(fuzzyScore('xyz', 'admin'), undefined);
  assert.is(fuzzyScore('nimda', 'admin'), undefined, 'order matters');
  assert.equal(filter(''), names, 'an empty query keeps every name in its order');
});
fuzzy('an exact name, then a prefix, then the start of a word, then scattered letters', () => {
  assert.equal(filter('prod'), ['prod-admin', 'production', 'proc'].filter((n) => fuzzyScore('prod', n) !== undefined));
  assert.is(filter('dev')[0], 'dev');
  assert.is(filter('adm')[0], 'admin');
  assert.is(filter('pa')[0], 'prod-admin', 'p…a at the start of a word');
  assert.is(filter('ADMIN')[0], 'admin', 'case does not matter');
});

const keys = suite('keys from the terminal');
keys('arrows, Enter, Esc, Ctrl keys and text', () => {
  assert.equal(parseKeys('\x1b[A\x1b[B\x1bOA'), [{ type: 'up' }, { type: 'down' }, { type: 'up' }]);
  assert.equal(parseKeys('\r'), [{ type: 'enter' }]);
  assert.equal(parseKeys('\x1b'), [{ type: 'cancel' }], 'a lone Esc cancels');
  assert.equal(parseKeys('\x03'), [{ type: 'cancel' }], 'Ctrl-C cancels');
  assert.equal(parseKeys('ad\x7fm'), [{ type: 'text', text: 'ad' }, { type: 'backspace' }, { type: 'text', text: 'm' }]);
  assert.equal(parseKeys('é\x10\x0e\t\x15'), [{ type: 'text', text: 'é' }, { type: 'up' }, { type: 'down' }, { type: 'down' }, { type: 'clear' }]);
});

const steps = suite('what a key does');
const s0: PickerState = { query: '', cursor: 0, top: 0 };
steps('arrows move and wrap; the window follows the cursor', () => {
  assert.equal(step(s0, { type: 'up' }, 5, 3), { query: '', cursor: 4, top: 2 });
  let s: PickerState = s0;
  for (let i = 0; i < 3; i++) s = step(s, { type: 'down' }, 5, 3) as PickerState;
  assert.equal(s, { query: '', cursor: 3, top: 1 });
  assert.equal(step(s, { type: 'pageUp' }, 5, 3), { query: '', cursor: 0, top: 0 });
});
steps('typing filters from the top; Enter chooses only when something matches; Esc cancels', () => {
  assert.equal(step({ query: 'ad', cursor: 2, top: 1 }, { type: 'text', text: 'm' }, 5, 3), { query: 'adm', cursor: 0, top: 0 });
  assert.equal(step({ query: 'adm', cursor: 0, top: 0 }, { type: 'backspace' }, 5, 3), { query: 'ad', cursor: 0, top: 0 });
  assert.is(step(s0, { type: 'enter' }, 1, 3), 'enter');
  assert.equal(step(s0, { type: 'enter' }, 0, 3), s0);
  assert.is(step(s0, { type: 'cancel' }, 1, 3), 'cancel');
});
steps('a frame: title, query, header, the rows in view with the cursor, a count', () => {
  const items = ['a', 'b', 'c', 'd'].map((n) => ({ name: n, row: `row ${n}` }));
  const lines = frame({ title: 'T', header: 'H', items }, { query: 'x', cursor: 2, top: 1 }, items, 2, 80).map((l) => l.replace(/\x1b\[[0-9;]*m/g, ''));
  assert.equal(lines, ['T', '> x', '  H', '  row b', '> row c', '  4/4']);
  const none = frame({ title: 'T', items }, { query: 'zz', cursor: 0, top: 0 }, [], 2, 80).map((l) => l.replace(/\x1b\[[0-9;]*m/g, ''));
  assert.equal(none, ['T', '> zz', '  (no profile matches)']);
});

fuzzy.run();
keys.run();
steps.run();
