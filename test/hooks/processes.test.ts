// "No process starts at a prompt when nothing changed": each shell runs under strace
// (fork, clone, clone3, vfork, execve), and the prompts drawn for empty lines between two
// marker commands must show no process being started at all.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sandbox } from '../helpers/env.js';
import { requireTool, skip } from '../helpers/tools.js';
import { type HookShell, Session } from './term.js';

const SHELLS: HookShell[] = ['bash', 'zsh', 'fish', 'tcsh'];
const STARTS = /\b(execve|clone3?|fork|vfork)\(/;

function exportVar(shell: HookShell, name: string, value: string): string {
  if (shell === 'fish') return `set -gx ${name} ${value}`;
  if (shell === 'tcsh') return `setenv ${name} ${value}`;
  return `export ${name}=${value}`;
}

const t = suite('no process per prompt');
const hasTools = requireTool('tmux', 'shells are driven in tmux') && requireTool('strace', 'processes are counted with strace');

for (const shell of SHELLS) {
  t(`${shell}: prompts after \`awsenv use\` start no process`, async () => {
    if (!hasTools) return skip('tmux or strace is not installed');
    if (!requireTool(shell, `the ${shell} hook is tested in ${shell}`)) return;
    const box = sandbox();
    const trace = join(box.dir, 'trace');
    try {
      box.write('credentials', '[p]\naws_access_key_id = AKIAPROFILEP0000001\naws_secret_access_key = secret-one\n');
      const s = await Session.start(box, shell, {
        wrap: (argv) => ['strace', '-f', '-e', 'trace=execve,clone,clone3,fork,vfork', '-o', trace, ...argv],
      });
      try {
        await s.run('awsenv use p');
        // A session end ahead: each prompt now also reads the clock and shows the time left;
        // `use` exported AWSENV_WATCH, so each prompt also compares the key file's mtime.
        const expiry = await s.run(exportVar(shell, 'AWSENV_EXPIRY', String(Math.floor(Date.now() / 1000) + 7200)));
        assert.match(expiry.prompt, /^\(aws:p (2h|1h59m)\) \[0\] >$/);
        await s.run('/bin/true awsenv-trace-start');
        for (let i = 0; i < 3; i++) {
          const r = await s.run('');
          assert.is(r.output, '');
          assert.match(r.prompt, /^\(aws:p (2h|1h59m)\) \[0\] >$/);
        }
        await s.run('/bin/true awsenv-trace-end');
        const lines = await traced(trace, 'awsenv-trace-end');
        const start = lines.findIndex((l) => l.includes('"awsenv-trace-start"'));
        const end = lines.findIndex((l) => l.includes('"awsenv-trace-end"'));
        assert.ok(start >= 0 && end > start, 'both markers were traced');
        // Between the two markers: only the fork that starts the end marker itself.
        // A clone with CLONE_THREAD is a thread, not a process (fish highlights and suggests
        // on a pool of its own threads).
        const between = lines
          .slice(start + 1, end)
          .filter((l) => STARTS.test(l) && !l.includes('resumed>') && !l.includes('CLONE_THREAD'));
        assert.is(between.length, 1, `processes started at the prompts:\n${between.join('\n')}`);
        assert.not.match(between[0]!, /execve\(/);
      } finally {
        await s.kill();
      }
    } finally {
      box.cleanup();
    }
  });
}

/** The trace's lines once `marker` is in it (strace writes as it goes). */
async function traced(file: string, marker: string): Promise<string[]> {
  const deadline = Date.now() + 10000;
  for (;;) {
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (text.includes(marker)) return text.split('\n');
    if (Date.now() > deadline) throw new Error(`${marker} never reached the trace:\n${text.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

t.run();
