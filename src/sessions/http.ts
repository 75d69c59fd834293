// The HTTP side of every STS and SSO request: nothing may block without limit (issue 12).
// The SDK's requestTimeout is an idle timeout, so an endpoint that sends one byte a second
// keeps a request alive for ever, and it reads a body of any size into memory (a 200 MB
// "token" ran Node out of memory, holding a cache lock). Here every request gets one overall
// deadline, body included, and bodies are capped.
import { Transform } from 'node:stream';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** STS and SSO answers are a few KB; anything near this is not one of them. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

export { deadlineMs } from './deadline.js';

/** A body larger than MAX_RESPONSE_BYTES; the connection is closed at once. */
export class ResponseTooLarge extends Error {
  override name = 'ResponseTooLarge';
}

/** An AbortError the SDK recognises, once the deadline has passed. */
export class DeadlineExceeded extends Error {
  override name = 'AbortError';
  readonly deadline = true;
}

/**
 * A signal that aborts after `ms` (its timer does not keep the process alive).
 * Pass it both to `client.send(command, { abortSignal })` and to boundedHandler.
 */
export function deadlineSignal(ms: number): AbortSignal {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DeadlineExceeded(`no answer within ${ms / 1000} s`)), ms);
  timer.unref();
  return controller.signal;
}

/**
 * The SDK's Node handler with each response body passed through a counter that fails past
 * MAX_RESPONSE_BYTES and stops when `signal` aborts (the SDK stops watching its signal once
 * headers arrived, but a body can trickle on). `seen.date` gets the Date header (clock skew).
 */
export function boundedHandler(signal: AbortSignal, seen: { date?: Date } = {}): NodeHttpHandler {
  const inner = new NodeHttpHandler({ connectionTimeout: 3000, requestTimeout: 5000, throwOnRequestTimeout: true });
  const handle = inner.handle.bind(inner);
  inner.handle = async (request, options) => {
    if (signal.aborted) throw signal.reason;
    const out = await handle(request, { ...options, abortSignal: signal });
    const date = out.response.headers.date ?? out.response.headers.Date;
    if (date && !Number.isNaN(Date.parse(date))) seen.date = new Date(date);
    const body = out.response.body as NodeJS.ReadableStream & { destroy?(error?: Error): void };
    if (body && typeof body.pipe === 'function') {
      let received = 0;
      const limited = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          received += chunk.length;
          if (received > MAX_RESPONSE_BYTES) {
            body.destroy?.();
            done(new ResponseTooLarge(`the answer is larger than ${MAX_RESPONSE_BYTES / 1024 / 1024} MB`));
          } else {
            done(null, chunk);
          }
        },
      });
      const stop = () => {
        body.destroy?.();
        limited.destroy(signal.reason instanceof Error ? signal.reason : new DeadlineExceeded('no answer in time'));
      };
      if (signal.aborted) stop();
      else signal.addEventListener('abort', stop, { once: true });
      limited.once('close', () => signal.removeEventListener('abort', stop));
      body.on('error', (error: Error) => limited.destroy(error));
      body.pipe(limited);
      out.response.body = limited;
    }
    return out;
  };
  return inner;
}
