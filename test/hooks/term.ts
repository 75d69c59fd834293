// Interactive shells in a pseudo-terminal: a private tmux server per session (its own socket
// directory inside the sandbox, no tmux.conf), driven by keystrokes and read back with
// capture-pane. Every wait polls the screen against a deadline; no test depends on timing.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { awsenv, type Sandbox, sandbox } from '../helpers/env.js';
import { PWSH } from '../helpers/shells.js';

export type HookShell = 'bash' | 'zsh' | 'fish' | 'tcsh';
/** The shells a Session drives: the hook shells, and PowerShell (test/hooks/pwsh.test.ts). */
export type TermShell = HookShell | 'pwsh';

/** Every test prompt ends in "[STATUS] > ", so the last command's status is always on screen.
 * (screen() drops the trailing spaces of each line.) */
export const PROMPT_END = /\[(\d+)\] >$/;
const PROMPT = /\[\d+\] >( |$)/;

/** `awsenv hook SHELL` from the built CLI, written into the sandbox. */
export async function writeHook(box: Sandbox, shell: TermShell): Promise<string> {
  const r = await awsenv(['hook', shell], box.env);
  if (r.exitCode !== 0 || r.stderr !== '') throw new Error(`awsenv hook ${shell} failed: ${r.stderr}`);
  const path = join(box.dir, `hook.${shell === 'pwsh' ? 'ps1' : shell}`); // pwsh runs only a .ps1 as a script
  writeFileSync(path, r.stdout);
  return path;
}

export interface SessionOptions {
  /** Lines of the shell's own syntax run at start, before the hook is sourced. */
  before?: string[];
  /** Lines run after the hook is sourced. */
  after?: string[];
  /** Extra environment for the shell. */
  env?: Record<string, string>;
  /** Wraps the shell's argv, e.g. in strace. */
  wrap?: (argv: string[]) => string[];
  /** Whether the hook puts its segment in the prompt (AWSENV_PROMPT=1). Default true. */
  prompt?: boolean;
  /** The line that loads the hook (default: `source 'HOOK'`). */
  load?: (hook: string) => string;
  /** Replaces the whole prompt set-up (the lines before `before`); the prompt must still end in "[STATUS] > ". */
  promptLines?: string[];
}

/** The rc file that makes the prompt "[STATUS] > " and sources the hook. */
function rcFile(shell: TermShell, hook: string, o: SessionOptions): string {
  const lines: string[] = [];
  const prompt = o.prompt !== false;
  const load = o.load ? o.load(hook) : `source '${hook}'`;
  switch (shell) {
    case 'bash':
      lines.push(...(o.promptLines ?? [`PS1='[$?] > '`]), ...(prompt ? ['AWSENV_PROMPT=1'] : []), ...(o.before ?? []), load);
      break;
    case 'zsh':
      // PROMPT_SP would mark an unterminated line with a '%' of its own.
      lines.push('unsetopt PROMPT_SP', ...(o.promptLines ?? [`PROMPT='[%?] > '`]), ...(prompt ? ['AWSENV_PROMPT=1'] : []), ...(o.before ?? []), load);
      break;
    case 'fish':
      lines.push(
        'set -g fish_greeting',
        ...(o.promptLines ?? ["function fish_prompt; printf '[%s] > ' $status; end"]),
        'function fish_right_prompt; end',
        ...(prompt ? ['set -g AWSENV_PROMPT 1'] : []),
        ...(o.before ?? []),
        load,
      );
      break;
    case 'tcsh':
      lines.push(...(o.promptLines ?? [`set prompt = '[%?] > '`]), ...(prompt ? ['set AWSENV_PROMPT = 1'] : []), ...(o.before ?? []), load);
      break;
    case 'pwsh':
      // The user's own prompt: 0 or 1 from $?, as the other shells show their status.
      lines.push('function prompt { $ok = $?; "[$(if ($ok) { 0 } else { 1 })] > " }', ...(prompt ? ["$env:AWSENV_PROMPT = '1'"] : []), ...(o.before ?? []), `. '${hook}'`);
      break;
  }
  lines.push(...(o.after ?? []));
  return `${lines.join('\n')}\n`;
}

let sessions = 0;

export class Session {
  readonly socket: string;
  /** The rc file the shell started with. */
  rcPath = '';
  private readonly tmuxEnv: Record<string, string>;
  /** Prompts seen so far: a command is done when a new one appears. */
  private prompts = 0;

  private constructor(
    readonly box: Sandbox,
    readonly shell: TermShell,
  ) {
    this.socket = `awsenv-${process.pid}-${++sessions}`;
    const tmpdir = join(box.dir, 'tmux');
    mkdirSync(tmpdir, { recursive: true, mode: 0o700 });
    this.tmuxEnv = { PATH: box.env.PATH!, TMUX_TMPDIR: tmpdir, TERM: 'xterm-256color', HOME: box.home };
  }

  static async start(box: Sandbox, shell: TermShell, o: SessionOptions = {}): Promise<Session> {
    const s = new Session(box, shell);
    const hook = await writeHook(box, shell);
    const rc = join(box.dir, `rc.${shell}.${s.socket}`);
    mkdirSync(rc, { recursive: true });
    const rcPath = join(rc, shell === 'zsh' ? '.zshrc' : shell === 'pwsh' ? 'rc.ps1' : 'rc');
    writeFileSync(rcPath, rcFile(shell, hook, o));
    s.rcPath = rcPath;
    const argv: Record<TermShell, string[]> = {
      bash: ['bash', '--noprofile', '--rcfile', rcPath, '-i'],
      zsh: ['zsh', '--no-globalrcs', '-i'],
      fish: ['fish', '--no-config', '-i', '-C', `source '${rcPath}'`],
      tcsh: ['tcsh', '-f', '-i'],
      // PSReadLine loads as in any interactive pwsh; -NoProfile only skips the profile files.
      pwsh: [PWSH, '-NoLogo', '-NoProfile', '-NoExit', '-Command', `. '${rcPath}'`],
    };
    const env: Record<string, string> = { ...box.env, TERM: 'xterm-256color', ...(shell === 'zsh' ? { ZDOTDIR: rc } : {}), ...o.env };
    const command = ['env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...(o.wrap ?? ((a) => a))(argv[shell])];
    s.tmux('-f', '/dev/null', 'new-session', '-d', '-x', '200', '-y', '50', '-c', box.dir, '--', ...command);
    try {
      s.tmux('set-option', '-g', 'history-limit', '50000');
      if (shell === 'tcsh') {
        // tcsh reads no rc file by name but ~/.tcshrc, which -f skips: source it by hand once
        // its own first prompt is there.
        await s.waitFor((text) => text.length > 0);
        await s.run(`source '${rcPath}'`);
      } else {
        await s.waitForPrompt(1, shell === 'pwsh' ? 60000 : undefined);
      }
    } catch (error) {
      await s.kill();
      throw error;
    }
    return s;
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { env: this.tmuxEnv, encoding: 'utf8' });
  }

  /** The whole scrollback as text, wrapped lines joined, trailing blanks dropped. */
  screen(): string {
    return this.tmux('capture-pane', '-p', '-J', '-S', '-')
      .split('\n')
      .map((l) => l.trimEnd())
      .join('\n')
      .replace(/\n+$/, '');
  }

  private promptLines(text: string): number {
    return text.split('\n').filter((l) => PROMPT.test(l)).length;
  }

  /** Waits until at least `count` prompts are on screen and the last line is an empty prompt. */
  async waitForPrompt(count: number, timeoutMs = 15000): Promise<string> {
    return this.waitFor((text) => this.promptLines(text) >= count && PROMPT_END.test(text.split('\n').at(-1) ?? ''), timeoutMs);
  }

  async waitFor(ready: (screen: string) => boolean, timeoutMs = 15000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.screen();
      if (ready(text)) return text;
      if (Date.now() > deadline) throw new Error(`${this.shell}: timed out waiting; the screen:\n${text}`);
      await new Promise((r) => setTimeout(r, 40));
    }
  }

  /**
   * Types a line and Enter, waits for the next prompt, and returns what appeared between the
   * line and that prompt (the command's output and any notices), plus the new prompt line.
   */
  async run(line: string, timeoutMs?: number): Promise<{ output: string; prompt: string }> {
    const before = this.promptLines(this.screen());
    this.prompts = Math.max(this.prompts, before);
    if (line) this.tmux('send-keys', '-l', '--', line);
    this.tmux('send-keys', 'Enter');
    const text = await this.waitForPrompt(before + 1, timeoutMs);
    this.prompts = before + 1;
    const lines = text.split('\n');
    // The line holding the command is the last prompt line but one.
    let last = -1;
    let previous = -1;
    lines.forEach((l, i) => {
      if (PROMPT.test(l)) {
        previous = last;
        last = i;
      }
    });
    return { output: lines.slice(previous + 1, last).join('\n'), prompt: lines[last]! };
  }

  /** The pane's title, as escape sequences the shell printed have set it. */
  title(): string {
    return this.tmux('display-message', '-p', '#{pane_title}').trim();
  }

  /** Whether the shell is still running in the pane. */
  alive(): boolean {
    try {
      return alive(Number(this.tmux('display-message', '-p', '#{pane_pid}').trim())) && this.tmux('display-message', '-p', '#{pane_dead}').trim() !== '1';
    } catch {
      return false;
    }
  }

  /** Types text without Enter. */
  type(text: string): void {
    this.tmux('send-keys', '-l', '--', text);
  }

  /** Presses keys by tmux name (Tab, C-c, Enter). */
  key(...names: string[]): void {
    this.tmux('send-keys', ...names);
  }

  /** Ends the tmux server and waits until the shell is gone, so its files can be removed. */
  async kill(): Promise<void> {
    let pid: number | undefined;
    try {
      pid = Number(this.tmux('display-message', '-p', '#{pane_pid}').trim());
      this.tmux('kill-server');
    } catch {
      return; // already gone (the shell exited)
    }
    const deadline = Date.now() + 5000;
    while (pid && Date.now() < deadline && alive(pid)) await new Promise((r) => setTimeout(r, 20));
  }
}

/** Whether a process runs (a zombie that no one reaped counts as gone). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** `body` in a session of `shell` in a fresh sandbox (written by `prepare` first); the session killed and the sandbox removed after. */
export async function inSession(
  shell: TermShell,
  o: SessionOptions,
  prepare: (box: Sandbox) => Promise<void> | void,
  body: (s: Session, box: Sandbox) => Promise<void>,
): Promise<void> {
  const box = sandbox();
  try {
    await prepare(box);
    const s = await Session.start(box, shell, o);
    try {
      await body(s, box);
    } finally {
      await s.kill();
    }
  } finally {
    box.cleanup();
  }
}
