// The hooks in real interactive shells, typed at through tmux: the prompt segment, and the
// guard that runs before each prompt (expiry, AWS_PROFILE switched, rotated keys), next to
// direnv and another prompt hook, keeping the last command's status.
import { execa } from 'execa';
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Sandbox } from '../helpers/env.js';
import { requireTool, skip } from '../helpers/tools.js';
import { type HookShell, inSession, type Session, type SessionOptions } from './term.js';

const SHELLS: HookShell[] = ['bash', 'zsh', 'fish', 'tcsh'];
const KEY1 = 'AKIAPROFILEP0000001';
const KEY2 = 'AKIAPROFILEP0000002';
const CREDENTIALS = `[p]\naws_access_key_id = ${KEY1}\naws_secret_access_key = secret-one\n\n[other]\naws_access_key_id = AKIAOTHER000000001\naws_secret_access_key = secret-other\n`;

/** The statement that exports NAME=VALUE, in each shell (VALUE is plain: no quoting needed). */
function exportVar(shell: HookShell, name: string, value: string): string {
  if (shell === 'fish') return `set -gx ${name} ${value}`;
  if (shell === 'tcsh') return `setenv ${name} ${value}`;
  return `export ${name}=${value}`;
}

const hasTmux = requireTool('tmux', 'the interactive hook tests drive shells in tmux');

async function withSession(shell: HookShell, o: SessionOptions, body: (s: Session, box: Sandbox) => Promise<void>, setup?: (box: Sandbox) => Promise<void> | void): Promise<void> {
  if (!hasTmux) return skip('tmux is not installed');
  if (!requireTool(shell, `the ${shell} hook is tested in ${shell}`)) return;
  await inSession(
    shell,
    o,
    async (box) => {
      box.write('credentials', CREDENTIALS);
      await setup?.(box);
    },
    body,
  );
}

/** `printenv NAME`: the value, or '' when unset (an external command in bash, zsh, fish; a builtin in tcsh). */
async function env(s: Session, name: string): Promise<string> {
  return (await s.run(`printenv ${name}`)).output.trim();
}

const now = () => Math.floor(Date.now() / 1000);

for (const shell of SHELLS) {
  const t = suite(`${shell} hook, interactive`);

  t('`awsenv use p` applies the profile and the prompt shows the segment', () =>
    withSession(shell, {}, async (s) => {
      const r = await s.run('awsenv use p');
      assert.is(r.output, '');
      assert.match(r.prompt, /^\(aws:p\) \[0\] >$/);
      assert.is(await env(s, 'AWS_ACCESS_KEY_ID'), KEY1);
      assert.is(await env(s, 'AWS_PROFILE'), 'p');
      // Time left, from the state variable: 2600 s is 43m, or 42m a few seconds on.
      const ahead = await s.run(exportVar(shell, 'AWSENV_EXPIRY', String(now() + 2600)));
      assert.match(ahead.prompt, /^\(aws:p 4[23]m\) \[0\] >$/);
    }));

  t('a session whose expiry passed is dropped at the next prompt, with a notice', () =>
    withSession(shell, {}, async (s) => {
      await s.run('awsenv use p');
      const r = await s.run(exportVar(shell, 'AWSENV_EXPIRY', String(now() - 5)));
      assert.match(r.output, "awsenv: the session of 'p' has expired and was removed; renew it with: awsenv use p");
      assert.match(r.prompt, /^\(aws:p expired\) \[0\] >$/);
      assert.is(await env(s, 'AWS_ACCESS_KEY_ID'), '');
      assert.is(await env(s, 'AWS_SECRET_ACCESS_KEY'), '');
      // Said once: the next prompts are quiet.
      assert.is((await s.run('')).output, '');
    }));

  t('exporting AWS_PROFILE=other drops the keys of p at the next prompt, with a notice', () =>
    withSession(shell, {}, async (s) => {
      await s.run('awsenv use p');
      const r = await s.run(exportVar(shell, 'AWS_PROFILE', 'other'));
      assert.match(r.output, "awsenv: AWS_PROFILE is now 'other': dropped the keys of 'p' so they do not shadow it; run: awsenv use other");
      assert.match(r.prompt, /^\[0\] >$/);
      assert.is(await env(s, 'AWS_ACCESS_KEY_ID'), '');
      assert.is(await env(s, 'AWSENV_PROFILE'), '');
      assert.is(await env(s, 'AWS_PROFILE'), 'other');
    }));

  t('keys rotated in the credentials file are picked up at the next prompt', () =>
    withSession(shell, {}, async (s, box) => {
      await s.run('awsenv use p');
      const stamp = await env(s, 'AWSENV_STAMP');
      assert.ok(existsSync(stamp), 'use leaves a stamp file');
      box.write('credentials', CREDENTIALS.replace(KEY1, KEY2));
      // fish and tcsh compare whole seconds: give the rewritten file a later second than
      // the stamp, as a rewrite a second or more after `use` would have.
      const later = Math.floor(statSync(stamp).mtimeMs / 1000) + 2;
      utimesSync(box.credentials, later, later);
      const r = await s.run('');
      assert.match(r.output, "awsenv: the credentials file changed; re-read profile 'p'");
      assert.is(await env(s, 'AWS_ACCESS_KEY_ID'), KEY2);
      assert.is((await s.run('')).output, '', 'read once');
    }));

  t('next to direnv and another prompt hook: all run, and the last status is kept', async () => {
    if (!requireTool('direnv', 'the hooks must coexist with direnv')) return;
    // Another tool's hook that records the status it saw, installed before awsenv; direnv's
    // after. direnv's tcsh hook replaces precmd instead of chaining: there it comes first, the
    // other hook chains in front of it, and awsenv in front of both.
    const o: Record<HookShell, SessionOptions> = {
      bash: { before: ['__other() { __other_saw=$?; }', 'PROMPT_COMMAND=__other'], after: ['eval "$(direnv hook bash)"'] },
      zsh: { before: ['__other() { __other_saw=$?; }', 'precmd_functions=(__other)'], after: ['eval "$(direnv hook zsh)"'] },
      fish: { before: ['function __other --on-event fish_prompt; set -g __other_saw $status; end'], after: ['direnv hook fish | source'] },
      tcsh: { before: ['eval `direnv hook tcsh`', 'alias precmd \'set __other_saw = $status; \'"`alias precmd`"'] },
    };
    await withSession(
      shell,
      o[shell],
      async (s, box) => {
        const f = await s.run('false');
        assert.match(f.prompt, /\[1\] >$/, 'the prompt shows the status of `false`');
        assert.is((await s.run('echo "saw=$__other_saw"')).output, 'saw=1', 'the other hook saw it too');
        await s.run(`cd ${join(box.dir, 'project')}`);
        assert.is(await env(s, 'DIRENV_SAYS'), 'hello', 'direnv loaded the .envrc');
        await s.run('awsenv use p');
        const r = await s.run(exportVar(shell, 'AWS_PROFILE', 'other'));
        assert.match(r.output, "AWS_PROFILE is now 'other'", 'the awsenv guard ran');
        const g = await s.run('false');
        assert.match(g.prompt, /^\[1\] >$/);
      },
      async (box) => {
        const project = join(box.dir, 'project');
        mkdirSync(project);
        writeFileSync(join(project, '.envrc'), 'export DIRENV_SAYS=hello\n');
        await execa('direnv', ['allow', project], { env: box.env, extendEnv: false });
      },
    );
  });

  t('an AWSENV_EXPIRY that is not a number is ignored, never evaluated', () =>
    withSession(shell, {}, async (s, box) => {
      await s.run('awsenv use p');
      // bash arithmetic evaluates a variable's value, subscripts and their $( ) included.
      const set = shell === 'fish' ? 'set -gx' : shell === 'tcsh' ? 'setenv' : 'export';
      const r = await s.run(`${set} AWSENV_EXPIRY${shell === 'bash' || shell === 'zsh' ? '=' : ' '}'a[$(touch CANARY)]'`);
      assert.is(r.output, '');
      assert.is(r.prompt, '(aws:p) [0] >');
      assert.is((await s.run('')).output, '');
      assert.is(await env(s, 'AWS_ACCESS_KEY_ID'), KEY1);
      assert.not.ok(existsSync(join(box.dir, 'CANARY')), 'the canary file was created');
    }));

  t('profile names show literally in the prompt and never run as prompt code', () =>
    withSession(
      shell,
      {},
      async (s, box) => {
        for (const name of ['$(touch CANARY)', '`touch CANARY2`', '%F{red}x%f', '\\$(touch CANARY3)']) {
          const r = await s.run(`awsenv use '${name}'`);
          assert.is(r.output, '', name);
          assert.is(r.prompt, `(aws:${name}) [0] >`);
          assert.is((await s.run('')).prompt, `(aws:${name}) [0] >`);
        }
        const canaries = [box.dir, box.home].flatMap((d) => readdirSync(d).filter((f) => f.startsWith('CANARY')));
        assert.equal(canaries, []);
      },
      (box) =>
        box.write(
          'credentials',
          ['$(touch CANARY)', '`touch CANARY2`', '%F{red}x%f', '\\$(touch CANARY3)']
            .map((n, i) => `[${n}]\naws_access_key_id = AKIAWEIRD00000000${i}\naws_secret_access_key = s${i}\n`)
            .join('\n'),
        ),
    ));

  t.run();
}
