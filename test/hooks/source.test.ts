// Sourcing each rendered hook in its real shell under strict options prints nothing and fails
// nothing, and sourcing it again installs nothing twice (zoxide's test, for every shell).
import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, type Sandbox, sandbox } from '../helpers/env.js';
import { requireTool } from '../helpers/tools.js';
import { type HookShell, writeHook } from './term.js';

const MARK = '@@after-sourcing@@';

interface Result {
  /** What sourcing printed: must be nothing. */
  sourced: string;
  /** What the probe printed after the mark. */
  probe: string;
  stderr: string;
  exitCode: number;
}

/** Runs `argv` whose script sources the hook (twice) and then prints MARK and its probe. */
async function run(box: Sandbox, argv: string[], env: Record<string, string> = {}): Promise<Result> {
  const r = await execa(argv[0]!, argv.slice(1), { env: { ...box.env, ...env }, extendEnv: false, reject: false, stdin: 'ignore', cwd: box.dir });
  const out = String(r.stdout);
  const at = out.indexOf(MARK);
  return {
    sourced: at < 0 ? out : out.slice(0, at),
    probe: at < 0 ? '' : out.slice(at + MARK.length).trim(),
    stderr: String(r.stderr),
    exitCode: r.exitCode ?? -1,
  };
}

function count(text: string, word: string): number {
  return text.split(word).length - 1;
}

function check(r: Result, label: string): void {
  assert.is(r.stderr, '', `${label}: stderr`);
  assert.is(r.sourced, '', `${label}: sourcing printed something`);
  assert.is(r.exitCode, 0, `${label}: exit status`);
}

const t = suite('hooks sourced under strict options, twice');
let box: Sandbox;
const hooks: Partial<Record<HookShell, string>> = {};
t.before(async () => {
  box = sandbox();
  box.write('credentials', '[p]\naws_access_key_id = AKIAPROFILEP0000001\naws_secret_access_key = secret-one\n');
  for (const shell of ['bash', 'zsh', 'fish', 'tcsh'] as const) hooks[shell] = await writeHook(box, shell);
});
t.after(() => box.cleanup());

const BASH = ['bash', '--noprofile', '--norc', '-e', '-u', '-o', 'pipefail', '-c'];

t('bash: PROMPT_COMMAND unset, a string, or an array: the guard once, first', async () => {
  if (!requireTool('bash', 'the bash hook')) return;
  const cases: [string, string, RegExp][] = [
    ['unset', '', /^declare -- PROMPT_COMMAND="__awsenv_guard && :"$/],
    ['string', 'PROMPT_COMMAND="other_tool"', /^declare -- PROMPT_COMMAND="__awsenv_guard && :;other_tool"$/],
    ['array', 'PROMPT_COMMAND=(a_tool b_tool)', /^declare -a PROMPT_COMMAND=\(\[0\]="__awsenv_guard && :" \[1\]="a_tool" \[2\]="b_tool"\)$/],
    // bash-preexec joins entries with newlines; direnv's hook stays in front of the guard.
    ['newlines', "PROMPT_COMMAND=$'pre_cmd\\n__awsenv_guard && :\\npost_cmd'", /^declare -- PROMPT_COMMAND=\$'pre_cmd\\n__awsenv_guard && :\\npost_cmd'$/],
    ['direnv', 'PROMPT_COMMAND="_direnv_hook;other_tool"', /^declare -- PROMPT_COMMAND="_direnv_hook;__awsenv_guard && :;other_tool"$/],
  ];
  for (const [label, setup, expected] of cases) {
    const script = `${setup}\nsource "$1"\nsource "$1"\necho ${MARK}\ndeclare -p PROMPT_COMMAND`;
    const r = await run(box, [...BASH, script, 'bash', hooks.bash!]);
    check(r, label);
    assert.match(r.probe, expected, label);
  }
});

t('bash: AWSENV_PROMPT=1 puts the segment in PS1 once', async () => {
  if (!requireTool('bash', 'the bash hook')) return;
  const script = `PS1='> '\nAWSENV_PROMPT=1\nsource "$1"\nsource "$1"\necho ${MARK}\nprintf '%s' "$PS1"`;
  const r = await run(box, [...BASH, script, 'bash', hooks.bash!]);
  check(r, 'prompt');
  assert.is(r.probe, '${AWSENV_SEGMENT:+($AWSENV_SEGMENT) }>');
});

t('zsh: precmd_functions holds the guard once, first, and the prompt step last; PROMPT gets the segment once, by value', async () => {
  if (!requireTool('zsh', 'the zsh hook')) return;
  const script = `precmd_functions=(other_tool)\nPROMPT='> '\nAWSENV_PROMPT=1\nAWSENV_PROFILE=p\nsource "$1"\nsource "$1"\nprint -r -- ${MARK}\nprint -r -- "$precmd_functions|$PROMPT"`;
  const r = await run(box, ['zsh', '--no-rcs', '-e', '-u', '-c', script, 'zsh', hooks.zsh!]);
  check(r, 'zsh');
  assert.is(r.probe, '__awsenv_guard other_tool __awsenv_prompt_put|(aws:p) >');
});

t('fish: one fish_prompt handler; the prompt wrapped once', async () => {
  if (!requireTool('fish', 'the fish hook')) return;
  const script = `set -g AWSENV_PROMPT 1\nsource $argv[1]\nsource $argv[1]\necho ${MARK}\nfunctions --handlers-type generic\necho '|'\nfunctions __awsenv_fish_prompt_orig`;
  const r = await run(box, ['fish', '--no-config', '-c', script, hooks.fish!]);
  check(r, 'fish');
  const [handlers, orig] = r.probe.split('|');
  assert.is(count(handlers!, '__awsenv_guard'), 1, handlers);
  assert.is(count(orig!, '__awsenv_fish_prompt_orig'), 1, 'the saved prompt is the original, not the wrapper');
  assert.not.match(orig!, 'AWSENV_SEGMENT');
});

const TCSH_CASES: [string, string[], string, string][] = [
  ['no precmd', [], 'alias precmd', '__awsenv_guard'],
  ['a precmd of its own', ["alias precmd 'echo -n'"], 'alias precmd', '__awsenv_guard; echo -n'],
  // A precmd of several lines cannot be chained on one line: periodic holds the guard.
  ['a precmd of two lines', ["alias precmd 'set __a = 1\\", "set __b = 2'"], 'alias periodic; echo "|"; alias precmd', '__awsenv_guard\n|\nset __a = 1\nset __b = 2'],
];

for (const how of ['source', 'eval'] as const) {
  t(`tcsh (${how}): precmd holds the guard once, first`, async () => {
    if (!requireTool('tcsh', 'the tcsh hook')) return;
    for (const [label, setup, probe, expected] of TCSH_CASES) {
      const load = how === 'source' ? `source ${hooks.tcsh}` : `eval "\`cat ${hooks.tcsh}\`"`;
      const script = join(box.dir, 'probe.tcsh');
      writeFileSync(script, [...setup, load, load, `echo ${MARK}`, probe, ''].join('\n'));
      const r = await run(box, ['tcsh', '-f', script]);
      check(r, label);
      assert.is(r.probe, expected, label);
    }
  });
}

t('tcsh: AWSENV_PROMPT=1 puts the segment in $prompt once, as %$ (printed as it is)', async () => {
  if (!requireTool('tcsh', 'the tcsh hook')) return;
  const script = join(box.dir, 'prompt.tcsh');
  writeFileSync(script, [`set prompt = '> '`, 'set AWSENV_PROMPT = 1', `source ${hooks.tcsh}`, `source ${hooks.tcsh}`, `echo ${MARK}`, 'echo "$prompt"', ''].join('\n'));
  const r = await run(box, ['tcsh', '-f', script]);
  check(r, 'prompt');
  assert.is(r.probe, '%$__awsenv_prompt_segment>');
});

t('shellcheck: shell/awsenv.bash is clean at the style level', async () => {
  if (!requireTool('shellcheck', 'the bash hook is linted')) return;
  const r = await execa('shellcheck', ['-S', 'style', join(ROOT, 'shell/awsenv.bash')], { reject: false });
  assert.is(`${r.stdout}${r.stderr}`, '');
  assert.is(r.exitCode, 0);
});

t.run();
