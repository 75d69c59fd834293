// yargs' usage errors in awsenv's words, through the built CLI: an unknown command or option
// with the nearest known one, a stray word as what it is, and a command's help without the
// program's --version.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { explainUsage } from '../src/cli.js';
import { awsenv, sandbox } from './helpers/env.js';

const COMMANDS = ['use', 'clear', 'list', 'current', 'export', 'exec', 'doctor', 'hook'];
const unit = suite('explainUsage');
unit('an unknown command, with the nearest one when there is one', () => {
  assert.is(explainUsage('Unknown argument: lst', ['lst'], COMMANDS, []), "unknown command 'lst'; did you mean 'list'?");
  assert.is(explainUsage('Unknown arguments: uze, admin', ['uze', 'admin'], COMMANDS, []), "unknown command 'uze'; did you mean 'use'?");
  assert.is(explainUsage('Unknown argument: frobnicate', ['frobnicate'], COMMANDS, []), "unknown command 'frobnicate'; `awsenv --help` lists the commands");
});
unit('an unknown option, with the nearest of the command', () => {
  const opts = ['help', 'version', 'shell', 'mfa-code', 'mfaCode', 'refresh'];
  assert.is(explainUsage('Unknown argument: shel', ['use', 'a', '--shel', 'bash'], COMMANDS, opts), "unknown option '--shel'; did you mean '--shell'?");
  assert.is(explainUsage('Unknown argument: mfa-cod', ['use', 'a', '--mfa-cod=1'], COMMANDS, opts), "unknown option '--mfa-cod'; did you mean '--mfa-code'?");
  assert.is(explainUsage('Unknown argument: zzzzzz', ['use', 'a', '--zzzzzz'], COMMANDS, opts), "unknown option '--zzzzzz'; see `awsenv use --help`");
});
unit('a stray word; an all-digit one (an MFA code typed without --mfa-code) is not shown', () => {
  assert.is(explainUsage('Unknown argument: extra', ['list', 'extra'], COMMANDS, []), "unexpected argument 'extra'; see `awsenv list --help`");
  const m = explainUsage('Unknown argument: 924673', ['use', 'a', '924673'], COMMANDS, []);
  assert.not.match(m, '924673');
  assert.match(m, 'an MFA code goes after --mfa-code');
  assert.is(explainUsage('Not enough arguments following: shell', ['use', '--shell'], COMMANDS, []), 'Not enough arguments following: shell');
});

const cli = suite('usage errors from the built CLI');
cli('exit 2, one line on stderr, nothing on stdout but use\'s failing statement', async () => {
  const box = sandbox();
  try {
    for (const [args, message] of [
      [['lst'], "awsenv: unknown command 'lst'; did you mean 'list'?\n"],
      [['uze', 'admin'], "awsenv: unknown command 'uze'; did you mean 'use'?\n"],
      [['use', 'admin', '--shel', 'bash'], "awsenv: unknown option '--shel'; did you mean '--shell'?\n"],
      [['doctor', '--ofline'], "awsenv: unknown option '--ofline'; did you mean '--offline'?\n"],
      [['use'], 'awsenv: name a profile; `awsenv list` shows them\n'],
    ] as const) {
      const r = await awsenv([...args], box.env);
      assert.is(r.stderr, message, args.join(' '));
      // use's stdout is eval'd: on failure it holds one failing statement (CONTRACT.md).
      assert.is(r.stdout, args[0] === 'use' ? 'false\n' : '', args.join(' '));
      assert.is(r.exitCode, 2, args.join(' '));
    }
  } finally {
    box.cleanup();
  }
});
cli("a command's help shows its own options, not the program's --version", async () => {
  const box = sandbox();
  try {
    for (const command of ['use', 'list', 'doctor']) {
      const r = await awsenv([command, '--help'], box.env);
      const help = r.stdout + r.stderr;
      assert.match(help, `awsenv ${command}`);
      assert.match(help, '--help');
      assert.not.match(help, '--version', command);
    }
    assert.match((await awsenv(['--help'], box.env)).stdout, '--version', 'the program help keeps it');
  } finally {
    box.cleanup();
  }
});

unit.run();
cli.run();
