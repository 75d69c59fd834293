// Faults from STS: refused connections, no answer, 500s and garbage. Each must end in one
// clear error after bounded retries and time, with nothing exported and no secret shown.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { awsenv, type Sandbox, sandbox } from '../helpers/env.js';

const faults = suite('STS faults');
let box: Sandbox;
let server: Server;
let hits = 0;
let mode: 'silent' | '500' | 'garbage' | 'html' = 'silent';

faults.before(async () => {
  box = sandbox();
  box.write('credentials', '[mfa]\naws_access_key_id = AKIAFAULTTEST0000001\naws_secret_access_key = fault-secret-value\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n');
  server = createServer((req, res) => {
    hits++;
    req.resume();
    if (mode === 'silent') return; // never answers
    if (mode === '500') {
      res.writeHead(500, { 'content-type': 'text/xml' });
      res.end('<ErrorResponse><Error><Code>InternalFailure</Code><Message>boom</Message></Error></ErrorResponse>');
    } else if (mode === 'garbage') {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end('\u0000\u0001 not xml at all {{{');
    } else {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>Proxy login required</body></html>');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
faults.after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  box.cleanup();
});

async function useThrough(endpoint: string) {
  const started = Date.now();
  hits = 0;
  const r = await awsenv(['use', 'mfa', '--shell', 'bash', '--mfa-code', '123456', '--refresh'], { ...box.env, AWS_ENDPOINT_URL_STS: endpoint });
  return { r, seconds: (Date.now() - started) / 1000 };
}

function assertOneCleanError(r: { stdout: string; stderr: string; exitCode: number }) {
  assert.is(r.exitCode, 1);
  assert.is(r.stdout, 'false\n', 'nothing exported: one failing statement');
  const lines = r.stderr.trim().split('\n');
  assert.is(lines.length, 1, `one line: ${r.stderr}`);
  assert.match(lines[0]!, /^awsenv: getting an MFA session failed: /);
  assert.not.match(r.stderr, 'fault-secret-value');
  assert.not.match(r.stderr, /\n\s+at /);
}

const port = () => (server.address() as AddressInfo).port;

faults('connection refused', async () => {
  const { r } = await useThrough('http://127.0.0.1:9');
  assertOneCleanError(r);
  assert.match(r.stderr, /cannot reach http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)/);
});

faults('never answering: gives up after bounded retries (2 attempts of 5 s)', async () => {
  mode = 'silent';
  const { r, seconds } = await useThrough(`http://127.0.0.1:${port()}`);
  assertOneCleanError(r);
  assert.match(r.stderr, /no answer from|cannot reach/);
  assert.ok(hits >= 1 && hits <= 2, `attempts: ${hits}`);
  // A bound, not a speed target: far below "hangs".
  assert.ok(seconds < 40, `took ${seconds} s`);
});

faults('500s: bounded retries, one error', async () => {
  mode = '500';
  const { r } = await useThrough(`http://127.0.0.1:${port()}`);
  assertOneCleanError(r);
  assert.ok(hits >= 1 && hits <= 2, `attempts: ${hits}`);
});

for (const m of ['garbage', 'html'] as const) {
  faults(`${m} instead of XML`, async () => {
    mode = m;
    const { r } = await useThrough(`http://127.0.0.1:${port()}`);
    assertOneCleanError(r);
  });
}
faults.run();
