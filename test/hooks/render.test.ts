// `awsenv hook SHELL`: the file of shell/ with the binary's path quoted for that shell. The
// path is read back by each real shell; PowerShell is also checked as text (the path, its
// quoting, the script's brackets and names), for the Windows PowerShell 5.1 that no test runs.
import { execa } from 'execa';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { HOOK_SHELL_NAMES, renderHook } from '../../src/commands/hook.js';
import { pwshQuote } from '../../src/shells/pwsh.js';
import { awsenv, CLI, ROOT, type Sandbox, sandbox } from '../helpers/env.js';
import { requireTool } from '../helpers/tools.js';

const AWKWARD_PATH = `/opt/it's a "dir" $HOME \`x\` !1 $&/awsenv`;

const t = suite('awsenv hook SHELL');
let box: Sandbox;
t.before(() => {
  box = sandbox();
});
t.after(() => box.cleanup());

t('prints each hook with the placeholder replaced by the path of this binary', async () => {
  for (const shell of HOOK_SHELL_NAMES) {
    const r = await awsenv(['hook', shell], box.env);
    assert.is(r.exitCode, 0, r.stderr);
    assert.is(r.stderr, '');
    assert.ok(r.stdout.includes(CLI), `${shell}: the path of the CLI`);
    // The placeholder is left only where the hook compares against it (unrendered use).
    assert.is(r.stdout.split('@AWSENV_BIN@').length - 1, 1, shell);
  }
});

t('tcsh: no comment lines (eval "`awsenv hook tcsh`" runs them as one line)', async () => {
  const text = renderHook('tcsh', '/usr/bin/awsenv');
  assert.not.match(text, /^\s*#/m);
  assert.ok(readFileSync(join(ROOT, 'shell/awsenv.tcsh'), 'utf8').includes('\n# '), 'the file itself keeps its comments');
  // Every statement ends in ';', or eval would run two as one.
  for (const line of text.split('\n').filter((l) => l.trim() !== '')) assert.match(line, /;$/, line);
});

const READ_BACK: Record<string, (hook: string) => string[]> = {
  bash: (hook) => ['bash', '--noprofile', '--norc', '-e', '-u', '-c', 'source "$1"; printf "%s" "$__awsenv_bin"', 'bash', hook],
  zsh: (hook) => ['zsh', '--no-rcs', '-e', '-u', '-c', 'source "$1"; print -rn -- "$__awsenv_bin"', 'zsh', hook],
  fish: (hook) => ['fish', '--no-config', '-c', 'source $argv[1]; printf "%s" "$__awsenv_bin"', hook],
};

t('the path is quoted so that each shell reads it back exactly', async () => {
  for (const shell of ['bash', 'zsh', 'fish', 'tcsh'] as const) {
    if (!requireTool(shell, `the ${shell} hook`)) continue;
    const hook = join(box.dir, `awkward.${shell}`);
    writeFileSync(hook, renderHook(shell, AWKWARD_PATH));
    let argv: string[];
    if (shell === 'tcsh') {
      const script = join(box.dir, 'readback.tcsh');
      writeFileSync(script, `source ${hook}\nprintenv __NONE__ || echo -n "$__awsenv_bin"\n`);
      argv = ['tcsh', '-f', script];
    } else {
      argv = READ_BACK[shell]!(hook);
    }
    const r = await execa(argv[0]!, argv.slice(1), { env: box.env, extendEnv: false, reject: false, stripFinalNewline: false });
    assert.is(r.stderr, '', shell);
    assert.is(r.stdout, AWKWARD_PATH, shell);
  }
});

t('fish: what runs at every prompt is defined near the start of the hook', async () => {
  // fish finds the line of each block it enters by counting newlines from the start of the
  // file that defined the function, afresh at every call: at the end of the 21 KB hook that
  // was about 15 µs a block, most of a prompt's cost (shell/awsenv.fish, "Why first"). The
  // wrapped fish_prompt and the guard as it redefines itself at its first prompt are
  // checked in the rendered text, and fish is asked where the wrapper it installed came from.
  const text = renderHook('fish', '/usr/bin/awsenv');
  const wrapper = text.indexOf('\n        function fish_prompt\n');
  const guard = text.indexOf('\n        function __awsenv_guard --on-event fish_prompt\n');
  assert.ok(wrapper > 0 && wrapper < 2000, `the prompt wrapper starts at ${wrapper}`);
  assert.ok(guard > 0 && guard < 2500, `the guard starts at ${guard}`);
  assert.ok(text.length > 10_000, 'the rest of the hook is still there');
  if (!requireTool('fish', 'where the fish prompt wrapper is defined')) return;
  const hook = join(box.dir, 'first.fish');
  writeFileSync(hook, text);
  const r = await execa(
    'fish',
    ['--no-config', '-c', "function fish_prompt; printf '> '; end; set -g AWSENV_PROMPT 1; source $argv[1]; __awsenv_guard; functions --details --verbose fish_prompt", hook],
    { env: box.env, extendEnv: false, reject: false },
  );
  assert.is(r.stderr, '');
  const [file, , line] = r.stdout.split('\n');
  assert.is(file, hook);
  assert.is(Number(line), text.slice(0, wrapper).split('\n').length + 1, r.stdout);
});

// --- PowerShell, as text.

/** The text with comments and string contents removed, following about_Quoting_Rules. */
function pwshCode(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === "'") {
      i++;
      while (i < text.length && !(text[i] === "'" && text[i + 1] !== "'")) i += text[i] === "'" ? 2 : 1;
      i++;
      out += "''";
    } else if (c === '"') {
      // A double-quoted string: ` escapes; $( ) inside is code, kept for the bracket count.
      i++;
      let s = '';
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '`') i++;
        else s += text[i];
        i++;
      }
      i++;
      out += `"${(s.match(/\$\([^()]*(\([^()]*\)[^()]*)*\)/g) ?? []).join('')}"`;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

const ps = suite('PowerShell hook, as text (what Windows PowerShell 5.1 reads; pwsh 7 runs it in test/hooks/pwsh.test.ts)');

ps('the path is a single-quoted string, quote characters doubled', () => {
  const path = "C:\\Users\\o'neil \u2019x\u2019\\awsenv.js";
  const text = renderHook('pwsh', path);
  assert.ok(text.includes(`$global:__awsenv_bin = ${pwshQuote(path)}\n`));
  assert.ok(text.includes("'C:\\Users\\o''neil \u2019\u2019x\u2019\u2019\\awsenv.js'"));
});

ps('brackets balance outside strings and comments', () => {
  const code = pwshCode(readFileSync(join(ROOT, 'shell/awsenv.ps1'), 'utf8'));
  for (const [open, close] of [['{', '}'], ['(', ')'], ['[', ']']] as const) {
    let depth = 0;
    for (const c of code) {
      if (c === open) depth++;
      if (c === close) depth--;
      assert.ok(depth >= 0, `an unmatched ${close}`);
    }
    assert.is(depth, 0, `unbalanced ${open}${close}`);
  }
});

ps('every __awsenv function it calls is defined; the prompt is wrapped once', () => {
  const text = readFileSync(join(ROOT, 'shell/awsenv.ps1'), 'utf8');
  const code = pwshCode(text);
  const defined = new Set([...code.matchAll(/function global:([\w-]+)/g)].map((m) => m[1]!));
  for (const name of ['awsenv', 'awsenv_prompt', '__awsenv_guard', '__awsenv_segment_update', '__awsenv_wrap_prompt']) assert.ok(defined.has(name), name);
  const called = new Set([...code.matchAll(/(?<![$:\w])(__awsenv_\w+)/g)].map((m) => m[1]!));
  for (const name of called) assert.ok(defined.has(name), `${name} is called but not defined`);
  // Installed once: the prompt wrapper is made once, and a prompt that is ours already is not wrapped again.
  assert.match(text, /if \(-not \(Test-Path Variable:global:__awsenv_prompt_wrapper\)\) \{\n {4}\$global:__awsenv_prompt_wrapper = \{/);
  assert.match(text, /if \(\[object\]::ReferenceEquals\(\$current, \$global:__awsenv_prompt_wrapper\)\) \{ return \$false \}/);
  assert.match(text, 'Set-Item -Path Function:global:prompt -Value $global:__awsenv_prompt_wrapper');
  // Output of use/clear is applied only after exit status 0.
  assert.match(text, /\$out = __awsenv_invoke -Arguments \(\[string\[\]\]\$args\)\n {4}if \(\$global:LASTEXITCODE -eq 0\) \{/);
});

t.run();
ps.run();
