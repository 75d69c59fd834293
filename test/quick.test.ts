import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseQuick } from '../src/quick.js';

const q = suite('parseQuick (the yargs-free path)');
q('recognises the plain forms', () => {
  assert.equal(parseQuick(['use', 'admin']), { command: 'use', profile: 'admin', shell: undefined });
  assert.equal(parseQuick(['use', 'admin', '--shell', 'fish']), { command: 'use', profile: 'admin', shell: 'fish' });
  assert.equal(parseQuick(['use', '--shell=tcsh', 'admin']), { command: 'use', profile: 'admin', shell: 'tcsh' });
  assert.equal(parseQuick(['clear', '--all']), { command: 'clear', shell: undefined, all: true });
  assert.equal(parseQuick(['current', '--json']), { command: 'current', json: true });
  assert.equal(parseQuick(['use', '--shell', 'bash', '--', '-dash-profile']), { command: 'use', profile: '-dash-profile', shell: 'bash' });
});
q('leaves everything else to yargs (help, unknown flags, bad shells, extra words)', () => {
  for (const argv of [
    [],
    ['use'],
    ['use', 'a', 'b'],
    ['use', 'a', '--help'],
    ['use', 'a', '--shell', 'ksh'],
    ['use', 'a', '--shell'],
    ['use', 'a', '--shell', 'bash', '--shell', 'zsh'],
    ['use', 'a', '--mfa-code', '123456'],
    ['use', 'a', '--json'],
    ['clear', 'x'],
    ['current', '--all'],
    ['list'],
    ['--version'],
  ]) {
    assert.is(parseQuick(argv), undefined, argv.join(' '));
  }
});
q.run();
