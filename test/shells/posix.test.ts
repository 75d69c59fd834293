import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bash } from '../../src/shells/bash.js';
import { posixQuote } from '../../src/shells/posix.js';

const quote = suite('posix quote');
const table: [string, string][] = [
  ['plain', `'plain'`],
  ['', `''`],
  ["it's", `'it'\\''s'`],
  ['$(id) `id` $HOME', `'$(id) \`id\` $HOME'`],
  ['a\nb', `'a\nb'`],
];
for (const [value, quoted] of table) {
  quote(`quotes ${JSON.stringify(value)}`, () => assert.is(posixQuote(value), quoted));
}
quote('refuses NUL, naming the variable and not the value', () => {
  assert.throws(() => bash.set('AWS_SECRET_ACCESS_KEY', 'se\0cret'), (e: Error) => e.message.includes('AWS_SECRET_ACCESS_KEY') && !e.message.includes('se'+'\0'));
});
quote.run();
