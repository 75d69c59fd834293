// Windows cmd end to end, in Wine: the real CLI's `--shell cmd` output for awkward profiles,
// applied by shell/awsenv.cmd in an interactive Wine cmd as a user types it, then the
// environment read back with `cmd /u /c set` (UTF-16, so exactly what Windows holds).
//
// The CLI itself cannot run inside Wine's `for /f`: Wine starts a Linux program without
// waiting for it, and `for /f` reads its output before there is any (tried with node and
// `sleep 1; echo`). So the CLI runs here first, and AWSENV_COMMAND points awsenv.cmd at a
// stand-in batch file that types that output: everything from the CLI's stdout onwards is
// real. What Wine 8 cannot show, and why, is in the non-ASCII test below.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CMD_LINE_MAX } from '../../src/shells/cmd.js';
import { render, type EnvChange } from '../../src/shells/index.js';
import { awsenv, ROOT, sandbox, type Sandbox } from '../helpers/env.js';
import { afterClear, afterUse, awsVars, configFile, CONTRACT_VARS, credentialsFile, longValue, type ProfileSpec } from '../helpers/profiles.js';
import { requireTool, skip } from '../helpers/tools.js';
import { readSetDump, type Wine, wine, WINE, winPath } from '../helpers/wine.js';

const test = suite('cmd: awsenv.cmd in Wine');
const wineBin = requireTool(WINE, 'the cmd tests apply shell/awsenv.cmd inside Wine');

interface World {
  sb: Sandbox;
  wine: Wine;
  /** Where the stand-in, the captured outputs and the dumps live (Windows sees it as Z:). */
  win: string;
  canary: string;
  specs: Record<'awkward' | 'leading' | 'unicode' | 'multiline' | 'long', ProfileSpec>;
  sessions: number;
}
let w: World;

function profiles(canary: string): World['specs'] {
  const c = winPath(canary);
  // Each would create the canary if cmd ever parsed the value.
  const inject = `& echo pwned> ${c} | echo pwned> ${c} ^& echo pwned> ${c} "& echo pwned> ${c}" ) & echo pwned> ${c}`;
  const tokenLine = CMD_LINE_MAX - 'AWS_SESSION_TOKEN='.length;
  return {
    awkward: {
      name: `rt & | %PATH% %% ^ ! !PATH! <> ( ) ; , " ' \``,
      keyId: 'AKIA&|%PATH%"^!<>()\\',
      secret: `-s3cr3t ${inject} "quoted" ^^ %% !! %~dp0 \\`,
      // The longest line cmd takes (CMD_LINE_MAX), every character of it a special one.
      token: longValue(`tok&|%PATH%"^!<>();,=%%!USERNAME!\t${inject}`, tokenLine),
      expiration: '2999-01-01T00:00:00Z',
      region: 'eu-west-1 & echo %PATH% ^ !',
    },
    // Leading ';' (cmd's `for /f` skips lines starting with ';'; this line starts with the name).
    leading: { name: 'b;#=:', keyId: ';AKIA-semicolon', secret: '-n "x" =y' },
    unicode: { name: 'unicode', keyId: 'AKIAUNICODE', secret: 'é 日本 😀 ’‘“” ü\u00a0x' },
    multiline: { name: 'multiline', keyId: 'AKIAMULTILINE', secret: 'SECRET-one\nSECRET-two' },
    long: { name: 'long', keyId: 'AKIALONG', secret: 'x', token: `SECRET${'x'.repeat(8192)}` },
  };
}

test.before(() => {
  if (!wineBin) return skip(`${WINE} is not installed`);
  const sb = sandbox();
  const win = join(sb.dir, 'win');
  mkdirSync(win);
  const canary = join(sb.dir, 'canary');
  const specs = profiles(canary);
  const all = Object.values(specs);
  sb.write('credentials', credentialsFile(all));
  sb.write('config', configFile(all));
  // The stand-in for the CLI: types the output captured in %RT_OUT% and records its arguments.
  writeFileSync(
    join(win, 'fake-awsenv.cmd'),
    ['@echo off', '>>"%~dp0args.txt" echo %*', 'if defined RT_OUT type "%~dp0%RT_OUT%"', 'if "%1"=="doctor" exit /b 3', 'exit /b 0', ''].join('\r\n'),
  );
  w = { sb, wine: wine(sb.dir, sb.home), win, canary, specs, sessions: 0 };
});

test.after(async () => {
  if (!w) return;
  await w.wine.cleanup();
  w.sb.cleanup();
});

/** Runs the real CLI with the environment a cmd holding `state` would give it. */
async function cli(args: string[], state: Record<string, string>) {
  return awsenv([...args, '--shell', 'cmd'], { ...w.sb.env, ...state });
}

/** Saves CLI output for the stand-in to type. */
function capture(name: string, stdout: string): string {
  writeFileSync(join(w.win, name), stdout);
  return name;
}

/**
 * A session of typed lines. `step(out, command)` points the stand-in at a captured output,
 * types `command`, and saves its exit status and the environment afterwards.
 */
class CmdSession {
  readonly lines: string[];
  readonly dir: string;
  private n = 0;
  constructor() {
    this.dir = join(w.win, `session-${w.sessions++}`);
    mkdirSync(this.dir);
    // awsenv.cmd first on PATH, so a user's `awsenv use …` finds it.
    this.lines = ['@echo off', `set "PATH=${winPath(join(ROOT, 'shell'))};%PATH%"`];
  }
  step(out: string | undefined, command: string): number {
    const i = this.n++;
    this.lines.push(
      out === undefined ? 'set RT_OUT=' : `set RT_OUT=${out}`,
      command,
      // Redirection first: `echo 1>file` would redirect handle 1. Wine's `set NAME >file`
      // would look up "NAME " with the space, so `set` is not used for the dump.
      `>"${winPath(join(this.dir, `${i}.rc`))}" echo %errorlevel%`,
      `>"${winPath(join(this.dir, `${i}.env`))}" cmd /u /c set`,
    );
    return i;
  }
  dump(): number {
    return this.step(undefined, 'rem');
  }
  read(i: number, run: { stdout: string; stderr: string }): { rc: number; env: Record<string, string> } {
    const env = join(this.dir, `${i}.env`);
    if (!existsSync(env)) throw new Error(`step ${i} never ran; stdout:\n${run.stdout.slice(-2000)}\nstderr:\n${run.stderr.slice(-2000)}`);
    return { rc: Number(readFileSync(join(this.dir, `${i}.rc`), 'utf8').trim()), env: readSetDump(env) };
  }
}

/** What the user had before: leftovers that `use` must remove. */
const LEFTOVERS: Record<string, string> = {
  AWS_SESSION_TOKEN: 'leftover-token',
  AWS_SECURITY_TOKEN: 'legacy-token',
  AWS_SESSION_EXPIRATION: '2000-01-01T00:00:00Z',
  AWS_DEFAULT_PROFILE: 'old',
  AWS_PROFILE: 'old',
};

function wineEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { ...w.sb.env, AWSENV_COMMAND: winPath(join(w.win, 'fake-awsenv.cmd')), ...LEFTOVERS, ...extra };
}

function assertNoHelpers(env: Record<string, string>, what: string): void {
  assert.equal(Object.keys(env).filter((k) => /^_awsenv/i.test(k)), [], `${what}: awsenv.cmd left its helper variables`);
}

test('use, use, clear through awsenv.cmd: values with & | % " ^ ! < > arrive intact, nothing runs', async () => {
  if (!wineBin) return skip(`${WINE} is not installed`);
  const { awkward, leading } = w.specs;
  const s = new CmdSession();
  const start = s.dump();
  const args: string[] = [];

  // The CLI's outputs, each computed from the environment the cmd holds at that point.
  let state = awsVars(wineEnv());
  const steps: { i: number; state: Record<string, string> }[] = [];
  const use = async (p: ProfileSpec, file: string) => {
    const r = await cli(['use', p.name], state);
    assert.is(r.exitCode, 0, r.stderr);
    state = afterUse(state, p);
    steps.push({ i: s.step(capture(file, r.stdout), 'awsenv use rt'), state });
    args.push('use rt --shell cmd');
  };
  const clear = async (file: string) => {
    const r = await cli(['clear'], state);
    assert.is(r.exitCode, 0, r.stderr);
    state = afterClear(state);
    steps.push({ i: s.step(capture(file, r.stdout), 'awsenv clear'), state });
    args.push('clear --shell cmd');
  };
  await use(awkward, 'use-awkward.txt');
  await use(leading, 'use-leading.txt');
  await use(awkward, 'use-awkward-again.txt');
  await clear('clear.txt');

  const run = await w.wine.cmd(s.lines, wineEnv());
  // Wine hands the Unix environment to cmd unchanged, so the CLI above saw what cmd holds.
  assert.equal(awsVars(s.read(start, run).env), awsVars(wineEnv()));
  for (const { i, state: want } of steps) {
    const { rc, env } = s.read(i, run);
    assert.is(rc, 0, `step ${i}: exit status`);
    assert.equal(awsVars(env), want, `step ${i}`);
    assertNoHelpers(env, `step ${i}`);
  }
  const last = s.read(steps.at(-1)!.i, run).env;
  assert.equal(CONTRACT_VARS.filter((name) => name in last), [], 'clear left contract variables');
  assert.is(readFileSync(join(w.win, 'args.txt'), 'utf8').replaceAll('\r', '').trim(), args.join('\n'), 'awsenv.cmd passes its arguments and --shell cmd');
  assert.not.ok(existsSync(w.canary), 'a value ran as a command');
  // The token's line is as long as cmd takes.
  const tokenLine = `AWS_SESSION_TOKEN=${awkward.token}`;
  assert.is(Buffer.byteLength(tokenLine), CMD_LINE_MAX);
});

test('dialect level: spaces, tabs, quotes, carets, percents and bangs, as the cmd dialect renders them', async () => {
  if (!wineBin) return skip(`${WINE} is not installed`);
  const values: EnvChange = {
    AWS_RT_LEADING_SPACE: '  lead',
    AWS_RT_TRAILING_SPACE: 'trail  ',
    AWS_RT_TAB: '\ta\tb\t',
    AWS_RT_EQUALS: 'a=b==c=',
    AWS_RT_QUOTE: '"',
    AWS_RT_QUOTES: '""a"b""',
    AWS_RT_CARET: '^',
    AWS_RT_CARETS: '^^a^&b^',
    AWS_RT_PERCENT: '%',
    AWS_RT_PERCENTS: '%PATH% %% %1 %~dp0 %*',
    AWS_RT_BANG: '!',
    AWS_RT_BANGS: '!PATH! !! !',
    AWS_RT_PARENS: ') ( ) & echo pwned',
    AWS_RT_SEMICOLON: ';x',
    AWS_RT_ASCII: Array.from({ length: 95 }, (_, i) => String.fromCharCode(i + 32)).join('').replace(/^=/, ''),
  };
  const s = new CmdSession();
  const set = s.step(capture('dialect.txt', render('cmd', values)), 'awsenv use rt');
  const unset = Object.fromEntries(Object.keys(values).map((k) => [k, null]));
  const cleared = s.step(capture('dialect-unset.txt', render('cmd', unset)), 'awsenv clear');
  const run = await w.wine.cmd(s.lines, wineEnv());
  const got = s.read(set, run);
  assert.is(got.rc, 0);
  for (const [name, value] of Object.entries(values)) assert.is(JSON.stringify(got.env[name]), JSON.stringify(value), name);
  const gone = s.read(cleared, run).env;
  assert.equal(Object.keys(values).filter((k) => k in gone), []);
});

test('a failed use changes nothing, exits 1; the CLI printed nothing and named no secret', async () => {
  if (!wineBin) return skip(`${WINE} is not installed`);
  const { awkward, multiline, long } = w.specs;
  const preset = { AWS_ACCESS_KEY_ID: 'AKIAPRESET', AWS_SECRET_ACCESS_KEY: 'preset-secret', AWS_REGION: 'preset-region', AWSENV_PROFILE: 'preset' };
  const failures: { what: string; profile: string; env?: Record<string, string>; says: RegExp }[] = [
    { what: 'unknown profile', profile: 'no-such-profile', says: /no-such-profile.*not found/ },
    { what: 'malformed file', profile: awkward.name, env: { AWS_SHARED_CREDENTIALS_FILE: join(w.sb.dir, 'malformed') }, says: /malformed:2/ },
    { what: 'directory', profile: awkward.name, env: { AWS_SHARED_CREDENTIALS_FILE: w.win }, says: /directory/ },
    { what: 'a newline in the secret', profile: multiline.name, says: /AWS_SECRET_ACCESS_KEY/ },
    { what: 'an 8 KB token', profile: long.name, says: /AWS_SESSION_TOKEN/ },
  ];
  writeFileSync(join(w.sb.dir, 'malformed'), '[x]\nnot a key value line\n');
  const s = new CmdSession();
  const start = s.dump();
  const steps: number[] = [];
  for (const f of failures) {
    const r = await cli(['use', f.profile], { ...preset, ...f.env });
    assert.is(r.stdout, '', `${f.what}: stdout`);
    assert.is(r.exitCode, 1, `${f.what}: exit status`);
    assert.match(r.stderr, f.says, `${f.what}: stderr`);
    for (const secret of ['SECRET-', 'SECRETx', awkward.secret]) assert.not.ok(r.stderr.includes(secret), `${f.what}: stderr shows a secret`);
    steps.push(s.step(capture(`fail-${steps.length}.txt`, r.stdout), 'awsenv use rt'));
  }
  const run = await w.wine.cmd(s.lines, wineEnv(preset));
  const before = awsVars(s.read(start, run).env);
  assert.is(before.AWS_SECRET_ACCESS_KEY, 'preset-secret');
  steps.forEach((i, n) => {
    const { rc, env } = s.read(i, run);
    assert.is(rc, 1, `${failures[n]!.what}: exit status of awsenv.cmd`);
    assert.equal(awsVars(env), before, `${failures[n]!.what}: environment changed`);
    assertNoHelpers(env, failures[n]!.what);
  });
});

test('other subcommands run as they are: output shown, exit status kept, environment untouched', async () => {
  if (!wineBin) return skip(`${WINE} is not installed`);
  const s = new CmdSession();
  const start = s.dump();
  writeFileSync(join(w.win, 'doctor.txt'), 'AWS_PROFILE=not-applied\nthe doctor says hello\n');
  const doctor = s.step('doctor.txt', 'awsenv doctor');
  const run = await w.wine.cmd(s.lines, wineEnv());
  const after = s.read(doctor, run);
  assert.is(after.rc, 3);
  assert.match(run.stdout, 'the doctor says hello');
  assert.equal(awsVars(after.env), awsVars(s.read(start, run).env));
});

test('with delayed expansion on (cmd /v:on), awsenv.cmd refuses and changes nothing', async () => {
  if (!wineBin) return skip(`${WINE} is not installed`);
  const r = await cli(['use', w.specs.awkward.name], LEFTOVERS);
  assert.is(r.exitCode, 0, r.stderr);
  const s = new CmdSession();
  const start = s.dump();
  const i = s.step(capture('use-delayed.txt', r.stdout), 'awsenv use rt');
  const run = await w.wine.cmd(s.lines, wineEnv(), { delayedExpansion: true });
  const after = s.read(i, run);
  assert.is(after.rc, 1);
  assert.match(run.stderr, 'delayed expansion');
  assert.equal(awsVars(after.env), awsVars(s.read(start, run).env));
  assertNoHelpers(after.env, 'delayed expansion');
});

test('non-ASCII: intact, or (Wine 8) each UTF-8 byte read as one Latin-1 character', async () => {
  if (!wineBin) return skip(`${WINE} is not installed`);
  // Wine 8's `for /f` decodes a command's output with a fixed single-byte code page
  // (WCMD_fgets: GetOEMCP(), chcp or not), so é arrives as Ã©; Windows decodes with the
  // console code page, which awsenv.cmd switches to UTF-8 (65001) for the loop; newer Wine
  // follows Windows there. Either way, nothing else of the value or the line may change.
  const { unicode } = w.specs;
  const r = await cli(['use', unicode.name], {});
  assert.is(r.exitCode, 0, r.stderr);
  const s = new CmdSession();
  const i = s.step(capture('use-unicode.txt', r.stdout), 'awsenv use rt');
  const run = await w.wine.cmd(s.lines, wineEnv());
  const { rc, env } = s.read(i, run);
  assert.is(rc, 0);
  const got = env.AWS_SECRET_ACCESS_KEY;
  const latin1 = Buffer.from(unicode.secret, 'utf8').toString('latin1');
  assert.ok(got === unicode.secret || got === latin1, `AWS_SECRET_ACCESS_KEY arrived as ${JSON.stringify(got)}`);
  if (got !== unicode.secret) console.error('  (cmd in Wine: non-ASCII arrived as Latin-1 mojibake, as documented)');
  assert.is(env.AWS_ACCESS_KEY_ID, unicode.keyId);
  assert.is(env.AWS_PROFILE, unicode.name);
});

test('shell/awsenv.cmd has CRLF line ends (cmd misreads labels in LF-only batch files)', () => {
  const text = readFileSync(join(ROOT, 'shell/awsenv.cmd'), 'latin1');
  assert.ok(text.length > 0 && !/[^\r]\n/.test(text), 'a line ends in LF alone');
  assert.not.ok(/[^\x20-\x7e\r\n]/.test(text), 'non-ASCII in a batch file depends on the code page');
});

test.run();
