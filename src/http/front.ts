import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Background } from '../core/background.js';
import type { Logger } from '../core/ports.js';
import { ACKNOWLEDGED_HEADER, CLIENT_ADDRESS_HEADER, firstHeader, FRONT_TOKEN_HEADER } from './headers.js';
import { closeServer, drainServer, listenOn } from './listen.js';
import { readBody } from './server.js';
import { eventDelivery, verifySignature } from '../channels/slack/requests.js';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer']);
/** The largest request the front reads; the workers enforce their own, smaller limits per route. */
const BODY_LIMIT = 1024 * 1024;
/** How often an acknowledged Slack event is offered to a worker (1 + 2 + 3 + 4 s between tries). */
const FORWARD_ATTEMPTS = 5;

interface WorkerEntry {
  id: number;
  port: number;
  pending: number;
}

export interface FrontOptions {
  token: string;
  /** Slack's signing secret, when Slack is on: then Slack events are acknowledged here. */
  slackSigningSecret: string | undefined;
  /**
   * How many acknowledged Slack events may wait for a worker at once (about 1 KB each). Beyond it the
   * front answers Slack only when a worker has taken the event (backpressure), so a flood cannot grow
   * the queue without bound.
   */
  maxWaiting?: number;
  /** Slack turns a worker is given at once; the rest wait here, in order. */
  turnsPerWorker?: number;
  /**
   * When the queue is full: where and how to tell the person their message was not taken (Slack's
   * Web API, the bot token, the text in the school's language). Without it the front waits instead.
   */
  busy?: { apiUrl: string; botToken: string; text: string };
  log: Logger;
}

/**
 * The HTTP front of a multi-worker Zorgpad, in the primary process: it accepts every connection and
 * hands each request to the worker with the fewest requests in hand, over loopback. Slack's Events API
 * deliveries with a valid signature are acknowledged here at once, before the worker runs the turn,
 * so that Slack's 3-second deadline never waits on anyone's turn; everything else (Teams activities,
 * whose invoke answer is the turn's result, interactivity, the parents' pages, the playground) gets the
 * worker's own answer. The workers check every request themselves as before (signatures, tokens,
 * zod); the front only decides where it goes and when Slack hears back.
 */
export class Front {
  private readonly workers: WorkerEntry[] = [];
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private readonly server: Server;
  private turn = 0;
  private readonly maxWaiting: number;
  private readonly turnsPerWorker: number;
  /** Acknowledged Slack events waiting for a worker, oldest first, and how many Slack turns the workers have in hand. */
  private readonly backlog: Array<() => void> = [];
  private running = 0;
  /** Requests in hand and acknowledged events not yet answered by a worker: finished before the front stops. */
  private readonly background = new Background();

  constructor(private readonly options: FrontOptions) {
    this.maxWaiting = options.maxWaiting ?? 10_000;
    this.turnsPerWorker = options.turnsPerWorker ?? 16;
    this.server = createServer((req, res) => void this.background.track(this.handle(req, res)));
  }

  addWorker(id: number, port: number): void {
    this.removeWorker(id);
    this.workers.push({ id, port, pending: 0 });
  }

  removeWorker(id: number): void {
    const i = this.workers.findIndex((w) => w.id === id);
    if (i >= 0) this.workers.splice(i, 1);
  }

  listen(port: number, host: string): Promise<number> {
    return listenOn(this.server, { port, host });
  }

  /**
   * Takes no new connections and waits (at most `graceMs`) until the requests in hand are answered
   * and every acknowledged Slack event has had its turn in a worker: the workers are stopped after
   * this, so nothing Slack was told "received" is dropped. False when something was still waiting.
   */
  drain(graceMs: number): Promise<boolean> {
    return drainServer(this.server, this.background, graceMs);
  }

  /** How many requests and acknowledged events are still in hand. */
  get inHand(): number {
    return this.background.size;
  }

  async close(): Promise<void> {
    this.agent.destroy();
    await closeServer(this.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: Buffer;
    try {
      body = await readBody(req, BODY_LIMIT);
    } catch {
      res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8' }).end('request too large');
      return;
    }
    const delivery = this.acknowledgeHere(req, body);
    if (delivery) {
      // Full: Slack has its answer, and the person is told to send it again (nothing is dropped unsaid).
      if (this.backlog.length >= this.maxWaiting && this.options.busy) {
        res.writeHead(200).end();
        this.refuse(delivery.dmChannel);
        return;
      }
      // Slack has its answer at once (unless the backlog is full: then when a worker takes the event).
      // What waits is only what the worker needs (not the request and its socket).
      const waiting = this.background.track(this.turnInWorker(requestHead(req), body));
      if (this.backlog.length <= this.maxWaiting) res.writeHead(200).end();
      else await waiting.finally(() => res.writeHead(200).end());
      return;
    }
    try {
      const answer = await this.forward(requestHead(req), body);
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
      res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(res);
    } catch (error) {
      this.options.log.error('front.forward-failed', { error: error instanceof Error ? error.name : 'unknown' });
      if (!res.headersSent) res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '1' }).end('Zorgpad is starting or restarting; try again in a moment');
    }
  }

  /**
   * A Slack event's turn in a worker, when a slot is free; done when the worker has answered. Slack
   * has its acknowledgement already and will not send the event again, so a worker that is not there
   * (restarting) is tried again for about fifteen seconds before the event is given up (and logged).
   */
  private async turnInWorker(head: RequestHead, body: Buffer): Promise<void> {
    await this.slot();
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          const answer = await this.forward(head, body, true);
          answer.resume();
          await new Promise((resolve) => answer.once('close', resolve));
          return;
        } catch (error) {
          if (attempt >= FORWARD_ATTEMPTS) {
            this.options.log.error('front.event-lost', { error: error instanceof Error ? error.name : 'unknown', attempts: attempt });
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
        }
      }
    } finally {
      this.release();
    }
  }

  /** Waits for one of the slots for Slack turns (`turnsPerWorker` per worker). */
  private slot(): Promise<void> {
    if (this.running < this.turnsPerWorker * Math.max(this.workers.length, 1) && this.backlog.length === 0) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.backlog.push(resolve));
  }

  private release(): void {
    const next = this.backlog.shift();
    if (next) next();
    else this.running--;
  }

  /** Tells the person in a direct message that their message was not taken; at most 256 of these at once. */
  private refuse(dmChannel: string | null): void {
    const busy = this.options.busy;
    this.refused++;
    if (this.refused === 1 || this.refused % 1000 === 0) this.options.log.warn('front.overloaded', { refused: this.refused, waiting: this.backlog.length });
    if (!busy || !dmChannel || this.refusing >= 256) return;
    this.refusing++;
    // Counted with the work in hand: a stopping front still tells the person.
    void this.background.track(
      fetch(`${busy.apiUrl}chat.postMessage`, {
        method: 'POST',
        headers: { authorization: `Bearer ${busy.botToken}`, 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ channel: dmChannel, text: busy.text }),
      })
        .then((answer) => answer.body?.cancel())
        .catch(() => this.options.log.warn('front.busy-not-sent', {}))
        .finally(() => this.refusing--),
    );
  }
  private refused = 0;
  private refusing = 0;

  /** A Slack Events API delivery (not interactivity or a command) whose signature holds. */
  private acknowledgeHere(req: IncomingMessage, body: Buffer): { dmChannel: string | null } | null {
    const secret = this.options.slackSigningSecret;
    if (!secret || req.method !== 'POST' || req.url !== '/slack/events') return null;
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return null;
    if (verifySignature(secret, body, firstHeader(req, 'x-slack-request-timestamp'), firstHeader(req, 'x-slack-signature'), Date.now()) !== 'ok') return null;
    return eventDelivery(body);
  }

  private forward(req: RequestHead, body: Buffer, acknowledged = false): Promise<IncomingMessage> {
    // The worker with the fewest requests in hand; among equals, the next in turn.
    let worker: WorkerEntry | undefined;
    this.turn = (this.turn + 1) % Math.max(this.workers.length, 1);
    for (let i = 0; i < this.workers.length; i++) {
      const w = this.workers[(this.turn + i) % this.workers.length]!;
      if (!worker || w.pending < worker.pending) worker = w;
    }
    if (!worker) return Promise.reject(new Error('no worker'));
    worker.pending++;
    const headers: IncomingHttpHeaders = { ...req.headers, [FRONT_TOKEN_HEADER]: this.options.token, [CLIENT_ADDRESS_HEADER]: req.address };
    for (const name of HOP_BY_HOP) delete headers[name];
    if (acknowledged) headers[ACKNOWLEDGED_HEADER] = '1';
    else delete headers[ACKNOWLEDGED_HEADER];
    headers['content-length'] = String(body.length);
    return new Promise<IncomingMessage>((resolve, reject) => {
      const out = request({ host: '127.0.0.1', port: worker.port, method: req.method, path: req.url, headers, agent: this.agent }, (answer) => {
        answer.once('end', () => worker.pending--);
        answer.once('error', () => undefined);
        resolve(answer);
      });
      out.once('error', (error) => {
        worker.pending--;
        reject(error);
      });
      out.end(body);
    });
  }
}

/** What the front keeps of a request to hand it on. */
interface RequestHead {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  address: string;
}

function requestHead(req: IncomingMessage): RequestHead {
  return { method: req.method, url: req.url, headers: req.headers, address: req.socket.remoteAddress ?? '' };
}
