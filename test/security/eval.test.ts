// Attacks on what the shell evals (issue 12, items 1, 7 and 8), performed in the real shells:
// hostile variable names reaching `clear --all`, a failed `use` whose eval must fail and
// change nothing, and `use` typed into a terminal without eval.
import { execa } from 'execa';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DIALECTS, failStatement, render, SHELL_NAMES } from '../../src/shells/index.js';
import { awsenv, CLI, sandbox } from '../helpers/env.js';
import { readEnvDump, REAL_SHELLS } from '../helpers/shells.js';
import { requireTool } from '../helpers/tools.js';

const PWSH = join(process.env.HOME ?? '/root', '.dotnet/tools/pwsh');
const pwsh = () => requireTool(PWSH, 'PowerShell 7 runs the pwsh output for real');

/** A bin directory whose `awsenv` runs the built CLI (so the parent shell is detected as in use). */
function installAwsenv(dir: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'awsenv'), `#!/bin/sh\nexec '${process.execPath}' '${CLI}' "$@"\n`);
  chmodSync(join(bin, 'awsenv'), 0o755);
  return bin;
}

// Names an attacker (or a confused tool) can put in the environment: execve takes any bytes
// but '=' and NUL in a name. Each would run `touch CANARY` if written into a statement.
function hostileNames(canary: string): string[] {
  return [
    `AWSUME_x;touch ${canary};#`,
    `GRANTED_$(touch ${canary})`,
    `AWSUME_\`touch ${canary}\``,
    `GRANTED_x\ntouch ${canary}\n`,
    `AWSUME_(touch ${canary})`, // fish command substitution
    `GRANTED_x; New-Item ${canary}`, // PowerShell
    `AWSUME_x && touch ${canary}`,
    `AWSUME_x|touch ${canary}`,
    `GRANTED_x\r\ntouch ${canary}`,
  ];
}

const names = suite('security: variable names');

names('render() refuses every name that is not ^[A-Za-z_][A-Za-z0-9_]*$, in every dialect', () => {
  for (const shell of SHELL_NAMES) {
    for (const bad of ['A;B', '1A', 'A-B', 'A B', '', 'A\nB', 'Ä', 'A$B', 'A=B']) {
      assert.throws(() => render(shell, { [bad]: null }), /refusing to write a statement for the variable name/, `${shell} unset ${JSON.stringify(bad)}`);
      assert.throws(() => render(shell, { [bad]: 'v' }), /refusing to write a statement for the variable name/, `${shell} set ${JSON.stringify(bad)}`);
    }
    assert.ok(render(shell, { _A1: null, a_b: 'v' }).length > 0, `${shell} takes plain names`);
  }
  // Every dialect module is reached through render(): none can print a name unchecked.
  assert.equal(Object.keys(DIALECTS).sort(), [...SHELL_NAMES].sort());
});

// PowerShell has its own tests below (it reads statements line by line from a pipe).
for (const shell of REAL_SHELLS.filter((s) => s.dialect !== 'pwsh')) {
  names(`${shell.name}: clear --all with hostile AWSUME_/GRANTED_ names runs nothing and still unsets the plain ones`, async () => {
    if (!requireTool(shell.bin, `${shell.name} evaluates the output`)) return;
    const box = sandbox();
    try {
      const canary = join(box.dir, 'CANARY');
      const env: Record<string, string> = { ...box.env, AWSUME_PROFILE: 'x', GRANTED_SSO: 'y' };
      for (const n of hostileNames(canary)) env[n] = '1';
      const r = await awsenv(['clear', '--all', '--shell', shell.dialect], env);
      assert.is(r.exitCode, 0, r.stderr);
      assert.match(r.stderr, /skipped the variable 'AWSUME_x;touch/);
      // The notice shows the name with its control characters escaped, on one line.
      assert.match(r.stderr, /'GRANTED_x\\ntouch [^\n]*\\n'/);
      const out = join(box.dir, 'out.txt');
      writeFileSync(out, r.stdout);
      const dump = join(box.dir, 'env.dump');
      const script = join(box.dir, 'script');
      writeFileSync(
        script,
        [shell.exportVar('AWSUME_PROFILE', 'x'), shell.exportVar('GRANTED_SSO', 'y'), shell.styles[0]!.file(out), `env -0 > '${dump}'`, ''].join('\n'),
      );
      const run = await execa(shell.bin, [...shell.tolerant, script], { env: { PATH: env.PATH!, HOME: box.home }, extendEnv: false, reject: false, cwd: box.dir });
      assert.ok(existsSync(dump), `${shell.name} never reached the dump: ${run.stderr}`);
      const after = readEnvDump(dump);
      assert.is(after.AWSUME_PROFILE, undefined);
      assert.is(after.GRANTED_SSO, undefined);
      assert.not.ok(existsSync(canary), `${shell.name} ran code from a variable name`);
      assert.not.ok(existsSync(join(box.dir, 'x')), 'nothing was created');
    } finally {
      box.cleanup();
    }
  });
}

names('pwsh: clear --all with hostile names runs nothing (real PowerShell 7)', async () => {
  const bin = pwsh();
  if (!bin) return;
  const box = sandbox();
  try {
    const canary = join(box.dir, 'CANARY');
    const env: Record<string, string> = { ...box.env, AWSUME_PROFILE: 'x' };
    for (const n of hostileNames(canary)) env[n] = '1';
    const r = await awsenv(['clear', '--all', '--shell', 'pwsh'], env);
    assert.is(r.exitCode, 0, r.stderr);
    const out = join(box.dir, 'out.txt');
    writeFileSync(out, r.stdout);
    const run = await execa(bin, ['-NoProfile', '-NonInteractive', '-Command', `$env:AWSUME_PROFILE = 'x'; Get-Content '${out}' | Out-String | Invoke-Expression; "left=[$env:AWSUME_PROFILE]"`], {
      env: { PATH: env.PATH!, HOME: box.home, DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
      extendEnv: false,
      reject: false,
      cwd: box.dir,
    });
    assert.match(String(run.stdout), /left=\[\]/, String(run.stderr));
    assert.not.ok(existsSync(canary));
  } finally {
    box.cleanup();
  }
});

names.run();

// --- item 8: a failed eval fails

const failing = suite('security: a failed use fails the eval and changes nothing');

failing('stdout of a failure is exactly one failing statement, per dialect', async () => {
  const box = sandbox();
  try {
    const expect: Record<string, string> = { bash: 'false\n', zsh: 'false\n', sh: 'false\n', fish: 'false\n', tcsh: 'false\n', cmd: '', setx: '', pwsh: failStatement('pwsh') };
    for (const shell of SHELL_NAMES) {
      for (const args of [['use', 'nosuch'], ['use', 'nosuch', '--refresh'], ['clear', '--bogus'], ['use']]) {
        const r = await awsenv([...args, '--shell', shell], box.env);
        assert.is.not(r.exitCode, 0);
        assert.is(r.stdout, expect[shell], `${shell} ${args.join(' ')}`);
      }
    }
    // The shell cannot be told: `false`, which every POSIX shell, fish and tcsh run.
    const r = await awsenv(['use', 'nosuch'], { ...box.env, SHELL: '' });
    assert.is(r.stdout, 'false\n');
    const hook = await awsenv(['hook', 'nosuchshell'], box.env);
    assert.is(hook.stdout, 'false\n');
  } finally {
    box.cleanup();
  }
});

// PowerShell has its own tests below (it reads statements line by line from a pipe).
for (const shell of REAL_SHELLS.filter((s) => s.dialect !== 'pwsh')) {
  failing(`${shell.name}: eval of a failed use returns non-zero, keeps the environment, and \`&& deploy\` stops`, async () => {
    if (!requireTool(shell.bin, `${shell.name} evaluates the output`)) return;
    const box = sandbox();
    try {
      const bin = installAwsenv(box.dir);
      const out = join(box.dir, 'status');
      const deployed = join(box.dir, 'DEPLOYED');
      const dump = join(box.dir, 'env.dump');
      const lines =
        shell.dialect === 'fish'
          ? [
              `awsenv use nosuch | source; echo "source=$status" > '${out}'`,
              `eval (awsenv use nosuch); echo "eval=$status" >> '${out}'`,
              `awsenv use nosuch | source; and touch '${deployed}'`,
            ]
          : shell.dialect === 'tcsh'
            ? [`eval "\`awsenv use nosuch\`"; echo "eval=$status" > '${out}'`, `eval "\`awsenv use nosuch\`" && touch '${deployed}'`]
            : [`eval "$(awsenv use nosuch)"; echo "eval=$?" > '${out}'`, `eval "$(awsenv use nosuch)" && touch '${deployed}'`];
      const script = join(box.dir, 'script');
      writeFileSync(script, [shell.exportVar('AWS_ACCESS_KEY_ID', 'AKIABEFORE'), ...lines, `env -0 > '${dump}'`, ''].join('\n'));
      const run = await execa(shell.bin, [...shell.tolerant, script], {
        env: { ...box.env, PATH: `${bin}:${box.env.PATH}` },
        extendEnv: false,
        reject: false,
        cwd: box.dir,
      });
      assert.ok(existsSync(out), `${shell.name}: ${run.stderr}`);
      for (const line of readFileSync(out, 'utf8').trim().split('\n')) assert.match(line, /=[1-9]\d*$/, `${shell.name}: ${line}`);
      assert.not.ok(existsSync(deployed), `${shell.name} deployed after a failed use`);
      assert.is(readEnvDump(dump).AWS_ACCESS_KEY_ID, 'AKIABEFORE');
      assert.match(run.stderr, /profile 'nosuch' not found/);
    } finally {
      box.cleanup();
    }
  });
}

failing('pwsh: Invoke-Expression of a failed use leaves $? false and `&& deploy` does not run', async () => {
  const bin = pwsh();
  if (!bin) return;
  const box = sandbox();
  try {
    const r = await awsenv(['use', 'nosuch', '--shell', 'pwsh'], box.env);
    const out = join(box.dir, 'out.txt');
    writeFileSync(out, r.stdout);
    // Line by line, as a person types them at the prompt.
    const input = [
      "$env:AWS_ACCESS_KEY_ID = 'AKIABEFORE'",
      `Get-Content '${out}' | Out-String | Invoke-Expression`,
      '"status=$?"',
      `Get-Content '${out}' | Out-String | Invoke-Expression && "DEPLOYED"`,
      '"key=$env:AWS_ACCESS_KEY_ID"',
      '',
    ].join('\n');
    const run = await execa(bin, ['-NoProfile', '-NonInteractive', '-Command', '-'], {
      input,
      env: { PATH: box.env.PATH!, HOME: box.home, DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
      extendEnv: false,
      reject: false,
      cwd: box.dir,
    });
    const text = String(run.stdout).replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, '');
    assert.match(text, /status=False/);
    assert.not.match(text, /DEPLOYED/);
    assert.match(text, /key=AKIABEFORE/);
  } finally {
    box.cleanup();
  }
});

failing.run();

// --- item 7: `use` typed into a terminal

const terminal = suite('security: use into a terminal');

terminal('through a real pty (script): no statement, the eval line on stderr, exit 2; --print prints', async () => {
  const script = requireTool('script', 'util-linux script gives the command a real pty');
  if (!script) return;
  const box = sandbox();
  try {
    box.write('credentials', '[admin]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = SECRET-never-on-a-terminal\n');
    const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
    const inPty = async (args: string[]) => {
      const log = join(box.dir, 'pty.log');
      const r = await execa(script, ['-q', '-e', '-c', `${q(process.execPath)} ${q(CLI)} ${args.map(q).join(' ')}; echo "rc=$?"`, log], {
        env: box.env,
        extendEnv: false,
        reject: false,
        stdin: 'ignore',
      });
      return String(r.stdout);
    };
    for (const [shell, line] of [
      ['bash', 'eval "$(awsenv use admin)"'],
      ['fish', 'awsenv use admin | source'],
      ['tcsh', 'eval "`awsenv use admin`"'],
      ['pwsh', 'awsenv use admin --shell pwsh | Out-String | Invoke-Expression'],
    ] as const) {
      const text = await inPty(['use', 'admin', '--shell', shell]);
      assert.not.match(text, /SECRET-never/, `${shell}: the secret reached the terminal`);
      assert.not.match(text, /AKIAIOSFODNN7EXAMPLE/);
      assert.ok(text.includes(line), `${shell}: ${text}`);
      assert.match(text, /install\.sh/);
      assert.match(text, /rc=2/);
    }
    const quoted = await inPty(['use', "it's $(x)", '--shell', 'bash']);
    assert.ok(quoted.includes(`eval "$(awsenv use 'it'\\''s $(x)')"`), quoted);
    const printed = await inPty(['use', 'admin', '--shell', 'bash', '--print']);
    assert.match(printed, /export AWS_SECRET_ACCESS_KEY='SECRET-never-on-a-terminal';/);
    assert.match(printed, /rc=0/);
    // Not a terminal: statements as always.
    const piped = await awsenv(['use', 'admin', '--shell', 'bash'], box.env);
    assert.is(piped.exitCode, 0);
    assert.match(piped.stdout, /export AWS_ACCESS_KEY_ID=/);
  } finally {
    box.cleanup();
  }
});

terminal.run();
