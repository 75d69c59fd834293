// `eval "$(awsenv use P)"`, the way to use awsenv without the hook, typed in a shell that HAS
// the hook (an old habit, a script, the README's first example): the wrapper function then
// runs inside the command substitution, and used to apply the statements there (lost when it
// exits) and print nothing, so the credentials silently never arrived. Each shell's own
// idiom, in a real interactive shell in tmux: the credentials arrive in the shell itself, the
// prompt shows the profile and its time left as after a plain `awsenv use P`, the guard says
// nothing, a failure changes nothing and shows as a non-zero status; and plain `awsenv use P`,
// `awsenv use P > /dev/null` and a subshell on the terminal still apply.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Sandbox } from '../helpers/env.js';
import { PWSH } from '../helpers/shells.js';
import { requireTool, skip } from '../helpers/tools.js';
import { inSession, type Session, type TermShell } from './term.js';

const KEY = 'AKIAPROFILEP0000001';
const PROC_KEY = 'ASIAPROCESS00000001';
const CREDENTIALS = `[p]\naws_access_key_id = ${KEY}\naws_secret_access_key = secret-one\n`;

/** A credential_process profile whose session ends 2600 s from now (43m in the prompt, fewer minutes as the test goes on): temporary credentials with an expiry, and no STS. */
function prepare(box: Sandbox): void {
  box.write('credentials', CREDENTIALS);
  const expiration = new Date(Date.now() + 2600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const script = join(box.home, 'proc.sh');
  const json = JSON.stringify({ Version: 1, AccessKeyId: PROC_KEY, SecretAccessKey: 'proc-secret', SessionToken: 'proc-token', Expiration: expiration });
  writeFileSync(script, `#!/bin/sh\nprintf '%s' '${json}'\n`);
  chmodSync(script, 0o755);
  box.write('config', `[profile proc]\ncredential_process = ${script}\n`);
}

/** Each shell's ways to apply what `awsenv ARGS` prints, as a user without the hook would type them. */
const IDIOMS: Record<TermShell, ((command: string) => string)[]> = {
  bash: [(c) => `eval "$(${c})"`, (c) => `eval "\`${c}\`"`, (c) => `source <(${c})`],
  // (zsh runs `source <(…)` and `… | source /dev/stdin` as jobs of their own, which apply:
  // see the pipeline test below.)
  zsh: [(c) => `eval "$(${c})"`, (c) => `eval "\`${c}\`"`],
  fish: [(c) => `eval (${c})`, (c) => `${c} | source`],
  tcsh: [(c) => `eval "\`${c}\`"`],
  pwsh: [(c) => `Invoke-Expression (${c})`, (c) => `${c} | Invoke-Expression`, (c) => `${c} | Out-String | Invoke-Expression`],
};

/** The value of an environment variable in the session ('' when unset). */
async function env(s: Session, name: string): Promise<string> {
  const line = s.shell === 'pwsh' ? `$env:${name}` : s.shell === 'fish' ? `printenv ${name}; or true` : s.shell === 'tcsh' ? `printenv ${name}` : `printenv ${name} || :`;
  return (await s.run(line)).output.trim();
}

/** The segment with the time left in minutes (how many depends on how long the shell took to start). */
const SEGMENT = /^\(aws:proc [1-4]?\dm\) \[0\] >$/;

const hasTmux = requireTool('tmux', 'the eval-through-the-hook tests drive shells in tmux');

for (const shell of ['bash', 'zsh', 'fish', 'tcsh', 'pwsh'] as const) {
  const t = suite(`${shell} hook: eval of awsenv's output`);
  const run = async (body: (s: Session) => Promise<void>) => {
    if (!hasTmux) return skip('tmux is not installed');
    if (!requireTool(shell === 'pwsh' ? PWSH : shell, `the ${shell} hook is tested in ${shell}`)) return;
    await inSession(shell, {}, prepare, (s) => body(s));
  };

  t("each idiom of applying awsenv's output works with the hook loaded: success, failure, clear", () =>
    run(async (s) => {
      for (const idiom of IDIOMS[shell]) {
        const use = await s.run(idiom('awsenv use proc'));
        assert.is(use.output, '', `${idiom('…')}: nothing shown (the statements hold the secret)`);
        assert.match(use.prompt, SEGMENT, `${idiom('…')}: the prompt shows the profile and its time left`);
        assert.is(await env(s, 'AWS_ACCESS_KEY_ID'), PROC_KEY, idiom('…'));
        assert.is(await env(s, 'AWS_SECRET_ACCESS_KEY'), 'proc-secret');
        assert.is(await env(s, 'AWS_SESSION_TOKEN'), 'proc-token');
        assert.is(await env(s, 'AWS_PROFILE'), 'proc');
        // The guard takes it as its own: no notice, nothing dropped, at the next prompts.
        const next = await s.run('');
        assert.is(next.output, '');
        assert.match(next.prompt, SEGMENT);

        const failed = await s.run(idiom('awsenv use nosuch'));
        assert.match(failed.output, "awsenv: profile 'nosuch' not found", idiom('…'));
        assert.match(failed.prompt, /^\(aws:proc [1-4]?\dm\) \[1\] >$/, `${idiom('…')}: a failure shows as a non-zero status`);
        assert.is(await env(s, 'AWS_ACCESS_KEY_ID'), PROC_KEY, `${idiom('…')}: a failure changes nothing`);
        assert.is(await env(s, 'AWS_SESSION_TOKEN'), 'proc-token');

        const clear = await s.run(idiom('awsenv clear'));
        assert.is(clear.output, '');
        assert.match(clear.prompt, /^\[0\] >$/, `${idiom('…')}: clear`);
        assert.is(await env(s, 'AWS_ACCESS_KEY_ID'), '');
        assert.is(await env(s, 'AWS_SESSION_TOKEN'), '');
        assert.is(await env(s, 'AWSENV_PROFILE'), '');
      }
    }));

  t('plain `awsenv use p`, and with its output sent to the null device, still apply', () =>
    run(async (s) => {
      const plain = await s.run('awsenv use p');
      assert.is(plain.output, '');
      assert.is(plain.prompt, '(aws:p) [0] >');
      assert.is(await env(s, 'AWS_ACCESS_KEY_ID'), KEY);
      await s.run('awsenv clear');
      assert.is(await env(s, 'AWS_ACCESS_KEY_ID'), '');
      const quiet = await s.run(shell === 'pwsh' ? 'awsenv use p > $null' : 'awsenv use p > /dev/null');
      assert.is(quiet.output, '');
      assert.is(quiet.prompt, '(aws:p) [0] >');
      assert.is(await env(s, 'AWS_ACCESS_KEY_ID'), KEY);
      if (shell === 'pwsh') {
        await s.run('awsenv clear');
        await s.run('$null = awsenv use p');
        assert.is(await env(s, 'AWS_ACCESS_KEY_ID'), KEY, '$null = … is a way to silence, too');
      }
    }));

  t('in a subshell on the terminal or writing to a file, `awsenv use p` applies there', () =>
    run(async (s) => {
      // fish and PowerShell have no subshell: a block runs in the shell itself (fish's piped,
      // whose output cannot be told from a redirection), and applies there.
      const line: Record<TermShell, string> = {
        bash: '( awsenv use p; printenv AWS_ACCESS_KEY_ID )',
        zsh: '( awsenv use p; printenv AWS_ACCESS_KEY_ID )',
        tcsh: '( awsenv use p; printenv AWS_ACCESS_KEY_ID )',
        fish: 'begin; awsenv use p; printenv AWS_ACCESS_KEY_ID; end | cat',
        pwsh: '& { awsenv use p; $env:AWS_ACCESS_KEY_ID }',
      };
      const r = await s.run(line[shell]);
      assert.is(r.output, KEY);
      const inShell = shell === 'fish' || shell === 'pwsh' ? KEY : '';
      assert.is(await env(s, 'AWS_ACCESS_KEY_ID'), inShell, 'a subshell leaves the shell as it was; a block applies in it');
      if (shell === 'bash' || shell === 'zsh' || shell === 'tcsh') {
        // A log of a subshell gets what the commands print, never the statements (the secret).
        assert.is((await s.run('( awsenv use p; printenv AWS_ACCESS_KEY_ID ) > sub.log; cat sub.log')).output, KEY);
        assert.is(await env(s, 'AWS_ACCESS_KEY_ID'), '');
        // Nor a log at the end of a pipe: a pipeline element is a job of its own, which
        // applies (its stdout is a pipe, as a command substitution's is).
        const piped = shell === 'tcsh' ? '(awsenv use p; printenv AWS_ACCESS_KEY_ID) | tee pipe.log' : '{ awsenv use p; printenv AWS_ACCESS_KEY_ID; } | tee pipe.log';
        assert.is((await s.run(piped)).output, KEY, 'the commands after it get the credentials');
        const log = (await s.run('cat pipe.log')).output;
        assert.is(log, KEY, 'the log holds what the commands printed, no statement');
        assert.not.match(log, 'proc-secret');
        assert.is(await env(s, 'AWS_ACCESS_KEY_ID'), '');
        if (shell === 'zsh') {
          // zsh's own jobs: applied there and lost, as before the hook passed anything through.
          assert.is((await s.run('awsenv use p | source /dev/stdin; printenv AWS_ACCESS_KEY_ID || :')).output, '');
        }
      }
    }));

  if (shell === 'fish') {
    t('`eval (awsenv use p)` erases a universal copy of a variable it manages, as `awsenv use p` does', async () => {
      if (!hasTmux) return skip('tmux is not installed');
      if (!requireTool('fish', 'the fish hook is tested in fish')) return;
      // Without --no-config, under which fish keeps no universal variables (HOME, and so
      // ~/.config/fish, is the sandbox's).
      const o = { before: ['set -Ux AWS_SESSION_TOKEN stale'], wrap: (argv: string[]) => argv.filter((a) => a !== '--no-config') };
      // (A generated_completions directory, so that fish does not start its background
      // python that reads every man page, into the sandbox as it is being removed.)
      const withData = (box: Sandbox) => {
        prepare(box);
        mkdirSync(join(box.home, '.local/share/fish/generated_completions'), { recursive: true });
      };
      await inSession('fish', o, withData, async (s) => {
        assert.is((await s.run('set -qU AWS_SESSION_TOKEN; and echo universal; or echo none')).output, 'universal');
        assert.is(await env(s, 'AWS_SESSION_TOKEN'), 'stale');
        const r = await s.run('eval (awsenv use p)');
        assert.match(r.output, 'awsenv: erased the universal variable AWS_SESSION_TOKEN (set -U)', r.output);
        assert.is(await env(s, 'AWS_SESSION_TOKEN'), '');
        assert.is((await s.run('set -qU AWS_SESSION_TOKEN; and echo universal; or echo none')).output, 'none');
        assert.is(await env(s, 'AWS_ACCESS_KEY_ID'), KEY);
      });
    });
  }

  if (shell === 'pwsh') {
    t("`$s = awsenv use p` holds the statements, applied by nobody; a failure's is PowerShell's `throw`", () =>
      run(async (s) => {
        await s.run('$s = awsenv use p');
        assert.is(await env(s, 'AWS_ACCESS_KEY_ID'), '');
        assert.is((await s.run('$s.GetType().Name')).output.trim(), 'String');
        assert.is((await s.run(`$s -split "\`n" -clike '$env:AWS_PROFILE = *'`)).output.trim(), "$env:AWS_PROFILE = 'p'");
        await s.run('$f = awsenv use nosuch');
        assert.is((await s.run('"$LASTEXITCODE $f"')).output.trim(), "1 throw 'awsenv failed (its message is above); nothing was changed'");
      }));
  }

  t.run();
}
