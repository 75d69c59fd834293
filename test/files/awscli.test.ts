// The live comparison: AWS CLI v2 and the built awsenv read the same tricky files. Where the
// CLI resolves keys, `awsenv use P` must export the same key id, secret and token (and region);
// where it refuses, awsenv must refuse too, naming FILE:LINE, with nothing on stdout, exit 1
// and no stack trace. Each case's row in cases.ts/generated.ts is checked against the CLI as
// well, so the tables the unit tests use stay true to the CLI that is installed.
//
// /usr/bin/aws is the Debian awscli package (v2); an `aws` earlier on PATH may be v1, so the
// path is fixed. No network: static keys only, instance metadata disabled.
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { awsenv, type Run, sandbox, type Sandbox } from '../helpers/env.js';
import { requireTool, skip } from '../helpers/tools.js';
import { CASES, FIXTURES, type Outcome } from './cases.js';
import { GENERATED } from './generated.js';

const AWS = '/usr/bin/aws';

/** The CLI's binary when it is v2; otherwise a loud skip (a failure under CI). */
function awsCliV2(): string | undefined {
  const path = requireTool(AWS, 'the live comparison with AWS CLI v2 (Debian package awscli)');
  if (!path) return undefined;
  const version = execFileSync(path, ['--version'], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
  if (version.startsWith('aws-cli/2.')) return path;
  const message = `${AWS} is not AWS CLI v2 (${version.trim()})`;
  if (process.env.CI === 'true') throw new Error(message);
  console.error(`\n!!! SKIPPED: ${message}; the live comparison needs v2. !!!\n`);
  return skip(message);
}

interface CliResult {
  /** For "not found" rows: the profiles `aws configure list-profiles` lists. */
  known?: string[];
  exitCode: number;
  stderr: string;
  keys?: { id: unknown; secret: unknown; token?: unknown };
  /** `aws configure get region`: '' when there is none. */
  region?: string;
}

interface AwsenvResult extends Run {
  /** The variables after eval of stdout in bash; token undefined when unset. */
  vars?: { id: string; secret: string; token: string | undefined; region: string };
}

interface Job {
  label: string;
  profile: string;
  outcome: Outcome;
  paths: { config: string; credentials: string };
  box: Sandbox;
}

/** Runs at most `n` of the jobs at a time: every CLI start is half a second of Python. */
function limiter(n: number) {
  let running = 0;
  const queue: (() => void)[] = [];
  return async <T>(f: () => Promise<T>): Promise<T> => {
    if (running >= n) await new Promise<void>((resolve) => queue.push(resolve));
    running++;
    try {
      return await f();
    } finally {
      running--;
      queue.shift()?.();
    }
  };
}

const cliEnv = (job: Job) => ({
  PATH: '/usr/bin:/bin',
  HOME: job.box.home,
  LANG: 'C.UTF-8',
  LC_ALL: 'C.UTF-8',
  AWS_CONFIG_FILE: job.paths.config,
  AWS_SHARED_CREDENTIALS_FILE: job.paths.credentials,
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_PAGER: '',
});

const cliRun = (aws: string, job: Job, args: string[]) =>
  execa(aws, args, { env: cliEnv(job), extendEnv: false, reject: false, stdin: 'ignore', timeout: 60_000 });

async function runCli(aws: string, job: Job): Promise<CliResult> {
  const r = await cliRun(aws, job, ['configure', 'export-credentials', '--profile', job.profile, '--format', 'process']);
  const result: CliResult = { exitCode: r.exitCode ?? -1, stderr: String(r.stderr) };
  if (result.exitCode === 0) {
    const json = JSON.parse(String(r.stdout)) as Record<string, unknown>;
    result.keys = { id: json.AccessKeyId, secret: json.SecretAccessKey };
    if ('SessionToken' in json) result.keys.token = json.SessionToken;
  }
  // Only where the table has a region: each start of the CLI costs half a second.
  if (('keys' in job.outcome || 'noCredentials' in job.outcome) && job.outcome.region !== undefined) {
    const g = await cliRun(aws, job, ['configure', 'get', 'region', '--profile', job.profile]);
    result.region = g.exitCode === 0 ? String(g.stdout) : '';
  }
  return result;
}

/** The profiles the CLI knows in a pair of files, one start per pair (for the "not found" rows). */
const knownProfiles = new Map<string, Promise<string[]>>();
function profilesKnownToCli(aws: string, job: Job): Promise<string[]> {
  const key = `${job.paths.config}\0${job.paths.credentials}`;
  let known = knownProfiles.get(key);
  if (!known) {
    known = cliRun(aws, job, ['configure', 'list-profiles']).then((r) => {
      assert.is(r.exitCode, 0, `list-profiles failed: ${String(r.stderr)}`);
      return String(r.stdout).split('\n');
    });
    knownProfiles.set(key, known);
  }
  return known;
}

async function runAwsenv(job: Job): Promise<AwsenvResult> {
  const env = { ...job.box.env, AWS_CONFIG_FILE: job.paths.config, AWS_SHARED_CREDENTIALS_FILE: job.paths.credentials };
  const run: AwsenvResult = await awsenv(['use', job.profile, '--shell', 'bash'], env);
  if (run.exitCode !== 0) return run;
  const script =
    'eval "$1" || exit 99; printf "%s\\0" "${AWS_ACCESS_KEY_ID-}" "${AWS_SECRET_ACCESS_KEY-}" "${AWS_SESSION_TOKEN+set}" "${AWS_SESSION_TOKEN-}" "${AWS_REGION-}"';
  const shell = await execa('bash', ['--noprofile', '--norc', '-c', script, 'eval', run.stdout], {
    env: { PATH: '/usr/bin:/bin' },
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
  });
  assert.is(shell.exitCode, 0, `bash could not eval the output: ${String(shell.stderr)}`);
  const [id, secret, tokenSet, token, region] = String(shell.stdout).split('\0');
  run.vars = { id: id!, secret: secret!, token: tokenSet === 'set' ? token : undefined, region: region! };
  return run;
}

const noStack = (stderr: string) => assert.not.match(stderr, /^\s+at /m, `a stack trace: ${stderr}`);

/** awsenv failed the way a refusal must: one line on stderr, only the failing statement on stdout, exit 1. */
function refused(run: AwsenvResult, startsWith: string) {
  assert.is(run.stdout, 'false\n', 'stdout holds only the failing statement on error');
  assert.is(run.exitCode, 1, `exit status; stderr: ${run.stderr}`);
  assert.ok(run.stderr.startsWith(`awsenv: ${startsWith}`), `expected "awsenv: ${startsWith}…", got: ${run.stderr}`);
  assert.is(run.stderr.split('\n').length, 2, `one line: ${run.stderr}`);
  noStack(run.stderr);
}

function check(job: Job, cli: CliResult, run: AwsenvResult) {
  const { outcome, paths } = job;
  const where = (which: 'config' | 'credentials', line?: number) => (line === undefined ? `${paths[which]}: ` : `${paths[which]}:${line}: `);
  if ('keys' in outcome) {
    // The CLI still resolves what the table says …
    assert.is(cli.exitCode, 0, `the CLI failed: ${cli.stderr}`);
    assert.equal(cli.keys, outcome.keys, 'the CLI resolved other keys than cases.ts records');
    if (outcome.region !== undefined) assert.is(cli.region, outcome.region, "the CLI's region");
    // … and awsenv exports exactly that; an empty token is unset, never exported empty.
    assert.is(run.exitCode, 0, `awsenv failed: ${run.stderr}`);
    assert.is(run.vars?.id, cli.keys?.id, 'AWS_ACCESS_KEY_ID');
    assert.is(run.vars?.secret, cli.keys?.secret, 'AWS_SECRET_ACCESS_KEY');
    assert.is(run.vars?.token, cli.keys?.token === '' ? undefined : cli.keys?.token, 'AWS_SESSION_TOKEN');
    assert.is(run.vars?.region, outcome.region ?? '', 'AWS_REGION');
  } else if ('unparsable' in outcome) {
    assert.is.not(cli.exitCode, 0);
    assert.ok(cli.stderr.includes(`Unable to parse config file: ${paths[outcome.unparsable]}`), cli.stderr);
    refused(run, where(outcome.unparsable, outcome.line));
  } else if ('partial' in outcome) {
    assert.is.not(cli.exitCode, 0);
    assert.ok(cli.stderr.includes('Partial credentials found'), cli.stderr);
    refused(run, where(outcome.partial, outcome.line));
  } else if ('refusedByAwsenv' in outcome) {
    // The CLI takes it (so the comment that says so stays true); awsenv refuses on purpose.
    assert.is(cli.exitCode, 0, `the CLI now refuses it too: ${cli.stderr}`);
    assert.equal({ id: cli.keys?.id, secret: cli.keys?.secret }, outcome.cli);
    refused(run, where(outcome.refusedByAwsenv, outcome.line));
  } else if ('notFound' in outcome) {
    assert.ok(cli.known, 'list-profiles ran');
    assert.not.ok(cli.known!.includes(job.profile), `the CLI knows profile '${job.profile}'`);
    refused(run, `profile '${job.profile}' not found`);
  } else if ('noCredentials' in outcome) {
    assert.ok(cli.stderr.includes('no credentials found'), cli.stderr);
    if (outcome.region !== undefined) assert.is(cli.region, outcome.region, "the CLI's region");
    refused(run, `profile '${job.profile}' has no credentials`);
  } else {
    assert.ok(cli.stderr.includes('custom-process'), cli.stderr);
    // Both run credential_process (here /bin/false) and fail on it.
    refused(run, `credential_process of profile '${job.profile}' failed`);
  }
}

const aws = awsCliV2();
const live = suite('awscli: AWS CLI v2 and awsenv read the same files alike');
if (aws) {
  const boxes: Sandbox[] = [];
  const newBox = () => {
    const box = sandbox();
    boxes.push(box);
    return box;
  };
  const shared = newBox();
  const jobs: Job[] = [];
  for (const c of CASES) {
    const paths = { config: join(FIXTURES, c.dir, 'config'), credentials: join(FIXTURES, c.dir, 'credentials') };
    for (const [profile, outcome] of Object.entries(c.profiles)) {
      jobs.push({ label: `${c.dir} [${profile}]: ${c.what}`, profile, outcome, paths, box: shared });
    }
  }
  for (const g of GENERATED) {
    const box = newBox();
    const paths = g.make(box);
    for (const [profile, outcome] of Object.entries(g.profiles)) {
      jobs.push({ label: `${g.name} [${profile}]: ${g.what}`, profile, outcome, paths, box });
    }
  }
  // Everything starts now and runs in the background, a few at a time; each test awaits its own.
  const limit = limiter(Math.max(2, availableParallelism() + 1));
  const results = jobs.map((job) =>
    limit(async () => ({
      cli: 'notFound' in job.outcome ? { exitCode: 1, stderr: '', known: await profilesKnownToCli(aws, job) } : await runCli(aws, job),
      run: await runAwsenv(job),
    })),
  );
  results.forEach((result) => result.catch(() => {})); // awaited (and reported) by its test
  jobs.forEach((job, i) => {
    live(job.label, async () => {
      const { cli, run } = await results[i]!;
      check(job, cli, run);
    });
  });
  live.after(() => {
    for (const box of boxes) box.cleanup();
  });
} else {
  live('skipped: no AWS CLI v2 at /usr/bin/aws', () => skip('AWS CLI v2 is not installed'));
}
live.run();
