// The prompt guard skips its full check while nothing it reads has changed (issue 15): each
// hook keeps what the check left and the next second its result depends on. These tests
// show, in the real shells, that the skipped check still notices every change: a variable
// exported by hand, the segment overwritten, the minute of the time left rolling over, the
// clock reaching the expiry and the renewal window with nothing else changing, and a nested
// shell, which inherits the environment but not the memo.
import { execFileSync } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatDuration } from '../../src/core/checks.js';
import { type Sandbox, sandbox } from '../helpers/env.js';
import { findTool, requireTool, skip } from '../helpers/tools.js';
import { type HookShell, inSession, type Session, writeHook } from './term.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];
const CREDENTIALS = '[p]\naws_access_key_id = AKIAPROFILEP0000001\naws_secret_access_key = secret-one\n\n[other]\naws_access_key_id = AKIAOTHER000000001\naws_secret_access_key = secret-other\n';
const now = () => Math.floor(Date.now() / 1000);

function exportVar(shell: Shell, name: string, value: string): string {
  return shell === 'fish' ? `set -gx ${name} ${value}` : `export ${name}=${value}`;
}

const t = suite('the prompt guard skips only what would change nothing');

// --- when the segment's text changes next: the second the hooks wait for

const LEFT = [1, 2, 59, 60, 61, 119, 120, 121, 299, 300, 301, 3599, 3600, 3601, 3659, 3660, 86399, 172799, 172800, 172859, 200000];

/** For each number of seconds left: the segment, the second it was read at and the second it is due again
 * (it reads the clock itself, so nothing here depends on how long the shell takes). */
function segmentScript(shell: Shell, hook: string, expiries: number[]): [string, string[]] {
  switch (shell) {
    case 'bash':
      return ['bash', ['--noprofile', '--norc', '-c', `source '${hook}'; AWSENV_PROFILE=p; for e in ${expiries.join(' ')}; do AWSENV_EXPIRY=$e; __awsenv_segment_update; echo "$AWSENV_SEGMENT|$__awsenv_seg_at|$__awsenv_seg_until"; done`]];
    case 'zsh':
      return ['zsh', ['-f', '-c', `source '${hook}'; AWSENV_PROFILE=p; for e in ${expiries.join(' ')}; do AWSENV_EXPIRY=$e; __awsenv_segment_update; echo "$AWSENV_SEGMENT|$__awsenv_seg_at|$__awsenv_seg_until"; done`]];
    case 'fish':
      return ['fish', ['--no-config', '-c', `source '${hook}'; set -g AWSENV_PROFILE p; for e in ${expiries.join(' ')}; set -g AWSENV_EXPIRY $e; __awsenv_segment_update; echo "$AWSENV_SEGMENT|$__awsenv_seg_at|$__awsenv_seg_until"; end`]];
  }
}

for (const shell of SHELLS) {
  t(`${shell}: the segment holds until the second it names, and changes then`, async () => {
    if (!requireTool(shell, `the ${shell} hook is run in ${shell}`)) return;
    const box = sandbox();
    try {
      const hook = await writeHook(box, shell);
      const base = now();
      const expiries = LEFT.map((s) => base + s);
      const [bin, args] = segmentScript(shell, hook, expiries);
      const lines = execFileSync(findTool(bin)!, args, { env: { ...box.env, TERM: 'dumb' }, encoding: 'utf8' }).trim().split('\n');
      assert.is(lines.length, expiries.length);
      lines.forEach((line, i) => {
        const [segment, at, until] = line.split('|');
        const expiry = expiries[i]!;
        const left = expiry - Number(at);
        const text = (s: number) => (s <= 0 ? 'expired' : formatDuration(s));
        assert.ok(left > 0 && left <= LEFT[i]!, `${line}: read at a second before the end`);
        assert.is(segment, `aws:p ${text(left)}`, line);
        const due = Number(until);
        assert.ok(due > Number(at), `${line}: due after it was read`);
        assert.is(text(expiry - (due - 1)), text(left), `${line}: the same text until the second before`);
        // Exactly when it changes; days (the text of two days and more) are checked each minute.
        if (left < 172800) assert.is.not(text(expiry - due), text(left), `${line}: another text at that second`);
        else assert.ok(due - Number(at) <= 60, `${line}: checked again within a minute`);
      });
    } finally {
      box.cleanup();
    }
  });
}

// --- in a real interactive shell

/** Enter, again and again, until the prompt (and what came before it) passes `ready`. */
async function promptUntil(s: Session, ready: (r: { output: string; prompt: string }) => boolean, what: string, timeoutMs = 30000): Promise<{ output: string; prompt: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await s.run('');
    if (ready(r)) return r;
    if (Date.now() > deadline) throw new Error(`${s.shell}: no prompt showed ${what}; the last: ${JSON.stringify(r)}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

async function env(s: Session, name: string): Promise<string> {
  return (await s.run(s.shell === 'fish' ? `printenv ${name}; or true` : `printenv ${name} || :`)).output.trim();
}

async function withSession(shell: Shell, o: { prompt?: boolean }, body: (s: Session, box: Sandbox) => Promise<void>): Promise<void> {
  if (!requireTool('tmux', 'shells are driven in tmux')) return skip('tmux is not installed');
  if (!requireTool(shell, `the ${shell} hook is tried in ${shell}`)) return;
  await inSession(shell as HookShell, o, (box) => box.write('credentials', CREDENTIALS), body);
}

for (const shell of SHELLS) {
  t(`${shell}: hand-set variables, the minute rolling over, the expiry and the renewal window reached by the clock alone`, () =>
    withSession(shell, {}, async (s) => {
      await s.run('awsenv use p');
      // An expiry exported by hand, then another: each shown at the next prompt.
      assert.match((await s.run(exportVar(shell, 'AWSENV_EXPIRY', String(now() + 7200)))).prompt, /^\(aws:p (2h|1h59m)\) \[0\] >$/);
      assert.match((await s.run(exportVar(shell, 'AWSENV_EXPIRY', String(now() + 600)))).prompt, /^\(aws:p (10m|9m)\) \[0\] >$/);

      // The segment overwritten by hand: put right at the next prompt.
      await s.run(shell === 'fish' ? 'set -g AWSENV_SEGMENT junk' : 'AWSENV_SEGMENT=junk');
      assert.match((await s.run('echo "seg=$AWSENV_SEGMENT"')).output, /^seg=aws:p (10m|9m)$/m);

      // The minute rolls over while nothing changes: only Enter is pressed.
      const first = await s.run(exportVar(shell, 'AWSENV_EXPIRY', String(now() + 65)));
      assert.match(first.prompt, /^\(aws:p 1m\) \[0\] >$/, 'a minute and some seconds left');
      await promptUntil(s, (r) => /^\(aws:p \d+s\) \[0\] >$/.test(r.prompt), 'the seconds left under a minute');

      // The end reached while nothing changes: dropped, with the notice.
      await s.run(exportVar(shell, 'AWSENV_EXPIRY', String(now() + 3)));
      const gone = await promptUntil(s, (r) => r.output.includes('has expired and was removed'), 'the expiry notice');
      assert.match(gone.output, "awsenv: the session of 'p' has expired and was removed; renew it with: awsenv use p");
      assert.match(gone.prompt, /^\(aws:p expired\) \[0\] >$/);
      assert.is(await env(s, 'AWS_ACCESS_KEY_ID'), '');

      // The renewal window (five minutes before the end) reached while nothing changes:
      // `awsenv use p` runs (static keys: no end any more).
      await s.run('awsenv use p');
      await s.run(exportVar(shell, 'AWSENV_AUTO_REFRESH', '1'));
      const before = await s.run(exportVar(shell, 'AWSENV_EXPIRY', String(now() + 303)));
      // (Renewed at once if the shell took more than three seconds to get there.)
      assert.match(before.prompt, /^\(aws:p( 5m)?\) \[0\] >$/);
      if (before.prompt.includes('5m')) await promptUntil(s, (r) => /^\(aws:p\) \[0\] >$/.test(r.prompt), 'the renewed profile');
      assert.is(await env(s, 'AWSENV_EXPIRY'), '');
      assert.is(await env(s, 'AWS_ACCESS_KEY_ID'), 'AKIAPROFILEP0000001');
    }),
  );

  t(`${shell}: without the segment in the prompt, the end reached by the clock alone`, () =>
    withSession(shell, { prompt: false }, async (s) => {
      await s.run('awsenv use p');
      await s.run(exportVar(shell, 'AWSENV_EXPIRY', String(now() + 3)));
      const gone = await promptUntil(s, (r) => r.output.includes('has expired and was removed'), 'the expiry notice');
      assert.match(gone.output, "awsenv: the session of 'p' has expired and was removed");
      assert.is(await env(s, 'AWS_SECRET_ACCESS_KEY'), '');
    }),
  );

  t(`${shell}: a nested shell inherits the environment, not the memo: its first prompt checks`, () =>
    withSession(shell, {}, async (s) => {
      await s.run('awsenv use p');
      const inner =
        shell === 'bash'
          ? `AWS_PROFILE=other bash --noprofile --rcfile ${s.rcPath} -i`
          : shell === 'zsh'
            ? 'AWS_PROFILE=other zsh --no-globalrcs -i'
            : `AWS_PROFILE=other fish --no-config -i -C 'source ${s.rcPath}'`;
      const r = await s.run(inner);
      assert.match(r.output, "awsenv: AWS_PROFILE is now 'other': dropped the keys of 'p'");
      assert.is(await env(s, 'AWS_ACCESS_KEY_ID'), '');
      const out = await s.run('exit');
      assert.match(out.prompt, /^\(aws:p\) \[0\] >$/, 'the outer shell still has p');
      assert.is(await env(s, 'AWS_ACCESS_KEY_ID'), 'AKIAPROFILEP0000001');
    }),
  );
}

t.run();
