// The fuzz engine shared by test/fuzz/fuzz.test.ts (bounded, under `npm test`) and
// scripts/fuzz.mjs (`npm run fuzz`, as many values as asked). For one target shell it:
//
// 1. writes seeded random profiles into the two AWS files wherever the INI format carries
//    the value (name, key id, secret, token, region), runs the built CLI's
//    `awsenv use NAME --shell DIALECT` for each, and evaluates every output in ONE real
//    shell process per (mode, style) batch, as a user does, with `env -0` after each; the
//    environment must be the contract's, byte for byte;
// 2. renders values that the files cannot carry (line breaks, CR, edge spaces, NUL…) with
//    render() and evaluates them in the same batches;
// 3. writes files that must be refused (NUL, invalid UTF-8, an empty key id);
//
// and checks each value either arrives exactly or is refused with exit 1, empty stdout and an
// error naming the variable (or FILE:LINE) and not the value, and that no value ever ran
// (the canary). Failures carry the seed, and are shrunk to a minimal value with a
// reproducer directory.
import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnrepresentableValue } from '../../src/errors.js';
import { CMD_LINE_MAX } from '../../src/shells/cmd.js';
import { failStatement, render, type ShellName } from '../../src/shells/index.js';
import { posixQuote } from '../../src/shells/posix.js';
import { CLI, ROOT, type Sandbox, sandbox } from '../helpers/env.js';
import { afterClear, afterUse, awsVars, type ProfileSpec } from '../helpers/profiles.js';
import { HISTORY_PROBE, REAL_SHELLS, type RealShell, runSession, Session, type EvalStyle } from '../helpers/shells.js';
import { findTool } from '../helpers/tools.js';
import { readSetDump, wine, WINE, winPath } from '../helpers/wine.js';
import {
  type Alphabet,
  CANARY,
  continuationCarries,
  fileValue,
  fuzzValue,
  iniEntry,
  oneLine,
  profileName,
  PY_SPACE,
  pyStrip,
  truncateBytes,
  withInvalidUtf8,
  withNul,
} from './generate.js';
import { mulberry32, type Rng, subSeed } from './prng.js';

// --- Targets ------------------------------------------------------------------------------

export interface Target {
  /** What `--shell` takes in `npm run fuzz`: bash, zsh, dash, ksh, fish, tcsh, cmd. */
  id: string;
  dialect: ShellName;
  /** The real shell; undefined for cmd, which runs in Wine. */
  shell?: RealShell;
  /** The executable that must exist. */
  bin: string;
  alphabet: Alphabet;
}

export const TARGETS: Target[] = [
  ...REAL_SHELLS.map((shell): Target => ({ id: shell.bin.split('/').at(-1)!, dialect: shell.dialect, shell, bin: shell.bin, alphabet: 'unicode' })),
  // Wine 8's cmd decodes a command's output with a single-byte code page whatever chcp says
  // (test/e2e/cmd.test.ts), so non-ASCII arrives as mojibake there and not on Windows: the
  // values for Wine are ASCII (all of it, controls included), and non-ASCII is left to the
  // unit tables of src/shells/cmd.ts.
  { id: 'cmd', dialect: 'cmd', bin: WINE, alphabet: 'ascii' },
];

// --- What each dialect can hold: the oracle, from CONTRACT.md and the dialect comments ------

/** Why `dialect` must refuse `value` for variable `name`, or undefined when it must carry it. */
export function refusal(dialect: ShellName, name: string, value: string): string | undefined {
  if (value.includes('\0')) return 'NUL';
  if (dialect === 'tcsh' && /[\r\n]/.test(value)) return 'line break';
  if (dialect === 'cmd' || dialect === 'setx') {
    if (/[\r\n]/.test(value)) return 'line break';
    if (value.includes('\x1a')) return 'Ctrl-Z';
    if (/%(~[fdpnxsatz]*(\$[^:%]*:)?)?[ab]/i.test(value)) return 'FOR variable';
    if (value === '') return 'empty';
  }
  if (dialect === 'cmd') {
    if (value.startsWith('=')) return "leading '='";
    if (Buffer.byteLength(`${name}=${value}`) > CMD_LINE_MAX) return 'line too long';
  }
  return undefined;
}

// --- Reports -------------------------------------------------------------------------------

export interface Failure {
  target: string;
  seed: number;
  /** 'file': through the AWS files and the CLI; 'dialect': render() alone; 'refusal': a file the CLI must refuse. */
  level: 'file' | 'dialect' | 'refusal' | 'canary' | 'session';
  what: string;
  /** The value that failed (JSON in messages). */
  value?: string;
  /** What to re-run alone when shrinking: a profile, or dialect values (one of them failed). */
  subject?: { profile: FuzzProfile } | { values: string[] };
  /** After shrinking, when it still fails. */
  minimal?: string;
  /** A directory with the minimal case's files and a script to replay it. */
  reproducer?: string;
}

export interface Report {
  target: string;
  seed: number;
  /** Values placed in the files and read back through the CLI and the shell. */
  fileValues: number;
  profiles: number;
  /** Values rendered with render() and read back in the shell. */
  dialectValues: number;
  /** Values (or files) refused as they must be: CLI exit 1 / UnrepresentableValue. */
  refused: number;
  failures: Failure[];
  ms: number;
  /** Set when the target's shell is not installed (never under CI, see requireTool). */
  skipped?: string;
}

export interface Options {
  seed: number;
  /** Values per target. */
  count: number;
  /** Shrinking attempts per failure (0: none). */
  shrink?: number;
  /** Failures shrunk and reported in full; the rest are only counted. */
  maxFailures?: number;
  log?: (line: string) => void;
}

export const total = (r: Report): number => r.fileValues + r.dialectValues + r.refused;

export function summary(r: Report): string {
  if (r.skipped) return `${r.target}: SKIPPED (${r.skipped})`;
  return (
    `${r.target}: ${total(r)} values (${r.fileValues} through the files in ${r.profiles} profiles, ` +
    `${r.dialectValues} through render(), ${r.refused} refused as required), ` +
    `${r.failures.length} failures, ${(r.ms / 1000).toFixed(1)} s, seed ${r.seed}`
  );
}

const profileFields = (p: FuzzProfile) => ({ name: p.name, keyId: p.keyId, secret: p.secret, token: p.token, region: p.region });

const show = (v: string | undefined, max = 160): string => {
  if (v === undefined) return '(unset)';
  const json = JSON.stringify(v);
  return json.length > max ? `${json.slice(0, max)}… (${[...v].length} code points)` : json;
};

export function describe(f: Failure, count: number): string {
  const lines = [`[${f.target}] ${f.level}: ${f.what}`];
  if (f.value !== undefined) lines.push(`  value:   ${show(f.value, 400)}`);
  else if (f.subject && 'profile' in f.subject) lines.push(`  profile: ${show(JSON.stringify(profileFields(f.subject.profile)), 600)}`);
  if (f.minimal !== undefined) lines.push(`  minimal: ${show(f.minimal, 400)}`);
  if (f.reproducer) lines.push(`  replay the minimal case: sh ${join(f.reproducer, 'run.sh')}`);
  lines.push(`  replay the run: npm run fuzz -- --seed ${f.seed} --shell ${f.target} --count ${count}   (or FUZZ_SEED=${f.seed} FUZZ_COUNT=${count} npm test -- fuzz)`);
  return lines.join('\n');
}

// --- Profiles --------------------------------------------------------------------------------

const FIELDS = ['name', 'keyId', 'secret', 'token', 'region'] as const;
type Field = (typeof FIELDS)[number];

export interface FuzzProfile extends ProfileSpec {
  /** Python whitespace written around a one-line value, which the reader strips. */
  pad: Partial<Record<Field, [string, string]>>;
  /** The variables the dialect must refuse, with why; empty when it must carry all. */
  refused: [string, string][];
}

/** The variables `use` sets for the profile, as the oracle of refusals sees them. */
function setVariables(p: ProfileSpec, credentials: string): Record<string, string> {
  const vars: Record<string, string> = {
    AWS_ACCESS_KEY_ID: p.keyId,
    AWSENV_KEY_ID: p.keyId,
    AWS_SECRET_ACCESS_KEY: p.secret,
    AWS_PROFILE: p.name,
    AWSENV_PROFILE: p.name,
    AWSENV_WATCH: credentials,
  };
  if (p.token) vars.AWS_SESSION_TOKEN = p.token;
  if (p.region !== undefined) Object.assign(vars, { AWS_REGION: p.region, AWS_DEFAULT_REGION: p.region, AWSENV_REGION: p.region });
  return vars;
}

function edgeSpace(rng: Rng): string {
  const spaces = [...PY_SPACE].filter((c) => c !== 0x0a && c !== 0x0d);
  return Array.from({ length: rng.between(0, 3) }, () => String.fromCharCode(rng.pick(spaces))).join('');
}

/** The longest value the cmd dialect takes for `name`. */
const cmdRoom = (name: string) => CMD_LINE_MAX - name.length - 1;

/**
 * Makes a file value fit the target where the profile is meant to be carried: what cmd must
 * refuse (see refusal()) is taken out, and the refusals are placed on purpose instead.
 */
function fitDialect(target: Target, name: string, value: string): string {
  if (target.dialect !== 'cmd') return value;
  let v = truncateBytes(value.replaceAll('\x1a', 'Z').replace(/%(?=[~ab])/gi, '_'), cmdRoom(name));
  // Taking a leading '=' may leave whitespace at the start, which the file would strip.
  for (let before = ''; before !== v; ) {
    before = v;
    v = pyStrip(v).replace(/^=+/, '');
  }
  return v === '' ? 'x' : v;
}

export function makeProfiles(rng: Rng, target: Target, n: number, credentials: string): FuzzProfile[] {
  const a = target.alphabet;
  const names = new Set<string>();
  const profiles: FuzzProfile[] = [];
  for (let i = 0; i < n; i++) {
    let name = profileName(rng, fuzzValue(rng, { alphabet: a, maxBytes: 200 }));
    // A leading '=' would be refused by cmd; names are fitted like values for it.
    if (target.dialect === 'cmd') name = profileName(rng, fitDialect(target, 'AWSENV_PROFILE', name));
    while (names.has(name)) name += String(i);
    names.add(name);
    const p: FuzzProfile = {
      name,
      keyId: fitDialect(target, 'AWS_ACCESS_KEY_ID', fileValue(rng, fuzzValue(rng, { alphabet: a, maxBytes: 200 }))),
      secret: fitDialect(target, 'AWS_SECRET_ACCESS_KEY', fileValue(rng, fuzzValue(rng, { alphabet: a, maxBytes: 2048 }))),
      pad: {},
      refused: [],
    };
    // A token in 7 of 10 profiles, up to 8 KB; a region in 6 of 10 (always in Wine, where the
    // steps run without a `clear` between them: a region from the profile before would stay).
    if (rng.chance(0.7)) p.token = fitDialect(target, 'AWS_SESSION_TOKEN', fileValue(rng, fuzzValue(rng, { alphabet: a })));
    if (target.dialect === 'cmd' || rng.chance(0.6)) p.region = fitDialect(target, 'AWSENV_REGION', fileValue(rng, fuzzValue(rng, { alphabet: a, maxBytes: 200 })));
    // A secret on several lines, through indented continuation lines (configparser joins them
    // with LF). tcsh and cmd must refuse it: less often there, so most profiles are carried.
    if (rng.chance(target.dialect === 'tcsh' || target.dialect === 'cmd' ? 0.04 : 0.12)) {
      const lines = Array.from({ length: rng.between(2, 4) }, () => (rng.chance(0.15) ? '' : fileValue(rng, fuzzValue(rng, { alphabet: a, maxBytes: 300 })).replace(/^[#;]/, 'x')));
      lines[0] ||= 'x';
      lines[lines.length - 1] ||= 'x';
      const secret = lines.join('\n');
      if (continuationCarries(secret)) p.secret = secret;
    }
    // The things a dialect must refuse, placed on purpose in some profiles.
    if (target.dialect === 'cmd' && rng.chance(0.15)) {
      const how = rng.pick(['ctrl-z', 'equals', 'long', 'for-variable'] as const);
      if (how === 'ctrl-z') p.keyId = `${p.keyId.slice(0, 3)}\x1a${p.keyId.slice(3)}`;
      if (how === 'for-variable') p.secret = `${p.secret}${rng.pick(['%A', '%B', '%~nxa', '%~$PATH:b'])}`;
      if (how === 'equals') p.secret = `=${p.secret}`;
      if (how === 'long') p.token = `${'t'.repeat(cmdRoom('AWS_SESSION_TOKEN'))}x`;
    }
    for (const field of ['keyId', 'token', 'region'] as const) {
      if (p[field] !== undefined && rng.chance(0.2)) p.pad[field] = [edgeSpace(rng), edgeSpace(rng)];
    }
    if (!p.secret.includes('\n') && rng.chance(0.2)) p.pad.secret = [edgeSpace(rng), edgeSpace(rng)];
    for (const [variable, value] of Object.entries(setVariables(p, credentials))) {
      const why = refusal(target.dialect, variable, value);
      if (why) p.refused.push([variable, why]);
    }
    profiles.push(p);
  }
  return profiles;
}

function writeValue(key: string, value: string, pad?: [string, string]): string {
  if (value.includes('\n')) return iniEntry(key, value);
  return `${key} = ${pad?.[0] ?? ''}${value}${pad?.[1] ?? ''}`;
}

function credentialsText(profiles: FuzzProfile[]): string {
  return profiles
    .map((p) => {
      const lines = [`[${p.name}]`, writeValue('aws_access_key_id', p.keyId, p.pad.keyId), writeValue('aws_secret_access_key', p.secret, p.pad.secret)];
      if (p.token) lines.push(writeValue('aws_session_token', p.token, p.pad.token));
      return `${lines.join('\n')}\n`;
    })
    .join('\n');
}

/** `[profile "name"]`: botocore splits the header like a shell word, so " and \ are escaped. */
function configText(profiles: FuzzProfile[]): string {
  return profiles
    .filter((p) => p.region !== undefined)
    .map((p) => `[profile "${p.name.replace(/["\\]/g, '\\$&')}"]\n${writeValue('region', p.region!, p.pad.region)}\n`)
    .join('\n');
}

// --- Running the CLI --------------------------------------------------------------------------

interface CliRun {
  stdout: string;
  stderr: string;
  exitCode: number;
}

async function cli(args: string[], env: Record<string, string>, cwd: string): Promise<CliRun> {
  const r = await execa(process.execPath, [CLI, ...args], { env, extendEnv: false, reject: false, stripFinalNewline: false, stdin: 'ignore', cwd });
  return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode ?? -1 };
}

/** Runs `fn` over `items`, `limit` at a time (2 cores: node start-up is the cost). */
async function pool<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** A secret value shown on stderr: never allowed (CONTRACT.md). Short values may occur by chance. */
function leaks(stderr: string, values: (string | undefined)[]): string | undefined {
  return values.find((v) => v !== undefined && [...v].length >= 6 && stderr.includes(v));
}

/** Checks a CLI run that must be refused; returns what is wrong, or undefined. */
function checkRefused(r: CliRun, dialect: ShellName, names: RegExp, secrets: (string | undefined)[]): string | undefined {
  if (r.exitCode !== 1) return `exit status ${r.exitCode}, not 1 (stderr: ${show(r.stderr, 300)})`;
  // CONTRACT.md: one statement that fails and changes nothing (nothing at all for cmd).
  if (r.stdout !== failStatement(dialect)) return `stdout is not the failing statement: ${show(r.stdout, 300)}`;
  if (!names.test(r.stderr)) return `the error does not name ${names}: ${show(r.stderr, 300)}`;
  const leak = leaks(r.stderr, secrets);
  if (leak !== undefined) return `the error shows a value: ${show(r.stderr, 300)}`;
  return undefined;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// --- Shell batches ----------------------------------------------------------------------------

/** One shell process: a mode (script with strict flags, or typed interactively) and an eval style. */
interface Batch {
  mode: 'strict' | 'interactive';
  style: EvalStyle;
}

function batchesFor(shell: RealShell): Batch[] {
  const out: Batch[] = [];
  for (const style of shell.styles) for (const mode of ['strict', 'interactive'] as const) out.push({ mode, style });
  return out;
}

/** A world: a sandbox with the two files, an empty working directory, the CLI's outputs. */
interface World {
  sb: Sandbox;
  cwd: string;
  files: string;
  n: number;
}

function world(): World {
  const sb = sandbox();
  const cwd = join(sb.dir, 'cwd');
  mkdirSync(cwd);
  const files = join(sb.dir, 'out');
  mkdirSync(files);
  return { sb, cwd, files, n: 0 };
}

function saveOutput(w: World, text: string): string {
  const path = join(w.files, `${w.n++}.out`);
  writeFileSync(path, text);
  return path;
}

function nothingRan(w: World): string | undefined {
  const left = readdirSync(w.cwd);
  if (left.length > 0) return `a value ran as a command: the working directory holds ${left.map((f) => JSON.stringify(f)).join(', ')}`;
  if (existsSync(join(ROOT, CANARY)) || existsSync(join(process.cwd(), CANARY))) return 'a value ran as a command: CANARY exists';
  return undefined;
}

/** Compares one environment with the oracle's; returns the differing variables. */
function diff(got: Record<string, string>, want: Record<string, string>): { name: string; want?: string; got?: string }[] {
  const out: { name: string; want?: string; got?: string }[] = [];
  for (const name of new Set([...Object.keys(got), ...Object.keys(want)])) {
    if (got[name] !== want[name]) out.push({ name, want: want[name], got: got[name] });
  }
  return out;
}

/** A profile step and a dialect chunk, as evaluated in one batch. */
interface Step {
  kind: 'profile' | 'dialect' | 'unset';
  profile?: FuzzProfile;
  /** For dialect chunks: the variables and values. */
  values?: Record<string, string>;
  dump: number;
}

// --- The target's run -------------------------------------------------------------------------

interface Plan {
  profiles: number;
  dialect: number;
  refusals: number;
}

/** How `count` values are shared: half in files (5 per profile), the rest rendered, 1 in 40 refused files. */
function plan(count: number): Plan {
  const refusals = Math.max(2, Math.round(count / 40));
  const profiles = Math.max(1, Math.round(count / 2 / 5));
  return { profiles, dialect: Math.max(1, count - profiles * 5 - refusals), refusals };
}

/** Dialect-level values: anything, with line breaks, edge spaces and NUL made more likely. */
function dialectValue(rng: Rng, target: Target): string {
  let v = fuzzValue(rng, { alphabet: target.alphabet });
  const points = [...v];
  if (rng.chance(0.2)) for (let k = rng.between(1, 3); k > 0; k--) points.splice(rng.int(points.length + 1), 0, rng.pick(['\n', '\r', '\r\n', '\n\n']));
  if (rng.chance(0.15)) points.unshift(...' '.repeat(rng.between(1, 3)));
  if (rng.chance(0.15)) points.push(...rng.pick([' ', '\t', '\n', '  ']));
  if (rng.chance(0.03)) points.splice(rng.int(points.length + 1), 0, '\0');
  v = points.join('');
  if (target.dialect === 'cmd') {
    // Wine's cmd: ASCII only, see TARGETS. The 8 KB runs mostly fit one cmd line.
    v = v.replace(/[^\x00-\x7f]/g, '?');
    if (rng.chance(0.8)) v = truncateBytes(v, cmdRoom('AWS_FZ_0000'));
  }
  return v;
}

export async function fuzzTarget(target: Target, options: Options): Promise<Report> {
  const started = Date.now();
  const seed = subSeed(options.seed, target.id);
  const report: Report = { target: target.id, seed: options.seed, fileValues: 0, profiles: 0, dialectValues: 0, refused: 0, failures: [], ms: 0 };
  if (!findTool(target.bin)) {
    report.skipped = `${target.bin} is not installed`;
    return report;
  }
  const rng = mulberry32(seed);
  const { profiles: nProfiles, dialect: nDialect, refusals: nRefusals } = plan(options.count);
  const fail = (f: Omit<Failure, 'target' | 'seed'>) => report.failures.push({ target: target.id, seed: options.seed, ...f });
  const w = world();
  try {
    // 1. Profiles in the files, through the CLI.
    const profiles = makeProfiles(rng, target, nProfiles, w.sb.credentials);
    w.sb.write('credentials', credentialsText(profiles));
    w.sb.write('config', configText(profiles));
    const outputs = await pool(profiles, 3, (p) => cli(['use', p.name, '--shell', target.dialect], w.sb.env, w.cwd));
    const carried: { p: FuzzProfile; out: string }[] = [];
    profiles.forEach((p, i) => {
      const r = outputs[i]!;
      const secrets = [p.secret, p.token];
      if (p.refused.length > 0) {
        const names = new RegExp(`cannot set (${p.refused.map(([v]) => escapeRe(v)).join('|')}) in ${target.dialect}`);
        const wrong = checkRefused(r, target.dialect, names, secrets);
        if (wrong) fail({ level: 'file', what: `profile ${show(p.name)} must be refused (${p.refused.map(([v, why]) => `${v}: ${why}`).join(', ')}): ${wrong}`, subject: { profile: p } });
        else report.refused += 1;
        return;
      }
      if (r.exitCode !== 0 || r.stdout === '') {
        fail({ level: 'file', what: `awsenv use ${show(p.name)} failed: exit ${r.exitCode}, stderr ${show(r.stderr, 400)}`, subject: { profile: p } });
        return;
      }
      const leak = leaks(r.stderr, secrets);
      if (leak !== undefined) fail({ level: 'file', what: `stderr shows a secret: ${show(r.stderr, 300)}`, subject: { profile: p } });
      report.profiles += 1;
      carried.push({ p, out: saveOutput(w, r.stdout) });
    });
    const clearAll = await cli(['clear', '--all', '--shell', target.dialect], w.sb.env, w.cwd);
    if (clearAll.exitCode !== 0) throw new Error(`awsenv clear --all failed: ${clearAll.stderr}`);

    // 2. Values for render() alone.
    const dialectValues: Record<string, string> = {};
    for (let i = 0; i < nDialect; i++) {
      const name = `AWS_FZ_${String(i).padStart(4, '0')}`;
      const value = dialectValue(rng, target);
      const why = refusal(target.dialect, name, value);
      let rendered: string | Error;
      try {
        rendered = render(target.dialect, { [name]: value });
      } catch (error) {
        rendered = error as Error;
      }
      if (why) {
        const message = rendered instanceof Error ? rendered.message : '';
        if (!(rendered instanceof UnrepresentableValue)) fail({ level: 'dialect', what: `${name} must be refused (${why}) but rendered as ${show(String(rendered), 300)}`, value, subject: { values: [value] } });
        else if (!message.includes(name) || /[\r\n]/.test(message) || ([...value].length >= 6 && message.includes(value)))
          fail({ level: 'dialect', what: `the refusal of ${name} does not name it, or shows the value: ${show(message)}`, value, subject: { values: [value] } });
        else report.refused += 1;
      } else if (rendered instanceof Error) {
        fail({ level: 'dialect', what: `${name} was refused (${rendered.message}) though ${target.dialect} can hold it`, value, subject: { values: [value] } });
      } else {
        dialectValues[name] = value;
      }
    }

    // 3. Files that must be refused.
    report.refused += await fileRefusals(rng, target, nRefusals, w, fail);

    // 4. The real shell (or Wine's cmd), in batches.
    const checked =
      target.shell === undefined
        ? await wineBatch(w, carried, dialectValues, fail)
        : await shellBatches(target, target.shell, w, carried, clearAll.stdout, dialectValues, fail);
    report.fileValues = checked.fileValues;
    report.dialectValues = checked.dialectValues;

    // First in the report: a value that ran is the worst failure there is.
    const ran = nothingRan(w);
    if (ran) report.failures.unshift({ target: target.id, seed: options.seed, level: 'canary', what: ran });

    // 5. Shrink the first failures to a minimal value, with a reproducer.
    for (const f of report.failures.slice(0, options.maxFailures ?? 3)) await minimise(target, f, options, options.log);
  } finally {
    w.sb.cleanup();
  }
  report.ms = Date.now() - started;
  return report;
}

type Fail = (f: Omit<Failure, 'target' | 'seed'>) => void;

/** Each case its own files: a NUL, invalid UTF-8, or an empty key id, on a known line. */
async function fileRefusals(rng: Rng, target: Target, n: number, w: World, fail: Fail): Promise<number> {
  const cases = Array.from({ length: n }, (_, i) => {
    const dir = join(w.sb.dir, `refusal-${i}`);
    mkdirSync(dir);
    const how = rng.pick(['nul', 'utf8', 'utf8', 'empty-key'] as const);
    const where = rng.pick(['name', 'keyId', 'secret', 'token', 'region'] as const);
    const raw = fileValue(rng, fuzzValue(rng, { alphabet: target.alphabet, maxBytes: 300 }));
    // The good profile the CLI is asked for; the bad line is elsewhere in the file, and the
    // whole file is refused (a file with a NUL or broken bytes is not read at all).
    const lines: Buffer[] = [Buffer.from('[good]'), Buffer.from('aws_access_key_id = AKIAGOOD'), Buffer.from('aws_secret_access_key = good'), Buffer.from('')];
    const config: Buffer[] = [];
    const bad = how === 'nul' ? Buffer.from(withNul(rng, raw)) : how === 'utf8' ? withInvalidUtf8(rng, raw) : Buffer.alloc(0);
    const line = (text: string) => Buffer.from(text);
    let file = join(dir, 'credentials');
    let lineNo: number;
    if (how === 'empty-key') {
      lines.push(line('[bad]'), line('aws_access_key_id ='), line(`aws_secret_access_key = ${oneLine(rng, raw)}`));
      lineNo = lines.length - 1;
    } else if (where === 'region') {
      config.push(line('[profile bad]'), Buffer.concat([line('region = '), bad]));
      file = join(dir, 'config');
      lineNo = 2;
    } else if (where === 'name') {
      lines.push(Buffer.concat([line('['), bad, line(']')]), line('aws_access_key_id = x'), line('aws_secret_access_key = y'));
      lineNo = lines.length - 2;
    } else {
      const key = { keyId: 'aws_access_key_id', secret: 'aws_secret_access_key', token: 'aws_session_token' }[where];
      lines.push(line('[bad]'), line('aws_access_key_id = x'), line('aws_secret_access_key = y'));
      const at = key === 'aws_session_token' ? lines.push(Buffer.alloc(0)) - 1 : lines.map(String).lastIndexOf(key === 'aws_access_key_id' ? 'aws_access_key_id = x' : 'aws_secret_access_key = y');
      lines[at] = Buffer.concat([line(`${key} = `), bad]);
      lineNo = at + 1;
    }
    const credentials = join(dir, 'credentials');
    writeFileSync(credentials, Buffer.concat(lines.flatMap((l) => [l, line('\n')])));
    writeFileSync(join(dir, 'config'), Buffer.concat(config.flatMap((l) => [l, line('\n')])));
    const env = { ...w.sb.env, AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_CONFIG_FILE: join(dir, 'config') };
    return { how, where, raw, file, lineNo, env };
  });
  let refused = 0;
  await pool(cases, 3, async (c) => {
    // A profile with an empty key id is refused when it is used; a broken file, whichever is asked for.
    const r = await cli(['use', c.how === 'empty-key' ? 'bad' : 'good', '--shell', target.dialect], c.env, w.cwd);
    const names = new RegExp(`${escapeRe(c.file)}:${c.lineNo}: `);
    // The valid parts of the value around the broken byte must not be shown either.
    const wrong = checkRefused(r, target.dialect, names, c.how === 'empty-key' ? [c.raw] : c.raw.split('\0'));
    if (wrong) fail({ level: 'refusal', what: `a file with ${c.how === 'nul' ? 'a NUL' : c.how === 'utf8' ? 'invalid UTF-8' : 'an empty key id'} (${c.where}, ${c.file}:${c.lineNo}) must be refused: ${wrong}`, value: c.raw });
    else refused += 1;
  });
  return refused;
}

/** Dialect values in files of at most ~16 KB each, so no single eval is unusually large. */
function chunks(values: Record<string, string>): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  let cur: Record<string, string> = {};
  let size = 0;
  for (const [name, value] of Object.entries(values)) {
    const n = Buffer.byteLength(value);
    if (Object.keys(cur).length > 0 && (size + n > 16_384 || Object.keys(cur).length >= 40)) {
      out.push(cur);
      cur = {};
      size = 0;
    }
    cur[name] = value;
    size += n;
  }
  if (Object.keys(cur).length > 0) out.push(cur);
  return out;
}

async function shellBatches(
  target: Target,
  shell: RealShell,
  w: World,
  carried: { p: FuzzProfile; out: string }[],
  clearOutput: string,
  dialectValues: Record<string, string>,
  fail: Fail,
): Promise<{ fileValues: number; dialectValues: number }> {
  const clearFile = saveOutput(w, clearOutput);
  const batches = batchesFor(shell);
  const start = { ...w.sb.env };
  const base = afterClear(awsVars(start), true);
  const dialectChunks = chunks(dialectValues);
  let fileValues = 0;
  let dialectCount = 0;
  await Promise.all(
    batches.map(async (batch, b) => {
      const s = new Session(shell, batch.style, join(w.sb.dir, `dumps-${b}`));
      const probing = batch.mode === 'interactive' && shell.historyProbe !== undefined;
      if (probing) s.add(...shell.historyProbe!);
      const steps: Step[] = [];
      carried.forEach(({ p, out }, i) => {
        if (i % batches.length !== b) return;
        s.add(batch.style.file(clearFile), batch.style.file(out));
        steps.push({ kind: 'profile', profile: p, dump: s.dump() });
      });
      const mine = dialectChunks.filter((_, i) => i % batches.length === b);
      for (const values of mine) {
        s.add(batch.style.file(saveOutput(w, render(target.dialect, values))));
        steps.push({ kind: 'dialect', values, dump: s.dump() });
        s.add(batch.style.file(saveOutput(w, render(target.dialect, Object.fromEntries(Object.keys(values).map((k) => [k, null]))))));
        steps.push({ kind: 'unset', values, dump: s.dump() });
      }
      if (steps.length === 0) return;
      const run = await runSession(s, batch.mode, start, w.cwd);
      const where = `${batch.mode}, ${batch.style.name}`;
      if (batch.mode === 'strict' && run.exitCode !== 0) fail({ level: 'session', what: `${where}: the shell exited ${run.exitCode}: ${show(run.stderr, 600)}` });
      if (probing) {
        try {
          if (s.read(0, run).RT_HISTORY !== HISTORY_PROBE) fail({ level: 'session', what: `${where}: history expansion is not on in the interactive shell` });
        } catch (error) {
          fail({ level: 'session', what: `${where}: ${(error as Error).message}` });
        }
      }
      for (const step of steps) {
        let got: Record<string, string>;
        try {
          got = s.read(step.dump, run);
        } catch (error) {
          // The eval before this dump broke the shell: that step is the one to look at.
          fail({ level: 'session', what: `${where}: ${(error as Error).message.slice(0, 800)}`, subject: subjectOf(step) });
          break;
        }
        fileValues += compareStep(step, got, base, where, fail);
        if (step.kind === 'dialect') dialectCount += Object.keys(step.values!).length;
      }
    }),
  );
  return { fileValues, dialectValues: dialectCount };
}

const subjectOf = (step: Step): Failure['subject'] => (step.profile ? { profile: step.profile } : { values: Object.values(step.values ?? {}) });

/** Checks one dump; returns the number of file values it confirmed. */
function compareStep(step: Step, got: Record<string, string>, base: Record<string, string>, where: string, fail: Fail): number {
  if (step.kind === 'profile') {
    const p = step.profile!;
    const differences = diff(awsVars(got), afterUse(base, p));
    if (differences.length > 0) {
      const what = differences.map((d) => `${d.name} is ${show(d.got)}, expected ${show(d.want)}`).join('; ');
      fail({ level: 'file', what: `${where}: profile ${show(p.name, 80)}: ${what}`, subject: { profile: p } });
      return 0;
    }
    return 3 + (p.token ? 1 : 0) + (p.region !== undefined ? 1 : 0);
  }
  for (const [name, value] of Object.entries(step.values!)) {
    if (step.kind === 'dialect' && got[name] !== value) fail({ level: 'dialect', what: `${where}: ${name} is ${show(got[name])}, expected ${show(value)}`, value, subject: { values: [value] } });
    if (step.kind === 'unset' && name in got) fail({ level: 'dialect', what: `${where}: ${name} is still set after the unset`, value, subject: { values: [value] } });
  }
  return 0;
}

// --- Wine's cmd -------------------------------------------------------------------------------

async function wineBatch(
  w: World,
  carried: { p: FuzzProfile; out: string }[],
  dialectValues: Record<string, string>,
  fail: Fail,
): Promise<{ fileValues: number; dialectValues: number }> {
  const win = join(w.sb.dir, 'win');
  mkdirSync(win, { recursive: true });
  // The stand-in for the CLI (test/e2e/cmd.test.ts explains why the CLI cannot run inside
  // Wine's `for /f`): it types the output the real CLI printed, named by RT_OUT.
  writeFileSync(join(win, 'fake-awsenv.cmd'), ['@echo off', 'if defined RT_OUT type "%RT_OUT%"', 'exit /b 0', ''].join('\r\n'));
  const wn = wine(w.sb.dir, w.sb.home);
  const steps: (Step & { rc: string; out: string })[] = [];
  const step = (out: string, kind: Step['kind'], extra: Partial<Step>) => {
    const i = steps.length;
    steps.push({ kind, dump: i, rc: join(win, `${i}.rc`), out, ...extra });
  };
  for (const { p, out } of carried) step(out, 'profile', { profile: p });
  for (const values of chunks(dialectValues)) {
    step(saveOutput(w, render('cmd', values)), 'dialect', { values });
    step(saveOutput(w, render('cmd', Object.fromEntries(Object.keys(values).map((k) => [k, null])))), 'unset', { values });
  }
  const env = { ...w.sb.env, AWSENV_COMMAND: winPath(join(win, 'fake-awsenv.cmd')) };
  // Nothing of the contract is set when cmd starts, and every profile for Wine has a region,
  // so each step's environment is the contract's for its profile alone (no `clear` between).
  const base = afterClear(awsVars(env), true);
  let fileValues = 0;
  let dialectCount = 0;
  try {
    // At most 100 steps per cmd (about 0.3 s each), well inside the helper's 180 s timeout.
    for (let first = 0; first < steps.length; first += 100) {
      const run = steps.slice(first, first + 100);
      const lines = ['@echo off', `cd /d "${winPath(w.cwd)}"`, `set "PATH=${winPath(join(ROOT, 'shell'))};%PATH%"`];
      for (const s of run) {
        const command = s.kind === 'profile' ? 'awsenv use rt' : 'awsenv clear';
        lines.push(`set "RT_OUT=${winPath(s.out)}"`, command, `>"${winPath(s.rc)}" echo %errorlevel%`, `>"${winPath(join(win, `${s.dump}.env`))}" cmd /u /c set`);
      }
      const result = await wn.cmd(lines, env);
      for (const s of run) {
        const dump = join(win, `${s.dump}.env`);
        if (!existsSync(dump)) {
          const what = `Wine cmd: step ${s.dump} never ran; stdout ${show(result.stdout.slice(-1500), 1600)}, stderr ${show(result.stderr.slice(-1500), 1600)}`;
          fail({ level: 'session', what, subject: subjectOf(s) });
          break;
        }
        const rc = readFileSync(s.rc, 'utf8').trim();
        if (rc !== '0') fail({ level: 'session', what: `Wine cmd: awsenv.cmd exited ${rc} at step ${s.dump}`, subject: subjectOf(s) });
        fileValues += compareStep(s, readSetDump(dump), base, 'Wine cmd', fail);
        if (s.kind === 'dialect') dialectCount += Object.keys(s.values!).length;
      }
    }
  } finally {
    await wn.cleanup();
  }
  return { fileValues, dialectValues: dialectCount };
}

// --- Shrinking ---------------------------------------------------------------------------------

/** Removes code points while `fails` holds (delta debugging), within `budget` attempts. */
export async function shrink(value: string, fails: (v: string) => Promise<boolean>, budget: number): Promise<string> {
  let cur = [...value];
  let parts = 2;
  let attempts = 0;
  while (cur.length > 1 && attempts < budget) {
    const size = Math.ceil(cur.length / parts);
    let reduced = false;
    for (let i = 0; i < cur.length && attempts < budget; i += size) {
      const candidate = [...cur.slice(0, i), ...cur.slice(i + size)];
      if (candidate.length === 0) continue;
      attempts++;
      if (await fails(candidate.join(''))) {
        cur = candidate;
        parts = Math.max(parts - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (parts >= cur.length) break;
      parts = Math.min(cur.length, parts * 2);
    }
  }
  return cur.join('');
}

type Case = { profile: FuzzProfile } | { value: string };

const PLAIN = { name: 'fuzz', keyId: 'AKIAFUZZEXAMPLE', secret: 'plain-secret' };

/** A plain profile holding only `field` of `p` (with its padding). */
function alone(p: FuzzProfile, field: Field, value = p[field]!): FuzzProfile {
  const pad = p.pad[field as Exclude<Field, 'name'>];
  return { ...PLAIN, [field]: value, pad: pad ? { [field]: pad } : {}, refused: [] };
}

/** What the file and the dialect take of a shrunk candidate, as the generator made it. */
function fit(target: Target, field: Field, value: string): string {
  const rng = mulberry32(0);
  if (field === 'name') return profileName(rng, target.dialect === 'cmd' ? fitDialect(target, 'AWSENV_PROFILE', value) : value);
  if (field === 'secret' && value.includes('\n') && continuationCarries(value)) return value;
  return fileValue(rng, value);
}

/**
 * Re-runs the failure's subject alone and shrinks it: for dialect values, the first that
 * fails alone; for a profile, the first field that fails in an otherwise plain profile. Then
 * writes the minimal case with run.sh into a directory that is kept.
 */
async function minimise(target: Target, f: Failure, options: Options, log?: (line: string) => void): Promise<void> {
  const subject = f.subject;
  if (!subject) return;
  const budget = options.shrink ?? 0;
  const fails = async (c: Case): Promise<boolean> => {
    const dir = mkdtempSync(join(tmpdir(), `awsenv-fuzz-${target.id}-`));
    try {
      return await single(target, c, dir, false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  let found: Case = 'profile' in subject ? { profile: subject.profile } : { value: subject.values[0]! };
  try {
    // Wine takes seconds per run: its case is written out as found, not shrunk.
    if (target.shell) {
      if ('values' in subject) {
        let culprit: string | undefined;
        for (const v of subject.values.slice(0, 40)) if (await fails({ value: v })) (culprit = v), (found = { value: v });
        if (culprit === undefined) {
          f.what += ' (no value fails alone: look at the batch)';
        } else {
          f.value = culprit;
          if (budget > 0) {
            log?.(`  shrinking a ${target.id} failure (up to ${budget} runs)…`);
            f.minimal = await shrink(culprit, (v) => fails({ value: v }), budget);
            found = { value: f.minimal };
          }
        }
      } else {
        const p = subject.profile;
        const field = (await firstFailing(p, (q) => fails({ profile: q }))) as Field | undefined;
        if (field === undefined) {
          f.what += ' (no field fails alone in a plain profile: the reproducer keeps them all)';
        } else {
          f.what += ` (${field} fails alone)`;
          f.value = p[field]!;
          found = { profile: alone(p, field) };
          if (budget > 0) {
            log?.(`  shrinking a ${target.id} failure (up to ${budget} runs)…`);
            const raw = await shrink(f.value, (v) => fails({ profile: alone(p, field, fit(target, field, v)) }), budget);
            f.minimal = fit(target, field, raw);
            found = { profile: alone(p, field, f.minimal) };
          }
        }
      }
    }
    const dir = mkdtempSync(join(tmpdir(), `awsenv-fuzz-repro-${target.id}-`));
    await single(target, found, dir, true);
    f.reproducer = dir;
  } catch (error) {
    f.what += ` (shrinking failed: ${(error as Error).message.slice(0, 200)})`;
  }
}

async function firstFailing(p: FuzzProfile, fails: (q: FuzzProfile) => Promise<boolean>): Promise<Field | undefined> {
  for (const field of FIELDS) if (p[field] !== undefined && (await fails(alone(p, field)))) return field;
  return undefined;
}

/**
 * Runs one case alone, the way the batch did (the CLI and the shell, or render() and the
 * shell); true when it still fails. With `keep`, leaves the case in `dir` with a run.sh.
 */
async function single(target: Target, c: Case, dir: string, keep: boolean): Promise<boolean> {
  const shell = target.shell;
  const cwd = join(dir, 'cwd');
  mkdirSync(cwd, { recursive: true });
  const home = join(dir, 'home');
  mkdirSync(join(home, '.aws'), { recursive: true });
  const credentials = join(home, '.aws/credentials');
  const config = join(home, '.aws/config');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: credentials,
    AWSENV_CACHE_DIR: join(dir, 'cache'),
  };
  const output = join(dir, 'output.txt');
  const script = ['#!/bin/sh', `# A fuzz case for ${target.id}, found by test/fuzz (npm run fuzz).`, 'cd "$(dirname "$0")" || exit 1'];
  let expected: ((got: Record<string, string>) => boolean) | undefined;
  if ('profile' in c) {
    const p = c.profile;
    writeFileSync(credentials, credentialsText([p]));
    writeFileSync(config, configText([p]));
    writeFileSync(join(dir, 'profile.json'), `${JSON.stringify(profileFields(p), null, 2)}\n`);
    const refused = Object.entries(setVariables(p, credentials)).filter(([n, v]) => refusal(target.dialect, n, v) !== undefined);
    const r = await cli(['use', p.name, '--shell', target.dialect], env, cwd);
    writeFileSync(output, r.stdout);
    script.push(
      '# profile.json holds the values; home/.aws the files made of them.',
      'export AWS_SHARED_CREDENTIALS_FILE="$PWD/home/.aws/credentials" AWS_CONFIG_FILE="$PWD/home/.aws/config" AWSENV_CACHE_DIR="$PWD/cache"',
      `node ${posixQuote(CLI)} use "$(node -p 'require("./profile.json").name')" --shell ${target.dialect} > output.txt; echo "awsenv exited $?"`,
    );
    if (refused.length > 0) {
      const names = new RegExp(`cannot set (${refused.map(([n]) => escapeRe(n)).join('|')}) in ${target.dialect}`);
      if (keep) writeFileSync(join(dir, 'run.sh'), `${script.join('\n')}\n`, { mode: 0o755 });
      return checkRefused(r, target.dialect, names, [p.secret, p.token]) !== undefined;
    }
    if (r.exitCode !== 0 || r.stdout === '') {
      if (keep) writeFileSync(join(dir, 'run.sh'), `${script.join('\n')}\n`, { mode: 0o755 });
      return true;
    }
    const want = afterUse(afterClear(awsVars(env), true), p);
    expected = (got) => diff(awsVars(got), want).length === 0;
  } else {
    const value = c.value;
    writeFileSync(join(dir, 'value.json'), `${JSON.stringify(value)}\n`);
    script.push(
      '# value.json holds the value; output.txt is render() of it as AWS_FZ_VALUE.',
      `node --input-type=module -e ${posixQuote(`import { render } from ${JSON.stringify(join(ROOT, 'build/src/shells/index.js'))}; import { readFileSync } from 'node:fs'; process.stdout.write(render(${JSON.stringify(target.dialect)}, { AWS_FZ_VALUE: JSON.parse(readFileSync('value.json', 'utf8')) }));`)} > output.txt`,
    );
    const why = refusal(target.dialect, 'AWS_FZ_VALUE', value);
    let text: string;
    try {
      text = render(target.dialect, { AWS_FZ_VALUE: value });
    } catch (error) {
      if (keep) writeFileSync(join(dir, 'run.sh'), `${script.join('\n')}\n`, { mode: 0o755 });
      const m = (error as Error).message;
      return !(why && error instanceof UnrepresentableValue && m.includes('AWS_FZ_VALUE') && !/[\r\n]/.test(m));
    }
    if (why) return true;
    writeFileSync(output, text);
    expected = (got) => got.AWS_FZ_VALUE === value;
  }
  if (!shell) {
    script.push('# Apply output.txt in Wine\'s cmd with shell/awsenv.cmd, as test/e2e/cmd.test.ts does.');
    if (keep) writeFileSync(join(dir, 'run.sh'), `${script.join('\n')}\n`, { mode: 0o755 });
    return true;
  }
  const s = new Session(shell, shell.styles[0]!, join(dir, 'dumps'));
  s.add(shell.styles[0]!.file(output));
  const n = s.dump();
  const run = await runSession(s, 'strict', env, cwd);
  let ok: boolean;
  try {
    ok = run.exitCode === 0 && expected(s.read(n, run)) && readdirSync(cwd).length === 0;
  } catch {
    ok = false;
  }
  script.push(
    `# Evaluate it in ${target.id} as a user does, and show what a child of the shell gets:`,
    `${shell.bin} ${shell.strict.join(' ')} -c ${posixQuote(`${shell.styles[0]!.file('output.txt')}; env -0`)} | tr '\\0' '\\n' | grep '^AWS'`,
  );
  if (keep) writeFileSync(join(dir, 'run.sh'), `${script.join('\n')}\n`, { mode: 0o755 });
  return !ok;
}
