// The hook zoo: users' real kinds of shell set-ups (strict options, aliases, PROMPT_COMMAND
// joined every way, bash-preexec, direnv before and after, oh-my-zsh- and powerlevel10k-style
// prompts, prompt_subst, KSH_ARRAYS, `emulate sh`, fish universal variables and vi bindings,
// nested shells), each an rc file started as a real interactive shell in tmux (a server of
// the test's own), and judged by what the user sees: no error text at start-up or at any
// prompt, `use` and `clear` applied, the segment shown as written, the guard's drop, expiry
// and rotation working, and the user's own hooks and $? intact.
import { execa } from 'execa';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type Sandbox, sandbox } from '../helpers/env.js';
import { requireTool } from '../helpers/tools.js';
import { type HookShell, Session, type SessionOptions } from './term.js';

const KEY1 = 'AKIAPROFILEP0000001';
const KEY2 = 'AKIAPROFILEP0000002';
const CREDENTIALS = `[p]\naws_access_key_id = ${KEY1}\naws_secret_access_key = secret-one\n\n[other]\naws_access_key_id = AKIAOTHER000000001\naws_secret_access_key = secret-other\n`;
const CONFIG = '[profile p]\nregion = eu-west-1\n';

/** Text that no start-up or prompt of a working set-up shows. */
const ERROR_TEXT =
  /error|not found|bad (math|substitution|pattern)|parameter not set|syntax|unknown|no such|unmatched|undefined|not valid|cannot|can't|expected|invalid|missing/i;

const hasTmux = requireTool('tmux', 'the hook zoo drives real shells in tmux');

function exportVar(shell: HookShell, name: string, value: string): string {
  if (shell === 'fish') return `set -gx ${name} ${value}`;
  if (shell === 'tcsh') return `setenv ${name} ${value}`;
  return `export ${name}=${value}`;
}

/** `printenv NAME`: the value, or '' when unset (its failure is no error, even under set -e). */
async function env(s: Session, name: string): Promise<string> {
  const line = s.shell === 'fish' ? `printenv ${name}; or true` : s.shell === 'tcsh' ? `printenv ${name}` : `printenv ${name} || :`;
  return (await s.run(line)).output.trim();
}

const now = () => Math.floor(Date.now() / 1000);

/** The lines a user saw that were not prompts, commands typed, or awsenv's own notices. */
function errorsOn(screen: string): string[] {
  return screen
    .split('\n')
    .filter((l) => ERROR_TEXT.test(l) && !/^awsenv: /.test(l) && !/\[\d+\] >/.test(l));
}

interface Zoo {
  name: string;
  shell: HookShell;
  o: SessionOptions;
  /** Whether the segment is in the prompt (default: o.prompt !== false). */
  segment?: boolean;
  /** Skip the `false` step (a shell that ends on a failure: zsh ERR_EXIT). */
  noFalse?: boolean;
  prepare?: (box: Sandbox) => Promise<void> | void;
  /** Checks of this set-up's own, after the common ones. */
  extra?: (s: Session, box: Sandbox) => Promise<void>;
}

/** The common checks: what every set-up must show. */
async function basics(z: Zoo, s: Session, box: Sandbox): Promise<void> {
  const { shell } = z;
  const seg = z.segment ?? z.o.prompt !== false;
  assert.equal(errorsOn(s.screen()), [], 'error text at start-up');
  // (tcsh: the driver types `source RC` at its first prompt.)
  const start = s.screen().split('\n').filter((l) => l.trim() !== '' && !l.includes(`source '${s.rcPath}'`));
  assert.ok(start.every((l) => /\[\d+\] >/.test(l)), `start-up printed more than a prompt:\n${start.join('\n')}`);

  const used = await s.run('awsenv use p');
  assert.is(used.output, '', 'use p printed');
  if (seg) assert.match(used.prompt, '(aws:p) ');
  assert.match(used.prompt, /\[0\] >$/);
  assert.is(await env(s, 'AWS_ACCESS_KEY_ID'), KEY1);
  assert.is(await env(s, 'AWS_REGION'), 'eu-west-1');

  if (!z.noFalse) {
    const f = await s.run('false');
    assert.match(f.prompt, /\[1\] >$/, 'the prompt shows the status of `false`');
    assert.is(f.output, '');
  }

  // AWS_PROFILE switched behind awsenv's back: keys and the region it set go, with a notice.
  const sw = await s.run(exportVar(shell, 'AWS_PROFILE', 'other'));
  assert.match(sw.output, "awsenv: AWS_PROFILE is now 'other': dropped the keys of 'p' so they do not shadow it; run: awsenv use other");
  assert.not.match(sw.prompt, 'aws:p');
  assert.is(await env(s, 'AWS_ACCESS_KEY_ID'), '');
  assert.is(await env(s, 'AWS_REGION'), '', 'the region awsenv set went with the keys');

  // Expiry.
  await s.run('awsenv use p');
  const ex = await s.run(exportVar(shell, 'AWSENV_EXPIRY', String(now() - 5)));
  assert.match(ex.output, "awsenv: the session of 'p' has expired and was removed; renew it with: awsenv use p");
  if (seg) assert.match(ex.prompt, '(aws:p expired) ');
  assert.is(await env(s, 'AWS_SECRET_ACCESS_KEY'), '');
  assert.is(await env(s, 'AWS_REGION'), '');

  // Rotation.
  await s.run('awsenv use p');
  const stamp = await env(s, 'AWSENV_STAMP');
  const credentials = readFileSync(box.credentials, 'utf8');
  box.write('credentials', credentials.replace(KEY1, KEY2));
  const later = Math.floor(statSync(stamp).mtimeMs / 1000) + 2;
  utimesSync(box.credentials, later, later);
  const rot = await s.run('');
  assert.match(rot.output, "awsenv: the credentials file changed; re-read profile 'p'");
  assert.is(await env(s, 'AWS_ACCESS_KEY_ID'), KEY2);
  box.write('credentials', credentials);

  const cl = await s.run('awsenv clear');
  assert.is(cl.output, '');
  assert.not.match(cl.prompt, 'aws:');
  assert.is(await env(s, 'AWS_PROFILE'), '');
  assert.is(await env(s, 'AWS_REGION'), '');
  assert.equal(errorsOn(s.screen()), [], 'error text at some prompt');
}

async function runZoo(z: Zoo): Promise<void> {
  if (!hasTmux || !requireTool(z.shell, `the ${z.shell} hook is tried in ${z.shell}`)) return;
  const box = sandbox();
  try {
    box.write('credentials', CREDENTIALS);
    box.write('config', CONFIG);
    await z.prepare?.(box);
    const s = await Session.start(box, z.shell, z.o);
    try {
      await basics(z, s, box);
      await z.extra?.(s, box);
    } finally {
      await s.kill();
    }
  } finally {
    box.cleanup();
  }
}

/** A direnv project whose .envrc exports AWS_PROFILE=other. */
async function direnvProject(box: Sandbox): Promise<void> {
  const project = join(box.dir, 'proj');
  mkdirSync(project);
  writeFileSync(join(project, '.envrc'), 'export AWS_PROFILE=other\n');
  await execa('direnv', ['allow', project], { env: box.env, extendEnv: false });
}

async function direnvCheck(s: Session, box: Sandbox): Promise<void> {
  await s.run('awsenv use p');
  const r = await s.run(`cd ${join(box.dir, 'proj')}`);
  assert.match(r.output, "awsenv: AWS_PROFILE is now 'other'", `the guard ran after direnv's export:\n${r.output}`);
  assert.not.match(r.prompt, 'aws:p');
  assert.is(await env(s, 'AWS_PROFILE'), 'other');
  assert.is(await env(s, 'AWS_ACCESS_KEY_ID'), '', "p's keys were left to shadow AWS_PROFILE=other");
}

const noCanary = (box: Sandbox) =>
  assert.equal([box.dir, box.home].flatMap((d) => readdirSync(d).filter((f) => f.startsWith('CANARY') || f.startsWith('PWNED'))), []);

/** The retry time of the renewal, planted as code: never evaluated. */
async function retryAtAttack(s: Session, box: Sandbox, shell: HookShell): Promise<void> {
  await s.run('awsenv use p');
  const plant = shell === 'fish' ? "set -g __awsenv_retry_at 'a[$(touch CANARY)]'" : shell === 'tcsh' ? "set __awsenv_retry_at = 'a[`touch CANARY`]'" : "__awsenv_retry_at='a[$(touch CANARY)]'";
  await s.run(plant);
  await s.run(exportVar(shell, 'AWSENV_AUTO_REFRESH', '1'));
  const r = await s.run(exportVar(shell, 'AWSENV_EXPIRY', String(now() + 120)));
  assert.equal(errorsOn(r.output), []);
  await s.run('');
  noCanary(box);
}

const HOSTILE = 't\x1b]0;PWNED\x07x';
const HOSTILE_SHOWN = 't\\e]0;PWNED\\x07x';

/** Profile names made to hurt: an OSC title sequence, a quote. Shown escaped, never run,
 * the terminal never retitled; fix commands quoted for the shell. */
function hostile(shell: HookShell, quoted: string): Zoo {
  const sub = shell === 'fish' ? "(printf 't\\033]0;PWNED\\007x')" : shell === 'tcsh' ? "\"`printf 't\\033]0;PWNED\\007x'`\"" : "\"$(printf 't\\033]0;PWNED\\007x')\"";
  return {
    name: 'profile names with control characters and quotes (issue 12 items 4, 12)',
    shell,
    o: {},
    prepare: (box) =>
      box.write('credentials', `${CREDENTIALS}\n[${HOSTILE}]\naws_access_key_id = AKIAHOSTILE0000001\naws_secret_access_key = s\n\n[it's]\naws_access_key_id = AKIAQUOTE00000001\naws_secret_access_key = s\n`),
    extra: async (s) => {
      const title = s.title();
      const r = await s.run(`awsenv use ${sub}`);
      assert.is(r.output, '');
      assert.match(r.prompt, `(aws:${HOSTILE_SHOWN}) [0] >`);
      const ex = await s.run(exportVar(shell, 'AWSENV_EXPIRY', String(now() - 5)));
      assert.match(ex.output, `awsenv: the session of '${HOSTILE_SHOWN}' has expired`);
      assert.not.match(s.title(), 'PWNED', 'the terminal was retitled');
      assert.is(s.title(), title);
      await s.run(shell === 'fish' ? 'awsenv use "it\'s"' : shell === 'tcsh' ? "awsenv use \"it's\"" : 'awsenv use "it\'s"');
      const q = await s.run(exportVar(shell, 'AWSENV_EXPIRY', String(now() - 5)));
      assert.match(q.output, `renew it with: awsenv use ${quoted}`);
    },
  };
}

/**
 * A renewal against an endpoint that accepts and never answers: the prompt comes back (the
 * CLI's deadline, AWSENV_STS_TIMEOUT, and the hook's own `timeout`), and the next prompts do
 * not ask again within the minute.
 */
function silentEndpoint(shell: HookShell): Zoo {
  let server: Server | undefined;
  let connections = 0;
  const sockets: Socket[] = [];
  return {
    name: 'AWSENV_AUTO_REFRESH against an endpoint that never answers: the prompt comes back, one try a minute (issue 12 item 3)',
    shell,
    o: {},
    prepare: async (box) => {
      server = createServer((socket) => {
        connections++;
        sockets.push(socket);
        socket.on('error', () => {});
      });
      await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
      const port = (server.address() as { port: number }).port;
      box.write('config', `${CONFIG}\n[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deploy\nsource_profile = p\n`);
      box.env.AWS_ENDPOINT_URL_STS = `http://127.0.0.1:${port}`;
      box.env.AWSENV_STS_TIMEOUT = '2';
    },
    extra: async (s) => {
      try {
        await s.run('awsenv use p');
        // One line, so that no prompt sees half of it: the state of a role session of
        // 'deploy' in its last 5 minutes. The guard renews at this prompt, and must come back.
        const state: [string, string][] = [['AWS_PROFILE', 'deploy'], ['AWSENV_PROFILE', 'deploy'], ['AWSENV_AUTO_REFRESH', '1'], ['AWSENV_EXPIRY', String(now() + 120)]];
        const r = await s.run(state.map(([n, v]) => exportVar(shell, n, v)).join('; '), 60_000);
        assert.equal(errorsOn(r.output), []);
        assert.ok(connections >= 1, 'the renewal did not reach the endpoint');
        const asked = connections;
        for (let i = 0; i < 3; i++) await s.run('');
        assert.is(connections, asked, 'asked again within the minute');
        assert.is(await env(s, 'AWS_ACCESS_KEY_ID'), KEY1, 'the keys stay until the session ends');
      } finally {
        for (const socket of sockets) socket.destroy();
        await new Promise((r) => server?.close(r));
      }
    },
  };
}

const ZOO: Zoo[] = [
  // --- bash
  { name: 'plain, set -u', shell: 'bash', o: { before: ['set -u'] }, extra: (s, box) => retryAtAttack(s, box, 'bash') },
  { name: 'set -o posix', shell: 'bash', o: { before: ['set -o posix'] } },
  { name: 'PROMPT_COMMAND a string, with history -a', shell: 'bash', o: { before: ["PROMPT_COMMAND='history -a'", 'HISTFILE=~/.bash_history'] } },
  {
    name: 'PROMPT_COMMAND an array, the user hook sees $?',
    shell: 'bash',
    o: { before: ['mine() { saw=$?; }', 'PROMPT_COMMAND=(mine)'] },
    extra: async (s) => {
      await s.run('false');
      assert.is((await s.run('echo "saw=$saw"')).output, 'saw=1');
    },
  },
  { name: 'IFS changed', shell: 'bash', o: { before: ["IFS=':'"] } },
  {
    name: 'alias awsenv defined first (item 4)',
    shell: 'bash',
    o: { before: ["alias awsenv='echo ALIAS'"] },
    extra: async (s) => assert.match((await s.run('type -t awsenv')).output, 'function'),
  },
  {
    name: 'set -e and an ERR trap (item 7)',
    shell: 'bash',
    o: { before: ['set -e', "trap 'errs=$((errs+1))' ERR", 'errs=0'] },
    noFalse: true,
    extra: async (s) => {
      const r = await s.run('false && true');
      assert.match(r.prompt, /\[1\] >$/);
      assert.ok(s.alive(), 'the shell ended on `false && true`');
      // One failing command in an && list is no ERR; the guard adds none of its own.
      assert.is((await s.run('echo "errs=$errs"')).output, 'errs=0');
      const w = await s.run('awsenv use p');
      assert.is(w.output, '');
      assert.ok(s.alive());
    },
  },
  {
    name: 'bash-preexec-style PROMPT_COMMAND joined with newlines, rc sourced twice (item 11)',
    shell: 'bash',
    o: {
      // What bash-preexec does at install: its own entries around the existing ones, joined
      // with newlines, and precmd_functions run from the first.
      before: [
        'precmd_functions=()',
        'my_precmd() { my_saw=$?; }',
        'precmd_functions+=(my_precmd)',
        '__bp_precmd_invoke_cmd() { local s=$?; local f; for f in "${precmd_functions[@]}"; do (exit $s); "$f"; done; return $s; }',
        '__bp_interactive_mode() { :; }',
      ],
      after: [`[[ $PROMPT_COMMAND == *__bp_precmd_invoke_cmd* ]] || PROMPT_COMMAND=$'__bp_precmd_invoke_cmd\\n'"$PROMPT_COMMAND"$'\\n__bp_interactive_mode'`],
    },
    extra: async (s) => {
      await s.run(`source ${s.rcPath}`);
      await s.run(`source ${s.rcPath}`);
      const n = await s.run('printf "%s\\n" "$PROMPT_COMMAND" | grep -c __awsenv_guard');
      assert.is(n.output, '1', 'the guard installed once');
      await s.run('false');
      assert.is((await s.run('echo "my_saw=$my_saw"')).output, 'my_saw=1');
    },
  },
  {
    name: 'direnv before awsenv (item 6)',
    shell: 'bash',
    o: { before: ['eval "$(direnv hook bash)"'] },
    prepare: direnvProject,
    extra: direnvCheck,
  },
  { name: 'direnv after awsenv', shell: 'bash', o: { after: ['eval "$(direnv hook bash)"'] }, prepare: direnvProject, extra: direnvCheck },
  { name: 'AWSENV_PROMPT=1 set after the block (item 8)', shell: 'bash', o: { prompt: false, after: ['export AWSENV_PROMPT=1'] }, segment: true },
  {
    name: 'nested shell',
    shell: 'bash',
    o: {},
    extra: async (s) => {
      await s.run('awsenv use p');
      const inner = await s.run(`bash --noprofile --rcfile ${s.rcPath} -i`);
      assert.is(inner.output, '');
      assert.match(inner.prompt, '(aws:p) [0] >');
      await s.run(exportVar('bash', 'AWS_PROFILE', 'other'));
      const out = await s.run('exit');
      assert.match(out.prompt, '(aws:p) [0] >', 'the outer shell still has p');
    },
  },

  hostile('bash', "'it'\\''s'"),
  silentEndpoint('bash'),

  // --- zsh
  { name: 'plain', shell: 'zsh', o: {}, extra: (s, box) => retryAtAttack(s, box, 'zsh') },
  { name: 'NO_UNSET SH_WORD_SPLIT RC_QUOTES WARN_CREATE_GLOBAL', shell: 'zsh', o: { before: ['setopt no_unset sh_word_split rc_quotes warn_create_global'] } },
  { name: 'ERR_EXIT', shell: 'zsh', o: { before: ['setopt err_exit'] }, noFalse: true },
  { name: 'sourced under emulate sh (item 1)', shell: 'zsh', o: { load: (hook) => `emulate sh -c '. ${hook}'` } },
  {
    name: 'KSH_ARRAYS with two precmd functions (item 2)',
    shell: 'zsh',
    o: { before: ['setopt ksh_arrays', 'myA() { a=$((a+1)); }', 'myB() { b=$((b+1)); }', 'a=0 b=0', 'precmd_functions=(myA myB)'] },
    extra: async (s) => {
      const r = await s.run('print -r -- "$a $b"');
      assert.ok(/^(\d+) \1$/.test(r.output), `myA and myB both ran each prompt: ${r.output}`);
    },
  },
  { name: 'KSH_ARRAYS NO_UNSET', shell: 'zsh', o: { before: ['setopt ksh_arrays no_unset'] } },
  {
    name: 'precmd pastes $PWD into PROMPT by value, with AWSENV_PROMPT=1 (item 3)',
    shell: 'zsh',
    o: { promptLines: ['precmd() { PROMPT="${PWD:t} [%?] > " }'] },
    extra: async (s, box) => {
      const dir = join(box.dir, '$(touch PWNED)');
      mkdirSync(dir);
      await s.run('awsenv use p');
      const r = await s.run(`cd '${dir}'`);
      assert.match(r.prompt, '(aws:p) $(touch PWNED) [0] >');
      await s.run('');
      noCanary(box);
      assert.not.ok(existsSync(join(dir, 'PWNED')));
      assert.is((await s.run('[[ -o prompt_subst ]] && echo on || echo off')).output, 'off', 'a prompt option was changed');
    },
  },
  {
    name: 'alias awsenv defined first (item 4)',
    shell: 'zsh',
    o: { before: ["alias awsenv='echo ALIAS'"] },
    extra: async (s) => assert.match((await s.run('whence -w awsenv')).output, 'awsenv: function'),
  },
  {
    name: 'precmd() builds the prompt from the segment (item 10)',
    shell: 'zsh',
    o: { prompt: false, promptLines: ['precmd() { PROMPT="${AWSENV_SEGMENT_PROMPT:+<$AWSENV_SEGMENT_PROMPT> }[%?] > " }'] },
    segment: false,
    extra: async (s) => {
      const u = await s.run('awsenv use p');
      assert.match(u.prompt, /^<aws:p> \[0\] >$/);
      // The guard drops p before precmd draws this very prompt: no lag.
      const r = await s.run(exportVar('zsh', 'AWS_PROFILE', 'other'));
      assert.match(r.prompt, /^\[0\] >$/);
    },
  },
  {
    name: 'compinit after the block, completion of commands and options (item 13)',
    shell: 'zsh',
    o: { after: ['autoload -Uz compinit', 'compinit -u -d ~/.zcompdump'] },
    extra: async (s) => {
      s.type('awsenv cur');
      s.key('Tab');
      await s.waitFor((t) => t.split('\n').at(-1)!.includes('awsenv current'));
      s.key('C-u');
    },
  },
  {
    name: 'oh-my-zsh-style: prompt_subst theme, title hook, compinit',
    shell: 'zsh',
    o: {
      promptLines: [
        'setopt prompt_subst',
        'autoload -U colors && colors',
        'git_prompt_info() { }',
        "PROMPT='%{$fg[cyan]%}${PWD:t}%{$reset_color%} $(git_prompt_info)[%?] > '",
        'omz_termsupport_precmd() { print -Pn "\\e]2;%n@%m: %~\\a" }',
        'precmd_functions+=(omz_termsupport_precmd)',
        'autoload -Uz compinit && compinit -u -d ~/.zcompdump',
      ],
    },
  },
  {
    name: 'powerlevel10k-style: a precmd_functions entry rebuilds PROMPT each time',
    shell: 'zsh',
    o: { promptLines: ['_p9k_precmd() { PROMPT="%F{blue}%~%f [%?] > " }', 'precmd_functions+=(_p9k_precmd)'] },
  },
  { name: 'direnv before awsenv', shell: 'zsh', o: { before: ['eval "$(direnv hook zsh)"'] }, prepare: direnvProject, extra: direnvCheck },
  {
    name: 'a profile named %F{red}x with no_prompt_percent, and with $(awsenv_prompt) under prompt_subst (item 9)',
    shell: 'zsh',
    o: { prompt: false, promptLines: ['setopt prompt_subst', "PROMPT='$(awsenv_prompt) [%?] > '"] },
    segment: false,
    prepare: (box) => box.write('credentials', `${CREDENTIALS}\n[%F{red}x]\naws_access_key_id = AKIAWEIRD000000001\naws_secret_access_key = s\n`),
    extra: async (s) => {
      const r = await s.run("awsenv use '%F{red}x'");
      assert.is(r.output, '');
      assert.match(r.prompt, /^aws:%F\{red\}x \[0\] >$/, r.prompt);
      await s.run("unsetopt prompt_percent prompt_subst; AWSENV_PROMPT=1; precmd() { PROMPT=\"[$?] > \" }");
      const again = await s.run('');
      assert.match(again.prompt, /^\(aws:%F\{red\}x\) \[0\] >$/);
    },
  },

  hostile('zsh', "'it'\\''s'"),
  silentEndpoint('zsh'),

  // --- fish
  { name: 'plain', shell: 'fish', o: {}, extra: (s, box) => retryAtAttack(s, box, 'fish') },
  {
    name: 'universal variables AWS_SESSION_TOKEN, AWS_PROFILE, AWSENV_PROFILE (item 5)',
    shell: 'fish',
    o: { before: ['set -Ux AWS_SESSION_TOKEN stale', 'set -Ux AWS_PROFILE default', 'set -U AWSENV_PROFILE ghost'] },
    extra: async (s) => {
      await s.run('awsenv use p');
      assert.is(await env(s, 'AWS_SESSION_TOKEN'), '');
      assert.is((await s.run('set -qU AWS_PROFILE; and echo universal; or echo none')).output, 'none');
      await s.run('awsenv clear');
      assert.is(await env(s, 'AWS_PROFILE'), '');
      assert.is(await env(s, 'AWS_SESSION_TOKEN'), '');
    },
  },
  { name: 'direnv before awsenv (item 6)', shell: 'fish', o: { before: ['direnv hook fish | source'] }, prepare: direnvProject, extra: direnvCheck },
  { name: 'direnv after awsenv', shell: 'fish', o: { after: ['direnv hook fish | source'] }, prepare: direnvProject, extra: direnvCheck },
  { name: 'AWSENV_PROMPT set in config.fish after conf.d (item 8)', shell: 'fish', o: { prompt: false, after: ['set -g AWSENV_PROMPT 1'] }, segment: true },
  { name: 'vi key bindings', shell: 'fish', o: { before: ['set -g fish_key_bindings fish_vi_key_bindings'] } },
  {
    name: 'a custom prompt with colours that reads $status',
    shell: 'fish',
    o: { promptLines: ["function fish_prompt; set -l s $status; set_color green; printf '%s' (prompt_pwd); set_color normal; printf ' [%s] > ' $s; end"] },
  },
  {
    name: 'nested shell',
    shell: 'fish',
    o: {},
    extra: async (s) => {
      await s.run('awsenv use p');
      const inner = await s.run(`fish --no-config -i -C 'source ${s.rcPath}'`);
      assert.equal(errorsOn(inner.output), []);
      assert.match(inner.prompt, '(aws:p) [0] >');
      await s.run('exit');
    },
  },

  hostile('fish', "it\\'s"),
  silentEndpoint('fish'),

  // --- tcsh
  { name: 'plain', shell: 'tcsh', o: {}, extra: (s, box) => retryAtAttack(s, box, 'tcsh') },
  hostile('tcsh', "'it'\\''s'"),
  {
    name: 'a `clock` planted in the cache as a link to the credentials file is never written through (issue 12 item 2)',
    shell: 'tcsh',
    o: {},
    extra: async (s, box) => {
      const cache = box.env.AWSENV_CACHE_DIR!;
      mkdirSync(cache, { recursive: true, mode: 0o700 });
      chmodSync(cache, 0o700);
      rmSync(join(cache, 'clock'), { force: true });
      symlinkSync(box.credentials, join(cache, 'clock'));
      const before = readFileSync(box.credentials, 'utf8');
      await s.run('awsenv use p');
      const r = await s.run(exportVar('tcsh', 'AWSENV_EXPIRY', String(now() + 3000)));
      assert.match(r.prompt, /^\(aws:p (49|50)m\) \[0\] >$/, 'the segment still has the time (from date)');
      await s.run('');
      assert.is(readFileSync(box.credentials, 'utf8'), before, 'the credentials file was written through the planted link');
      assert.ok(lstatSync(join(cache, 'clock')).isSymbolicLink());
    },
  },
];

const byShell = new Map<HookShell, Zoo[]>();
for (const z of ZOO) byShell.set(z.shell, [...(byShell.get(z.shell) ?? []), z]);
// ZOO_SHELL=tcsh runs one shell's set-ups (while working on its hook).
for (const [shell, zoos] of byShell) {
  if (process.env.ZOO_SHELL && process.env.ZOO_SHELL !== shell) continue;
  const t = suite(`hook zoo: ${shell}`);
  for (const z of zoos) t(z.name, () => runZoo(z));
  t.run();
}
