// `npm run bench`: awsenv's speed against a floor measured in the same run (`node -e 0`)
// and against its peers when they are installed. Medians of several runs after a warm-up;
// a table of figures, ratios and the targets of the speed issue. Nothing here is asserted
// by the tests: timings depend on the machine.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist/awsenv.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 41);
const which = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim() || undefined;

if (!existsSync(CLI)) {
  console.error('bench: dist/awsenv.js is missing; run ./install.sh or npm run build first');
  process.exit(1);
}

// --- a sandbox HOME with one profile of each timed kind
const dir = mkdtempSync(join(tmpdir(), 'awsenv-bench-'));
const home = join(dir, 'home');
mkdirSync(join(home, '.aws'), { recursive: true });
writeFileSync(
  join(home, '.aws/credentials'),
  '[static]\naws_access_key_id = AKIABENCHSTATIC00001\naws_secret_access_key = bench-static-secret\n' +
    '[mfa]\naws_access_key_id = AKIABENCHMFA00000001\naws_secret_access_key = bench-mfa-secret\n',
  { mode: 0o600 },
);
writeFileSync(
  join(home, '.aws/config'),
  '[profile static]\nregion = eu-west-1\n[profile mfa]\nmfa_serial = arn:aws:iam::123456789012:mfa/bench\nregion = eu-west-1\n' +
    '[profile role]\nrole_arn = arn:aws:iam::123456789012:role/bench\nsource_profile = mfa\nregion = eu-west-1\n' +
    '[profile cold]\nrole_arn = arn:aws:iam::123456789012:role/bench\nsource_profile = static\nregion = eu-west-1\n',
  { mode: 0o600 },
);
const env = {
  PATH: process.env.PATH,
  HOME: home,
  LANG: 'C.UTF-8',
  AWS_CONFIG_FILE: join(home, '.aws/config'),
  AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws/credentials'),
  AWSENV_CACHE_DIR: join(dir, 'cache'),
  // Where a request would go if the cache failed us: nowhere (the run would then fail loudly).
  AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9',
};
await build({
  entryPoints: [join(ROOT, 'scripts/bench-seed.ts')],
  outfile: join(dir, 'seed.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  logLevel: 'warning',
});
const seeded = spawnSync('node', [join(dir, 'seed.mjs'), 'mfa', 'role'], { env, encoding: 'utf8' });
if (seeded.status !== 0) throw new Error(`seeding the cache failed: ${seeded.stderr}`);

// --- measuring
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
/** Wall time (ms) of one run of a command, spawned directly (no shell in between). */
function runOnce(argv, runEnv = env) {
  const t = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { env: runEnv, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
  return ms;
}
/**
 * Median wall times (ms) of several commands run in turn after 3 warm-up rounds, one run of
 * each per round: a machine that speeds up or slows down during the benchmark (other work,
 * CPU frequency) then moves the floor and the commands measured against it alike.
 */
function timeInTurn(argvs, opts = {}) {
  const times = argvs.map(() => []);
  for (let round = -3; round < (opts.runs ?? RUNS); round++) {
    argvs.forEach((argv, i) => {
      opts.before?.[i]?.();
      const ms = runOnce(argv, opts.envs?.[i]);
      if (round >= 0) times[i].push(ms);
    });
  }
  return times.map(median);
}
/** Peak resident memory (KB) through GNU time, when it is installed. */
function peakKb(argv, runEnv = env) {
  if (!existsSync('/usr/bin/time')) return undefined;
  const values = Array.from({ length: 5 }, () => {
    const r = spawnSync('/usr/bin/time', ['-f', '%M', ...argv], { env: runEnv, encoding: 'utf8', maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
    return Number(r.stderr.trim().split('\n').at(-1));
  });
  return median(values);
}

const rows = [];
const notes = [];
const row = (what, value, unit, ratio, target, ok) => rows.push({ what, value, unit, ratio, target, ok });

// BENCH_ONLY=commands,cold,guard,startup,scale runs only those sections (while working on one).
const ONLY = process.env.BENCH_ONLY?.split(',');
const only = (section) => !ONLY || ONLY.includes(section);
let floor = NaN;
if (only('commands')) {
  // Every command that makes no network request (STS is 127.0.0.1:9: a request would fail the
  // run), each ≤ 1.3 × the floor. `exec static -- true` is shown minus its child: the same
  // round also times `true` spawned alone, and that median is subtracted.
  const TRUE = which('true') ?? '/bin/true';
  const commands = [
    ['awsenv use (static keys)', ['use', 'static', '--shell', 'bash']],
    ['awsenv use (MFA, cached session)', ['use', 'mfa', '--shell', 'bash']],
    ['awsenv use (role, cached session)', ['use', 'role', '--shell', 'bash']],
    ['awsenv use static --print', ['use', 'static', '--print', '--shell', 'bash']],
    ['awsenv use static --shell fish', ['use', 'static', '--shell', 'fish']],
    ['awsenv use static --duration 3600', ['use', 'static', '--duration', '3600', '--shell', 'bash']],
    ['awsenv use mfa --mfa-code (cached session)', ['use', 'mfa', '--mfa-code', '123456', '--shell', 'bash']],
    ['awsenv clear', ['clear', '--shell', 'bash']],
    ['awsenv clear --all', ['clear', '--all', '--shell', 'bash']],
    ['awsenv current', ['current']],
    ['awsenv export static --format process', ['export', 'static', '--format', 'process']],
    ['awsenv export role --format process (cached)', ['export', 'role', '--format', 'process']],
    ['awsenv exec static -- true, minus true', ['exec', 'static', '--', TRUE]],
    ['awsenv list', ['list']],
    ['awsenv doctor --offline static', ['doctor', '--offline', 'static']],
    // No profile named: doctor takes AWS_PROFILE (without one, `default`, absent here: exit 1).
    ['awsenv doctor --offline (AWS_PROFILE=static)', ['doctor', '--offline'], { ...env, AWS_PROFILE: 'static' }],
    ['awsenv complete profiles', ['complete', 'profiles']],
  ];
  const [floorMs, trueAlone, ...medians] = timeInTurn([['node', '-e', '0'], [TRUE], ...commands.map(([, args]) => ['node', CLI, ...args])], {
    envs: [env, env, ...commands.map(([, , e]) => e ?? env)],
  });
  floor = floorMs;
  row('node -e 0 (floor)', floor, 'ms', 1, '', undefined);
  commands.forEach(([what, args], i) => {
    const ms = args[0] === 'exec' ? medians[i] - trueAlone : medians[i];
    row(what, ms, 'ms', ms / floor, '≤ 1.3 ×', ms / floor <= 1.3);
  });
  row('true (the child of exec, spawned alone)', trueAlone, 'ms', undefined, '', undefined);
  // "No STS request, the AWS SDK not even loaded": STS is 127.0.0.1:9 here, so a request
  // would have failed the runs above; and a copy of the CLI without its SDK bundle must serve
  // the cached sessions as well.
  {
    const copy = join(dir, 'no-sdk');
    cpSync(join(ROOT, 'dist'), copy, { recursive: true });
    rmSync(join(copy, 'lazy/sts-sdk.cjs'));
    for (const profile of ['mfa', 'role']) {
      const r = spawnSync('node', [join(copy, 'awsenv.js'), 'use', profile, '--shell', 'bash'], { env, encoding: 'utf8' });
      const loaded = r.status !== 0;
      rows.push({ what: `awsenv use (${profile}, cached): AWS SDK loaded`, text: loaded ? 'yes' : 'no', target: 'no', ok: !loaded });
    }
  }
  const aws = ['/usr/bin/aws', which('aws')].find((p) => p && spawnSync(p, ['--version'], { encoding: 'utf8' }).stdout.startsWith('aws-cli/2'));
  if (aws) {
    const [ms] = timeInTurn([[aws, 'configure', 'export-credentials', '--profile', 'static', '--format', 'env']], { runs: 7 });
    row('aws configure export-credentials (peer)', ms, 'ms', ms / floor, '', undefined);
  } else {
    notes.push('AWS CLI v2 not installed: `aws configure export-credentials` not measured (apt-get install awscli)');
  }
}
if (only('cold')) {
  // --- `use ROLE` with an empty cache: one AssumeRole to moto_server on 127.0.0.1, against
  // a plain SDK script doing the same call (scripts/bench-fromini.mjs), the cache emptied
  // before each run of either.
  const motoServer = which('moto_server');
  if (motoServer) {
    const port = await new Promise((done) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = s.address().port;
        s.close(() => done(p));
      });
    });
    const moto = spawn(motoServer, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    try {
      const sts = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 100 && spawnSync('curl', ['-s', '-o', '/dev/null', sts]).status !== 0; i++) spawnSync('sleep', ['0.1']);
      const coldEnv = { ...env, AWS_ENDPOINT_URL_STS: sts, AWSENV_CACHE_DIR: join(dir, 'cold-cache'), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
      const empty = () => rmSync(coldEnv.AWSENV_CACHE_DIR, { recursive: true, force: true });
      const [ours, sdk] = timeInTurn(
        [
          ['node', CLI, 'use', 'cold', '--shell', 'bash'],
          ['node', join(ROOT, 'scripts/bench-fromini.mjs'), 'cold'],
        ],
        { envs: [coldEnv, coldEnv], before: [empty, empty], runs: Math.min(RUNS, 21) },
      );
      row('awsenv use (role, empty cache, STS on 127.0.0.1)', ours, 'ms', ours / floor, '≤ SDK', ours <= sdk);
      row('SDK fromIni script, same call (baseline)', sdk, 'ms', sdk / floor, '', undefined);
    } finally {
      moto.kill();
    }
  } else {
    notes.push('moto_server not installed: `use ROLE` with an empty cache not measured');
  }

  const nodeKb = peakKb(['node', '-e', '0']);
  const useKb = peakKb(['node', CLI, 'use', 'static', '--shell', 'bash']);
  if (nodeKb && useKb) {
    row('peak memory: node -e 0', nodeKb / 1024, 'MB', 1, '', undefined);
    row('peak memory: awsenv use', useKb / 1024, 'MB', useKb / nodeKb, '≤ 1.2 ×', useKb / nodeKb <= 1.2);
  } else {
    notes.push('GNU time (/usr/bin/time) not installed: peak memory not measured');
  }

}
// Each shell's hook as `awsenv hook SHELL` prints it (the guard and start-up sections).
const hooks = {};
for (const shell of ['bash', 'zsh', 'fish']) {
  const out = spawnSync('node', [CLI, 'hook', shell], { env, encoding: 'utf8' });
  hooks[shell] = join(dir, `hook.${shell}`);
  writeFileSync(hooks[shell], out.stdout);
}
if (only('guard')) {
  // --- the prompt guard: N prompts in one shell, minus the same shell calling empty functions
  // instead, in every state a shell is in between commands, with and without AWSENV_PROMPT=1.
  // What runs per prompt: bash, __awsenv_guard (PROMPT_COMMAND; it puts the segment in PS1
  // itself); zsh, __awsenv_guard and __awsenv_prompt_put (both in precmd_functions, always);
  // fish, __awsenv_guard (the fish_prompt event) and, with AWSENV_PROMPT=1, the fish_prompt
  // that the hook wraps around the user's. The empty-function run does everything else the
  // same (hook sourced, `use` applied, the same loop, the user's own prompt function), so the
  // difference is the hook's own work. `use` is applied from its output rendered beforehand:
  // a Node start in each run would add milliseconds of noise.
  const N = Number(process.env.BENCH_PROMPTS ?? 5000);
  const rendered = (shell, profile) => {
    const file = join(dir, `use-${profile}.${shell}`);
    if (existsSync(file)) return file;
    const r = spawnSync('node', [CLI, 'use', profile, '--shell', shell], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`awsenv use ${profile} --shell ${shell} failed: ${r.stderr}`);
    writeFileSync(file, r.stdout);
    return file;
  };
  // Expired and dropped: a session whose end has passed (and its stamp, dated then, as `use`
  // leaves it), after the guard's first prompt dropped its keys and region: AWSENV_PROFILE,
  // AWSENV_EXPIRY, AWSENV_STAMP and AWS_PROFILE stay, the segment reads "aws:role expired".
  const past = Math.floor(Date.now() / 1000) - 3600;
  mkdirSync(join(dir, 'stamps'));
  const pastStamp = join(dir, 'stamps', `until-${past}`);
  writeFileSync(pastStamp, '');
  utimesSync(pastStamp, past, past);
  const guardStates = {
    none: { bash: '', zsh: '', fish: '' },
    static: { profile: 'static' },
    session: { profile: 'role' },
    'expired and dropped': {
      profile: 'role',
      bash: `export AWSENV_EXPIRY=${past} AWSENV_STAMP=${pastStamp}; __awsenv_guard 2>/dev/null`,
      zsh: `export AWSENV_EXPIRY=${past} AWSENV_STAMP=${pastStamp}; __awsenv_guard 2>/dev/null`,
      fish: `set -gx AWSENV_EXPIRY ${past}; set -gx AWSENV_STAMP ${pastStamp}; __awsenv_guard 2>/dev/null`,
    },
  };
  function guardScript(shell, state, prompt, empty) {
    const use = state.profile ? rendered(shell, state.profile) : undefined;
    const lines = [];
    if (shell === 'fish') {
      lines.push("function fish_prompt; printf '> '; end", `source ${hooks.fish}`);
      if (use) lines.push(`source ${use}`, '__awsenv_segment_update');
      lines.push(state.fish ?? '');
      if (prompt) lines.push('set -g AWSENV_PROMPT 1');
      if (empty) lines.push('function __awsenv_guard; end');
      const body = prompt ? '__awsenv_guard; fish_prompt' : '__awsenv_guard';
      lines.push(`for i in (seq ${N}); ${body}; end >/dev/null`);
    } else {
      lines.push(shell === 'bash' ? "PS1='> '" : "PROMPT='> '", `source ${hooks[shell]}`);
      if (use) lines.push(`source ${use}`, '__awsenv_segment_update');
      lines.push(state[shell] ?? '');
      if (prompt) lines.push('AWSENV_PROMPT=1');
      const fns = shell === 'zsh' ? ['__awsenv_guard', '__awsenv_prompt_put'] : ['__awsenv_guard'];
      // (An empty zsh function holds no command; bash needs one, `:`, which costs bash little.)
      if (empty) lines.push(...fns.map((f) => (shell === 'zsh' ? `${f}() { }` : `${f}() { :; }`)));
      lines.push(`for ((i = 0; i < ${N}; i++)); do ${fns.join('; ')}; done`);
    }
    const file = join(dir, `guard-${shell}-${Object.keys(guardStates).find((k) => guardStates[k] === state).replace(/ /g, '-')}-${prompt ? 'prompt' : 'plain'}-${empty ? 'empty' : 'full'}`);
    lines.push('true');
    writeFileSync(file, `${lines.filter(Boolean).join('\n')}\n`);
    return shell === 'fish' ? ['fish', '--no-config', file] : shell === 'zsh' ? ['zsh', '-f', file] : ['bash', '--noprofile', '--norc', file];
  }
  for (const shell of ['bash', 'zsh', 'fish']) {
    if (!which(shell)) {
      notes.push(`${shell} not installed: its guard not measured`);
      continue;
    }
    // Every state and mode of one shell in one group, run in turn: [empty, full] for each.
    const cases = Object.values(guardStates).flatMap((state) => [false, true].map((prompt) => ({ state, prompt })));
    const name = (c) => Object.keys(guardStates).find((k) => guardStates[k] === c.state) + (c.prompt ? ', AWSENV_PROMPT=1' : '');
    const argvs = cases.flatMap((c) => [guardScript(shell, c.state, c.prompt, true), guardScript(shell, c.state, c.prompt, false)]);
    // A hook that fails at every prompt would time as fast: each script must run clean first.
    for (const argv of argvs) {
      const r = spawnSync(argv[0], argv.slice(1), { env, encoding: 'utf8' });
      if (r.status !== 0 || r.stderr !== '') throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr.slice(0, 2000)}`);
    }
    const times = timeInTurn(
      argvs,
      { runs: Number(process.env.BENCH_GUARD_RUNS ?? 5) },
    );
    cases.forEach((c, i) => {
      const us = ((times[2 * i + 1] - times[2 * i]) * 1000) / N;
      row(`prompt guard, ${shell}, ${name(c)}`, us, 'µs', undefined, '≤ 50 µs', us <= 50);
    });
  }
  // pwsh starts in about a second, so its guard is timed inside one pwsh with a Stopwatch: N
  // calls of the guard minus N calls of an empty function, the median of 5 rounds; and the
  // whole prompt function (guard, segment, the user's prompt) the same way.
  const pwsh = [which('pwsh'), join(process.env.HOME ?? '', '.dotnet/tools/pwsh')].find((p) => p && existsSync(p));
  if (pwsh) {
    const out = spawnSync('node', [CLI, 'hook', 'pwsh'], { env, encoding: 'utf8' });
    writeFileSync(join(dir, 'hook.ps1'), out.stdout);
    const n = Number(process.env.BENCH_PWSH_PROMPTS ?? 1000);
    const script = join(dir, 'guard.ps1');
    writeFileSync(
      script,
      [
        "function prompt { 'PS> ' }",
        `. '${join(dir, 'hook.ps1')}'`,
        'awsenv use static | Out-Null',
        'function __bench_empty { }',
        'function __bench([scriptblock]$f) { $sw = [Diagnostics.Stopwatch]::StartNew(); for ($i = 0; $i -lt ' + n + '; $i++) { [void](& $f) }; $sw.Elapsed.TotalMilliseconds }',
        '[void](__bench { __awsenv_guard }); [void](__bench { prompt })',
        '$guard = foreach ($r in 1..5) { $base = __bench { __bench_empty }; ((__bench { __awsenv_guard }) - $base) * 1000 / ' + n + ' }',
        '$prompt = foreach ($r in 1..5) { $base = __bench { __bench_empty }; ((__bench { prompt }) - $base) * 1000 / ' + n + ' }',
        "'{0} {1}' -f ($guard | Sort-Object)[2], ($prompt | Sort-Object)[2]",
      ].join('\n'),
    );
    const r = spawnSync(pwsh, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', script], { env, encoding: 'utf8' });
    const [guard, prompt] = r.stdout.trim().split(' ').map(Number);
    if (r.status !== 0 || !Number.isFinite(guard) || !Number.isFinite(prompt)) throw new Error(`the pwsh guard benchmark failed: ${r.stderr}${r.stdout}`);
    row('prompt guard, pwsh (nothing changed)', guard, 'µs', undefined, '', undefined);
    row('prompt function, pwsh (guard, segment, prompt)', prompt, 'µs', undefined, '', undefined);
  } else {
    notes.push('pwsh not installed: its guard not measured (.ci/run installs PowerShell 7 with dotnet tool install)');
  }
  if (which('direnv')) {
    const n = 200;
    const hook = '_direnv_hook';
    const setup = 'eval "$(direnv hook bash)"';
    const [base, full] = timeInTurn(
      [
        ['bash', '--noprofile', '--norc', '-c', `${setup}; ${hook}() { :; }; for ((i = 0; i < ${n}; i++)); do ${hook}; done`],
        ['bash', '--noprofile', '--norc', '-c', `${setup}; for ((i = 0; i < ${n}; i++)); do ${hook}; done`],
      ],
      { runs: 5 },
    );
    row('prompt hook, direnv in bash (peer)', ((full - base) * 1000) / n, 'µs', undefined, '', undefined);
  } else {
    notes.push('direnv not installed: its prompt hook not measured');
  }

}
if (only('startup')) {
  // --- opening an interactive shell with the rc block and without
  for (const [shell, rc, argv] of [
    ['bash', '.bashrc', ['bash', '-i', '-c', 'exit']],
    ['zsh', '.zshrc', ['zsh', '-i', '-c', 'exit']],
  ]) {
    if (!which(shell)) continue;
    const bare = join(dir, `bare-${shell}`);
    const withHook = join(dir, `with-${shell}`);
    mkdirSync(bare, { recursive: true });
    mkdirSync(withHook, { recursive: true });
    writeFileSync(join(bare, rc), '');
    writeFileSync(join(withHook, rc), `# >>> awsenv >>>\n[ -f ${hooks[shell]} ] && . ${hooks[shell]}\n# <<< awsenv <<<\n`);
    const [a, b] = timeInTurn([argv, argv], { envs: [{ ...env, HOME: bare }, { ...env, HOME: withHook }], runs: 15 });
    row(`${shell} start-up, extra with the rc block`, b - a, 'ms', undefined, '≤ 5 ms', b - a <= 5);
  }
  if (which('fish')) {
    mkdirSync(join(dir, 'fish-with/fish/conf.d'), { recursive: true });
    writeFileSync(join(dir, 'fish-with/fish/conf.d/awsenv.fish'), `source ${hooks.fish}\n`);
    const fish = ['fish', '-i', '-c', 'exit'];
    const [a, b] = timeInTurn([fish, fish], {
      envs: [{ ...env, XDG_CONFIG_HOME: join(dir, 'fish-bare') }, { ...env, XDG_CONFIG_HOME: join(dir, 'fish-with') }],
      runs: 15,
    });
    row('fish start-up, extra with conf.d/awsenv.fish', b - a, 'ms', undefined, '≤ 5 ms', b - a <= 5);
  }

}
if (only('scale')) {
  // --- 50,000 profiles: files as SSO config generators write them (aws configure sso,
  // aws-sso-util, aws-sso-cli, granted), comments and blank lines included, plus a credentials
  // file of static keys. `use` of a role profile with a cached session (no network) placed
  // first, in the middle and last in config; `list`, TAB completion and peak memory.
  {
    const count = Number(process.env.BENCH_PROFILES ?? 50000);
    const big = join(dir, 'big');
    mkdirSync(big, { recursive: true });
    const roles = ['AdministratorAccess', 'ReadOnlyAccess', 'PowerUserAccess', 'Billing', 'DeveloperAccess'];
    const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'eu-central-1'];
    const statics = Math.max(10, Math.floor(count / 100));
    const config = [
      '# Generated by aws-sso-util / aws-sso-cli; hand edits below the sso-sessions may be lost',
      '',
      '[default]',
      'region = us-east-1',
      'output = json',
      '',
      '[sso-session corp]',
      'sso_start_url = https://corp.awsapps.com/start',
      'sso_region = us-east-1',
      'sso_registration_scopes = sso:account:access',
      '',
      '[sso-session lab]',
      'sso_start_url = https://d-90670abcde.awsapps.com/start#/',
      'sso_region = eu-west-1',
      '',
    ];
    const rolePlaced = (name, source) => [`[profile ${name}]`, `role_arn = arn:aws:iam::123456789012:role/${name}`, `source_profile = ${source}`, 'region = eu-west-1', ''];
    config.push(...rolePlaced('first-role', 'static-0'));
    const middle = Math.floor(count / 2);
    for (let i = 0; i < count - 2 - statics; i++) {
      if (i === middle) config.push(...rolePlaced('middle-role', 'static-1'));
      const account = String(100000000000 + i * 7919).slice(0, 12);
      const role = roles[i % roles.length];
      const region = regions[i % regions.length];
      if (i % 1000 === 0) config.push(`# --- accounts ${i}..${i + 999} (OU workloads-${i / 1000})`, '');
      if (i % 20 === 19) {
        // Chained roles by hand: role_arn over a static-key profile.
        config.push(`[profile chain-${i}]`, `role_arn = arn:aws:iam::${account}:role/${role}`, `source_profile = static-${i % statics}`, `region = ${region}`, '');
      } else if (i % 3 === 0) {
        // aws-sso-util's legacy form: the start URL in every profile, and its markers.
        config.push(
          `[profile acct${account}.${role}]`,
          'sso_start_url = https://corp.awsapps.com/start',
          'sso_region = us-east-1',
          `sso_account_name = workload-${i}`,
          `sso_account_id = ${account}`,
          `sso_role_name = ${role}`,
          `region = ${region}`,
          `credential_process = aws-sso-util credential-process --profile acct${account}.${role}`,
          'sso_auto_populated = true',
          '',
        );
      } else {
        // aws configure sso / aws-sso-cli: an sso_session reference.
        config.push(
          `[profile workload-${i}:${role}]`,
          `sso_session = ${i % 5 === 0 ? 'lab' : 'corp'}`,
          `sso_account_id = ${account}`,
          `sso_role_name = ${role}`,
          `region = ${region}`,
          'output = json',
          '',
        );
      }
    }
    config.push(...rolePlaced('last-role', 'static-2'));
    const credentials = ['# static keys, managed by hand', ''];
    for (let i = 0; i < statics; i++) {
      credentials.push(
        `[static-${i}]`,
        `aws_access_key_id = AKIABENCH${String(i).padStart(11, '0')}`,
        `aws_secret_access_key = bench-secret-${i}`,
        ...(i % 4 === 0 ? ['; rotated by hand, see the wiki', `region = ${regions[i % regions.length]}`] : []),
        '',
      );
    }
    const configFile = join(big, 'config');
    const credentialsFile = join(big, 'credentials');
    writeFileSync(configFile, `${config.join('\n')}\n`, { mode: 0o600 });
    writeFileSync(credentialsFile, `${credentials.join('\n')}\n`, { mode: 0o600 });
    const filesMb = (statSync(configFile).size + statSync(credentialsFile).size) / 1024 / 1024;
    const bigEnv = { ...env, AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: credentialsFile, AWSENV_CACHE_DIR: join(big, 'cache') };
    const seededBig = spawnSync('node', [join(dir, 'seed.mjs'), 'first-role', 'middle-role', 'last-role'], { env: bigEnv, encoding: 'utf8' });
    if (seededBig.status !== 0) throw new Error(`seeding the cache failed: ${seededBig.stderr}`);
    const names = count.toLocaleString('en');
    const uses = ['first', 'middle', 'last'].map((at) => [`awsenv use (${at} of ${names} profiles, role, cached)`, ['use', `${at}-role`, '--shell', 'bash']]);
    const others = [
      [`awsenv list (${names} profiles)`, ['list']],
      [`awsenv complete profiles (TAB, ${names} profiles)`, ['complete', 'profiles']],
    ];
    // export (every AWS CLI/SDK call of a credential_process profile) and doctor read through
    // the kept index like use: the same ≤ 2 × target.
    const readers = [
      [`awsenv export last-role --format process (${names} profiles, cached)`, ['export', 'last-role', '--format', 'process']],
      [`awsenv doctor --offline last-role (${names} profiles)`, ['doctor', '--offline', 'last-role']],
    ];
    const all = [...uses, ...others, ...readers];
    const runs = Math.min(RUNS, Number(process.env.BENCH_BIG_RUNS ?? 11));
    const [floor50k, ...ms] = timeInTurn([['node', '-e', '0'], ...all.map(([, args]) => ['node', CLI, ...args])], {
      runs,
      envs: [env, ...all.map(() => bigEnv)],
    });
    row(`node -e 0 (floor, beside the ${names}-profile rows)`, floor50k, 'ms', 1, '', undefined);
    uses.forEach(([what], i) => row(what, ms[i], 'ms', ms[i] / floor50k, '≤ 2 ×', ms[i] / floor50k <= 2));
    others.forEach(([what], i) => {
      const v = ms[uses.length + i];
      row(what, v, 'ms', v / floor50k, '≤ 300 ms', v <= 300);
    });
    readers.forEach(([what], i) => {
      const v = ms[uses.length + others.length + i];
      row(what, v, 'ms', v / floor50k, '≤ 2 ×', v / floor50k <= 2);
    });
    // The first run after the config changed: each run follows a touch of the file, in turn
    // with the floor; the median of each.
    const afterTouch = (argv) => {
      const [floors, times] = [[], []];
      for (let round = -1; round < runs; round++) {
        const f = runOnce(['node', '-e', '0']);
        const now = new Date();
        utimesSync(configFile, now, now);
        const t = runOnce(argv, bigEnv);
        if (round >= 0) {
          floors.push(f);
          times.push(t);
        }
      }
      return [median(floors), median(times)];
    };
    // `use`: no kept index (index-cache.ts), the whole file scanned.
    {
      const [f, t] = afterTouch(['node', CLI, 'use', 'last-role', '--shell', 'bash']);
      row(`awsenv use (last of ${names}), config just changed: whole file scanned`, t, 'ms', t / f, '≤ 2 ×', t / f <= 2);
    }
    // `list`: no kept index or recipe (core/list-cache.ts), every section's keys read from the
    // file (files/digest.ts). No target of its own: it was 2.9 s, as every list was.
    {
      const [f, t] = afterTouch(['node', CLI, 'list']);
      row(`awsenv list (${names}), config just changed: every section read`, t, 'ms', t / f, '', undefined);
    }
    // The memory rows below are of the kept index and recipe: the config's times are two
    // seconds old again, and one list keeps them.
    await new Promise((r) => setTimeout(r, 2100));
    runOnce(['node', CLI, 'list'], bigEnv);
    const floorKb = peakKb(['node', '-e', '0']);
    if (floorKb) {
      const limit = 2 * filesMb + floorKb / 1024;
      row(`files' size (${names} profiles, config + credentials)`, filesMb, 'MB', undefined, '', undefined);
      for (const [what, args] of [['use (last)', ['use', 'last-role', '--shell', 'bash']], ['list', ['list']], ['complete profiles', ['complete', 'profiles']]]) {
        const mb = peakKb(['node', CLI, ...args], bigEnv) / 1024;
        row(`peak memory: awsenv ${what}, ${names} profiles`, mb, 'MB', undefined, `≤ ${limit.toFixed(1)} MB (2 × files + node -e 0)`, mb <= limit);
      }
    } else {
      notes.push('GNU time (/usr/bin/time) not installed: peak memory at 50,000 profiles not measured');
    }
  }

}
// --- the table
const fmt = (n, unit) => (unit === 'µs' ? n.toFixed(1) : n.toFixed(unit === 'MB' ? 1 : 1));
const lines = rows.map((r) => [
  r.what,
  r.text ?? `${fmt(r.value, r.unit)} ${r.unit}`,
  r.ratio === undefined ? '' : `${r.ratio.toFixed(2)} ×`,
  r.target,
  r.ok === undefined ? '' : r.ok ? 'ok' : 'MISSED',
]);
const header = ['what', 'median', 'vs floor', 'target', ''];
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
const print = (cells) => console.log(cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
console.log(`awsenv benchmark: ${RUNS} runs per command after 3 warm-up runs, each compared pair or group run in turn, medians; node ${process.version}, ${spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()} cores`);
print(header);
for (const l of lines) print(l);
for (const n of notes) console.log(`note: ${n}`);
// BENCH_KEEP=1 leaves the scratch HOME and the generated files for a closer look.
if (process.env.BENCH_KEEP) console.log(`note: kept ${dir}`);
else rmSync(dir, { recursive: true, force: true });
