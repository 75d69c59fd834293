import { createHash } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sha256Hex } from '../../src/util/hash.js';

const h = suite('sha256Hex (plain JavaScript) agrees with node:crypto');
const inputs = ['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), 'é日本\u{1F600}', 'x'.repeat(10_000)];
for (let i = 0; i < 200; i++) inputs.push(String.fromCharCode(...Array.from({ length: i * 3 }, (_, j) => (j * 7919 + i) % 0xd7ff)));
h('known vector', () => {
  assert.is(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});
h(`${inputs.length} inputs of 0 to 10000 bytes, padding boundaries included`, () => {
  for (const input of inputs) assert.is(sha256Hex(input), createHash('sha256').update(input).digest('hex'), JSON.stringify(input.slice(0, 20)));
});
h.run();
