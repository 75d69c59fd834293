// install.sh and `npm pack`, run for real in a temporary HOME: install, run again, uninstall
// (the tree must end as it began), the Node version gate, and the packed tarball installed
// with `npm install -g`.
import { execa } from 'execa';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CLI, ROOT, type Sandbox, sandbox } from '../helpers/env.js';
import { requireTool } from '../helpers/tools.js';
import { snapshot } from '../helpers/tree.js';

const INSTALL = join(ROOT, 'install.sh');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  engines: { node: string };
};

interface Run {
  stdout: string;
  stderr: string;
  exitCode: number;
}

async function run(file: string, args: string[], env: Record<string, string>, cwd = ROOT, timeout = 60_000): Promise<Run> {
  const r = await execa(file, args, { env, extendEnv: false, reject: false, stdin: 'ignore', cwd, timeout });
  return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode ?? -1 };
}

/** CI runs as root, where install.sh (and awsenv setup) refuse to run without --allow-root. */
export const AS_ROOT = process.getuid?.() === 0 ? ['--allow-root'] : [];

/** install.sh with --no-build: the suite links the dist/awsenv.js that `npm test` just built. */
const install = (args: string[], env: Record<string, string>, cwd?: string) => run(INSTALL, ['--no-build', ...AS_ROOT, ...args], env, cwd);

function withProfile(sb: Sandbox): void {
  sb.write('credentials', '[admin]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG\n');
  sb.write('config', '[profile admin]\nregion = eu-west-1\n');
}

/** The sandbox's tree, without awsenv's own caches (not install.sh's business). */
const tree = (sb: Sandbox) => snapshot(sb.dir).filter((l) => !/^\S+\s+(xdg-)?cache(\/|\s|$)/.test(l));

/** `eval "$(awsenv use admin --shell sh)"` in sh, with PATH's awsenv. */
async function useAdmin(env: Record<string, string>): Promise<Run> {
  return run(
    'sh',
    ['-c', 'eval "$(awsenv use admin --shell sh)" && printf "%s %s %s" "$AWS_PROFILE" "$AWS_ACCESS_KEY_ID" "$AWS_REGION"'],
    env,
  );
}

/** A `node` that reports VERSION for --version and is the real node otherwise. */
function fakeNode(sb: Sandbox, version: string): string {
  const dir = join(sb.dir, `fake-node-${version.replace(/\W/g, '_')}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'node'),
    `#!/bin/sh\nif [ "$1" = --version ]; then echo '${version}'; exit 0; fi\nexec '${process.execPath}' "$@"\n`,
  );
  chmodSync(join(dir, 'node'), 0o755);
  return dir;
}

/** The variables that say how to reach the npm registry: proxies and TLS trust, nothing else. */
function networkEnv(): Record<string, string> {
  const names = /^(https?_proxy|no_proxy|all_proxy|node_extra_ca_certs|ssl_cert_(file|dir)|npm_config_(registry|cafile|ca|proxy|https_proxy|noproxy|strict_ssl))$/i;
  return Object.fromEntries(
    Object.entries(process.env).filter((e): e is [string, string] => names.test(e[0]) && e[1] !== undefined),
  );
}

const test = suite('install');

test('installs, runs again without change, and uninstalls to the tree it found', async () => {
  const sb = sandbox();
  try {
    withProfile(sb);
    const prefix = join(sb.dir, 'prefix');
    const bin = join(prefix, 'bin');
    const link = join(bin, 'awsenv');
    const manifest = join(sb.home, '.local/share/awsenv/install.manifest');
    const before = tree(sb);

    const first = await install(['--prefix', prefix], sb.env);
    assert.is(first.exitCode, 0, first.stderr);
    assert.is(readlinkSync(link), CLI);
    assert.match(first.stdout, `${bin} is not on your PATH`);
    // Quoted for any directory name, so the line is safe to paste.
    assert.match(first.stdout, `export PATH='${bin}':"$PATH"`);

    const onPath = { ...sb.env, PATH: `${bin}:${sb.env.PATH}` };
    const version = await run('awsenv', ['--version'], onPath);
    assert.is(version.stdout.trim(), pkg.version);
    const used = await useAdmin(onPath);
    assert.is(used.exitCode, 0, used.stderr);
    assert.is(used.stdout, 'admin AKIAIOSFODNN7EXAMPLE eu-west-1');

    // Again, with the bin dir on PATH: nothing changes, nothing is recorded twice.
    const installed = tree(sb);
    const records = readFileSync(manifest, 'utf8').split('\n').filter(Boolean);
    assert.is(new Set(records).size, records.length);
    assert.equal(
      records.filter((r) => r.startsWith('link')),
      [`link\t${link}\t${CLI}`],
    );
    const second = await install(['--prefix', prefix], onPath);
    assert.is(second.exitCode, 0, second.stderr);
    assert.match(second.stdout, 'already links to');
    assert.not.match(second.stdout, 'not on your PATH');
    assert.equal(tree(sb), installed);
    assert.is((await useAdmin(onPath)).stdout, 'admin AKIAIOSFODNN7EXAMPLE eu-west-1');

    const removed = await install(['--uninstall'], sb.env);
    assert.is(removed.exitCode, 0, removed.stderr);
    assert.match(removed.stdout, `removed ${link}`);
    assert.not.ok(existsSync(link) || existsSync(prefix));
    assert.equal(tree(sb), before);

    const again = await install(['--uninstall'], sb.env);
    assert.is(again.exitCode, 0, again.stderr);
    assert.match(again.stdout, 'nothing to uninstall');
    assert.equal(tree(sb), before);
  } finally {
    sb.cleanup();
  }
});

test('defaults to ~/.local/bin and honours XDG_DATA_HOME for the manifest', async () => {
  const sb = sandbox();
  try {
    const data = join(sb.dir, 'data');
    const env = { ...sb.env, XDG_DATA_HOME: data };
    const before = tree(sb);
    const r = await install([], env);
    assert.is(r.exitCode, 0, r.stderr);
    assert.is(readlinkSync(join(sb.home, '.local/bin/awsenv')), CLI);
    assert.ok(existsSync(join(data, 'awsenv/install.manifest')));
    assert.not.ok(existsSync(join(sb.home, '.local/share')));
    assert.is((await install(['--uninstall'], env)).exitCode, 0);
    assert.equal(tree(sb), before);
  } finally {
    sb.cleanup();
  }
});

test('a relative --prefix is taken from the current directory', async () => {
  const sb = sandbox();
  try {
    const r = await install(['--prefix=rel/'], sb.env, sb.dir);
    assert.is(r.exitCode, 0, r.stderr);
    assert.is(readlinkSync(join(sb.dir, 'rel/bin/awsenv')), CLI);
    assert.is((await install(['--uninstall'], sb.env)).exitCode, 0);
    assert.not.ok(existsSync(join(sb.dir, 'rel')));
  } finally {
    sb.cleanup();
  }
});

test('--uninstall --prefix removes only that install', async () => {
  const sb = sandbox();
  try {
    const before = tree(sb);
    const [a, b] = [join(sb.dir, 'a'), join(sb.dir, 'b')];
    assert.is((await install(['--prefix', a], sb.env)).exitCode, 0);
    assert.is((await install(['--prefix', b], sb.env)).exitCode, 0);
    const r = await install(['--uninstall', '--prefix', a], sb.env);
    assert.is(r.exitCode, 0, r.stderr);
    assert.not.ok(existsSync(a));
    assert.is(readlinkSync(join(b, 'bin/awsenv')), CLI);
    assert.is((await install(['--uninstall'], sb.env)).exitCode, 0);
    assert.equal(tree(sb), before);
  } finally {
    sb.cleanup();
  }
});

test('does not replace an awsenv it did not install', async () => {
  const sb = sandbox();
  try {
    const bin = join(sb.dir, 'prefix/bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'awsenv'), '#!/bin/sh\necho mine\n', { mode: 0o755 });
    const before = tree(sb);
    const file = await install(['--prefix', join(sb.dir, 'prefix')], sb.env);
    assert.is(file.exitCode, 1);
    assert.match(file.stderr, 'exists and install.sh did not install it');
    assert.equal(tree(sb), before);

    rmSync(join(bin, 'awsenv'));
    symlinkSync('/bin/true', join(bin, 'awsenv'));
    const other = await install(['--prefix', join(sb.dir, 'prefix')], sb.env);
    assert.is(other.exitCode, 1);
    assert.match(other.stderr, 'links to /bin/true, which install.sh did not install');
    assert.is(readlinkSync(join(bin, 'awsenv')), '/bin/true');
  } finally {
    sb.cleanup();
  }
});

test('replaces its own link into an earlier clone, and records the new target', async () => {
  const sb = sandbox();
  try {
    const before = tree(sb);
    const prefix = join(sb.dir, 'prefix');
    const link = join(prefix, 'bin/awsenv');
    const manifest = join(sb.home, '.local/share/awsenv/install.manifest');
    assert.is((await install(['--prefix', prefix], sb.env)).exitCode, 0);
    // As if the clone had been elsewhere when install.sh last ran.
    const old = join(sb.dir, 'old-clone/dist/awsenv.js');
    rmSync(link);
    symlinkSync(old, link);
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(`\t${CLI}\n`, `\t${old}\n`));

    const r = await install(['--prefix', prefix], sb.env);
    assert.is(r.exitCode, 0, r.stderr);
    assert.is(readlinkSync(link), CLI);
    const links = readFileSync(manifest, 'utf8').split('\n').filter((l) => l.startsWith('link'));
    assert.equal(links, [`link\t${link}\t${CLI}`]);
    assert.is((await install(['--uninstall'], sb.env)).exitCode, 0);
    assert.equal(tree(sb), before);
  } finally {
    sb.cleanup();
  }
});

test('--uninstall leaves a link alone once it is no longer the one it made', async () => {
  const sb = sandbox();
  try {
    const prefix = join(sb.dir, 'prefix');
    const link = join(prefix, 'bin/awsenv');
    assert.is((await install(['--prefix', prefix], sb.env)).exitCode, 0);
    rmSync(link);
    symlinkSync('/bin/true', link);
    const r = await install(['--uninstall'], sb.env);
    assert.is(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, `left ${link} alone`);
    assert.is(readlinkSync(link), '/bin/true');
    // The manifest and the directories install.sh made for it are gone; bin/ is not empty.
    assert.not.ok(existsSync(join(sb.home, '.local')));
  } finally {
    sb.cleanup();
  }
});

test('an old node stops it with a message that says what is needed', async () => {
  const sb = sandbox();
  try {
    const env = { ...sb.env, PATH: `${fakeNode(sb, 'v18.0.0')}:${sb.env.PATH}` };
    const before = tree(sb);
    const r = await install(['--prefix', join(sb.dir, 'prefix')], env);
    assert.is(r.exitCode, 1);
    assert.match(r.stderr, `awsenv needs Node.js ${pkg.engines.node}, but`);
    assert.match(r.stderr, '/node is v18.0.0');
    assert.match(r.stderr, 'https://nodejs.org/');
    assert.equal(tree(sb), before);
  } finally {
    sb.cleanup();
  }
});

test('the node versions it accepts are those of package.json engines', async () => {
  const table: [string, boolean][] = [
    ['v0.10.48', false],
    ['v18.20.4', false],
    ['v20.18.3', false],
    ['v20.19.0', true],
    ['v21.7.3', false],
    ['v22.11.0', false],
    ['v22.12.0', true],
    ['v23.0.0', true],
    ['v24.11.1', true],
    ['not-a-version', false],
  ];
  const sb = sandbox();
  try {
    for (const [version, ok] of table) {
      const env = { ...sb.env, PATH: `${fakeNode(sb, version)}:${sb.env.PATH}` };
      const r = await install(['--prefix', join(sb.dir, 'prefix')], env);
      assert.is(r.exitCode, ok ? 0 : 1, `${version}: ${r.stderr}`);
      if (ok) assert.is((await install(['--uninstall'], env)).exitCode, 0);
    }
    const line = /^NODE_RANGE='([^']*)'$/m.exec(readFileSync(INSTALL, 'utf8'));
    assert.is(line?.[1], pkg.engines.node, 'install.sh NODE_RANGE and package.json engines.node differ');
  } finally {
    sb.cleanup();
  }
});

test('no node on PATH: it says so and where to get it', async () => {
  const sb = sandbox();
  try {
    // PATH with the tools install.sh needs, and no node.
    const tools = join(sb.dir, 'tools');
    mkdirSync(tools);
    for (const name of ['dirname', 'mkdir', 'ln', 'mv', 'rm', 'rmdir', 'readlink', 'sort', 'cat']) {
      const path = (await run('sh', ['-c', `command -v ${name}`], sb.env)).stdout.trim();
      symlinkSync(path, join(tools, name));
    }
    const r = await install(['--prefix', join(sb.dir, 'prefix')], { ...sb.env, PATH: tools });
    assert.is(r.exitCode, 1);
    assert.match(r.stderr, 'but `node` is not on PATH');
    assert.match(r.stderr, 'https://nodejs.org/');
  } finally {
    sb.cleanup();
  }
});

test('--help, and an unknown option is a usage error', async () => {
  const sb = sandbox();
  try {
    const help = await run(INSTALL, ['--help'], sb.env);
    assert.is(help.exitCode, 0);
    for (const option of ['--prefix DIR', '--uninstall', '--no-modify-rc', '--no-build']) assert.match(help.stdout, option);
    const bad = await run(INSTALL, ['--frobnicate'], sb.env);
    assert.is(bad.exitCode, 2);
    assert.match(bad.stderr, "unknown option '--frobnicate'");
    const missing = await run(INSTALL, ['--prefix'], sb.env);
    assert.is(missing.exitCode, 2);
  } finally {
    sb.cleanup();
  }
});

test('install.sh is shellcheck-clean', async () => {
  const shellcheck = requireTool('shellcheck', 'lints install.sh');
  if (!shellcheck) return;
  const r = await run(shellcheck, ['-S', 'style', INSTALL], { PATH: process.env.PATH ?? '' });
  assert.is(r.stdout + r.stderr, '');
  assert.is(r.exitCode, 0);
});

test('npm pack makes a tarball that `npm install -g` turns into a working awsenv', async () => {
  const sb = sandbox();
  try {
    withProfile(sb);
    // npm's cache and logs go to the sandbox HOME; the way to the registry (proxy, CA) is the
    // machine's; no notices about newer npm versions.
    const npmEnv = {
      ...sb.env,
      ...networkEnv(),
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
    };
    const packed = await run('npm', ['pack', '--json', '--pack-destination', sb.dir], npmEnv, ROOT, 120_000);
    assert.is(packed.exitCode, 0, packed.stderr);
    assert.match(packed.stderr, 'prepack'); // the build ran
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    const files = info!.files.map((f) => f.path).sort();
    for (const needed of ['README.md', 'dist/awsenv.js', 'package.json']) assert.ok(files.includes(needed), `${needed} not packed`);
    assert.equal(
      files.filter((f) => !/^(dist|shell|bin)\/|^(README\.md|package\.json|LICENSE)$/.test(f)),
      [],
      'only what a user runs is packed',
    );

    const prefix = join(sb.dir, 'global');
    const installed = await run(
      'npm',
      ['install', '-g', join(sb.dir, info!.filename), '--prefix', prefix, '--no-audit', '--no-fund'],
      npmEnv,
      sb.dir,
      180_000,
    );
    assert.is(installed.exitCode, 0, installed.stderr);
    const onPath = { ...sb.env, PATH: `${join(prefix, 'bin')}:${sb.env.PATH}` };
    assert.is((await run('awsenv', ['--version'], onPath)).stdout.trim(), pkg.version);
    assert.is((await useAdmin(onPath)).stdout, 'admin AKIAIOSFODNN7EXAMPLE eu-west-1');

    // dist/awsenv.js is one bundle: it runs without the package's node_modules.
    const modules = join(prefix, 'lib/node_modules/awsenv/node_modules');
    if (existsSync(modules)) rmSync(modules, { recursive: true });
    assert.ok(lstatSync(join(prefix, 'bin/awsenv')).isSymbolicLink());
    const bare = await useAdmin(onPath);
    assert.is(bare.exitCode, 0, bare.stderr);
    assert.is(bare.stdout, 'admin AKIAIOSFODNN7EXAMPLE eu-west-1');
  } finally {
    sb.cleanup();
  }
});

test.run();
