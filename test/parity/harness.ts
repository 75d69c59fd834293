// The parity harness: moto_server (STS, no key checks: what is compared is the calls each
// tool makes, recorded here, not whether moto accepts them) behind a recording proxy that
// also plays the SSO portal (GetRoleCredentials) and SSO OIDC (CreateToken), which moto
// lacks, following the documented request and response shapes. Each tool's requests come
// under its own path prefix (/cli/CASE/…, /awsenv/CASE/…), so the calls of a run are told
// apart without ordering. AWS CLI v2.9 ignores AWS_ENDPOINT_URL, so it is pointed here by
// an AWS_DATA_PATH holding endpoint rule sets that always answer with the proxy's URL.
// https://docs.aws.amazon.com/singlesignon/latest/OIDCAPIReference/API_CreateToken.html
// https://docs.aws.amazon.com/singlesignon/latest/PortalAPIReference/API_GetRoleCredentials.html
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { requireTool } from '../helpers/tools.js';

/** One request a tool made, with only what decides a session. */
export interface Call {
  action: string;
  /** Authorization's Credential= key id; 'unsigned' when there is none. */
  keyId?: string;
  roleArn?: string;
  sessionName?: string;
  externalId?: string;
  duration?: string;
  serial?: string;
  tokenCode?: string;
  webIdentityToken?: string;
  accountId?: string;
  roleName?: string;
  bearer?: string;
  grantType?: string;
  clientId?: string;
  refreshToken?: string;
  /** What the answer handed out: an access key id, or an SSO access token. */
  issued?: string;
}

export const SSO_ACCOUNT = '111122223333';
/** SSO OIDC: the refresh tokens and client that CreateToken honours. */
export const GOOD_REFRESH = 'refresh-token-GOOD';
export const GOOD_CLIENT = 'client-id-GOOD';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export interface Harness {
  base: string;
  calls(tag: string): Call[];
  /** SSO access tokens the portal accepts (seeded ones, plus every one CreateToken issued). */
  acceptToken(token: string): void;
  stop(): Promise<void>;
}

const form = (body: string) => Object.fromEntries(new URLSearchParams(body));

export async function startHarness(): Promise<Harness | undefined> {
  const bin = requireTool('moto_server', 'the parity suite needs a local STS emulator');
  if (!bin) return undefined;
  const motoPort = await freePort();
  let log = '';
  // No INITIAL_NO_AUTH_ACTION_COUNT: moto answers AssumeRoleWithWebIdentity (unsigned) only
  // with key checks off; the signing key of every call is recorded and compared instead.
  const child: ChildProcess = spawn(bin, ['-H', '127.0.0.1', '-p', String(motoPort)], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${motoPort}/moto-api/`)).status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`moto_server did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }

  const recorded = new Map<string, Call[]>();
  const tokens = new Set<string>();
  let n = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://x');
      const [, tool, id, ...rest] = url.pathname.split('/');
      const tag = `${tool}/${id}`;
      const calls = recorded.get(tag) ?? [];
      recorded.set(tag, calls);
      const path = `/${rest.join('/')}`;
      const json = (status: number, value: unknown, type?: string) => {
        res.writeHead(status, { 'content-type': 'application/json', ...(type ? { 'x-amzn-errortype': type } : {}) });
        res.end(JSON.stringify(value));
      };
      if (path === '/federation/credentials') {
        const bearer = req.headers['x-amz-sso_bearer_token'] as string | undefined;
        const call: Call = { action: 'GetRoleCredentials', accountId: url.searchParams.get('account_id') ?? '', roleName: url.searchParams.get('role_name') ?? '', bearer: bearer ?? 'none' };
        calls.push(call);
        if (!bearer || !tokens.has(bearer)) return json(401, { message: 'Session token not found or invalid' }, 'UnauthorizedException');
        if (call.accountId !== SSO_ACCOUNT) return json(403, { message: 'No access' }, 'ForbiddenException');
        call.issued = `ASIASSO${String(++n).padStart(13, '0')}`;
        return json(200, {
          roleCredentials: { accessKeyId: call.issued, secretAccessKey: `sso-secret-${n}`, sessionToken: `sso-token-${n}`, expiration: Date.now() + 3600_000 },
        });
      }
      if (path === '/token' && req.method === 'POST') {
        let o: Record<string, string> = {};
        try {
          o = JSON.parse(body);
        } catch {
          // recorded as it is
        }
        const call: Call = { action: 'CreateToken', grantType: o.grantType, clientId: o.clientId, refreshToken: o.refreshToken };
        calls.push(call);
        if (o.grantType !== 'refresh_token' || o.clientId !== GOOD_CLIENT || o.refreshToken !== GOOD_REFRESH || !o.clientSecret) {
          return json(400, { error: 'invalid_grant', error_description: 'Invalid refresh token provided' }, 'InvalidGrantException');
        }
        call.issued = `sso-access-token-${++n}`;
        tokens.add(call.issued);
        return json(200, { accessToken: call.issued, tokenType: 'Bearer', expiresIn: 28800, refreshToken: GOOD_REFRESH });
      }
      const p = form(body);
      const auth = String(req.headers.authorization ?? '');
      const call: Call = { action: p.Action ?? `${req.method} ${path}`, keyId: /Credential=([^/]+)\//.exec(auth)?.[1] ?? 'unsigned' };
      const copy: [keyof Call, string][] = [
        ['roleArn', 'RoleArn'], ['sessionName', 'RoleSessionName'], ['externalId', 'ExternalId'], ['duration', 'DurationSeconds'],
        ['serial', 'SerialNumber'], ['tokenCode', 'TokenCode'], ['webIdentityToken', 'WebIdentityToken'],
      ];
      for (const [k, param] of copy) if (p[param] !== undefined) call[k] = p[param];
      calls.push(call);
      const headers = { ...req.headers, host: `127.0.0.1:${motoPort}`, 'content-length': String(Buffer.byteLength(body)) };
      const out = httpRequest({ host: '127.0.0.1', port: motoPort, path, method: req.method, headers }, (answer) => {
        const parts: Buffer[] = [];
        answer.on('data', (c) => parts.push(c));
        answer.on('end', () => {
          const text = Buffer.concat(parts);
          const issued = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(text.toString('utf8'))?.[1];
          if (issued) call.issued = issued;
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(text);
        });
      });
      out.on('error', () => json(502, { message: 'moto is gone' }));
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const a = server.address();
  const base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  return {
    base,
    calls: (tag) => recorded.get(tag) ?? [],
    acceptToken: (t) => tokens.add(t),
    async stop() {
      server.close();
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    },
  };
}

const BOTOCORE_DATA = '/usr/lib/python3/dist-packages/awscli/botocore/data';
const SERVICES: [string, string][] = [
  ['sts', '2011-06-15'],
  ['sso', '2019-06-10'],
  ['sso-oidc', '2019-06-10'],
];

/**
 * An AWS_DATA_PATH directory whose endpoint rule sets send STS, SSO and SSO OIDC to `url`:
 * the installed CLI's own parameter lists, with one rule that always gives `url`.
 */
export function endpointOverride(dir: string, url: string): string {
  for (const [service, version] of SERVICES) {
    const original = JSON.parse(readFileSync(join(BOTOCORE_DATA, service, version, 'endpoint-rule-set-1.json'), 'utf8'));
    const rules = { version: original.version, parameters: original.parameters, rules: [{ conditions: [], endpoint: { url, properties: {}, headers: {} }, type: 'endpoint' }] };
    mkdirSync(join(dir, service, version), { recursive: true });
    writeFileSync(join(dir, service, version, 'endpoint-rule-set-1.json'), JSON.stringify(rules));
  }
  return dir;
}
