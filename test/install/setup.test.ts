// `awsenv setup` on its own (the path of `npm install -g` users) and the install.sh rules it
// shares: the tree restored byte for byte by --uninstall, --dry-run changing nothing, lines a
// user added inside the block kept, files 0644/0600 whatever the umask, root refused without
// --allow-root, the PATH line safe to paste for any HOME, --purge for the session cache, and
// PowerShell's profile wired when pwsh is installed (a new pwsh has the hook function).
import { execa } from 'execa';
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CLI, ROOT, type Sandbox, sandbox } from '../helpers/env.js';
import { findTool, pathWithout, requireTool } from '../helpers/tools.js';
import { snapshot } from '../helpers/tree.js';

const AS_ROOT = process.getuid?.() === 0 ? ['--allow-root'] : [];
const INSTALL = join(ROOT, 'install.sh');

interface Run {
  stdout: string;
  stderr: string;
  exitCode: number;
}

async function run(argv: string[], env: Record<string, string>, timeout = 120_000): Promise<Run> {
  const r = await execa(argv[0]!, argv.slice(1), { env, extendEnv: false, reject: false, stdin: 'ignore', timeout, cwd: ROOT });
  return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode ?? -1 };
}

/** `awsenv setup ARGS` as the built CLI, as root with --allow-root (CI runs as root). */
async function setup(args: string[], env: Record<string, string>): Promise<Run> {
  return run(['node', CLI, 'setup', ...AS_ROOT, ...args], env);
}

/** The sandbox's tree, without awsenv's caches. */
const tree = (sb: Sandbox) => snapshot(sb.dir).filter((l) => !/^\S+\s+(xdg-)?cache(\/|\s|$)/.test(l));

const bytes = (path: string) => readFileSync(path, 'latin1');
const mode = (path: string) => statSync(path).mode & 0o777;

/** A home as users have it: a dotfile manager's link, CRLF, no final line break, a tcshrc. */
function userFiles(sb: Sandbox): void {
  const dotfiles = join(sb.dir, 'dotfiles');
  mkdirSync(dotfiles);
  writeFileSync(join(dotfiles, 'bashrc'), "# mine\r\nalias ll='ls -l'\r\n", { mode: 0o600 });
  symlinkSync('../dotfiles/bashrc', join(sb.home, '.bashrc'));
  writeFileSync(join(sb.home, '.tcshrc'), 'set history = 100', { mode: 0o640 });
}

const test = suite('awsenv setup');

test('setup alone wires every shell, a second run changes nothing, --uninstall restores the tree byte for byte', async () => {
  const sb = sandbox();
  try {
    userFiles(sb);
    const before = tree(sb);
    const dry = await setup(['--dry-run'], sb.env);
    assert.is(dry.exitCode, 0, dry.stderr);
    assert.match(dry.stdout, 'would have: ');
    assert.equal(tree(sb), before, '--dry-run changed something');

    const first = await setup([], sb.env);
    assert.is(first.exitCode, 0, first.stderr);
    assert.is(first.stderr, '');
    const data = join(sb.home, '.local/share/awsenv');
    // The hooks name the command that ran setup (npm's bin link, here the built CLI).
    assert.match(bytes(join(data, 'hook.bash')), `__awsenv_bin='${CLI}'`);
    assert.match(bytes(join(sb.dir, 'dotfiles/bashrc')), /^# mine\r\nalias ll='ls -l'\r\n# >>> awsenv >>>/);
    assert.ok(bytes(join(sb.home, '.tcshrc')).startsWith('set history = 100\n# >>> awsenv >>>'));
    const installed = tree(sb);
    const again = await setup([], sb.env);
    assert.is(again.exitCode, 0, again.stderr);
    assert.not.match(again.stdout, /wrote|added|created|updated/);
    assert.equal(tree(sb), installed);

    // A new bash has the wrapper from its rc file.
    const probe = await run(['bash', '-i', '-c', 'type -t awsenv'], { ...sb.env, PS1: '' });
    assert.is(probe.stdout.trim(), 'function', probe.stderr);

    const dryOut = await setup(['--uninstall', '--dry-run'], sb.env);
    assert.is(dryOut.exitCode, 0, dryOut.stderr);
    assert.equal(tree(sb), installed, '--uninstall --dry-run changed something');
    const removed = await setup(['--uninstall'], sb.env);
    assert.is(removed.exitCode, 0, removed.stderr);
    assert.equal(tree(sb), before);
  } finally {
    sb.cleanup();
  }
});

test('--uninstall keeps a block that holds lines the user added, shows them, and removes it once they are gone', async () => {
  const sb = sandbox();
  try {
    writeFileSync(join(sb.home, '.bashrc'), 'export EDITOR=vi\n');
    const before = tree(sb);
    assert.is((await setup(['--shell', 'bash'], sb.env)).exitCode, 0);
    const bashrc = join(sb.home, '.bashrc');
    const withBlock = bytes(bashrc);
    const mine = 'export AWS_PAGER=""   # added inside the block by hand';
    writeFileSync(bashrc, withBlock.replace('\n# <<< awsenv <<<', `\n${mine}\n# <<< awsenv <<<`));

    const kept = await setup(['--uninstall'], sb.env);
    assert.is(kept.exitCode, 0, kept.stderr);
    assert.match(kept.stderr, `left the awsenv block in ${bashrc} in place`);
    assert.match(kept.stderr, mine);
    assert.match(bytes(bashrc), mine);
    assert.match(bytes(bashrc), '# >>> awsenv >>>');
    // The setup run after that leaves the user's block alone too, rather than drop the line.
    const rerun = await setup(['--shell', 'bash'], sb.env);
    assert.match(bytes(bashrc), mine);
    assert.match(rerun.stderr, 'holds lines that awsenv did not write');

    // The user moves the line out of the block: the next --uninstall takes the block.
    writeFileSync(bashrc, bytes(bashrc).replace(`${mine}\n`, ''));
    const done = await setup(['--uninstall'], sb.env);
    assert.is(done.exitCode, 0, done.stderr);
    assert.equal(tree(sb), before);
  } finally {
    sb.cleanup();
  }
});

test('files are 0644 (hooks, conf.d, a created rc file) and 0600 (manifest) whatever the umask', async () => {
  for (const umask of ['077', '000', '022']) {
    const sb = sandbox();
    try {
      const r = await run(['sh', '-c', `umask ${umask}; exec node "$0" setup "$@"`, CLI, ...AS_ROOT], sb.env);
      assert.is(r.exitCode, 0, r.stderr);
      const data = join(sb.home, '.local/share/awsenv');
      for (const f of ['hook.bash', 'hook.zsh', 'hook.fish', 'hook.tcsh', 'hook.ps1']) assert.is(mode(join(data, f)), 0o644, `${f} under umask ${umask}`);
      assert.is(mode(join(sb.home, '.config/fish/conf.d/awsenv.fish')), 0o644);
      assert.is(mode(join(sb.home, '.bashrc')), 0o644);
      assert.is(mode(join(data, 'install.manifest')), 0o600);
    } finally {
      sb.cleanup();
    }
  }
  // install.sh's own manifest writes too.
  const sb = sandbox();
  try {
    const r = await run(['sh', '-c', `umask 000; exec "$0" --no-build "$@"`, INSTALL, ...AS_ROOT, '--no-modify-rc'], sb.env);
    assert.is(r.exitCode, 0, r.stderr);
    assert.is(mode(join(sb.home, '.local/share/awsenv/install.manifest')), 0o600);
  } finally {
    sb.cleanup();
  }
});

test('as root, install.sh and setup refuse without --allow-root and say why', async () => {
  if (process.getuid?.() !== 0) {
    console.warn('SKIPPED: the root refusal is tested only when the tests run as root (CI does)');
    return;
  }
  const sb = sandbox();
  try {
    const before = tree(sb);
    const s = await run(['node', CLI, 'setup'], sb.env);
    assert.is(s.exitCode, 2);
    assert.match(s.stderr, 'refusing to run as root');
    assert.match(s.stderr, '--allow-root');
    const i = await run([INSTALL, '--no-build'], sb.env);
    assert.is(i.exitCode, 1);
    assert.match(i.stderr, 'refusing to run as root');
    assert.match(i.stderr, '--allow-root');
    assert.equal(tree(sb), before);
  } finally {
    sb.cleanup();
  }
});

test('the PATH line install.sh prints is safe to paste, for an awkward HOME and an awkward --prefix', async () => {
  const awkward = `it's a "home" $(touch CANARY) \`x\` !1`;
  for (const where of ['home', 'prefix'] as const) {
    const sb = sandbox();
    try {
      const home = join(sb.dir, awkward);
      mkdirSync(home);
      const env = { ...sb.env, HOME: home };
      const prefix = join(sb.dir, `pre ${awkward}`);
      const args = where === 'prefix' ? ['--prefix', prefix] : [];
      const r = await run([INSTALL, '--no-build', ...AS_ROOT, '--no-modify-rc', ...args], env);
      assert.is(r.exitCode, 0, r.stderr);
      const line = /awsenv install: {3}(export PATH=.*)$/m.exec(r.stdout)?.[1];
      assert.ok(line, r.stdout);
      const bin = where === 'prefix' ? join(prefix, 'bin') : join(home, '.local/bin');
      for (const sh of ['sh', 'bash', 'zsh']) {
        if (!findTool(sh)) continue;
        const p = await run([sh, '-c', `${line}\nprintf '%s' "$PATH"`], { ...env, PATH: '/usr/bin:/bin' });
        assert.is(p.stdout, `${bin}:/usr/bin:/bin`, `${sh}: ${line}`);
      }
      const fishLine = /awsenv install: fish: (.*)$/m.exec(r.stdout)?.[1];
      if (fishLine && findTool('fish')) {
        const f = await run(['fish', '--no-config', '-c', `function fish_add_path; printf '%s' $argv[-1]; end; ${fishLine}`], env);
        assert.is(f.stdout, bin, fishLine);
      }
      for (const dir of [ROOT, sb.dir, home]) assert.not.ok(existsSync(join(dir, 'CANARY')), 'pasting the line ran code');
    } finally {
      sb.cleanup();
    }
  }
});

test('--uninstall says what is left in the session cache; --purge removes it (install.sh and setup)', async () => {
  for (const how of ['setup', 'install.sh'] as const) {
    const sb = sandbox();
    try {
      const cache = sb.env.AWSENV_CACHE_DIR!;
      const doInstall = how === 'setup' ? setup([], sb.env) : run([INSTALL, '--no-build', ...AS_ROOT], sb.env);
      assert.is((await doInstall).exitCode, 0);
      mkdirSync(join(cache, 'stamps'), { recursive: true, mode: 0o700 });
      writeFileSync(join(cache, 'a'.repeat(64) + '.json'), '{}', { mode: 0o600 });
      writeFileSync(join(cache, 'stamps', 'until-1'), '');
      // A kept index of a big AWS file (files/index-cache.ts) is awsenv's too.
      mkdirSync(join(cache, 'files'), { recursive: true, mode: 0o700 });
      writeFileSync(join(cache, 'files', 'b'.repeat(64) + '.idx'), '', { mode: 0o600 });
      const un = how === 'setup' ? await setup(['--uninstall'], sb.env) : await run([INSTALL, ...AS_ROOT, '--uninstall'], sb.env);
      assert.is(un.exitCode, 0, un.stderr);
      assert.match(un.stdout, `left the session cache ${cache} (1 cached session`);
      assert.match(un.stdout, '--purge');
      const again = how === 'setup' ? await setup([], sb.env) : await run([INSTALL, '--no-build', ...AS_ROOT], sb.env);
      assert.is(again.exitCode, 0);
      const purged = how === 'setup' ? await setup(['--uninstall', '--purge'], sb.env) : await run([INSTALL, ...AS_ROOT, '--uninstall', '--purge'], sb.env);
      assert.is(purged.exitCode, 0, purged.stderr);
      assert.match(purged.stdout, `removed the session cache in ${cache}`);
      assert.not.ok(snapshot(sb.dir).some((l) => l.includes('cache/')), snapshot(sb.dir).join('\n'));
    } finally {
      sb.cleanup();
    }
  }
});

test('PowerShell installed: its profile is created with the block, and a new pwsh has the hook function', async () => {
  const pwsh = findTool('pwsh') ?? findTool(join(homedir(), '.dotnet/tools/pwsh'));
  if (!pwsh && !requireTool('pwsh', 'the PowerShell profile is wired by setup')) return;
  const sb = sandbox();
  try {
    const without = { ...sb.env, PATH: pathWithout('pwsh', sb.env.PATH ?? '') };
    const env = { ...sb.env, PATH: `${dirname(pwsh!)}:${without.PATH}` };
    const profile = join(sb.home, '.config/powershell/Microsoft.PowerShell_profile.ps1');
    // Without pwsh: no profile is made for nobody.
    assert.is((await setup(['--shell', 'pwsh'], without)).exitCode, 0);
    assert.not.ok(snapshot(sb.dir).some((l) => l.includes('Microsoft.PowerShell_profile.ps1')));
    const r = await setup(['--shell', 'pwsh'], env);
    assert.is(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, `created ${profile} with the awsenv block`);
    assert.is(mode(profile), 0o644);
    const p = await run([pwsh!, '-NoLogo', '-NonInteractive', '-Command', '(Get-Command awsenv).CommandType; (Get-Command __awsenv_guard).CommandType'], env, 240_000);
    assert.is(p.exitCode, 0, p.stderr);
    assert.equal(p.stdout.trim().split(/\r?\n/), ['Function', 'Function'], p.stderr);
    assert.is((await setup(['--uninstall'], env)).exitCode, 0);
    assert.not.ok(snapshot(sb.dir).some((l) => l.includes('Microsoft.PowerShell_profile.ps1')), 'the profile setup created is gone');
  } finally {
    sb.cleanup();
  }
});

test.run();
