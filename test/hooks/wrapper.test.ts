// The `awsenv` wrapper of each hook, in a script of its shell: what `use`/`clear` print is
// applied only on success, help is only printed, and other commands run as they are (their
// output, pipes and redirections included).
import { execa } from 'execa';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CLI, type Sandbox, sandbox } from '../helpers/env.js';
import { requireTool } from '../helpers/tools.js';
import { type HookShell, writeHook } from './term.js';

const KEY = 'AKIAPROFILEP0000001';

/** Each shell's spelling of: the last status, "run A or else B", and how to run a script. */
const SYNTAX: Record<HookShell, { status: string; or: string; argv: (script: string) => string[]; source: string }> = {
  bash: { status: '$?', or: '||', argv: (f) => ['bash', '--noprofile', '--norc', '-u', f], source: 'source' },
  zsh: { status: '$?', or: '||', argv: (f) => ['zsh', '--no-rcs', '-u', f], source: 'source' },
  fish: { status: '$status', or: '; or', argv: (f) => ['fish', '--no-config', f], source: 'source' },
  tcsh: { status: '$status', or: '||', argv: (f) => ['tcsh', '-f', f], source: 'source' },
};

async function runScript(box: Sandbox, shell: HookShell, lines: string[]): Promise<{ stdout: string; stderr: string }> {
  const { status, or, argv, source } = SYNTAX[shell];
  const hook = await writeHook(box, shell);
  const text = [`${source} ${hook}`, ...lines]
    .map((l) => l.replaceAll('$STATUS', status).replaceAll(' || ', ` ${or} `))
    .join('\n');
  const file = join(box.dir, `script.${shell}`);
  writeFileSync(file, `${text}\n`);
  const r = await execa(argv(file)[0]!, argv(file).slice(1), { env: box.env, extendEnv: false, reject: false, stdin: 'ignore', cwd: box.dir, stripFinalNewline: false });
  return { stdout: String(r.stdout), stderr: String(r.stderr) };
}

for (const shell of ['bash', 'zsh', 'fish', 'tcsh'] as const) {
  const t = suite(`${shell} wrapper`);
  let box: Sandbox;
  t.before.each(() => {
    box = sandbox();
    box.write('credentials', `[p]\naws_access_key_id = ${KEY}\naws_secret_access_key = secret-one\n`);
  });
  t.after.each(() => box.cleanup());

  t('a failing `awsenv use nope` applies nothing and returns 1', async () => {
    if (!requireTool(shell, `the ${shell} hook`)) return;
    const r = await runScript(box, shell, [
      'awsenv use p',
      'echo "use:$STATUS"',
      'awsenv use nope',
      'echo "nope:$STATUS"',
      'printenv AWS_ACCESS_KEY_ID',
      'printenv AWS_PROFILE',
      'awsenv use nope && echo "and: ran"',
      'echo end',
    ]);
    assert.is(r.stdout, `use:0\nnope:1\n${KEY}\np\nend\n`);
    assert.match(r.stderr, "awsenv: profile 'nope' not found");
  });

  t("a profile whose name starts with > or < is a profile, not a redirection; a real one still is one", async () => {
    if (!requireTool(shell, `the ${shell} hook`)) return;
    box.write('credentials', `[p]\naws_access_key_id = ${KEY}\naws_secret_access_key = secret-one\n[>odd]\naws_access_key_id = AKIAODDNAME00000001\naws_secret_access_key = s\n[<odd]\naws_access_key_id = AKIAODDNAME00000002\naws_secret_access_key = s\n`);
    const r = await runScript(box, shell, [
      "awsenv use '>odd'",
      'echo "gt:$STATUS"',
      'printenv AWS_ACCESS_KEY_ID',
      "awsenv use '<odd'",
      'echo "lt:$STATUS"',
      'printenv AWS_ACCESS_KEY_ID',
      'awsenv use p > /dev/null',
      'echo "redirected:$STATUS"',
      'printenv AWS_ACCESS_KEY_ID',
    ]);
    assert.is(r.stdout, `gt:0\nAKIAODDNAME00000001\nlt:0\nAKIAODDNAME00000002\nredirected:0\n${KEY}\n`);
    assert.is(r.stderr, '');
  });

  t('`awsenv clear` drops what `use` set', async () => {
    if (!requireTool(shell, `the ${shell} hook`)) return;
    const r = await runScript(box, shell, ['awsenv use p', 'awsenv clear', 'echo "clear:$STATUS"', 'printenv AWS_ACCESS_KEY_ID || echo no-key', 'printenv AWSENV_PROFILE || echo no-state']);
    assert.is(r.stdout, 'clear:0\nno-key\nno-state\n');
    assert.is(r.stderr, '');
  });

  t('`awsenv use --help` prints help (on stderr: stdout of use is eval\'d) and applies nothing', async () => {
    if (!requireTool(shell, `the ${shell} hook`)) return;
    const r = await runScript(box, shell, ['awsenv use p --help', 'echo "help:$STATUS"', 'printenv AWS_PROFILE || echo no-profile']);
    assert.match(r.stderr, /^awsenv use \[profile\]\n/);
    assert.match(r.stderr, 'print the statements that make this shell match PROFILE');
    assert.is(r.stdout, 'help:0\nno-profile\n');
  });

  t('in a command substitution, `use` and `clear` print what the CLI prints, byte for byte, with its status, and apply nothing', async () => {
    if (!requireTool(shell, `the ${shell} hook`)) return;
    // What the CLI prints without the hook, in this shell's dialect (as the hook would ask for it).
    const cli = (args: string, file: string) => `env AWSENV_SHELL=${shell} node ${CLI} ${args} > ${file}`;
    // The same through the wrapper in a command substitution (tcsh: a subshell piped on; its
    // `anyerror` makes the pipe's status the failing command's), lines printed again.
    const sub = (args: string, file: string) =>
      shell === 'tcsh'
        ? `set anyerror; (awsenv ${args}) | cat > ${file}; echo "${file}:$status"`
        : shell === 'fish'
          ? `set out (awsenv ${args}); set st $status; printf '%s\\n' $out > ${file}; echo "${file}:$st"`
          : `out=$(awsenv ${args}); st=$?; printf '%s\\n' "$out" > ${file}; echo "${file}:$st"`;
    const r = await runScript(box, shell, [
      cli('use p', 'use.cli'),
      sub('use p', 'use.hook'),
      cli('use nope', 'nope.cli'),
      sub('use nope', 'nope.hook'),
      cli('clear', 'clear.cli'),
      sub('clear', 'clear.hook'),
      'printenv AWS_PROFILE || echo no-profile',
    ]);
    assert.is(r.stdout, 'use.hook:0\nnope.hook:1\nclear.hook:0\nno-profile\n');
    const read = (f: string) => readFileSync(join(box.dir, f), 'utf8');
    assert.match(read('use.cli'), `'${KEY}'`, 'the CLI printed the statements');
    for (const name of ['use', 'nope', 'clear']) assert.is(read(`${name}.hook`), read(`${name}.cli`), name);
    assert.is(read('nope.hook'), 'false\n');
  });

  t('`awsenv list` runs as it is: output, status, pipes and redirections', async () => {
    if (!requireTool(shell, `the ${shell} hook`)) return;
    const r = await runScript(box, shell, [
      'awsenv list',
      'echo "list:$STATUS"',
      'awsenv list | grep -c keys',
      'awsenv list > list.txt',
      'echo "redirected:$STATUS"',
      'awsenv nonsense',
      'echo "usage:$STATUS"',
    ]);
    assert.match(r.stdout, /^ +PROFILE +KIND +REGION +SESSION +PROBLEM\n +p +keys +- +-\nlist:0\n1\nredirected:0\nusage:2\n$/);
    assert.match(readFileSync(join(box.dir, 'list.txt'), 'utf8'), /p +keys/);
  });

  t.run();
}
