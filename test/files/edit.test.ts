// The credentials-file edits as tables: text in, text out, every other byte kept.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkSectionName, dropStaleTokens, RefusedEdit, saveSession, scan, splitLines } from '../../src/files/edit.js';

const S = { accessKeyId: 'ASIANEW0000000000NEW', secretAccessKey: 'new/secret+key', sessionToken: 'NEWTOKEN==', expiration: '2030-01-01T00:00:00Z' };
const NEW_KEYS = 'aws_access_key_id = ASIANEW0000000000NEW\naws_secret_access_key = new/secret+key\naws_session_token = NEWTOKEN==\nexpiration = 2030-01-01T00:00:00Z\n';
const crlf = (s: string) => s.replaceAll('\n', '\r\n');

const lines = suite('splitLines/scan');
lines('keeps every terminator, a last line without one, and a lone CR', () => {
  assert.equal(splitLines('a\r\nb\rc\nd'), [
    { text: 'a', eol: '\r\n' },
    { text: 'b', eol: '\r' },
    { text: 'c', eol: '\n' },
    { text: 'd', eol: '' },
  ]);
  assert.equal(splitLines(''), []);
});
lines('classifies as configparser: continuations, comments in values, indented keys after a header', () => {
  const text = '[a]\n  k1 = v\n    more\n# c\n    still\nK2:w\n[b]\nk1 = x\n';
  const [a, b] = scan(splitLines(text));
  assert.equal([...a!.keys.keys()], ['k1', 'k2']);
  assert.equal(a!.keys.get('k1')!.continuations, [2, 4]);
  assert.is(a!.keys.get('k2')!.value, 'w');
  assert.is(a!.lastKeyLine, 5);
  assert.is(b!.keys.get('k1')!.start, 7);
});
lines.run();

const save = suite('saveSession');
const saveCases: [string, string, string][] = [
  ['an empty file gets the section', '', `[tmp]\n${NEW_KEYS}`],
  [
    'a new section goes at the end after one blank line; comments and order stay',
    '# my keys\n[default]\naws_access_key_id = AKIAOLD00000000OLD1\naws_secret_access_key = s ; not a comment\n\n; trailing comment\n',
    `# my keys\n[default]\naws_access_key_id = AKIAOLD00000000OLD1\naws_secret_access_key = s ; not a comment\n\n; trailing comment\n\n[tmp]\n${NEW_KEYS}`,
  ],
  ['no trailing newline: one is added first', '[a]\nregion = x', `[a]\nregion = x\n\n[tmp]\n${NEW_KEYS}`],
  ['a file ending in a blank line gets no second one', '[a]\nregion = x\n\n', `[a]\nregion = x\n\n[tmp]\n${NEW_KEYS}`],
  ['CRLF file: new lines in CRLF', crlf('# c\n[a]\nk = v\n'), crlf(`# c\n[a]\nk = v\n\n[tmp]\n${NEW_KEYS}`)],
  [
    'a saved session is replaced where it stands; spacing, comments and other sections kept',
    '[tmp]\n# saved by awsenv\naws_access_key_id=ASIAOLD00000000OLD1\naws_secret_access_key  =  old\n; between\nAWS_SESSION_TOKEN = OLD\nexpiration = 2020-01-01T00:00:00Z\nregion = eu-west-1\n\n[other]\naws_session_token = OLD\n',
    '[tmp]\n# saved by awsenv\naws_access_key_id=ASIANEW0000000000NEW\naws_secret_access_key  =  new/secret+key\n; between\nAWS_SESSION_TOKEN = NEWTOKEN==\nexpiration = 2030-01-01T00:00:00Z\nregion = eu-west-1\n\n[other]\naws_session_token = OLD\n',
  ],
  [
    'missing keys are added after the last key, before the blank line and comments that follow',
    '[tmp]\naws_access_key_id = ASIAOLD00000000OLD1\naws_secret_access_key = old\naws_security_token = OLD\n\n# next\n[x]\nk = v\n',
    '[tmp]\naws_access_key_id = ASIANEW0000000000NEW\naws_secret_access_key = new/secret+key\naws_session_token = NEWTOKEN==\nexpiration = 2030-01-01T00:00:00Z\n\n# next\n[x]\nk = v\n',
  ],
  [
    'a multi-line old token loses its continuation lines; the next key stays',
    '[tmp]\naws_access_key_id = ASIAOLD00000000OLD1\naws_secret_access_key = old\naws_session_token = part1\n  part2\n  part3\nexpiration = 2020-01-01T00:00:00Z\n',
    `[tmp]\n${NEW_KEYS}`,
  ],
  [
    'a section at the end without a trailing newline stays without one',
    '[a]\nk = v\n\n[tmp]\naws_access_key_id = ASIAOLD00000000OLD1\naws_secret_access_key = old\naws_session_token = OLD',
    '[a]\nk = v\n\n[tmp]\naws_access_key_id = ASIANEW0000000000NEW\naws_secret_access_key = new/secret+key\naws_session_token = NEWTOKEN==\nexpiration = 2030-01-01T00:00:00Z',
  ],
  [
    'a section with no credentials (only a region) gets the keys after its last line, indented like its keys',
    '[tmp]\n  region = eu-west-1\n[z]\n',
    '[tmp]\n  region = eu-west-1\n  aws_access_key_id = ASIANEW0000000000NEW\n  aws_secret_access_key = new/secret+key\n  aws_session_token = NEWTOKEN==\n  expiration = 2030-01-01T00:00:00Z\n[z]\n',
  ],
  ['an empty section at the end of a CRLF file', crlf('[tmp]\n'), crlf(`[tmp]\n${NEW_KEYS}`)],
];
for (const [name, input, expected] of saveCases) {
  save(name, () => {
    const r = saveSession(input, 'credentials', 'tmp', S);
    assert.fixture(r.text, expected);
  });
}
save('an unknown expiration removes the old expiry lines', () => {
  const r = saveSession(
    '[tmp]\naws_access_key_id = ASIAOLD00000000OLD1\naws_secret_access_key = old\naws_session_token = OLD\nexpiration = 2020-01-01T00:00:00Z\nx_security_token_expires = 2020-01-01T00:00:00Z\n',
    'credentials',
    'tmp',
    { ...S, expiration: undefined },
  );
  assert.fixture(r.text, '[tmp]\naws_access_key_id = ASIANEW0000000000NEW\naws_secret_access_key = new/secret+key\naws_session_token = NEWTOKEN==\n');
  assert.is(r.action, 'replaced');
});

const refusals: [string, string, RegExp][] = [
  ['long-term AKIA keys', '[tmp]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n', /long-term keys \(AKIA…MPLE\)/],
  ['AKIA keys with a leftover token', '[tmp]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\naws_session_token = t\n', /long-term keys/],
  ['keys without a token', '[tmp]\naws_access_key_id = ASIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n', /without a session token/],
  ['an empty token counts as none', '[tmp]\naws_access_key_id = ASIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\naws_session_token =\n', /without a session token/],
  ['a role profile', '[tmp]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = a\n', /has role_arn/],
];
for (const [name, input, message] of refusals) {
  save(`refuses ${name}, naming the section and line, never the secret`, () => {
    try {
      saveSession(`# head\n${input}`, 'credentials', 'tmp', S);
      assert.unreachable('should refuse');
    } catch (error) {
      assert.instance(error, RefusedEdit);
      const m = (error as Error).message;
      assert.match(m, message);
      assert.match(m, 'section [tmp] of credentials (line 2)');
      assert.not.match(m, 'IOSFODNN7');
    }
  });
}
save('refuses values that configparser would not read back, naming the key only', () => {
  assert.throws(() => saveSession('', 'c', 'tmp', { ...S, sessionToken: 'a\nb' }), (e: Error) => /aws_session_token/.test(e.message) && !e.message.includes('a\nb'));
  assert.throws(() => saveSession('', 'c', 'tmp', { ...S, secretAccessKey: ' padded' }), /aws_secret_access_key/);
});
save('section names', () => {
  assert.is(checkSectionName('tmp-1.x@y'), undefined);
  assert.is(checkSectionName('with space'), undefined);
  for (const bad of ['', 'DEFAULT', 'a]b', '[a', 'a\nb', ' a', 'a\t']) assert.type(checkSectionName(bad), 'string', bad);
});
save.run();

const stale = suite('dropStaleTokens');
const NOW = new Date('2025-06-01T12:00:00Z');
const staleCases: [string, string, string, string[]][] = [
  [
    'a token next to a long-term key goes, with its expiry line; comments and other keys stay',
    '# keys\n[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n# old session:\naws_session_token = LEFT\naws_secret_access_key = s\nexpiration = 2099-01-01T00:00:00Z\nregion = eu-west-1\n',
    '# keys\n[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n# old session:\naws_secret_access_key = s\nregion = eu-west-1\n',
    ['default:long-term-key:aws_session_token,expiration'],
  ],
  [
    'both token names next to a long-term key, CRLF kept',
    crlf('[a]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\naws_session_token = T\naws_security_token = T\n\n[b]\nk = v\n'),
    crlf('[a]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n\n[b]\nk = v\n'),
    ['a:long-term-key:aws_session_token,aws_security_token'],
  ],
  [
    'an expired ASIA session goes whole; a live one and duplicate-looking keys elsewhere stay',
    '[old]\naws_access_key_id = ASIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\naws_session_token = T\nexpiration = 2025-06-01T11:59:59Z\nregion = x\n[live]\naws_access_key_id = ASIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\naws_session_token = T\nexpiration = 2025-06-01T13:00:00Z\n',
    '[old]\nregion = x\n[live]\naws_access_key_id = ASIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\naws_session_token = T\nexpiration = 2025-06-01T13:00:00Z\n',
    ['old:expired:aws_access_key_id,aws_secret_access_key,aws_session_token,expiration'],
  ],
  [
    'an expired token next to a key of unknown kind: only token and expiry go',
    '[odd]\naws_access_key_id = EXAMPLEKEY\naws_secret_access_key = s\naws_session_token = T\naws_session_expiration = 2020-01-01T00:00:00Z\n',
    '[odd]\naws_access_key_id = EXAMPLEKEY\naws_secret_access_key = s\n',
    ['odd:expired:aws_session_token,aws_session_expiration'],
  ],
  [
    'a multi-line token with its continuation lines, in the last section without a trailing newline',
    '[a]\nk = v\n[b]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_session_token = one\n  two\n\n  three\naws_secret_access_key = s',
    '[a]\nk = v\n[b]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n\naws_secret_access_key = s',
    ['b:long-term-key:aws_session_token'],
  ],
  [
    'the token is the very last line without a newline',
    '[b]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\naws_session_token = T',
    '[b]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n',
    ['b:long-term-key:aws_session_token'],
  ],
  [
    'nothing stale: a session without expiry, a token-less key, a token-only section',
    '[s]\naws_access_key_id = ASIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\naws_session_token = T\n[k]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n[t]\naws_session_token = T\n',
    '[s]\naws_access_key_id = ASIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\naws_session_token = T\n[k]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n[t]\naws_session_token = T\n',
    [],
  ],
  [
    'an unreadable expiry is not taken as expired',
    '[s]\naws_access_key_id = ASIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\naws_session_token = T\nexpiration = soon\n',
    '[s]\naws_access_key_id = ASIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\naws_session_token = T\nexpiration = soon\n',
    [],
  ],
];
for (const [name, input, expected, changes] of staleCases) {
  stale(name, () => {
    const r = dropStaleTokens(input, NOW);
    assert.fixture(r.text, expected);
    assert.equal(r.changes.map((c) => `${c.section}:${c.reason}:${c.removed.join(',')}`), changes);
    if (changes.length === 0) assert.is(r.text, input);
  });
}
stale('the change names section, line and masked key; never a secret', () => {
  const r = dropStaleTokens('# x\n[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = SECRET\naws_session_token = TOKEN\n', NOW);
  assert.equal(r.changes, [{ section: 'default', line: 2, reason: 'long-term-key', removed: ['aws_session_token'], keyId: 'AKIA…MPLE' }]);
});
stale.run();
