// End to end through the real shells: awkward profiles in the AWS files, `awsenv use` and
// `awsenv clear` evaluated the way a user does in bash, zsh, sh (dash and ksh), fish and
// tcsh, and the environment the shell then gives a child compared byte for byte with
// CONTRACT.md's table. One suite per shell.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DIALECTS, failStatement, render, type EnvChange } from '../../src/shells/index.js';
import { PWSH_FAILURE } from '../../src/shells/pwsh.js';
import { awsenv, sandbox, type Sandbox } from '../helpers/env.js';
import {
  afterClear,
  afterUse,
  awsVars,
  LEGACY_VARS,
  configFile,
  CONTRACT_VARS,
  credentialsFile,
  longValue,
  type ProfileSpec,
} from '../helpers/profiles.js';
import { HISTORY_PROBE, installRunner, REAL_SHELLS, type RealShell, runSession, Session } from '../helpers/shells.js';
import { requireTool } from '../helpers/tools.js';

/** Everything that would run a command if a shell ever read a value as code. */
function injections(canary: string): string {
  // The last three are PowerShell's: curly quotes end its strings, @( ) runs, --% stops parsing.
  return [`$(touch ${canary})`, `\`touch ${canary}\``, `(touch ${canary})`, `; touch ${canary};`, `| touch ${canary}`, `&& touch ${canary}`, `& type nul > ${canary} &`, `„$(New-Item ${canary})“`, `‚@(New-Item ${canary})‛`, `--% $(New-Item ${canary})`].join(' ');
}

function profiles(canary: string) {
  const inject = injections(canary);
  const awkward: ProfileSpec = {
    name: `rt 'q' "dq" ’‘“” $HOME \${HOME} ${inject} !! \\! !-1 %PATH% %% ^&|<>; \\ é 日本 😀\ttab ~ * ?`,
    keyId: `AKIA'"’‘“”\`$ \${HOME} !! \\! '\\'' %PATH% %% %%% ^&|<>;\\ é日本😀\tend`,
    // Leading '-', trailing backslash.
    secret: `-s3cr3t/+== "'’ ${inject} $'\\n' \\\\ \\`,
    token: longValue(`tok'"’‘“”$\`!!\\!%PATH%%%^&|<>; é日本😀\u00a0\u2028\${HOME}${inject}\t\\`, 8192),
    expiration: '2999-01-01T00:00:00Z',
    // Leading '#': `region = #…` is a value, not a comment.
    region: `#eu-'west'-1 !! ${inject} é \\`,
  };
  const leading: ProfileSpec = {
    name: 'b;#=:%%!!',
    // Leading ';' and '=': kept, since the line starts with the key.
    keyId: ';AKIA-leading-semicolon',
    secret: '==leading-equals #not-a-comment -n -e',
  };
  // An indented line continues a value (configparser), so the file CAN carry LF.
  const multiline: ProfileSpec = {
    name: 'multi line',
    keyId: 'AKIAMULTILINE',
    secret: `SECRET-first $(touch ${canary})\nsecond 'line' !!\n\nfourth \\`,
  };
  return { awkward, leading, multiline };
}

/** Values for the dialect-level round trip: what the files cannot carry, and every ASCII byte. */
const DIALECT_VALUES: EnvChange = {
  AWS_RT_LF: 'SECRET-one\nSECRET-two',
  AWS_RT_CR: 'SECRET-a\rSECRET-b',
  AWS_RT_CRLF: 'SECRET-a\r\nSECRET-b\r\n',
  AWS_RT_ONLY_LF: '\n',
  AWS_RT_LEADING_LF: '\nSECRET',
  AWS_RT_EMPTY: '',
  AWS_RT_SPACES: '  lead and trail  ',
  // Every byte from 0x01 to 0x7f but LF and CR, which have their own entries above.
  AWS_RT_ASCII: Array.from({ length: 127 }, (_, i) => String.fromCharCode(i + 1)).join('').replace(/[\r\n]/g, ''),
  AWS_RT_BANGS: '! !! !$ !-1 !# \\! ^a^b ^',
  AWS_RT_UNICODE: '\u0085\u00a0\u2028\u2029\ufeff\ufffd\u{10ffff}😀 é 日本 ’‘“”',
  // PowerShell's traps: every quote character it knows, subexpressions, the stop-parsing token.
  AWS_RT_PWSH: "‘a’ ‚b‛ “c” „d“ 'e' \"f\" $(New-Item pwned) @(New-Item pwned2) --% `$x `n ${env:HOME} $env:HOME @splat",
};
const hasLineBreak = (v: string | null) => typeof v === 'string' && /[\r\n]/.test(v);

/** What a user had in the shell before: leftovers of other tools and other profiles. */
const LEFTOVERS: Record<string, string> = {
  AWS_ACCESS_KEY_ID: 'AKIAOLDOLDOLDOLD',
  AWS_SECRET_ACCESS_KEY: 'old-secret',
  AWS_SESSION_TOKEN: 'leftover-token',
  AWS_SECURITY_TOKEN: 'legacy-token',
  AWS_SESSION_EXPIRATION: '2000-01-01T00:00:00Z',
  AWS_CREDENTIAL_EXPIRATION: '2000-01-01T00:00:00Z',
  AWS_DEFAULT_PROFILE: 'old',
  AWS_PROFILE: 'old',
};

interface World {
  sb: Sandbox;
  canary: string;
  runnerBin: string;
  specs: ReturnType<typeof profiles>;
  malformed: string;
  directory: string;
  counter: number;
}

function makeWorld(): World {
  const sb = sandbox();
  const canary = join(sb.dir, 'canary');
  const specs = profiles(canary);
  sb.write('credentials', credentialsFile([specs.awkward, specs.leading, specs.multiline]));
  sb.write('config', configFile([specs.awkward, specs.leading, specs.multiline]));
  const malformed = join(sb.dir, 'malformed');
  writeFileSync(malformed, '[x]\nnot a key value line\n');
  const directory = join(sb.dir, 'a-directory');
  mkdirSync(directory);
  return { sb, canary, runnerBin: installRunner(sb.dir), specs, malformed, directory, counter: 0 };
}

/** The environment a session starts with: the sandbox's, the runner first on PATH, the profile names. */
function sessionEnv(w: World, extra: Record<string, string>): Record<string, string> {
  return {
    ...w.sb.env,
    PATH: `${w.runnerBin}:${w.sb.env.PATH}`,
    RT_A: w.specs.awkward.name,
    RT_B: w.specs.leading.name,
    RT_M: w.specs.multiline.name,
    RT_NOPE: 'no-such-profile',
    ...extra,
  };
}

/** A fresh dump directory and an empty working directory for one session. */
function dirs(w: World): { dumps: string; cwd: string } {
  const n = w.counter++;
  const cwd = join(w.sb.dir, `cwd-${n}`);
  mkdirSync(cwd);
  return { dumps: join(w.sb.dir, `dumps-${n}`), cwd };
}

/** No value ran as code: the canary does not exist, the working directory is still empty. */
function assertNothingRan(w: World, cwd: string, what: string): void {
  assert.not.ok(existsSync(w.canary), `${what}: a value ran as a command (the canary exists)`);
  assert.equal(readdirSync(cwd), [], `${what}: something was created in the working directory`);
}

function assertNoContractVars(env: Record<string, string>, what: string): void {
  assert.equal(
    CONTRACT_VARS.filter((name) => name in env),
    [],
    `${what}: contract variables still set`,
  );
}

function shellSuite(shell: RealShell): void {
  const test = suite(`roundtrip: ${shell.name}`);
  const bin = requireTool(shell.bin, `the ${shell.name} round-trip tests evaluate awsenv's output in it`);
  if (!bin) return;
  let w: World;
  test.before(() => {
    w = makeWorld();
  });
  test.after(() => w.sb.cleanup());
  const shellFlag = `--shell ${shell.dialect}`;

  test('the fixtures: every awkward profile reads back with its region (config header quoting)', async () => {
    const r = await awsenv(['list', '--json'], w.sb.env);
    assert.is(r.exitCode, 0, r.stderr);
    const listed = (JSON.parse(r.stdout) as { profiles: { name: string; region: string | null; problem: string | null }[] }).profiles;
    const specs = Object.values(w.specs);
    assert.equal(
      listed.map((p) => [p.name, p.region, p.problem]).sort(),
      // The awkward profile pairs a session token with an AKIA key id, which list flags
      // (AWS rejects such a pair); the others have no problem.
      specs.map((p) => [p.name, p.region ?? null, p.token && p.keyId.startsWith('AKIA') ? 'aws_session_token is next to a long-term AKIA key: AWS rejects the pair' : null]).sort(),
    );
  });

  for (const style of shell.styles) {
    for (const mode of ['strict', 'interactive'] as const) {
      test(`use, use, clear: ${style.name}, ${mode === 'strict' ? `script with ${shell.strict.join(' ')}` : 'interactive, typed through a pipe'}`, async () => {
        const { awkward, leading, multiline } = w.specs;
        const start = sessionEnv(w, LEFTOVERS);
        const { dumps, cwd } = dirs(w);
        const s = new Session(shell, style, dumps);
        // The expected environment at each dump, from the contract's table.
        const expected = new Map<number, Record<string, string>>();
        let state = awsVars(start);
        const check = () => expected.set(s.dump(), state);
        const use = (v: string, p: ProfileSpec) => {
          s.awsenv(`use ${v} ${shellFlag}`);
          state = afterUse(state, p);
        };
        const byHand = (name: string, value: string) => {
          s.add(shell.exportVar(name, value));
          state = { ...state, [name]: value };
        };

        // Interactive: prove that `!!` is expanded in this session before relying on it.
        const probing = mode === 'interactive' && shell.historyProbe !== undefined;
        if (probing) s.add(...shell.historyProbe!);
        check();
        use('RT_A', awkward);
        check();
        use('RT_B', leading);
        check();
        // tcsh cannot hold the newline; its failure test covers this profile.
        if (shell.dialect !== 'tcsh') {
          use('RT_M', multiline);
          check();
        }
        // A region set by hand after awsenv set one: the next profile without a region
        // removes only awsenv's (AWS_DEFAULT_REGION) and leaves the user's.
        use('RT_A', awkward);
        byHand('AWS_REGION', 'hand-set-region');
        use('RT_B', leading);
        const handSet = s.dump();
        expected.set(handSet, state);
        // clear after a profile with a region: nothing of the contract remains.
        use('RT_A', awkward);
        s.awsenv(`clear ${shellFlag}`);
        state = afterClear(state);
        const cleared = s.dump();
        expected.set(cleared, state);
        // clear leaves a hand-set region; clear --all takes it and other tools' variables.
        byHand('AWS_REGION', 'hand-set-region');
        byHand('AWS_VAULT', 'vault-profile');
        s.awsenv(`clear ${shellFlag}`);
        state = afterClear(state);
        check();
        s.awsenv(`clear --all ${shellFlag}`);
        state = afterClear(state, true);
        const clearedAll = s.dump();
        expected.set(clearedAll, state);

        const run = await runSession(s, mode, start, cwd);
        if (probing) assert.is(s.read(0, run).RT_HISTORY, HISTORY_PROBE, 'history expansion is on in the interactive shell');
        for (const [n, want] of expected) assert.equal(awsVars(s.read(n, run)), want, `dump ${n}`);
        // The contract's points that matter most, stated once more without the oracle.
        assert.is(s.read(0, run).AWS_SESSION_TOKEN, 'leftover-token');
        assert.is(s.read(1, run).AWS_SESSION_TOKEN, awkward.token);
        assert.equal(LEGACY_VARS.filter((name) => name in s.read(1, run)), [], 'legacy variables after use');
        assert.is(s.read(1, run).AWS_DEFAULT_REGION, awkward.region);
        assert.not.ok('AWS_SESSION_TOKEN' in s.read(2, run), 'a profile without a token leaves AWS_SESSION_TOKEN unset');
        assert.not.ok('AWS_REGION' in s.read(2, run), "awsenv's region is removed for a profile without one");
        assert.is(s.read(handSet, run).AWS_REGION, 'hand-set-region', 'a region set by hand is left alone');
        assert.not.ok('AWS_DEFAULT_REGION' in s.read(handSet, run));
        assertNoContractVars(s.read(cleared, run), 'after clear');
        assertNoContractVars(s.read(clearedAll, run), 'after clear --all');
        assert.not.ok('AWS_VAULT' in s.read(clearedAll, run));
        if (mode === 'strict') assert.is(run.exitCode, 0, run.stderr);
        assertNothingRan(w, cwd, `${shell.name} ${style.name} ${mode}`);
      });
    }
  }

  test('a failed use changes nothing, prints nothing and exits 1', async () => {
    const { awkward, multiline } = w.specs;
    const preset = {
      AWS_ACCESS_KEY_ID: 'AKIAPRESETPRESET',
      AWS_SECRET_ACCESS_KEY: 'preset-secret',
      AWS_SESSION_TOKEN: 'preset-token',
      AWS_PROFILE: 'preset',
      AWS_REGION: 'preset-region',
      AWS_DEFAULT_REGION: 'preset-region',
      AWSENV_PROFILE: 'preset',
      AWSENV_REGION: 'preset-region',
    };
    const start = sessionEnv(w, preset);
    const failures: { what: string; profile: string; env: Record<string, string>; says: RegExp }[] = [
      { what: 'unknown profile', profile: 'RT_NOPE', env: {}, says: /no-such-profile.*not found/ },
      { what: 'malformed file', profile: 'RT_A', env: { AWS_SHARED_CREDENTIALS_FILE: w.malformed }, says: /malformed:2/ },
      { what: 'directory', profile: 'RT_A', env: { AWS_SHARED_CREDENTIALS_FILE: w.directory }, says: /a-directory.*directory/ },
    ];
    if (shell.dialect === 'tcsh') {
      failures.push({ what: 'secret with a newline', profile: 'RT_M', env: {}, says: /AWS_SECRET_ACCESS_KEY/ });
    }
    // The CLI alone: one failing statement on stdout, status 1, a message on stderr that names no secret.
    for (const f of failures) {
      const r = await awsenv(['use', start[f.profile]!, '--shell', shell.dialect], { ...w.sb.env, ...preset, ...f.env });
      assert.is(r.stdout, failStatement(shell.dialect), `${f.what}: stdout`);
      assert.is(r.exitCode, 1, `${f.what}: exit status`);
      assert.match(r.stderr, f.says, `${f.what}: stderr`);
      for (const secret of [awkward.secret, multiline.secret, 'SECRET-first']) {
        assert.not.ok(r.stderr.includes(secret), `${f.what}: stderr shows a secret`);
      }
    }
    // Under eval in the shell: the environment is exactly what it was.
    const { dumps, cwd } = dirs(w);
    const s = new Session(shell, shell.styles[0]!, dumps);
    const before = s.dump();
    const after = failures.map((f) => {
      const prefix = Object.entries(f.env).map(([k, v]) => `env ${k}='${v}' `).join('');
      s.awsenv(`use ${f.profile} ${shellFlag}`, prefix);
      // PowerShell: the failed line leaves $? false (its `&&` and `if ($?)` rely on it).
      if (shell.dialect === 'pwsh') s.add('$env:RT_STATUS = "$?"');
      return s.dump();
    });
    const run = await runSession(s, 'tolerant', start, cwd);
    const expected = awsVars(start);
    assert.equal(awsVars(s.read(before, run)), expected);
    after.forEach((n, i) => assert.equal(awsVars(s.read(n, run)), expected, `after ${failures[i]!.what}`));
    if (shell.dialect === 'pwsh') after.forEach((n, i) => assert.is(s.read(n, run).RT_STATUS, 'False', `$? after ${failures[i]!.what}`));
    assertNothingRan(w, cwd, `${shell.name} failures`);
  });

  for (const style of shell.styles) {
    for (const mode of ['strict', 'interactive'] as const) {
      test(`dialect level: line breaks, every ASCII byte, non-ASCII; ${style.name}, ${mode}`, async () => {
        const carried: EnvChange = {};
        for (const [name, value] of Object.entries(DIALECT_VALUES)) {
          if (shell.dialect === 'tcsh' && hasLineBreak(value)) continue;
          carried[name] = value;
        }
        const { dumps, cwd } = dirs(w);
        const file = join(dumps, 'rendered');
        const s = new Session(shell, style, dumps);
        const probing = mode === 'interactive' && shell.historyProbe !== undefined;
        if (probing) s.add(...shell.historyProbe!);
        writeFileSync(file, render(shell.dialect, carried));
        s.add(style.file(file));
        const n = s.dump();
        // Then unset them all again.
        const unset: EnvChange = Object.fromEntries(Object.keys(carried).map((k) => [k, null]));
        const file2 = join(dumps, 'rendered-unset');
        writeFileSync(file2, render(shell.dialect, unset));
        s.add(style.file(file2));
        const m = s.dump();
        const run = await runSession(s, mode, sessionEnv(w, {}), cwd);
        const got = s.read(n, run);
        if (probing) assert.is(got.RT_HISTORY, HISTORY_PROBE, 'history expansion is on in the interactive shell');
        for (const [name, value] of Object.entries(carried)) {
          assert.is(JSON.stringify(got[name]), JSON.stringify(value), name);
        }
        const gone = s.read(m, run);
        assert.equal(Object.keys(carried).filter((k) => k in gone), [], 'unset');
        if (mode === 'strict') assert.is(run.exitCode, 0, run.stderr);
        assertNothingRan(w, cwd, `${shell.name} dialect ${mode}`);
      });
    }
  }

  if (shell.dialect === 'pwsh') {
    test("pwsh: the failure statement alone fails the line, stops `&&` and a strict script, and changes nothing", async () => {
      const { dumps, cwd } = dirs(w);
      const fail = join(dumps, 'failure');
      mkdirSync(dumps, { recursive: true });
      writeFileSync(fail, `${PWSH_FAILURE}\n`);
      const start = sessionEnv(w, { AWS_PROFILE: 'preset', AWS_ACCESS_KEY_ID: 'AKIAPRESETPRESET' });
      // Typed line by line: exit status 0 and 1 of the command that printed it, so that the
      // statement, not the exit status, is what fails the line.
      const s = new Session(shell, shell.styles[0]!, dumps);
      for (const rc of [0, 1]) {
        const printed = `/bin/sh -c 'cat "$1"; exit ${rc}' sh '${fail}'`;
        s.add(`${printed} | Out-String | Invoke-Expression`, '$env:RT_STATUS = "$?"');
        s.add(`${printed} | Out-String | Invoke-Expression && ($env:RT_AND = 'ran')`);
        s.add(`try { ${printed} | Out-String | Invoke-Expression } catch { $env:RT_CAUGHT = "$_" }`);
      }
      const typed = s.dump();
      const run = await runSession(s, 'tolerant', start, cwd);
      const got = s.read(typed, run);
      assert.is(got.RT_STATUS, 'False', '$?');
      assert.not.ok('RT_AND' in got, '&& ran its right side');
      assert.match(got.RT_CAUGHT ?? '', 'nothing was changed');
      assert.equal(awsVars(got), awsVars(start));
      assert.match(run.stderr, 'awsenv failed (its message is above); nothing was changed');
      // A strict script (-File, $ErrorActionPreference = 'Stop') ends at the statement.
      const strict = new Session(shell, shell.styles[0]!, join(dumps, 'strict'));
      const before = strict.dump();
      strict.add(shell.styles[0]!.file(fail));
      strict.add("$env:AWS_PROFILE = 'changed-after-the-failure'");
      const afterFail = strict.dump();
      const r = await runSession(strict, 'strict', start, cwd);
      assert.is(r.exitCode, 1, r.stderr);
      assert.equal(awsVars(strict.read(before, r)), awsVars(start));
      assert.not.ok(existsSync(join(dumps, 'strict', `${afterFail}.env`)), 'the script went on after the failure');
      assertNothingRan(w, cwd, 'pwsh failure statement');
    });
  }

  if (shell.dialect === 'tcsh') {
    test('tcsh refuses CR and LF, naming the variable and not the value', () => {
      for (const [name, value] of Object.entries(DIALECT_VALUES)) {
        if (!hasLineBreak(value)) continue;
        assert.throws(
          () => DIALECTS.tcsh.set('AWS_SECRET_ACCESS_KEY', value!),
          (e: Error) => e.message.includes('AWS_SECRET_ACCESS_KEY') && !e.message.includes('SECRET-') && !/[\r\n]/.test(e.message),
          name,
        );
      }
    });
  }

  test.run();
}

for (const shell of REAL_SHELLS) shellSuite(shell);
