// A local endpoint of the container credentials protocol, what the AWS SDKs and the AWS CLI
// read when AWS_CONTAINER_CREDENTIALS_FULL_URI is set: GET with `Authorization: TOKEN`
// answers {"AccessKeyId","SecretAccessKey","Token","Expiration"}. It serves one child of
// `awsenv exec --server` and nothing else, so it is strict: 127.0.0.1 only (bound there, and
// the peer's address checked, since any 127.x address can reach a socket bound to
// 127.0.0.1), one GET path, no body, small headers, few connections, short timeouts, and it
// logs nothing, so no secret can reach a log.
// The protocol: https://docs.aws.amazon.com/sdkref/latest/guide/feature-container-credentials.html
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** Why the endpoint cannot answer with credentials; its message reaches the SDK's error. */
export class CannotServe extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ServerOptions {
  /** The credentials to hand out now; throws CannotServe when there are none. */
  credentials(): Promise<ServedCredentials>;
  /** The token the child must send; new for each run (newToken()). */
  token: string;
  /** Bounds (defaults suit one child and its SDK clients). */
  maxConnections?: number;
  maxHeaderBytes?: number;
  /** How long a request may take to arrive, and an answer to be made. */
  timeoutMs?: number;
}

export interface CredentialsServer {
  /** The value for AWS_CONTAINER_CREDENTIALS_FULL_URI. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export const PATH = '/awsenv/credentials';
const LOOPBACK = new Set(['127.0.0.1', '::ffff:127.0.0.1']);

/** 32 random bytes, hex: safe in a header and an environment variable. */
export function newToken(): string {
  return randomBytes(32).toString('hex');
}

/** Compares digests, so neither the time taken nor a length difference tells how much matched. */
function sameToken(given: string, token: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(token));
}

/** RFC 3339 in UTC without milliseconds, as STS and the container endpoints write it. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function answer(res: ServerResponse, status: number, body: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

function refuse(res: ServerResponse, status: number, code: string, message: string, close = false): void {
  if (close) res.setHeader('Connection', 'close');
  answer(res, status, { Code: code, Message: message });
}

export async function startCredentialsServer(options: ServerOptions): Promise<CredentialsServer> {
  const timeout = options.timeoutMs ?? 10_000;
  const server = createServer(
    {
      // Larger headers are answered 431 by Node before any of this code runs.
      maxHeaderSize: options.maxHeaderBytes ?? 8192,
      headersTimeout: timeout,
      requestTimeout: timeout,
      keepAliveTimeout: 5_000,
    },
    (req, res) => void handle(req, res),
  );
  // Connections beyond this are closed at once by Node.
  server.maxConnections = options.maxConnections ?? 16;
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    // Malformed or oversized requests are answered and closed; nothing is logged.
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) {
      // Bound to 127.0.0.1, so this is 127.0.0.2 and its kin: not the child's address.
      req.socket.destroy();
      return;
    }
    const length = Number(req.headers['content-length'] ?? 0);
    if (req.headers['transfer-encoding'] !== undefined || length !== 0) {
      refuse(res, 413, 'RequestTooLarge', 'a credentials request has no body', true);
      req.socket.destroySoon();
      return;
    }
    if (req.method !== 'GET') {
      res.setHeader('Allow', 'GET');
      refuse(res, 405, 'MethodNotAllowed', 'only GET');
      return;
    }
    const path = (req.url ?? '').split('?')[0];
    if (path !== PATH) {
      refuse(res, 404, 'NotFound', `no such path; the credentials are at ${PATH}`);
      return;
    }
    const given = req.headers.authorization;
    if (given === undefined || given === '') {
      refuse(res, 401, 'Unauthorized', 'missing Authorization header (AWS_CONTAINER_AUTHORIZATION_TOKEN)');
      return;
    }
    if (!sameToken(given, options.token)) {
      refuse(res, 403, 'Forbidden', 'wrong authorization token');
      return;
    }
    try {
      const c = await options.credentials();
      answer(res, 200, {
        AccessKeyId: c.accessKeyId,
        SecretAccessKey: c.secretAccessKey,
        Token: c.sessionToken,
        Expiration: rfc3339(c.expiration),
      });
    } catch (error) {
      // Only CannotServe's words reach the child: another error's message is not ours to
      // vouch for, so it is named generically (awsenv says more on its own stderr).
      if (error instanceof CannotServe) refuse(res, 503, error.code, error.message);
      else refuse(res, 500, 'InternalError', 'awsenv could not get credentials; see awsenv\'s message on stderr');
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${PATH}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
