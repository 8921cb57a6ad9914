import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Background } from '../core/kernel/background.js';
import type { Logger } from '../core/kernel/ports.js';
import { withRequestId } from '../log/logger.js';
import { clientAddressOf, type TrustProxy } from './client-address.js';
import { firstHeader } from './headers.js';
import { closeServer, drainServer, listenOn } from './listen.js';

/** A route handler; it writes the response itself. */
export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Each request's client, as worked out when it arrived (behind a trusted proxy: from X-Forwarded-For). */
const clients = new WeakMap<IncomingMessage, string>();

/** The address a request came from: the client's, also behind a trusted reverse proxy (`ZORGPAD_TRUST_PROXY`). */
export function clientAddress(req: IncomingMessage): string {
  return clients.get(req) ?? req.socket.remoteAddress ?? '?';
}

/** One HTTP server for every channel: routes are `METHOD path` → handler. */
export class HttpServer {
  private readonly routes = new Map<string, Handler>();
  readonly server: Server;

  constructor(
    private readonly log: Logger,
    /** Where requests being answered are counted, with whatever else this process still does. */
    private readonly background: Background,
    /** Which proxies may name the client in X-Forwarded-For. */
    trustProxy: TrustProxy = null,
  ) {
    // Every request gets an id: it is in each log line written while handling it, and in the
    // response header, so a person's report ("it said try again") can be found in the logs.
    this.server = createServer((req, res) => {
      if (trustProxy) clients.set(req, clientAddressOf(req.socket.remoteAddress, firstHeader(req, 'x-forwarded-for'), trustProxy));
      const requestId = randomUUID();
      res.setHeader('x-request-id', requestId);
      void this.background.track(withRequestId(requestId, () => this.dispatch(req, res)));
    });
  }

  route(method: 'GET' | 'POST', path: string, handler: Handler): void {
    this.routes.set(`${method} ${path}`, handler);
  }

  /** In a cluster worker, the port is shared with the other workers (node:cluster). */
  listen(port: number, host: string): Promise<number> {
    return listenOn(this.server, { port, host });
  }

  /**
   * Takes no new connections, lets the requests being answered and the work behind them finish (for
   * at most `graceMs`), then closes what is left open. False when something was still running.
   */
  async close(graceMs: number): Promise<boolean> {
    const quiet = await drainServer(this.server, this.background, graceMs);
    await closeServer(this.server);
    return quiet;
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const handler = this.routes.get(`${req.method} ${url.pathname}`);
    const started = Date.now();
    try {
      if (!handler) {
        const pathKnown = [...this.routes.keys()].some((k) => k.endsWith(` ${url.pathname}`));
        throw new HttpError(pathKnown ? 405 : 404, pathKnown ? 'method not allowed' : 'not found');
      }
      await handler(req, res, url);
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      if (status >= 500) this.log.error('http.error', { path: url.pathname, error: error instanceof Error ? error.name : 'unknown' });
      if (!res.headersSent) sendJson(res, status, { error: error instanceof HttpError ? error.message : 'internal error' });
      else res.end();
    } finally {
      this.log.debug('http', { method: req.method ?? '', path: url.pathname, status: res.statusCode, ms: Date.now() - started });
    }
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Reads a request body up to `limit` bytes; larger bodies are refused with 413. */
export async function readBody(req: IncomingMessage, limit = 64 * 1024): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new HttpError(413, 'request body too large');
  // Events rather than `for await`: the async iterator costs more than reading a small body itself.
  // Read already (by someone else): nothing is left, as `for await` would find.
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (error: Error | null) => {
      if (settled) return;
      settled = true;
      req.off('data', onData).off('end', onEnd).off('error', settle).off('close', onClose);
      if (error) reject(error);
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        settle(new HttpError(413, 'request body too large'));
        // Nothing more of it is read.
        req.destroy();
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => settle(null);
    // Gone before its end (the client hung up): nothing to answer.
    const onClose = () => settle(Object.assign(new Error('request closed before its body ended'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    req.on('data', onData).on('end', onEnd).on('error', settle).on('close', onClose);
  });
}

/** Reads and parses a JSON body; malformed JSON is a 400. */
export async function readJson(req: IncomingMessage, limit?: number): Promise<unknown> {
  const body = await readBody(req, limit);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
}
