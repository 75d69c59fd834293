// install.sh and the shells' start-up files, run for real in a temporary HOME: the rendered
// hooks land in DATA/awsenv/hook.*, each rc file gets one marked block that sources them (a
// new shell then has the `awsenv` function without starting Node), a second run changes no
// byte, and --uninstall gives every start-up file the bytes it had before.
import { execa } from 'execa';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, type Sandbox, sandbox } from '../helpers/env.js';
import { pathWithout, requireTool, skip } from '../helpers/tools.js';
import { snapshot } from '../helpers/tree.js';

const INSTALL = join(ROOT, 'install.sh');
const START = '# >>> awsenv >>>  (added by awsenv setup; remove with: awsenv setup --uninstall)';
/** CI runs as root, where install.sh (and awsenv setup) refuse to run without --allow-root. */
const AS_ROOT = process.getuid?.() === 0 ? ['--allow-root'] : [];
const END = '# <<< awsenv <<<';
const HOOKS = { bash: 'hook.bash', zsh: 'hook.zsh', fish: 'hook.fish', tcsh: 'hook.tcsh', pwsh: 'hook.ps1' } as const;

interface Run {
  stdout: string;
  stderr: string;
  exitCode: number;
}

async function run(file: string, args: string[], env: Record<string, string>, cwd = ROOT, strip = true): Promise<Run> {
  const r = await execa(file, args, { env, extendEnv: false, reject: false, stdin: 'ignore', cwd, timeout: 60_000, stripFinalNewline: strip });
  return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode ?? -1 };
}

/** install.sh with --no-build (the suite uses the dist/awsenv.js that `npm test` built); must succeed. */
async function install(args: string[], env: Record<string, string>): Promise<Run> {
  const r = await run(INSTALL, ['--no-build', ...AS_ROOT, ...args], env);
  assert.is(r.exitCode, 0, `install.sh ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** A file's bytes as a string with one char per byte, so a difference shows in a diff. */
const bytes = (path: string) => readFileSync(path, 'latin1');

/** A file's second line (a block's middle line when the block starts the file), as UTF-8. */
const secondLine = (path: string) => readFileSync(path, 'utf8').split('\n')[1];

/** The number of awsenv blocks in a file. */
const blocks = (path: string) => bytes(path).split('\n').filter((l) => l.startsWith('# >>> awsenv >>>')).length;

/** The sandbox's tree, without awsenv's caches (not install.sh's business). */
const tree = (sb: Sandbox) => snapshot(sb.dir).filter((l) => !/^\S+\s+(xdg-)?cache(\/|\s|$)/.test(l));

function withProfile(sb: Sandbox): void {
  sb.write('credentials', '[admin]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG\n');
  sb.write('config', '[profile admin]\nregion = eu-west-1\n');
}

function writeMode(path: string, text: string, mode: number): void {
  writeFileSync(path, text, { encoding: 'latin1' });
  chmodSync(path, mode);
}

type StartShell = 'bash' | 'zsh' | 'fish' | 'tcsh';

/** Outside every sandbox: the shells' own data and the traces, which no tree should show. */
let scratch = '';
let traces = 0;

/**
 * Starts SHELL as a user's new shell would (its rc files read, nothing skipped) with `script`
 * as its command, under strace when there is one, and returns what it printed and the
 * programs it executed on the way. Shells get their own XDG_DATA_HOME (fish keeps its
 * history there), so that they leave nothing in the sandbox.
 */
async function newShell(sb: Sandbox, shell: StartShell, script: string, env: Record<string, string> = {}) {
  const argv: Record<StartShell, string[]> = {
    bash: ['bash', '-i', '-c', script],
    zsh: ['zsh', '-i', '-c', script],
    fish: ['fish', '-i', '-c', script],
    // tcsh reads ~/.tcshrc for -c too; -i is not needed (and would print prompts).
    tcsh: ['tcsh', '-c', script],
  };
  const fullEnv = { ...sb.env, TERM: 'dumb', XDG_DATA_HOME: join(scratch, 'shell-data'), ...env };
  const strace = STRACE;
  if (!strace) skip('strace is not installed'); // the shell runs, but no one counts its processes
  const trace = join(scratch, `trace.${++traces}`);
  const command = strace ? [strace, '-f', '-qq', '-e', 'trace=execve', '-o', trace, ...argv[shell]] : argv[shell];
  const r = await run(command[0]!, command.slice(1), fullEnv, sb.dir);
  // The programs executed: the path each execve( names, of the calls that succeeded.
  const executed = strace
    ? bytes(trace)
        .split('\n')
        .filter((l) => l.includes('execve(') && / = 0$/.test(l))
        .map((l) => /execve\("([^"]*)"/.exec(l)?.[1] ?? l)
    : undefined;
  return { ...r, executed };
}

const STRACE = requireTool('strace', 'proves that a new shell starts no Node process');

/** The paths that would be Node or awsenv started while the shell came up. */
const nodeStarts = (executed: string[] | undefined) =>
  (executed ?? []).filter((p) => basename(p) === 'node' || basename(p).startsWith('node') || p.includes('awsenv.js') || basename(p) === 'awsenv');

const test = suite('install: shell start-up files');
test.before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'awsenv-rc-'));
});
test.after(() => rmSync(scratch, { recursive: true, force: true }));

test('a new shell has the hook from its rc file, and starts no Node process for it', async () => {
  const sb = sandbox();
  try {
    withProfile(sb);
    writeFileSync(join(sb.home, '.tcshrc'), 'set awsenv_test_tcshrc = 1\n');
    const r = await install([], sb.env);
    const data = join(sb.home, '.local/share/awsenv');
    const link = join(sb.home, '.local/bin/awsenv');

    // The hook files are what the installed link renders, its own path quoted in.
    for (const [shell, file] of Object.entries(HOOKS)) {
      const rendered = await run(link, ['hook', shell], sb.env, ROOT, false);
      assert.is(rendered.exitCode, 0, rendered.stderr);
      assert.is(readFileSync(join(data, file), 'utf8'), rendered.stdout, `${file} differs from \`awsenv hook ${shell}\``);
      assert.match(r.stdout, `wrote ${join(data, file)}`);
    }
    assert.match(readFileSync(join(data, 'hook.bash'), 'utf8'), `__awsenv_bin='${link}'`);

    // One block in each, sourcing the hook file from $HOME; fish's is a file of its own.
    const expected = {
      '.bashrc': 'if [ -f "$HOME/.local/share/awsenv/hook.bash" ]; then . "$HOME/.local/share/awsenv/hook.bash"; fi',
      '.zshrc': 'if [ -f "$HOME/.local/share/awsenv/hook.zsh" ]; then . "$HOME/.local/share/awsenv/hook.zsh"; fi',
      '.tcshrc': 'if ( -f "$HOME/.local/share/awsenv/hook.tcsh" ) source "$HOME/.local/share/awsenv/hook.tcsh"',
      '.config/fish/conf.d/awsenv.fish':
        'if test -f "$HOME/.local/share/awsenv/hook.fish"; source "$HOME/.local/share/awsenv/hook.fish"; end',
    };
    for (const [file, line] of Object.entries(expected)) {
      const text = bytes(join(sb.home, file));
      assert.is(blocks(join(sb.home, file)), 1, file);
      assert.ok(text.endsWith(`${START}\n${line}\n${END}\n`), `${file}:\n${text}`);
    }
    assert.is(bytes(join(sb.home, '.tcshrc')), `set awsenv_test_tcshrc = 1\n${START}\n${expected['.tcshrc']}\n${END}\n`);
    assert.match(r.stdout, `created ${join(sb.home, '.bashrc')} with the awsenv block`);
    assert.match(r.stdout, `created ${join(sb.home, '.zshrc')} with the awsenv block`);
    assert.match(r.stdout, `added the awsenv block to ${join(sb.home, '.tcshrc')}`);
    assert.match(r.stdout, `wrote ${join(sb.home, '.config/fish/conf.d/awsenv.fish')}`);

    const probes: [StartShell, string, RegExp][] = [
      ['bash', 'type -t awsenv; printf "%s\\n" "${PROMPT_COMMAND[@]}"', /^function\n(.*\n)*__awsenv_guard/],
      ['zsh', 'whence -w awsenv; print -rl -- $precmd_functions', /^awsenv: function\n(.*\n)*__awsenv_guard/],
      ['fish', 'functions -q awsenv; and echo function; functions -q __awsenv_guard; and echo guard', /^function\nguard$/],
      ['tcsh', 'alias awsenv > /dev/null && echo alias; alias precmd', /^alias\n.*__awsenv_guard/],
    ];
    for (const [shell, script, output] of probes) {
      if (!requireTool(shell, `the ${shell} rc block is tried in ${shell}`)) continue;
      const s = await newShell(sb, shell, script);
      assert.is(s.exitCode, 0, `${shell}: ${s.stderr}`);
      assert.match(s.stdout, output, `${shell} printed:\n${s.stdout}\n${s.stderr}`);
      assert.equal(nodeStarts(s.executed), [], `${shell} started Node while starting up`);
    }
    // The control: the same trace does see Node once the shell runs awsenv.
    if (STRACE) {
      const s = await newShell(sb, 'bash', 'awsenv --version');
      assert.is(s.exitCode, 0, s.stderr);
      assert.ok(nodeStarts(s.executed).length > 0, `no Node start seen in:\n${s.executed?.join('\n')}`);
    }

    // The wrapper from the hook file works (the bin directory is not on PATH: the hook
    // names the link by its path).
    for (const shell of ['bash', 'zsh'] as const) {
      if (!requireTool(shell, `the ${shell} rc block is tried in ${shell}`)) continue;
      const s = await newShell(sb, shell, 'awsenv use admin > /dev/null && echo "$AWS_PROFILE $AWS_ACCESS_KEY_ID $AWS_REGION"');
      assert.is(s.stdout.trim(), 'admin AKIAIOSFODNN7EXAMPLE eu-west-1', `${shell}: ${s.stderr}`);
    }
    if (requireTool('fish', 'the fish conf.d file is tried in fish')) {
      const s = await newShell(sb, 'fish', 'awsenv use admin > /dev/null; and echo "$AWS_PROFILE $AWS_ACCESS_KEY_ID"');
      assert.is(s.stdout.trim(), 'admin AKIAIOSFODNN7EXAMPLE', s.stderr);
    }
  } finally {
    sb.cleanup();
  }
});

test('a second run changes no byte; --uninstall gives each start-up file its bytes back', async () => {
  const sb = sandbox();
  try {
    // ~/.bashrc: a dotfile manager's link into a repository, CRLF lines, mode 0600.
    const dotfiles = join(sb.dir, 'dotfiles');
    mkdirSync(dotfiles);
    const bashrc = "# from my dotfiles\r\nalias ll='ls -l'\r\n";
    writeMode(join(dotfiles, 'bashrc'), bashrc, 0o600);
    symlinkSync('../dotfiles/bashrc', join(sb.home, '.bashrc'));
    // ~/.tcshrc: no line break at its end, mode 0640.
    const tcshrc = 'set history = 100\nalias ll ls -l';
    writeMode(join(sb.home, '.tcshrc'), tcshrc, 0o640);
    // A PowerShell profile (CRLF, no final line break); ~/.zshrc does not exist.
    const profileDir = join(sb.home, '.config/powershell');
    mkdirSync(profileDir, { recursive: true });
    const profile = join(profileDir, 'Microsoft.PowerShell_profile.ps1');
    const ps1 = "Set-Alias ll Get-ChildItem\r\n$env:EDITOR = 'vi'";
    writeMode(profile, ps1, 0o644);
    const before = tree(sb);

    await install([], sb.env);
    // The link stays a link; its target got the block after the bytes it had.
    assert.ok(lstatSync(join(sb.home, '.bashrc')).isSymbolicLink());
    assert.is(readlinkSync(join(sb.home, '.bashrc')), '../dotfiles/bashrc');
    const target = bytes(join(dotfiles, 'bashrc'));
    assert.ok(target.startsWith(bashrc) && target.endsWith(`${END}\n`), target);
    assert.is(statSync(join(dotfiles, 'bashrc')).mode & 0o777, 0o600);
    // Without a final line break, one goes in before the block.
    assert.ok(bytes(join(sb.home, '.tcshrc')).startsWith(`${tcshrc}\n${START}\n`));
    assert.is(statSync(join(sb.home, '.tcshrc')).mode & 0o777, 0o640);
    assert.ok(bytes(profile).startsWith(`${ps1}\n${START}\n`));
    assert.match(bytes(profile), 'if (Test-Path -LiteralPath "$HOME/.local/share/awsenv/hook.ps1") { . "$HOME/.local/share/awsenv/hook.ps1" }\n');
    for (const file of [join(dotfiles, 'bashrc'), join(sb.home, '.zshrc'), join(sb.home, '.tcshrc'), profile]) {
      assert.is(blocks(file), 1, file);
    }

    const installed = tree(sb);
    const again = await install([], sb.env);
    assert.equal(tree(sb), installed);
    assert.not.match(again.stdout, /wrote|added|created|updated/);
    assert.match(again.stdout, 'the hook files in');
    assert.is(again.stdout.split('already has the awsenv block').length - 1, 5);

    const removed = await install(['--uninstall'], sb.env);
    assert.match(removed.stdout, `removed the awsenv block from ${join(sb.home, '.bashrc')} (through its link, in`);
    assert.match(removed.stdout, `removed ${join(sb.home, '.zshrc')} (awsenv setup created it for the awsenv block)`);
    assert.is(bytes(join(dotfiles, 'bashrc')), bashrc);
    assert.is(bytes(join(sb.home, '.tcshrc')), tcshrc);
    assert.is(bytes(profile), ps1);
    assert.equal(tree(sb), before);
  } finally {
    sb.cleanup();
  }
});

test('a block whose text changed is updated in place, never added twice; the rest of the file stays', async () => {
  const sb = sandbox();
  try {
    const bashrc = join(sb.home, '.bashrc');
    writeFileSync(bashrc, 'export BEFORE=1\n');
    // A block pasted by hand into ~/.zshrc: recognised, not added again.
    await install(['--no-modify-rc'], sb.env);
    const zshBlock = `${START}\nif [ -f "$HOME/.local/share/awsenv/hook.zsh" ]; then . "$HOME/.local/share/awsenv/hook.zsh"; fi\n${END}\n`;
    writeFileSync(join(sb.home, '.zshrc'), `setopt autocd\n${zshBlock}bindkey -e\n`);

    await install([], sb.env);
    const fresh = bytes(bashrc);
    assert.is(bytes(join(sb.home, '.zshrc')), `setopt autocd\n${zshBlock}bindkey -e\n`);

    // As an older install.sh might have left it, with a line added after it since.
    writeFileSync(bashrc, `${fresh.replace('; fi\n', '; fi # old\n')}export AFTER=1\n`);
    const r = await install([], sb.env);
    assert.match(r.stdout, `updated the awsenv block in ${bashrc}`);
    assert.is(bytes(bashrc), `${fresh}export AFTER=1\n`);
    assert.is(blocks(bashrc), 1);

    await install(['--uninstall'], sb.env);
    assert.is(bytes(bashrc), 'export BEFORE=1\nexport AFTER=1\n');
    // Uninstall takes out the block it found in ~/.zshrc too, and nothing else.
    assert.is(bytes(join(sb.home, '.zshrc')), 'setopt autocd\nbindkey -e\n');
  } finally {
    sb.cleanup();
  }
});

test('a start-up file it created goes only while it holds nothing but the block', async () => {
  const sb = sandbox();
  try {
    await install([], sb.env);
    const bashrc = join(sb.home, '.bashrc');
    writeFileSync(bashrc, `${bytes(bashrc)}export MINE=1\n`);
    const r = await install(['--uninstall'], sb.env);
    assert.match(r.stdout, `removed the awsenv block from ${bashrc}`);
    assert.is(bytes(bashrc), 'export MINE=1\n');
    assert.not.ok(existsSync(join(sb.home, '.zshrc')));
  } finally {
    sb.cleanup();
  }
});

test('--no-modify-rc writes the hook files and no start-up file, and says what to add', async () => {
  const sb = sandbox();
  try {
    writeFileSync(join(sb.home, '.bashrc'), 'export X=1\n');
    const before = tree(sb);
    const r = await install(['--no-modify-rc'], sb.env);
    for (const file of Object.values(HOOKS)) assert.ok(existsSync(join(sb.home, '.local/share/awsenv', file)), file);
    assert.is(bytes(join(sb.home, '.bashrc')), 'export X=1\n');
    assert.not.ok(existsSync(join(sb.home, '.zshrc')));
    assert.not.ok(existsSync(join(sb.home, '.config')));
    assert.match(r.stdout, '--no-modify-rc');
    assert.match(r.stdout, `to ${join(sb.home, '.bashrc')}: if [ -f "$HOME/.local/share/awsenv/hook.bash" ]`);
    assert.not.match(r.stdout, '.tcshrc'); // not there: not suggested
    await install(['--uninstall'], sb.env);
    assert.equal(tree(sb), before);
  } finally {
    sb.cleanup();
  }
});

test('no PowerShell profile or ~/.tcshrc is created; ZDOTDIR and XDG_CONFIG_HOME are honoured', async () => {
  const sb = sandbox();
  try {
    const zdot = join(sb.dir, 'zdot');
    const config = join(sb.dir, 'config');
    mkdirSync(zdot);
    // No pwsh on PATH (CI's has one): then setup makes no PowerShell profile.
    const env = { ...sb.env, ZDOTDIR: zdot, XDG_CONFIG_HOME: config, PATH: pathWithout('pwsh', sb.env.PATH ?? '') };
    const before = tree(sb);
    await install([], env);
    assert.is(blocks(join(zdot, '.zshrc')), 1);
    assert.not.ok(existsSync(join(sb.home, '.zshrc')));
    assert.is(blocks(join(config, 'fish/conf.d/awsenv.fish')), 1);
    assert.not.ok(existsSync(join(sb.home, '.config')));
    assert.not.ok(existsSync(join(config, 'powershell')));
    assert.not.ok(existsSync(join(sb.home, '.tcshrc')));
    if (requireTool('zsh', 'the zsh rc block is tried in zsh')) {
      const s = await newShell(sb, 'zsh', 'whence -w awsenv', { ZDOTDIR: zdot });
      assert.is(s.stdout.trim(), 'awsenv: function', s.stderr);
    }
    if (requireTool('fish', 'the fish conf.d file is tried in fish')) {
      const s = await newShell(sb, 'fish', 'functions -q awsenv; and echo function', { XDG_CONFIG_HOME: config });
      assert.is(s.stdout.trim(), 'function', s.stderr);
    }
    await install(['--uninstall'], env);
    assert.equal(tree(sb), before);
  } finally {
    sb.cleanup();
  }
});

test('ZDOTDIR set in ~/.zshenv (not exported to the installer): the block goes to $ZDOTDIR/.zshrc', async () => {
  if (!requireTool('zsh', 'zsh is asked for its ZDOTDIR')) return;
  const sb = sandbox();
  try {
    // As XDG-minded setups do; the echo shows that whatever ~/.zshenv prints is not taken for the path.
    writeFileSync(join(sb.home, '.zshenv'), 'echo "hello from zshenv"\nZDOTDIR=$HOME/.config/zsh\n');
    const zdot = join(sb.home, '.config/zsh');
    const before = tree(sb);
    await install([], sb.env);
    assert.is(blocks(join(zdot, '.zshrc')), 1);
    assert.not.ok(existsSync(join(sb.home, '.zshrc')), 'zsh would not read ~/.zshrc');
    const s = await newShell(sb, 'zsh', 'whence -w awsenv');
    assert.match(s.stdout, 'awsenv: function', s.stderr);
    await install(['--uninstall'], sb.env);
    assert.equal(tree(sb), before);
  } finally {
    sb.cleanup();
  }
});

// Awkward characters in each part of the path: in HOME itself (the block reads $HOME), and
// in the part written out (escaped for each shell; tcsh gets single quotes).
const AWKWARD = `it's "a" $HOME \`x\` !y \\z “c”`;

for (const where of ['home', 'data'] as const) {
  test(`an awkward ${where === 'home' ? 'HOME' : 'XDG_DATA_HOME'} (${AWKWARD}) works in every shell`, async () => {
    const sb = sandbox();
    try {
      withProfile(sb);
      const home = where === 'home' ? join(sb.dir, AWKWARD) : sb.home;
      mkdirSync(home, { recursive: true });
      writeFileSync(join(home, '.tcshrc'), '');
      // PowerShell is not run here (not installed on the test machines): its line is checked
      // as text, with its backquote escapes.
      const profile = join(home, '.config/powershell/Microsoft.PowerShell_profile.ps1');
      mkdirSync(join(home, '.config/powershell'), { recursive: true });
      writeFileSync(profile, '');
      const env: Record<string, string> = { ...sb.env, HOME: home };
      if (where === 'data') env.XDG_DATA_HOME = join(home, AWKWARD);
      const before = tree(sb);
      await install([], env);
      if (where === 'data') {
        assert.is(
          secondLine(join(home, '.bashrc')),
          'if [ -f "$HOME/it\'s \\"a\\" \\$HOME \\`x\\` !y \\\\z “c”/awsenv/hook.bash" ]; ' +
            'then . "$HOME/it\'s \\"a\\" \\$HOME \\`x\\` !y \\\\z “c”/awsenv/hook.bash"; fi',
        );
        assert.is(
          secondLine(join(home, '.config/fish/conf.d/awsenv.fish')),
          'if test -f "$HOME/it\'s \\"a\\" \\$HOME `x` !y \\\\z “c”/awsenv/hook.fish"; ' +
            'source "$HOME/it\'s \\"a\\" \\$HOME `x` !y \\\\z “c”/awsenv/hook.fish"; end',
        );
        assert.is(
          secondLine(join(home, '.tcshrc')),
          'if ( -f "$HOME"\'/it\'\\\'\'s "a" $HOME `x` \'\\!\'y \\z “c”/awsenv/hook.tcsh\' ) ' +
            'source "$HOME"\'/it\'\\\'\'s "a" $HOME `x` \'\\!\'y \\z “c”/awsenv/hook.tcsh\'',
        );
      }
      const pwshLine = (p: string) => `if (Test-Path -LiteralPath "${p}") { . "${p}" }`;
      assert.is(
        secondLine(profile),
        where === 'data'
          ? pwshLine('$HOME/it\'s `"a`" `$HOME ``x`` !y \\z `“c`”/awsenv/hook.ps1')
          : pwshLine('$HOME/.local/share/awsenv/hook.ps1'),
      );

      for (const [shell, script, output] of [
        ['bash', 'type -t awsenv', 'function'],
        ['zsh', 'whence -w awsenv', 'awsenv: function'],
        ['fish', 'functions -q awsenv; and echo function', 'function'],
        ['tcsh', 'alias awsenv > /dev/null && echo alias', 'alias'],
      ] as const) {
        if (!requireTool(shell, `the ${shell} rc block is tried in ${shell}`)) continue;
        const s = await newShell(sb, shell, script, { HOME: home });
        assert.is(s.stdout.trim(), output, `${shell}: ${s.stderr}`);
      }
      const used = await newShell(sb, 'bash', 'awsenv use admin > /dev/null && echo "$AWS_PROFILE"', { HOME: home });
      assert.is(used.stdout.trim(), 'admin', used.stderr);

      await install(['--uninstall'], env);
      assert.equal(tree(sb), before);
    } finally {
      sb.cleanup();
    }
  });
}

test('what it cannot edit safely it leaves alone, with a warning', async () => {
  const sb = sandbox();
  try {
    // A dangling link, a block without its end line, a conf.d/awsenv.fish of the user's.
    symlinkSync('../nowhere/bashrc', join(sb.home, '.bashrc'));
    const zshrc = `setopt autocd\n${START}\nsource somewhere\n`;
    writeFileSync(join(sb.home, '.zshrc'), zshrc);
    const conf = join(sb.home, '.config/fish/conf.d');
    mkdirSync(conf, { recursive: true });
    writeFileSync(join(conf, 'awsenv.fish'), 'awsenv hook fish | source\n');
    const before = tree(sb);

    const r = await install([], sb.env);
    assert.match(r.stderr, `left ${join(sb.home, '.bashrc')} alone: it is not a file, nor a link to one`);
    assert.match(r.stderr, `left ${join(sb.home, '.zshrc')} alone: its awsenv block has no end line`);
    assert.match(r.stderr, `left ${join(conf, 'awsenv.fish')} alone: awsenv setup did not write it`);
    assert.is(readlinkSync(join(sb.home, '.bashrc')), '../nowhere/bashrc');
    assert.is(bytes(join(sb.home, '.zshrc')), zshrc);
    assert.is(bytes(join(conf, 'awsenv.fish')), 'awsenv hook fish | source\n');

    await install(['--uninstall'], sb.env);
    assert.equal(tree(sb), before);
  } finally {
    sb.cleanup();
  }
});

test('--uninstall --prefix keeps the hooks and blocks for the install left, and points the hooks at it', async () => {
  const sb = sandbox();
  try {
    const before = tree(sb);
    const [a, b] = [join(sb.dir, 'a'), join(sb.dir, 'b')];
    const hook = join(sb.home, '.local/share/awsenv/hook.bash');
    await install(['--prefix', a], sb.env);
    await install(['--prefix', b], sb.env);
    assert.match(bytes(hook), `__awsenv_bin='${join(b, 'bin/awsenv')}'`);
    const bashrc = bytes(join(sb.home, '.bashrc'));

    const r = await install(['--uninstall', '--prefix', b], sb.env);
    assert.match(r.stdout, `wrote ${hook}`);
    assert.match(bytes(hook), `__awsenv_bin='${join(a, 'bin/awsenv')}'`);
    assert.is(bytes(join(sb.home, '.bashrc')), bashrc);
    if (requireTool('bash', 'the bash rc block is tried in bash')) {
      const s = await newShell(sb, 'bash', 'awsenv --version');
      assert.is(s.exitCode, 0, s.stderr);
    }

    await install(['--uninstall'], sb.env);
    assert.equal(tree(sb), before);
  } finally {
    sb.cleanup();
  }
});

test.run();
