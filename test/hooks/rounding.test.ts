// One rounding of time left everywhere (issue 14, item 10): the prompt segment of each
// hook (its own duration function, run in the real shell) and the CLI's formatDuration
// (current, list, doctor) give the same text for the same number of seconds.
import { execFileSync } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatDuration } from '../../src/core/checks.js';
import { sandbox } from '../helpers/env.js';
import { findTool, requireTool } from '../helpers/tools.js';
import { writeHook } from './term.js';

const SECONDS = [1, 59, 60, 61, 119, 120, 121, 3599, 3600, 3601, 3660, 7199, 43200, 86399, 129600, 172799, 172800, 200000];
const CLI = SECONDS.map(formatDuration);

const t = suite('time left: the hooks round as the CLI does');

t('the CLI: whole units, rounded down', () => {
  assert.equal(CLI.slice(0, 9), ['1s', '59s', '1m', '1m', '1m', '2m', '2m', '59m', '1h']);
  assert.equal(CLI.slice(9), ['1h', '1h1m', '1h59m', '12h', '23h59m', '36h', '47h59m', '2d', '2d']);
});

const SCRIPTS: Record<string, (hook: string) => [string, string[]]> = {
  bash: (hook) => ['bash', ['--noprofile', '--norc', '-c', `source '${hook}'; for s in ${SECONDS.join(' ')}; do __awsenv_duration "$s"; echo "$__awsenv_d"; done`]],
  zsh: (hook) => ['zsh', ['-f', '-c', `source '${hook}'; for s in ${SECONDS.join(' ')}; do __awsenv_duration "$s"; echo "$REPLY"; done`]],
  fish: (hook) => ['fish', ['--no-config', '-c', `source '${hook}'; for s in ${SECONDS.join(' ')}; __awsenv_duration $s; end`]],
  // As the prompt runs it (eval of the alias; an alias does not run inside foreach).
  tcsh: (hook) => ['tcsh', ['-f', '-c', `source '${hook}'; ${SECONDS.map((s) => `set __awsenv_left = ${s}; eval __awsenv_duration; echo $__awsenv_d`).join('; ')}`]],
};

for (const [shell, script] of Object.entries(SCRIPTS)) {
  t(`the ${shell} hook's segment`, async () => {
    if (!requireTool(shell, `the ${shell} hook's rounding is run in ${shell}`)) return;
    const box = sandbox();
    try {
      const hook = await writeHook(box, shell as 'bash');
      const [bin, args] = script(hook);
      const out = execFileSync(findTool(bin)!, args, { env: { ...box.env, TERM: 'dumb' }, encoding: 'utf8' });
      assert.equal(out.trim().split('\n'), CLI);
    } finally {
      box.cleanup();
    }
  });
}

t.run();
