// Nothing blocks without limit (issue 12, item 3), performed for real: a hostile HTTP
// server on 127.0.0.1 that answers STS one byte a second or with a 200 MB body, and a
// credential_process that leaves a daemon holding its stdout. Each must end in one clear
// line, by the deadline, leaving no lock; and after a failed background renewal the next
// one (any shell) is refused at once for a minute.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { awsenv, sandbox, type Sandbox } from '../helpers/env.js';

const test = suite('security: deadlines and caps');

interface Hostile {
  url: string;
  connections(): number;
  close(): Promise<void>;
}

/** A raw TCP server speaking just enough HTTP to hurt: `serve` writes to each connection. */
async function hostile(serve: (socket: Socket) => void): Promise<Hostile> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    // Wait for the request's head before answering, as a server would.
    socket.once('data', () => serve(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => count,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** One byte a second, for ever: headers first, then a body that never ends. */
function trickle(socket: Socket): void {
  const text = 'HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 100000\r\n\r\n<AssumeRoleResponse>' + ' '.repeat(100_000);
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= text.length) return clearInterval(timer);
    socket.write(text[i++]!);
  }, 1000);
  socket.on('close', () => clearInterval(timer));
}

/** 200 MB of body as fast as the client takes it. */
function huge(socket: Socket): void {
  const total = 200 * 1024 * 1024;
  socket.write(`HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: ${total}\r\n\r\n<AssumeRoleResponse><Token>`);
  const chunk = Buffer.alloc(64 * 1024, 'A');
  let sent = 0;
  const pump = () => {
    while (!socket.destroyed && sent < total) {
      sent += chunk.length;
      if (!socket.write(chunk)) return void socket.once('drain', pump);
    }
  };
  pump();
}

function roleProfile(box: Sandbox): void {
  box.write('credentials', '[src]\naws_access_key_id = AKIASOURCEKEY0000001\naws_secret_access_key = SECRET-src\n');
  box.write('config', '[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deploy\nsource_profile = src\nregion = eu-west-1\n');
}

function leftovers(box: Sandbox): string[] {
  const dir = box.env.AWSENV_CACHE_DIR!;
  return existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.lock') || n.endsWith('.tmp') || n.includes('takeover')) : [];
}

test('an STS endpoint sending one byte a second: use ends at AWSENV_STS_TIMEOUT with one line, no lock left', async () => {
  const box = sandbox();
  const server = await hostile(trickle);
  try {
    roleProfile(box);
    const started = Date.now();
    const r = await awsenv(['use', 'deploy', '--shell', 'bash'], { ...box.env, AWS_ENDPOINT_URL_STS: server.url, AWSENV_STS_TIMEOUT: '3' });
    const seconds = (Date.now() - started) / 1000;
    assert.is(r.exitCode, 1);
    assert.is(r.stdout, 'false\n');
    assert.match(r.stderr, /no answer from http:\/\/127\.0\.0\.1:\d+ within 3 s \(AWSENV_STS_TIMEOUT\)/);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    // Before this deadline existed the same run took over 120 s (an idle timeout never fires
    // on a trickle); the bound is loose because the machine is shared.
    assert.ok(seconds < 60, `took ${seconds} s`);
    assert.ok(server.connections() >= 1, 'the endpoint was really asked');
    assert.equal(leftovers(box), []);
  } finally {
    await server.close();
    box.cleanup();
  }
});

test('an STS endpoint answering with a 200 MB body: refused at 1 MB, one line, no lock left', async () => {
  const box = sandbox();
  const server = await hostile(huge);
  try {
    roleProfile(box);
    const r = await awsenv(['use', 'deploy', '--shell', 'bash'], { ...box.env, AWS_ENDPOINT_URL_STS: server.url, AWSENV_STS_TIMEOUT: '60' });
    assert.is(r.exitCode, 1);
    assert.is(r.stdout, 'false\n');
    assert.match(r.stderr, /sent an answer larger than any STS answer/);
    assert.not.match(r.stderr, /unexpected error|heap|memory/i);
    assert.equal(leftovers(box), []);
  } finally {
    await server.close();
    box.cleanup();
  }
});

test('the hook\'s background renewal: after one failure, the next (any shell) is refused at once for a minute', async () => {
  const box = sandbox();
  const server = await hostile(trickle);
  try {
    roleProfile(box);
    const env = { ...box.env, AWS_ENDPOINT_URL_STS: server.url, AWSENV_STS_TIMEOUT: '2', AWSENV_NONINTERACTIVE: '1' };
    const first = await awsenv(['use', 'deploy', '--shell', 'bash'], env);
    assert.is(first.exitCode, 1);
    assert.match(first.stderr, /no answer/);
    const asked = server.connections();
    assert.ok(asked >= 1);
    const second = await awsenv(['use', 'deploy', '--shell', 'zsh'], env);
    assert.is(second.exitCode, 1);
    assert.is(second.stdout, 'false\n');
    assert.match(second.stderr, /the last renewal of 'deploy' failed less than a minute ago/);
    assert.is(server.connections(), asked, 'the endpoint was not asked again');
    // A person typing `awsenv use` tries at once.
    const typed = await awsenv(['use', 'deploy', '--shell', 'bash'], { ...env, AWSENV_NONINTERACTIVE: '' });
    assert.match(typed.stderr, /no answer/);
    assert.ok(server.connections() > asked);
  } finally {
    await server.close();
    box.cleanup();
  }
});

function processProfile(box: Sandbox, script: string): { pids: string } {
  const pids = join(box.dir, 'daemon.pids');
  const path = join(box.dir, 'creds.sh');
  writeFileSync(path, script.replaceAll('PIDS', pids));
  chmodSync(path, 0o755);
  box.write('config', `[profile proc]\ncredential_process = ${path}\n`);
  return { pids };
}

function killDaemons(pids: string): void {
  if (!existsSync(pids)) return;
  for (const pid of readFileSync(pids, 'utf8').split('\n').filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone
    }
  }
}

const JSON_OUT = `{"Version": 1, "AccessKeyId": "ASIAPROCESS000000001", "SecretAccessKey": "SECRET-proc", "SessionToken": "TOKEN-proc", "Expiration": "2999-01-01T00:00:00Z"}`;

test('a credential_process that starts a daemon holding its stdout, then prints JSON: use does not wait for the daemon', async () => {
  const box = sandbox();
  // The daemon inherits stdout (a new session and process group: the timeout's group kill
  // cannot reach it), and lives on after the script exits. Its stderr goes to /dev/null only
  // so that it does not hold this test's own pipe of awsenv's stderr.
  const { pids } = processProfile(box, `#!/bin/sh\nsetsid sleep 999 2>/dev/null &\necho $! >> PIDS\necho '${JSON_OUT}'\n`);
  try {
    const started = Date.now();
    const r = await awsenv(['use', 'proc', '--shell', 'bash'], { ...box.env, AWSENV_PROCESS_TIMEOUT: '120' });
    assert.is(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /export AWS_ACCESS_KEY_ID='ASIAPROCESS000000001';/);
    assert.ok((Date.now() - started) / 1000 < 60, 'did not wait for the daemon (the timeout is 120 s)');
    assert.ok(existsSync(pids), 'the daemon really started');
  } finally {
    killDaemons(pids);
    box.cleanup();
  }
});

test('a credential_process that hangs while a daemon holds its stdout: stopped at the timeout, one line', async () => {
  const box = sandbox();
  const { pids } = processProfile(box, `#!/bin/sh\nsetsid sleep 999 2>/dev/null &\necho $! >> PIDS\nsleep 999\n`);
  try {
    const started = Date.now();
    const r = await awsenv(['use', 'proc', '--shell', 'bash'], { ...box.env, AWSENV_PROCESS_TIMEOUT: '2' });
    assert.is(r.exitCode, 1);
    assert.is(r.stdout, 'false\n');
    assert.match(r.stderr, /credential_process of profile 'proc' did not finish within 2 s; it was stopped/);
    assert.ok((Date.now() - started) / 1000 < 60);
    // The script's own group was stopped (its sleep is gone); only the daemon it detached lives.
    const left = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(join(box.dir, 'creds.sh')));
    assert.equal(left, []);
  } finally {
    killDaemons(pids);
    box.cleanup();
  }
});

test('a credential_process printing 200 MB: refused at 1 MB, one line', async () => {
  const box = sandbox();
  processProfile(box, '#!/bin/sh\nhead -c 209715200 /dev/zero | tr "\\\\0" a\n');
  try {
    const r = await awsenv(['use', 'proc', '--shell', 'bash'], box.env);
    assert.is(r.exitCode, 1);
    assert.match(r.stderr, /printed more than 1 MB, which is not credentials/);
  } finally {
    box.cleanup();
  }
});

test.run();
