import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cmd, CMD_LINE_MAX } from '../../src/shells/cmd.js';

const lines = suite('cmd lines');
const table: [string, string][] = [
  ['a&b|c%PATH%"^!', 'AWS_SECRET_ACCESS_KEY=a&b|c%PATH%"^!'],
  ['x=y==z', 'AWS_SECRET_ACCESS_KEY=x=y==z'],
  ['é 日本 😀', 'AWS_SECRET_ACCESS_KEY=é 日本 😀'],
];
for (const [value, line] of table) {
  lines(`writes ${JSON.stringify(value)} as data`, () => assert.is(cmd.set('AWS_SECRET_ACCESS_KEY', value), line));
}
lines('unsets with an empty value', () => assert.is(cmd.unset('AWS_SESSION_TOKEN'), 'AWS_SESSION_TOKEN='));

const refuses = (value: string) => () =>
  assert.throws(
    () => cmd.set('AWS_SESSION_TOKEN', value),
    (e: Error) => e.message.includes('AWS_SESSION_TOKEN') && !e.message.includes('SECRET'),
  );
lines('refuses LF, CR, a leading = and empty, naming the variable only', () => {
  for (const value of ['SECRET\nx', 'SECRET\rx', '=SECRET', '']) refuses(value)();
});
// Found by the fuzz test in Wine: `for /f` stops reading at Ctrl-Z, so the lines after it
// (the rest of the profile) were never set.
lines('refuses Ctrl-Z (0x1A), naming the variable only', () => {
  for (const value of ['SECRET\x1a', '\x1aSECRET', 'SE\x1aCRET']) refuses(value)();
});
// Found by the fuzz test in Wine: FOR variables are substituted again inside a value, so
// `%A` arrived as the variable's name and `%B` crashed cmd (every later line lost).
lines("refuses a reference to the loops' FOR variables (%A %B, %a %b, with ~modifiers)", () => {
  for (const value of ['SECRET%A', 'SECRET%B', 'SECRET%a', 'SECRET%~b', 'SECRET%~nxA', 'SECRET%~$PATH:B', 'SECRET%%A', 'SECRET%~dpa']) refuses(value)();
});
lines('takes other percent sequences as data', () => {
  for (const value of ['%PATH%', '%%', '%~dp0', '%C', '%1', '%*', '%~$PATH:C', '100%']) assert.is(cmd.set('AWS_SESSION_TOKEN', value), `AWS_SESSION_TOKEN=${value}`);
});

// Found in Wine: `for /f` stops at a line over 8191 bytes, after setting the lines before it.
const fits = (name: string) => CMD_LINE_MAX - name.length - 1;
lines('takes a line of exactly CMD_LINE_MAX bytes', () => {
  const value = 'x'.repeat(fits('AWS_SESSION_TOKEN'));
  assert.is(cmd.set('AWS_SESSION_TOKEN', value).length, CMD_LINE_MAX);
});
lines('refuses a line one byte longer, naming the variable only', refuses(`SECRET${'x'.repeat(fits('AWS_SESSION_TOKEN') - 5)}`));
lines('counts UTF-8 bytes, not characters', refuses(`SECRET${'é'.repeat(fits('AWS_SESSION_TOKEN') / 2)}`));
lines('refuses an 8 KB token', refuses(`SECRET${'x'.repeat(8192)}`));
lines.run();
