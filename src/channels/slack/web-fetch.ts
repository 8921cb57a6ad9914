import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** Connections to Slack's Web API kept open between calls (one TLS handshake, not one per message). */
const agents = { http: new HttpAgent({ keepAlive: true, maxSockets: 64 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 64 }) };

/** What the Web API client reads of a response (`@slack/web-api` WebClient: makeRequest, buildResult). */
interface WebApiResponse {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly url: string;
  readonly headers: { get(name: string): string | null; entries(): IterableIterator<[string, string]> };
  text(): Promise<string>;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/**
 * The `fetch` the Slack Web API client posts with: a plain `node:http(s)` request on a kept-alive
 * connection, for the form-encoded POSTs the client makes (every call Zorgpad makes). The global fetch
 * builds a WHATWG request, response and stream for each call: about 0.45 ms of CPU per reply in the
 * paced Slack turn's profile (`npm run bench`). Anything else (a file upload's form data) goes to the
 * global fetch. Like the client's own use of fetch: no redirects (one is an error), and the body is read whole.
 *
 * `timeoutMs`: a call that hears nothing for that long fails (the client reports a request error). Set
 * here, on the connection, and not as the client's `timeout`: that makes an `AbortSignal.timeout` per
 * call, whose timer still fires when the call is long done, and builds an error then (in the paced
 * bench, 10 s after every message, in the middle of other people's turns). A signal the client passes
 * all the same still aborts the call.
 */
export function webApiFetch(timeoutMs: number): typeof fetch {
  const post = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : null;
    const body = init.body;
    if (url === null || (body !== undefined && body !== null && typeof body !== 'string') || !/^https?:/.test(url)) {
      return fetch(input, { ...init, signal: init.signal ?? AbortSignal.timeout(timeoutMs) });
    }
    const signal = init.signal ?? undefined;
    return new Promise<Response>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const secure = url.startsWith('https:');
      const headers: Record<string, string> = { ...(init.headers as Record<string, string> | undefined) };
      if (typeof body === 'string') headers['content-length'] = String(Buffer.byteLength(body));
      const req = (secure ? httpsRequest : httpRequest)(url, { method: init.method ?? 'GET', headers, agent: secure ? agents.https : agents.http });
      const abort = () => req.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      signal?.addEventListener('abort', abort, { once: true });
      const done = () => signal?.removeEventListener('abort', abort);
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', (error) => {
        done();
        reject(signal?.aborted ? signal.reason : error);
      });
      req.on('response', (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          res.resume();
          done();
          // As fetch with `redirect: 'error'` does: the client reports it as a request error.
          return reject(new TypeError(`redirected (HTTP ${status})`));
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => {
          done();
          reject(error);
        });
        res.on('end', () => {
          done();
          resolve(response(url, status, res.statusMessage ?? '', res.headers, Buffer.concat(chunks)) as unknown as Response);
        });
      });
      req.end(body ?? undefined);
    });
  };
  return post as typeof fetch;
}

function response(url: string, status: number, statusText: string, raw: IncomingMessage['headers'], body: Buffer): WebApiResponse {
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(raw)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  return {
    status,
    statusText,
    ok: status >= 200 && status < 300,
    url,
    headers: { get: (name) => headers.get(name.toLowerCase()) ?? null, entries: () => headers.entries() },
    text: async () => body.toString('utf8'),
    json: async () => JSON.parse(body.toString('utf8')) as unknown,
    arrayBuffer: async () => body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer,
  };
}
