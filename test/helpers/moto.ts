// A real STS (and IAM) for end-to-end tests: moto_server on 127.0.0.1 at a free port,
// with INITIAL_NO_AUTH_ACTION_COUNT so that it checks keys like AWS does. The first three
// unauthenticated calls create an admin; everything after is signed with its keys.
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, IAMClient, PutRolePolicyCommand, PutUserPolicyCommand, DeleteAccessKeyCommand } from '@aws-sdk/client-iam';
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { requireTool } from './tools.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export const ACCOUNT = '123456789012';
const ALLOW_ALL = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sts:*', 'iam:*'], Resource: '*' }] });

export interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface Moto {
  endpoint: string;
  /** Requests moto has answered so far (its access log lines, read after a marker request). */
  requests(): Promise<number>;
  log(): string;
  createUser(name: string): Promise<Keys>;
  deleteKey(user: string, keyId: string): Promise<void>;
  createRole(name: string, trustedPrincipal: string): Promise<string>;
  /** The admin's IAM client and keys, for tests that arrange IAM state (more keys, policies) or sign for it. */
  admin: { iam: IAMClient; keys: Keys };
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Starts moto; undefined (after a loud skip) when it is not installed outside CI. */
export async function startMoto(): Promise<Moto | undefined> {
  const bin = requireTool('moto_server', 'the STS end-to-end tests need a local STS emulator');
  if (!bin) return undefined;
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  let log = '';
  let marks = 0;
  const child: ChildProcess = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, INITIAL_NO_AUTH_ACTION_COUNT: '3' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const r = await fetch(`${endpoint}/moto-api/`);
      if (r.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`moto_server did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }

  const boot = new IAMClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'boot' } });
  await boot.send(new CreateUserCommand({ UserName: 'awsenv-admin' }));
  const adminKey = (await boot.send(new CreateAccessKeyCommand({ UserName: 'awsenv-admin' }))).AccessKey!;
  await boot.send(new PutUserPolicyCommand({ UserName: 'awsenv-admin', PolicyName: 'all', PolicyDocument: ALLOW_ALL }));
  const iam = new IAMClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: adminKey.AccessKeyId!, secretAccessKey: adminKey.SecretAccessKey! },
  });

  return {
    endpoint,
    admin: { iam, keys: { accessKeyId: adminKey.AccessKeyId!, secretAccessKey: adminKey.SecretAccessKey! } },
    log: () => log,
    async requests() {
      // The access log arrives on a pipe some time after each answer: count once a marker
      // request sent now has been logged, so every earlier request is in.
      const mark = `mark-${++marks}`;
      await fetch(`${endpoint}/moto-api/?${mark}`);
      while (!log.includes(mark)) await new Promise((r) => setTimeout(r, 10));
      return (log.match(/"(?:POST|GET) \/[^"]*" \d{3}/g) ?? []).filter((l) => !l.includes('/moto-api')).length;
    },
    async createUser(name) {
      await iam.send(new CreateUserCommand({ UserName: name }));
      const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
      await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'sts', PolicyDocument: ALLOW_ALL }));
      return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    },
    async deleteKey(user, keyId) {
      // moto does not check a key's Inactive status, but it does forget a deleted key.
      await iam.send(new DeleteAccessKeyCommand({ UserName: user, AccessKeyId: keyId }));
    },
    async createRole(name, trustedPrincipal) {
      const trust = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: trustedPrincipal }, Action: 'sts:AssumeRole' }],
      });
      const role = (await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust }))).Role!;
      // So that a session of this role may assume the next one in a chain.
      await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'sts', PolicyDocument: ALLOW_ALL }));
      return role.Arn!;
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    },
  };
}
