// awsenv setup: writes the rendered hooks to DATA/awsenv/hook.* and a marked block that
// sources them into each shell's start-up file; `--uninstall` takes out exactly what it put
// in. The one editor of a user's rc files (install.sh only builds, links and calls this), on
// the same atomic write as the credentials file (util/atomic.ts): a temporary file renamed
// over the target, through a symlinked rc file to its target, every other byte kept.
//
// What it did is recorded in DATA/awsenv/install.manifest, shared with install.sh, one record
// a line, fields separated by a tab:
//   dir PATH           a directory created (removed on uninstall only if empty)
//   link PATH TARGET   install.sh's symbolic link (install.sh removes it)
//   file PATH          a file written whole: a hook file, fish's conf.d/awsenv.fish
//   rc PATH HOW        a start-up file holding the block; HOW says what to undo: `created`
//                      (there was no file), `appended` (the block went at the end), `newline`
//                      (the file did not end in a line break, so one went in before the block)
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { Env } from '../files/files.js';
import { cacheDir } from '../sessions/cache.js';
import { pathExists, resolveLinks, writeFileAtomic } from '../util/atomic.js';
import type { Context, Output } from './context.js';
import { HOOK_SHELL_NAMES, type HookShell, renderHook } from './hook.js';

export const BLOCK_START = '# >>> awsenv >>>';
export const BLOCK_END = '# <<< awsenv <<<';
const BLOCK_NOTE = '(added by awsenv setup; remove with: awsenv setup --uninstall)';
/** The hook file names, as install.sh always wrote them. */
const HOOK_FILE: Record<HookShell, string> = { bash: 'hook.bash', zsh: 'hook.zsh', fish: 'hook.fish', tcsh: 'hook.tcsh', pwsh: 'hook.ps1' };

export interface SetupArgs {
  shells?: HookShell[] | undefined;
  uninstall?: boolean | undefined;
  purge?: boolean | undefined;
  dryRun?: boolean | undefined;
  noModifyRc?: boolean | undefined;
  hooksOnly?: boolean | undefined;
  allowRoot?: boolean | undefined;
  /** The command the hooks run (default: the awsenv that is running, by the path it was started as). */
  bin?: string | undefined;
}

interface Paths {
  home: string;
  dataDir: string;
  manifest: string;
  configHome: string;
  zdotdir: string;
}

type Kind = 'dir' | 'link' | 'file' | 'rc';
interface Rec {
  kind: Kind;
  path: string;
  value?: string | undefined;
}

/** Where every file goes: XDG directories only when absolute (the spec says to ignore others). */
function pathsOf(env: Env, probeZsh: boolean): Paths {
  const home = env.HOME;
  if (!home) throw new UsageError('HOME is not set');
  const xdg = (name: string, fallback: string) => {
    const v = env[name];
    return v && isAbsolute(v) ? v : join(home, fallback);
  };
  const dataDir = join(xdg('XDG_DATA_HOME', '.local/share'), 'awsenv');
  let zdotdir = env.ZDOTDIR ?? '';
  if (!zdotdir && probeZsh) zdotdir = zshZdotdir(env);
  if (!isAbsolute(zdotdir)) zdotdir = home;
  return { home, dataDir, manifest: join(dataDir, 'install.manifest'), configHome: xdg('XDG_CONFIG_HOME', '.config'), zdotdir };
}

/** ZDOTDIR as zsh sets it for itself (usually in ~/.zshenv, which every zsh reads first, so
 * ~/.zshrc is then not read at all). The value follows a marker line, in case ~/.zshenv prints. */
function zshZdotdir(env: Env): string {
  const r = spawnSync('zsh', ['-c', 'printf "\\n%s\\n%s" awsenv-zdotdir: "${ZDOTDIR:-}"'], {
    env: env as NodeJS.ProcessEnv,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: 10_000,
  });
  if (r.status !== 0 || typeof r.stdout !== 'string') return '';
  const lines = r.stdout.split('\n');
  const i = lines.indexOf('awsenv-zdotdir:');
  return i >= 0 ? (lines[i + 1] ?? '') : '';
}

/** Whether an executable named `name` is on PATH. */
function onPath(name: string, env: Env): boolean {
  for (const dir of (env.PATH ?? '').split(':')) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}

/** PowerShell is installed: on PATH, or where `dotnet tool install -g` puts it. */
function hasPwsh(env: Env, home: string): boolean {
  return onPath('pwsh', env) || existsSync(join(home, '.dotnet/tools/pwsh'));
}

// --- quoting the hook file's path for each shell's block

/**
 * PATH as one word of SHELL, in double quotes, written from $HOME when it lies there (the
 * block then reads as a user would write it). Each shell gives some characters a meaning
 * inside double quotes, and those are escaped:
 * - bash, zsh: \ $ ` " (POSIX, 2.2.3 Double-Quotes);
 * - fish: \ $ " (fish documentation, "Quotes");
 * - PowerShell: ` $ " and the curly double quotes, which it takes for " (about_Quoting_Rules);
 * - tcsh has no escape inside double quotes: a path with " $ ` ! \ is written in single
 *   quotes after "$HOME", with ' and ! outside them as \' and \! (as src/shells/tcsh.ts does).
 */
export function quotePath(shell: HookShell, path: string, home: string): string {
  let pre = '';
  let rest = path;
  if (path.startsWith(`${home.replace(/\/+$/, '')}/`)) {
    pre = '$HOME';
    rest = path.slice(home.replace(/\/+$/, '').length);
  }
  switch (shell) {
    case 'bash':
    case 'zsh':
      return `"${pre}${rest.replace(/[\\$`"]/g, '\\$&')}"`;
    case 'fish':
      return `"${pre}${rest.replace(/[\\$"]/g, '\\$&')}"`;
    case 'pwsh':
      return `"${pre}${rest.replace(/[`$"\u201c\u201d\u201e]/g, '`$&')}"`;
    case 'tcsh':
      if (/["$`!\\]/.test(rest)) return `${pre ? '"$HOME"' : ''}'${rest.replace(/['!]/g, "'\\$&'")}'`;
      return `"${pre}${rest}"`;
  }
}

/** The line of the block that sources the hook file. An `if`, so that a missing hook file
 * leaves no failed status behind (a prompt showing the last status would start at 1). */
export function sourceLine(shell: HookShell, hookPath: string, home: string): string {
  const q = quotePath(shell, hookPath, home);
  switch (shell) {
    case 'bash':
    case 'zsh':
      return `if [ -f ${q} ]; then . ${q}; fi`;
    case 'fish':
      return `if test -f ${q}; source ${q}; end`;
    case 'tcsh':
      // tcsh(1): `if (expr) command`, the one `if` that fits a line; -f is a file inquiry.
      return `if ( -f ${q} ) source ${q}`;
    case 'pwsh':
      return `if (Test-Path -LiteralPath ${q}) { . ${q} }`;
  }
}

export function blockFor(shell: HookShell, hookPath: string, home: string): string {
  return `${BLOCK_START}  ${BLOCK_NOTE}\n${sourceLine(shell, hookPath, home)}\n${BLOCK_END}`;
}

// --- the blocks in a file's lines (bytes kept as latin1, so every byte comes back as it was)

interface Range {
  start: number; // index of the first line
  end: number; // index of the last line
}

/** Splits into lines that keep their line breaks. */
function linesOf(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** The first block: undefined when none; `end: -1` when it has no end line. */
function findBlock(lines: string[]): Range | undefined {
  const start = lines.findIndex((l) => l.startsWith(BLOCK_START));
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && l.startsWith(BLOCK_END));
  return { start, end };
}

/** A line that sources a hook file: what this or an earlier awsenv wrote in a block. */
const SOURCES_HOOK = /awsenv\/hook\.(bash|zsh|fish|tcsh|ps1)\b/;

/** The lines inside a block that awsenv did not write (a user's additions), as text. */
function foreignLines(lines: string[], r: Range, ours: Set<string>): string[] {
  return lines
    .slice(r.start + 1, r.end)
    .map((l) => l.replace(/\r?\n$/, ''))
    .filter((l) => l.trim() !== '' && !ours.has(l) && !SOURCES_HOOK.test(l));
}

const latin1 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

// --- the command

class Setup {
  readonly out: string[] = [];
  readonly err: string[] = [];
  private records: Rec[] = [];
  private pendingDirs: Rec[] = [];
  private readonly dry: boolean;
  /** Every middle line awsenv writes, for every shell: what is not one of these is the user's. */
  private readonly ours: Set<string>;

  constructor(
    readonly paths: Paths,
    readonly env: Env,
    args: SetupArgs,
  ) {
    this.dry = args.dryRun === true;
    this.records = this.readManifest();
    this.ours = new Set(HOOK_SHELL_NAMES.map((s) => latin1(sourceLine(s, this.hookPath(s), paths.home))));
  }

  say(text: string): void {
    this.out.push(`awsenv setup: ${this.dry ? 'would have: ' : ''}${text}`);
  }
  warn(text: string): void {
    this.err.push(`awsenv setup: warning: ${text}`);
  }

  hookPath(shell: HookShell): string {
    return join(this.paths.dataDir, HOOK_FILE[shell]);
  }

  /** The start-up files: (shell, path, when it gets a block). `always`: created when missing;
   * `existing`: only one the user has; pwsh: also when PowerShell is installed. */
  rcFiles(): { shell: HookShell; path: string; create: boolean }[] {
    const { home, zdotdir, configHome } = this.paths;
    return [
      { shell: 'bash', path: join(home, '.bashrc'), create: true },
      { shell: 'zsh', path: join(zdotdir, '.zshrc'), create: true },
      { shell: 'tcsh', path: join(home, '.tcshrc'), create: false },
      { shell: 'pwsh', path: join(configHome, 'powershell/Microsoft.PowerShell_profile.ps1'), create: hasPwsh(this.env, home) },
    ];
  }

  fishConf(): string {
    return join(this.paths.configHome, 'fish/conf.d/awsenv.fish');
  }

  // --- the manifest

  private readManifest(): Rec[] {
    let text: string;
    try {
      text = readFileSync(this.paths.manifest, 'utf8');
    } catch {
      return [];
    }
    return text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => {
        const [kind, path, value] = l.split('\t');
        return { kind: kind as Kind, path: path ?? '', value };
      });
  }

  recorded(kind: Kind, path: string): Rec | undefined {
    return this.records.find((r) => r.kind === kind && r.path === path);
  }

  private writeManifest(): void {
    if (this.dry) return;
    if (this.records.length === 0) {
      rmSync(this.paths.manifest, { force: true });
      return;
    }
    const text = this.records.map((r) => [r.kind, r.path, ...(r.value !== undefined ? [r.value] : [])].join('\t') + '\n').join('');
    try {
      // Already saying exactly that (and private): left alone, so a second run touches nothing.
      if (readFileSync(this.paths.manifest, 'utf8') === text && (statSync(this.paths.manifest).mode & 0o777) === 0o600) return;
    } catch {
      // missing: written below
    }
    this.mkdirs(this.paths.dataDir);
    writeFileAtomic(this.paths.manifest, text, { mode: 0o600 });
  }

  /** Puts a record in place of an earlier one of the same kind and path, after the
   * directories created for it; leaves the manifest alone when nothing changed. */
  record(kind: Kind, path: string, value?: string): void {
    const same = this.recorded(kind, path);
    if (same && same.value === value && this.pendingDirs.length === 0) return;
    this.records = this.records.filter((r) => !(r.kind === kind && r.path === path));
    this.records.push(...this.pendingDirs, { kind, path, value });
    this.pendingDirs = [];
    this.writeManifest();
  }

  unrecord(kind: Kind, path: string): void {
    this.records = this.records.filter((r) => !(r.kind === kind && r.path === path));
  }

  /** mkdir -p, noting each directory it creates (outermost first) for the manifest. */
  mkdirs(dir: string): void {
    if (existsSync(dir)) return;
    this.mkdirs(dirname(dir));
    if (!this.dry) {
      mkdirSync(dir);
    }
    this.pendingDirs.push({ kind: 'dir', path: dir });
  }

  /** Writes a file whole (0644 whatever the umask) unless it already holds exactly that. */
  putFile(path: string, text: string): boolean {
    try {
      if (lstatSync(path).isFile() && readFileSync(path, 'utf8') === text) return false;
    } catch {
      // missing: written below
    }
    this.mkdirs(dirname(path));
    if (!this.dry) writeFileAtomic(path, text, { mode: 0o644 });
    this.say(`wrote ${path}`);
    return true;
  }

  // --- install

  writeHooks(bin: string): void {
    let wrote = 0;
    for (const shell of HOOK_SHELL_NAMES) {
      const path = this.hookPath(shell);
      if (this.putFile(path, renderHook(shell, bin))) wrote++;
      this.record('file', path);
    }
    if (wrote === 0) this.say(`the hook files in ${this.paths.dataDir} are up to date`);
  }

  /** The regular file an rc path is or leads to (a dotfile manager's link is followed, the
   * link stays), or undefined with a warning saying why not. */
  rcTarget(rc: string): string | undefined {
    let file: string;
    try {
      file = resolveLinks(rc);
    } catch {
      this.warn(`left ${rc} alone: cannot follow its symbolic links`);
      return undefined;
    }
    try {
      if (!statSync(file).isFile()) throw new Error('not a file');
    } catch {
      this.warn(`left ${rc} alone: it is not a file, nor a link to one`);
      return undefined;
    }
    return file;
  }

  via(rc: string, file: string): string {
    return file === resolve(rc) ? '' : ` (through its link, in ${file})`;
  }

  addBlock(shell: HookShell, rc: string, create: boolean, edited: Set<string>): void {
    const block = blockFor(shell, this.hookPath(shell), this.paths.home);
    const exists = pathExists(rc);
    if (!exists) {
      if (!create) return;
      this.mkdirs(dirname(rc));
      if (!this.dry) writeFileAtomic(rc, `${block}\n`, { mode: 0o644 });
      this.record('rc', rc, 'created');
      this.say(`created ${rc} with the awsenv block`);
      return;
    }
    const file = this.rcTarget(rc);
    if (!file) return;
    if (edited.has(file)) {
      this.warn(`left ${rc} alone: it is ${file}, which has just had the block of another shell`);
      return;
    }
    edited.add(file);
    const text = readFileSync(file, 'latin1');
    const lines = linesOf(text);
    const found = findBlock(lines);
    const mode = statSync(file).mode & 0o7777;
    if (found && found.end < 0) {
      this.warn(`left ${rc} alone: its awsenv block has no end line (${BLOCK_END}); fix or remove it by hand`);
      return;
    }
    if (found) {
      const how = this.recorded('rc', rc)?.value ?? 'appended';
      const current = lines.slice(found.start, found.end + 1).join('');
      const eol = /\r?\n$/.exec(lines[found.end]!)?.[0] ?? '';
      if (current.replace(/\r?\n$/, '') === latin1(block)) {
        this.say(`${rc} already has the awsenv block`);
      } else if (foreignLines(lines, found, this.ours).length > 0) {
        this.warn(`left the awsenv block in ${rc} as it is: it holds lines that awsenv did not write`);
      } else {
        const next = [...lines.slice(0, found.start), latin1(block) + (eol || '\n'), ...lines.slice(found.end + 1)].join('');
        if (!this.dry) writeFileAtomic(file, Buffer.from(next, 'latin1'), { mode });
        this.say(`updated the awsenv block in ${rc}${this.via(rc, file)}`);
      }
      this.record('rc', rc, how);
      return;
    }
    // A file that does not end in a line break gets one before the block (else the block's
    // first line would continue the file's last); --uninstall takes it out again.
    const how = text.length > 0 && !text.endsWith('\n') ? 'newline' : 'appended';
    const next = `${text}${how === 'newline' ? '\n' : ''}${latin1(block)}\n`;
    if (!this.dry) writeFileAtomic(file, Buffer.from(next, 'latin1'), { mode });
    this.record('rc', rc, how);
    this.say(`added the awsenv block to ${rc}${this.via(rc, file)}`);
  }

  /** fish reads every conf.d/*.fish at start: a whole file, holding the same block. */
  addFishConf(): void {
    const conf = this.fishConf();
    const block = `${blockFor('fish', this.hookPath('fish'), this.paths.home)}\n`;
    let st;
    try {
      st = lstatSync(conf);
    } catch {
      st = undefined;
    }
    if (st?.isFile() && readFileSync(conf, 'utf8') === block) {
      this.say(`${conf} already has the awsenv block`);
      this.record('file', conf);
      return;
    }
    if (st && !this.recorded('file', conf)) {
      this.warn(`left ${conf} alone: awsenv setup did not write it (remove it and run awsenv setup again to have it replaced)`);
      return;
    }
    this.putFile(conf, block);
    this.record('file', conf);
  }

  install(args: SetupArgs, bin: string): void {
    this.writeHooks(bin);
    if (args.hooksOnly) return;
    const shells = new Set(args.shells ?? HOOK_SHELL_NAMES);
    if (args.noModifyRc) {
      this.say('no shell start-up file changed (--no-modify-rc). To load the hook in a new shell, add:');
      for (const { shell, path, create } of this.rcFiles()) {
        if (shells.has(shell) && (create || existsSync(path))) this.say(`  to ${path}: ${sourceLine(shell, this.hookPath(shell), this.paths.home)}`);
      }
      if (shells.has('fish')) this.say(`  as ${this.fishConf()}: ${sourceLine('fish', this.hookPath('fish'), this.paths.home)}`);
      return;
    }
    const edited = new Set<string>();
    for (const { shell, path, create } of this.rcFiles()) {
      if (shells.has(shell)) this.addBlock(shell, path, create, edited);
    }
    if (shells.has('fish')) this.addFishConf();
    this.writeManifest();
  }

  // --- uninstall

  /** Takes the awsenv blocks out of an rc file, giving back the bytes from before: with the
   * line break added before the block (`newline`), or the whole file when setup created it
   * and it holds nothing else (`created`). A block holding lines the user added stays, and
   * those lines are shown. Returns whether the record is done with. */
  removeBlock(rc: string, how: string | undefined): boolean {
    const exists = pathExists(rc);
    if (!exists) {
      this.say(`${rc} is gone; no awsenv block to remove`);
      return true;
    }
    const file = this.rcTarget(rc);
    if (!file) return false;
    const original = readFileSync(file, 'latin1');
    let lines = linesOf(original);
    const mode = statSync(file).mode & 0o7777;
    let removed = 0;
    let kept = false;
    let from = 0;
    for (;;) {
      const rest = findBlock(lines.slice(from));
      if (!rest) break;
      const r = { start: rest.start + from, end: rest.end < 0 ? -1 : rest.end + from };
      if (r.end < 0) {
        this.warn(`an awsenv block in ${rc} has no end line (${BLOCK_END}); it is left as it is`);
        kept = true;
        break;
      }
      const foreign = foreignLines(lines, r, this.ours);
      if (foreign.length > 0) {
        this.warn(
          `left the awsenv block in ${rc} in place: it holds lines you added, which the block's removal would lose:\n` +
            foreign.map((l) => `    ${Buffer.from(l, 'latin1').toString('utf8')}`).join('\n') +
            `\n  move them out of the block (or delete the block by hand), then run awsenv setup --uninstall again`,
        );
        kept = true;
        from = r.end + 1;
        continue;
      }
      const last = r.end === lines.length - 1;
      if (last && how === 'created' && r.start === 0 && file === resolve(rc) && removed === 0) {
        if (!this.dry) rmSync(rc, { force: true });
        this.say(`removed ${rc} (awsenv setup created it for the awsenv block)`);
        return true;
      }
      let before = lines.slice(0, r.start);
      if (last && how === 'newline' && r.start > 0 && removed === 0) {
        // The block ends the file and the line break before it was ours.
        const prev = before[before.length - 1]!;
        before = [...before.slice(0, -1), prev.replace(/\n$/, '')];
      }
      lines = [...before, ...lines.slice(r.end + 1)];
      removed++;
      if (removed > 20) break;
    }
    if (removed > 0) {
      if (!this.dry) writeFileAtomic(file, Buffer.from(lines.join(''), 'latin1'), { mode });
      this.say(`removed the awsenv block from ${rc}${this.via(rc, file)}`);
    } else if (!kept) {
      this.say(`no awsenv block left in ${rc}`);
    }
    return !kept;
  }

  uninstall(purge: boolean): void {
    if (this.records.length === 0 && !existsSync(this.paths.manifest)) {
      this.say(`nothing to uninstall: ${this.paths.manifest} does not exist`);
    }
    for (const rec of [...this.records]) {
      if (rec.kind === 'rc') {
        if (this.removeBlock(rec.path, rec.value)) this.unrecord('rc', rec.path);
      } else if (rec.kind === 'file') {
        if (this.removeFile(rec.path)) this.unrecord('file', rec.path);
      }
    }
    // Then the directories, deepest first, each only if empty, and the manifest: not while
    // install.sh's link (which lives in some of them) or a kept block is still recorded.
    if (this.records.some((r) => r.kind !== 'dir')) {
      this.writeManifest();
    } else {
      const dirs = this.records.map((r) => r.path).sort().reverse();
      this.records = [];
      if (!this.dry) rmSync(this.paths.manifest, { force: true });
      for (const dir of dirs) {
        if (!this.dry) {
          try {
            rmdirSync(dir);
          } catch {
            continue; // not empty, or gone: left
          }
        }
        this.say(`removed ${dir}/ (empty; awsenv created it)`);
      }
    }
    this.cache(purge);
  }

  /** A file setup wrote whole: removed, unless the user has added to it (fish's conf.d file). */
  removeFile(path: string): boolean {
    let st;
    try {
      st = lstatSync(path);
    } catch {
      return true;
    }
    if (path === this.fishConf() && st.isFile()) {
      const lines = linesOf(readFileSync(path, 'latin1'));
      const r = findBlock(lines);
      const outside = r && r.end >= 0 ? [...lines.slice(0, r.start), ...lines.slice(r.end + 1)].filter((l) => l.trim() !== '') : [];
      const foreign = r && r.end >= 0 ? [...foreignLines(lines, r, this.ours), ...outside.map((l) => l.replace(/\r?\n$/, ''))] : ['(no awsenv block)'];
      if (foreign.length > 0) {
        this.warn(`left ${path} in place: it holds lines you added:\n${foreign.map((l) => `    ${l}`).join('\n')}`);
        return false;
      }
    }
    if (!this.dry) rmSync(path, { force: true });
    this.say(`removed ${path}`);
    return true;
  }

  /** What is left in the session cache: said, and removed with --purge (only awsenv's own
   * files, in a directory that is the user's own real directory). */
  cache(purge: boolean): void {
    const dir = cacheDir(this.env);
    let names: string[];
    try {
      const st = lstatSync(dir);
      if (!st.isDirectory()) return;
      names = readdirSync(dir);
    } catch {
      return;
    }
    // files/: the kept indexes of big AWS files (files/index-cache.ts).
    const ours = names.filter((n) => /\.json$|\.lock$|^\..*\.tmp$|^stamps$|^clock$|^files$|\.takeover$/.test(n));
    if (ours.length === 0) return;
    const sessions = ours.filter((n) => n.endsWith('.json')).length;
    if (!purge) {
      this.say(
        `left the session cache ${dir} (${sessions} cached session${sessions === 1 ? '' : 's'}, which may hold temporary credentials until they expire); add --purge to remove it too`,
      );
      return;
    }
    const uid = process.getuid?.();
    if (uid !== undefined && lstatSync(dir).uid !== uid) {
      this.warn(`left ${dir} alone: it is not yours`);
      return;
    }
    if (!this.dry) {
      for (const name of ours) rmSync(join(dir, name), { recursive: true, force: true });
      try {
        rmdirSync(dir);
      } catch {
        // other files in it: left
      }
    }
    this.say(`removed the session cache in ${dir} (${sessions} session${sessions === 1 ? '' : 's'}, and the stamps)`);
  }
}

export function setup(args: SetupArgs, ctx: Context): Output {
  if (process.getuid?.() === 0 && !args.allowRoot) {
    throw new UsageError(
      'refusing to run as root: awsenv setup edits the start-up files of the user running it, so as root it would wire awsenv into root\'s shells (or, under sudo, leave root-owned files in your home). Run it as the user who will use awsenv, or pass --allow-root if root is that user',
    );
  }
  const paths = pathsOf(ctx.env, !args.uninstall);
  for (const p of [paths.dataDir, paths.home]) {
    if (/[\t\n]/.test(p)) throw new UsageError(`a path with a tab or newline is not supported: ${JSON.stringify(p)}`);
  }
  const s = new Setup(paths, ctx.env, args);
  if (args.uninstall) {
    s.uninstall(args.purge === true);
  } else {
    if (args.purge) throw new UsageError('--purge goes with --uninstall');
    s.install(args, args.bin ?? resolve(process.argv[1] ?? 'awsenv'));
    if (!args.hooksOnly && !args.noModifyRc && !args.dryRun) s.say('done: open a new shell, then: awsenv use PROFILE');
  }
  return {
    stdout: s.out.map((l) => `${l}\n`).join(''),
    ...(s.err.length ? { stderr: s.err.map((l) => `${l}\n`).join('') } : {}),
  };
}
