// The PowerShell hook (shell/awsenv.ps1) in a real, interactive pwsh 7 driven through tmux,
// PSReadLine loaded as in any interactive session: the wrapper, the prompt segment in front
// of the user's prompt and of one another module installs later, the guard (expiry,
// AWS_PROFILE switched, rotated keys), $? and $LASTEXITCODE kept, awkward profile names shown
// as written, no process per idle prompt (strace), and completion through TabExpansion2.
import { execa } from 'execa';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type Sandbox, sandbox } from '../helpers/env.js';
import { PWSH } from '../helpers/shells.js';
import { requireTool } from '../helpers/tools.js';
import { Session, type SessionOptions, writeHook } from './term.js';

const KEY1 = 'AKIAPROFILEP0000001';
const KEY2 = 'AKIAPROFILEP0000002';
const CREDENTIALS = `[p]\naws_access_key_id = ${KEY1}\naws_secret_access_key = secret-one\n\n[other]\naws_access_key_id = AKIAOTHER000000001\naws_secret_access_key = secret-other\n`;
/** Profile names that PowerShell would run, or that would drive the terminal, if shown as code. */
const CTRL = 'ctl\x1b]0;pwned\x07end';
const WEIRD = ['$(Remove-Item x)', '`$(New-Item CANARY)` ``b', "it's ‘q’ @(New-Item CANARY2) --% $env:HOME", CTRL];

const hasTools = requireTool('tmux', 'the interactive pwsh hook tests drive pwsh in tmux');
const hasPwsh = requireTool(PWSH, 'the PowerShell hook is tested in PowerShell 7 (.ci/run installs it)');
const now = () => Math.floor(Date.now() / 1000);

/** A pwsh session for one suite: started before its first test, ended after its last. */
function sessionSuite(name: string, o: SessionOptions, setup?: (box: Sandbox) => void) {
  const t = suite(name);
  const ctx: { s?: Session; box?: Sandbox } = {};
  t.before(async () => {
    if (!hasTools || !hasPwsh) return;
    ctx.box = sandbox();
    ctx.box.write('credentials', CREDENTIALS);
    setup?.(ctx.box);
    ctx.s = await Session.start(ctx.box, 'pwsh', o);
  });
  t.after(async () => {
    await ctx.s?.kill();
    ctx.box?.cleanup();
  });
  /** A test that runs only where pwsh and tmux are. */
  const test = (title: string, body: (s: Session, box: Sandbox) => Promise<void>) =>
    t(title, async () => {
      if (!ctx.s || !ctx.box) return;
      await body(ctx.s, ctx.box);
    });
  return { t, test };
}

/** The value of $env:NAME as pwsh prints it ('' when unset). */
async function env(s: Session, name: string): Promise<string> {
  return (await s.run(`$env:${name}`)).output.trim();
}

/** Whether pwsh has the variable at all (an empty one counts). */
async function exists(s: Session, name: string): Promise<string> {
  return (await s.run(`Test-Path Env:${name}`)).output.trim();
}

// --- The wrapper and the segment ------------------------------------------------------------

{
  const { t, test } = sessionSuite('pwsh hook, interactive: wrapper and segment', {});

  test('PSReadLine is loaded, as in any interactive pwsh', async (s) => {
    assert.is((await s.run('(Get-Module PSReadLine).Name')).output.trim(), 'PSReadLine');
  });

  test('`awsenv use p` applies the profile and the segment is in front of the user prompt', async (s) => {
    const r = await s.run('awsenv use p');
    assert.is(r.output, '');
    assert.is(r.prompt, '(aws:p) [0] >');
    assert.is(await env(s, 'AWS_ACCESS_KEY_ID'), KEY1);
    assert.is(await env(s, 'AWS_PROFILE'), 'p');
    assert.is(await exists(s, 'AWS_SESSION_TOKEN'), 'False', 'no empty AWS_SESSION_TOKEN');
    const ahead = await s.run(`$env:AWSENV_EXPIRY = '${now() + 2600}'`);
    assert.match(ahead.prompt, /^\(aws:p 4[23]m\) \[0\] >$/);
  });

  test('`awsenv clear` removes every AWS variable, and the segment goes', async (s) => {
    const r = await s.run('awsenv clear');
    assert.is(r.output, '');
    assert.is(r.prompt, '[0] >');
    // What is left of AWS*: the sandbox's files and cache, and the rc file's AWSENV_PROMPT.
    const left = (await s.run("(Get-ChildItem Env: | Where-Object Name -like 'AWS*' | ForEach-Object Name | Sort-Object) -join ' '")).output.trim();
    assert.is(left, 'AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE AWSENV_CACHE_DIR AWSENV_PROMPT');
  });

  test('a failing `awsenv use` changes nothing; $LASTEXITCODE is its status', async (s) => {
    await s.run('awsenv use p');
    const r = await s.run('awsenv use no-such-profile');
    assert.match(r.output, "awsenv: profile 'no-such-profile' not found");
    assert.is(r.prompt, '(aws:p) [0] >');
    assert.is((await s.run('$LASTEXITCODE')).output.trim(), '1');
    assert.is(await env(s, 'AWS_ACCESS_KEY_ID'), KEY1);
    assert.is(await env(s, 'AWSENV_PROFILE'), 'p');
  });

  test('$? and $LASTEXITCODE of the last command survive the prompt, even when the guard ran awsenv', async (s, box) => {
    const f = await s.run('Get-Item -LiteralPath /no/such/file');
    assert.is(f.prompt, '(aws:p) [1] >', 'a failed cmdlet');
    const g = await s.run("/bin/sh -c 'exit 7'");
    assert.is(g.prompt, '(aws:p) [1] >', 'a failed native command');
    assert.is((await s.run('$LASTEXITCODE')).output.trim(), '7');
    assert.is((await s.run('')).prompt, '(aws:p) [0] >');
    // The keys are rotated while a failing command runs: the guard starts awsenv (its own
    // $LASTEXITCODE 0) before the prompt, which must still show the command's status.
    const stamp = await env(s, 'AWSENV_STAMP');
    box.write('credentials', CREDENTIALS.replace(KEY1, KEY2));
    const later = Math.floor(statSync(stamp).mtimeMs / 1000) + 2;
    utimesSync(box.credentials, later, later);
    const r = await s.run("/bin/sh -c 'exit 5'");
    assert.match(r.output, "awsenv: the credentials file changed; re-read profile 'p'");
    assert.is(r.prompt, '(aws:p) [1] >');
    assert.is((await s.run('$LASTEXITCODE')).output.trim(), '5');
    assert.is(await env(s, 'AWS_ACCESS_KEY_ID'), KEY2);
    assert.is((await s.run('')).output, '', 're-read once');
  });

  test('sourcing the hook again installs nothing twice', async (s, box) => {
    const hook = join(box.dir, 'hook.ps1');
    await s.run(`. '${hook}'`);
    await s.run(`. '${hook}'`);
    const r = await s.run('');
    assert.is(r.prompt, '(aws:p) [0] >');
  });

  t.run();
}

// --- The guard -------------------------------------------------------------------------------

{
  const { t, test } = sessionSuite('pwsh hook, interactive: the guard', {});

  test('an expired session is dropped at the next prompt, with one notice', async (s) => {
    await s.run('awsenv use p');
    const r = await s.run(`$env:AWSENV_EXPIRY = '${now() - 5}'`);
    assert.match(r.output, "awsenv: the session of 'p' has expired and was removed; renew it with: awsenv use p");
    assert.is(r.prompt, '(aws:p expired) [0] >');
    assert.is(await exists(s, 'AWS_ACCESS_KEY_ID'), 'False');
    assert.is(await exists(s, 'AWS_SECRET_ACCESS_KEY'), 'False');
    assert.is((await s.run('')).output, '', 'said once');
  });

  test('$env:AWS_PROFILE = other drops the keys of p at the next prompt, with a notice', async (s) => {
    await s.run('awsenv use p');
    const r = await s.run("$env:AWS_PROFILE = 'other'");
    assert.match(r.output, "awsenv: AWS_PROFILE is now 'other': dropped the keys of 'p' so they do not shadow it; run: awsenv use other");
    assert.is(r.prompt, '[0] >');
    assert.is(await exists(s, 'AWS_ACCESS_KEY_ID'), 'False');
    assert.is(await exists(s, 'AWSENV_PROFILE'), 'False');
    assert.is(await env(s, 'AWS_PROFILE'), 'other');
  });

  test('keys exported by hand are not managed: the segment says so', async (s) => {
    await s.run('awsenv use p');
    const r = await s.run("$env:AWS_ACCESS_KEY_ID = 'AKIAHANDMADE0000001'");
    assert.match(r.output, "AWS_ACCESS_KEY_ID was changed outside awsenv; no longer managing profile 'p'");
    assert.is(r.prompt, '(aws:unmanaged) [0] >');
    assert.is(await env(s, 'AWS_ACCESS_KEY_ID'), 'AKIAHANDMADE0000001');
  });

  test('an AWSENV_EXPIRY that is not a number is ignored, never evaluated', async (s, box) => {
    await s.run('awsenv use p');
    const r = await s.run("$env:AWSENV_EXPIRY = '$(New-Item CANARY)'");
    assert.is(r.output, '');
    assert.is(r.prompt, '(aws:p) [0] >');
    assert.is(await env(s, 'AWS_ACCESS_KEY_ID'), KEY1);
    assert.not.ok(existsSync(join(box.dir, 'CANARY')));
  });

  t.run();
}

// --- Awkward profile names --------------------------------------------------------------------

{
  const { t, test } = sessionSuite('pwsh hook, interactive: profile names', {}, (box) => {
    box.write('credentials', WEIRD.map((n, i) => `[${n}]\naws_access_key_id = AKIAWEIRD00000000${i}\naws_secret_access_key = s${i}\n`).join('\n'));
    writeFileSync(join(box.dir, 'x'), 'must survive');
  });

  /** The name as a PowerShell expression typed at the prompt (ESC and BEL cannot be typed). */
  const typed = (name: string) => (name === CTRL ? `("ctl" + [char]27 + "]0;pwned" + [char]7 + "end")` : `'${name.replace(/['‘’‚‛]/g, '$&$&')}'`);
  const shown = (name: string) => (name === CTRL ? 'ctl\\e]0;pwned\\x07end' : name);

  test('each shows in the segment as written, escaped where it holds control characters, and runs nothing', async (s, box) => {
    for (const name of WEIRD) {
      const r = await s.run(`awsenv use ${typed(name)}`);
      assert.is(r.output, '', name);
      assert.is(r.prompt, `(aws:${shown(name)}) [0] >`, name);
      assert.is((await s.run('')).prompt, `(aws:${shown(name)}) [0] >`, name);
      assert.is((await s.run(`$env:AWS_PROFILE -ceq ${typed(name)}`)).output.trim(), 'True', name);
    }
    assert.is(readFileSync(join(box.dir, 'x'), 'utf8'), 'must survive');
    const canaries = [box.dir, box.home].flatMap((d) => readdirSync(d).filter((f) => f.startsWith('CANARY')));
    assert.equal(canaries, []);
  });

  test('the notice shows the name escaped and its fix command quoted for PowerShell', async (s, box) => {
    await s.run(`awsenv use ${typed(WEIRD[0]!)}`);
    const r = await s.run(`$env:AWSENV_EXPIRY = '${now() - 5}'`);
    assert.match(r.output, "the session of '$(Remove-Item x)' has expired and was removed; renew it with: awsenv use '$(Remove-Item x)'");
    await s.run(`awsenv use ${typed(CTRL)}`);
    const c = await s.run(`$env:AWSENV_EXPIRY = '${now() - 5}'`);
    assert.match(c.output, "the session of 'ctl\\e]0;pwned\\x07end' has expired and was removed; renew it with: awsenv use 'ctl\\e]0;pwned\\x07end'");
    assert.ok(existsSync(join(box.dir, 'x')));
  });

  t.run();
}

// --- A prompt another module installs after the hook ---------------------------------------

{
  // What oh-my-posh's and starship's init do: a module sets `function global:prompt` after
  // awsenv's hook was sourced, replacing the wrapper.
  const other = [
    'New-Module -Name fakeposh -ScriptBlock {',
    '  function global:prompt { $ok = $?; "omp [$(if ($ok) { 0 } else { 1 })] > " }',
    '} | Import-Module',
  ].join('\n');
  // A profile is active from the start, so that the first prompt already has a segment.
  const active = { AWS_ACCESS_KEY_ID: KEY1, AWS_SECRET_ACCESS_KEY: 'secret-one', AWS_PROFILE: 'p', AWSENV_PROFILE: 'p', AWSENV_KEY_ID: KEY1 };
  const { t, test } = sessionSuite('pwsh hook, interactive: a prompt installed after the hook', { after: [other], env: active });

  test('the segment appears in front of it, the guard runs, and $? still reaches it', async (s) => {
    // The module's prompt is drawn first; once PSReadLine is idle the hook wraps it and has
    // the prompt drawn again, now with the segment.
    await s.waitFor((text) => text.split('\n').at(-1) === '(aws:p) omp [0] >', 60000);
    const r = await s.run('awsenv use p');
    assert.is(r.prompt, '(aws:p) omp [0] >');
    const f = await s.run('Get-Item -LiteralPath /no/such/file');
    assert.is(f.prompt, '(aws:p) omp [1] >');
    const g = await s.run("$env:AWS_PROFILE = 'other'");
    assert.match(g.output, "AWS_PROFILE is now 'other'", 'the guard ran');
    assert.is(g.prompt, 'omp [0] >');
  });

  t.run();
}

// --- No process per idle prompt -------------------------------------------------------------

{
  const t = suite('pwsh hook: no process per prompt');
  const STARTS = /\b(execve|clone3?|fork|vfork)\(/;

  t('prompts after `awsenv use` start no process (strace)', async () => {
    if (!hasTools || !hasPwsh || !requireTool('strace', 'processes are counted with strace')) return;
    const box = sandbox();
    const trace = join(box.dir, 'trace');
    try {
      box.write('credentials', CREDENTIALS);
      const s = await Session.start(box, 'pwsh', {
        wrap: (argv) => ['strace', '-f', '-e', 'trace=execve,clone,clone3,fork,vfork', '-o', trace, ...argv],
      });
      try {
        await s.run('awsenv use p');
        // An expiry ahead: each prompt also reads the clock; AWSENV_WATCH makes it compare
        // the key file's time with the stamp's.
        const e = await s.run(`$env:AWSENV_EXPIRY = '${now() + 7200}'`);
        assert.match(e.prompt, /^\(aws:p (2h|1h59m)\) \[0\] >$/);
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
        // .NET's own threads are clones with CLONE_THREAD, not processes.
        const between = lines.slice(start + 1, end).filter((l) => STARTS.test(l) && !l.includes('resumed>') && !l.includes('CLONE_THREAD'));
        assert.is(between.length, 1, `processes started at the prompts:\n${between.join('\n')}`);
        assert.not.match(between[0]!, /execve\(/);
      } finally {
        await s.kill();
      }
    } finally {
      box.cleanup();
    }
  });

  t.run();
}

/** The trace's lines once `marker` is in it (strace writes as it goes). */
async function traced(file: string, marker: string): Promise<string[]> {
  const deadline = Date.now() + 20000;
  for (;;) {
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (text.includes(marker)) return text.split('\n');
    if (Date.now() > deadline) throw new Error(`${marker} never reached the trace:\n${text.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// --- Completion -------------------------------------------------------------------------------

{
  const t = suite('pwsh completion (Register-ArgumentCompleter, through TabExpansion2)');
  const CONFIG = '[default]\nregion = eu-west-1\n\n[profile prod-admin]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = default\n';
  const NAMES = '[default]\naws_access_key_id = AKIADEFAULT00000001\naws_secret_access_key = s\n\n[$(New-Item CANARY)]\naws_access_key_id = AKIAWEIRD000000001\naws_secret_access_key = s\n\n[dev ops]\naws_access_key_id = AKIASPACE000000001\naws_secret_access_key = s\n\n[it\'s]\naws_access_key_id = AKIAQUOTE000000001\naws_secret_access_key = s\n';

  t('commands, profile names (quoted for the line), shells, options; in one pwsh', async () => {
    if (!hasPwsh) return;
    const box = sandbox();
    try {
      box.write('config', CONFIG);
      box.write('credentials', NAMES);
      const hook = await writeHook(box, 'pwsh');
      const lines: Record<string, string[]> = {
        'awsenv c': ['clear', 'current'],
        'awsenv use pr': ['prod-admin'],
        'awsenv export de': ['default', "'dev ops'"],
        "awsenv use '$(N": ["'$(New-Item CANARY)'"],
        "awsenv use 'de": ["'default'", "'dev ops'"],
        'awsenv use it': ["'it''s'"],
        'awsenv doctor ': ["'$(New-Item CANARY)'", 'default', "'dev ops'", "'it''s'", 'prod-admin'],
        'awsenv hook p': ['pwsh'],
        'awsenv use default --shell ': ['bash', 'zsh', 'sh', 'fish', 'pwsh', 'cmd', 'setx', 'tcsh'],
        'awsenv use default --shell f': ['fish'],
        'awsenv clear --': ['--shell', '--all', '--stale-tokens', '--dry-run', '--help'],
        'awsenv list --j': ['--json'],
        'awsenv export default --format ': ['process'],
      };
      // One pwsh for all of them: each line's completions, one line of JSON per input.
      const script = [
        `. '${hook}'`,
        ...Object.keys(lines).map((line) => {
          const q = `'${line.replace(/'/g, "''")}'`;
          return `ConvertTo-Json -Compress -InputObject @((TabExpansion2 -inputScript ${q} -cursorColumn ${line.length}).CompletionMatches | ForEach-Object CompletionText)`;
        }),
      ].join('\n');
      writeFileSync(join(box.dir, 'complete.ps1'), script);
      const r = await execa(PWSH, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', join(box.dir, 'complete.ps1')], { env: box.env, extendEnv: false, cwd: box.dir, reject: false });
      assert.is(r.stderr, '');
      assert.is(r.exitCode, 0);
      const got = r.stdout.split('\n').map((l) => JSON.parse(l) as string[]);
      Object.entries(lines).forEach(([line, want], i) => assert.equal(got[i], want, line));
      assert.equal(readdirSync(box.dir).filter((f) => f.startsWith('CANARY')), []);
    } finally {
      box.cleanup();
    }
  });

  t.run();
}
