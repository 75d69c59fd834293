// Completion: `awsenv complete profiles` (hidden), and the completion each hook registers:
// commands, then profile names (asked of the CLI on TAB only), then shells after `hook`.
import { execa } from 'execa';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { awsenv, ROOT, type Sandbox, sandbox } from '../helpers/env.js';
import { requireTool } from '../helpers/tools.js';
import { COMPLETION } from '../../src/commands/hook.js';
import { Session, writeHook } from './term.js';

const CONFIG = '[default]\nregion = eu-west-1\n\n[profile prod-admin]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = default\n';
const CREDENTIALS = '[default]\naws_access_key_id = AKIADEFAULT00000001\naws_secret_access_key = s\n\n[$(touch CANARY)]\naws_access_key_id = AKIAWEIRD000000001\naws_secret_access_key = s\n\n[dev ops]\naws_access_key_id = AKIASPACE000000001\naws_secret_access_key = s\n';

let box: Sandbox;
function fresh(): void {
  box = sandbox();
  box.write('config', CONFIG);
  box.write('credentials', CREDENTIALS);
}
function noCanary(): void {
  assert.equal([box.dir, box.home].flatMap((d) => readdirSync(d).filter((f) => f.startsWith('CANARY'))), []);
}

const cli = suite('awsenv complete');
cli.before.each(fresh);
cli.after.each(() => box.cleanup());

cli('`complete profiles` prints the names of both files, sorted, one a line', async () => {
  const r = await awsenv(['complete', 'profiles'], box.env);
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(r.stdout, '$(touch CANARY)\ndefault\ndev ops\nprod-admin\n');
  assert.is(r.stderr, '');
});

cli('it is hidden from --help, and refuses what it does not complete', async () => {
  const help = await awsenv(['--help'], box.env);
  assert.not.match(help.stdout, 'complete');
  const bad = await awsenv(['complete', 'regions'], box.env);
  assert.is(bad.exitCode, 2);
  assert.is(bad.stdout, '');
});

cli('`complete shown -- VALUE` (for the tcsh hook): VALUE escaped for a person, then quoted for tcsh and escaped', async () => {
  const r = await awsenv(['complete', 'shown', '--', "-t\x1b]0;x\x07 it's!"], box.env);
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(r.stdout, "-t\\e]0;x\\x07 it's!\n'-t\\e]0;x\\x07 it'\\''s'\\!\n");
  const plain = await awsenv(['complete', 'shown', 'dev'], box.env);
  assert.is(plain.stdout, "dev\n'dev'\n");
});

cli('the completion table has every command --help lists, and only options their --help lists; every hook has it rendered in', async () => {
  const help = await awsenv(['--help'], box.env);
  const commands = [...help.stdout.matchAll(/^ {2}awsenv (\w+)/gm)].map((m) => m[1]!);
  assert.ok(commands.length >= 8, help.stdout);
  assert.equal(Object.keys(COMPLETION).sort(), [...commands].sort());
  for (const [command, options] of Object.entries(COMPLETION)) {
    const h = await awsenv([command, '--help'], box.env);
    const text = h.stdout + h.stderr;
    for (const o of options) assert.match(text, new RegExp(`${o.replace(/^--no-/, '--(no-)?')}\\b`), `${command} --help does not list ${o}`);
  }
  for (const shell of ['bash', 'zsh', 'fish', 'tcsh', 'pwsh'] as const) {
    const text = (await awsenv(['hook', shell], box.env)).stdout;
    assert.not.match(text, /@AWSENV_(COMPLETION|COMMANDS)@/, `${shell}: a placeholder left`);
    for (const c of commands) assert.match(text, new RegExp(`\\b${c}\\b`), `${shell} does not complete ${c}`);
    if (shell !== 'tcsh') assert.match(text, shell === 'fish' ? "-l 'mfa-code'" : '--mfa-code', `${shell}: no options`);
  }
});
cli.run();

const bash = suite('bash completion');
bash.before.each(fresh);
bash.after.each(() => box.cleanup());

async function bashComplete(words: string[]): Promise<string[]> {
  const hook = await writeHook(box, 'bash');
  const script = 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); __awsenv_complete; printf "%s\\n" "${COMPREPLY[@]}"';
  const r = await execa('bash', ['--noprofile', '--norc', '-e', '-u', '-c', script, 'bash', hook, ...words], { env: box.env, extendEnv: false, cwd: box.dir });
  return r.stdout === '' ? [] : r.stdout.split('\n');
}

bash('commands, profile names (quoted for the line), shells', async () => {
  if (!requireTool('bash', 'bash completion')) return;
  assert.equal(await bashComplete(['awsenv', 'c']), ['clear', 'current']);
  assert.equal(await bashComplete(['awsenv', 'use', 'pr']), ['prod-admin']);
  assert.equal(await bashComplete(['awsenv', 'export', 'de']), ['default', 'dev\\ ops']);
  assert.equal(await bashComplete(['awsenv', 'use', '$']), ['\\$\\(touch\\ CANARY\\)']);
  assert.equal(await bashComplete(['awsenv', 'hook', 'z']), ['zsh']);
  assert.equal(await bashComplete(['awsenv', 'ro']), ['rotate']);
  assert.equal(await bashComplete(['awsenv', 'rotate', 'pr']), ['prod-admin']);
  assert.equal(await bashComplete(['awsenv', 'list', '']), []);
  assert.equal(await bashComplete(['awsenv', 'use', '--mf']), ['--mfa-code']);
  assert.equal(await bashComplete(['awsenv', 'setup', '--u']), ['--uninstall']);
  assert.equal(await bashComplete(['awsenv', 'se']), ['setup']);
  noCanary();
});
bash.run();

const fish = suite('fish completion');
fish.before.each(fresh);
fish.after.each(() => box.cleanup());

async function fishComplete(line: string): Promise<string[]> {
  const hook = await writeHook(box, 'fish');
  const r = await execa('fish', ['--no-config', '-c', 'source $argv[1]; source $argv[1]; complete -C $argv[2]', hook, line], { env: box.env, extendEnv: false, cwd: box.dir });
  return r.stdout === '' ? [] : r.stdout.split('\n').map((l) => l.split('\t')[0]!);
}

fish('commands, profile names, shells (sourced twice: listed once)', async () => {
  if (!requireTool('fish', 'fish completion')) return;
  assert.equal(await fishComplete('awsenv c'), ['clear', 'current']);
  assert.equal(await fishComplete('awsenv use pr'), ['prod-admin']);
  assert.equal(await fishComplete('awsenv exec de'), ['default', 'dev ops']);
  assert.equal(await fishComplete("awsenv use '$(t"), ['$(touch CANARY)']);
  assert.equal(await fishComplete('awsenv hook f'), ['fish']);
  assert.equal(await fishComplete('awsenv rotate pr'), ['prod-admin']);
  assert.equal(await fishComplete('awsenv use --mf'), ['--mfa-code']);
  assert.equal(await fishComplete('awsenv clear --st'), ['--stale-tokens']);
  noCanary();
});
fish.run();

// zsh and tcsh complete only in an interactive line editor: TAB pressed in tmux.
const tab = suite('zsh and tcsh completion, on TAB');
tab.before.each(fresh);
tab.after.each(() => box.cleanup());

for (const shell of ['zsh', 'tcsh'] as const) {
  tab(`${shell}: a unique profile name and a command complete on TAB`, async () => {
    if (!requireTool('tmux', 'TAB is pressed in tmux') || !requireTool(shell, `${shell} completion`)) return;
    const before = shell === 'zsh' ? ['autoload -Uz compinit', `compinit -u -d '${join(box.dir, 'zcompdump')}'`] : [];
    const s = await Session.start(box, shell, { before });
    try {
      s.type('awsenv use pr');
      s.key('Tab');
      await s.waitFor((text) => /> awsenv use prod-admin ?$/.test(text.split('\n').at(-1)!));
      s.key('C-u');
      s.type('awsenv cur');
      s.key('Tab');
      await s.waitFor((text) => /> awsenv current ?$/.test(text.split('\n').at(-1)!));
      s.key('C-u');
      s.type('awsenv hook tc');
      s.key('Tab');
      await s.waitFor((text) => /> awsenv hook tcsh ?$/.test(text.split('\n').at(-1)!));
      if (shell === 'zsh') {
        s.key('C-u');
        s.type('awsenv use --mf');
        s.key('Tab');
        await s.waitFor((text) => /> awsenv use --mfa-code ?$/.test(text.split('\n').at(-1)!));
      }
      noCanary();
    } finally {
      await s.kill();
    }
  });
}
tab.run();
