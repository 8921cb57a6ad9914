import { createServer, type Server } from 'node:http';


/**
 * The platforms' side of the benchmark, on loopback: the Slack Web API (`/api/<method>`) and the Bot
 * Framework connector (`/v3/conversations/<id>/activities`). It counts what arrives and, for the
 * end-to-end latency of a turn, matches each reply to the oldest open request of its conversation.
 */
export class BenchFakes {
  private server: Server | undefined;
  private counter = 0;
  url = '';
  /** Replies received, by kind. */
  readonly counts = new Map<string, number>();
  /** When each conversation's requests were sent, oldest first. */
  private readonly open = new Map<string, number[]>();
  /** End-to-end turn latencies (ms): request sent → reply at the platform. */
  samples: number[] = [];
  /** Seconds a Slack call waits when answered with 429 (not used unless set). */
  recording = true;

  sent(conversation: string): void {
    if (!this.recording) return;
    const queue = this.open.get(conversation);
    if (queue) queue.push(performance.now());
    else this.open.set(conversation, [performance.now()]);
  }

  reset(): void {
    this.samples = [];
    this.open.clear();
    this.counts.clear();
  }

  count(kind: string): number {
    return this.counts.get(kind) ?? 0;
  }

  private replied(conversation: string): void {
    const queue = this.open.get(conversation);
    const at = queue?.shift();
    if (queue && queue.length === 0) this.open.delete(conversation);
    if (at !== undefined) this.samples.push(performance.now() - at);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = (req.url ?? '/').split('?')[0]!;
        const body = Buffer.concat(chunks).toString('utf8');
        const json = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
        const bump = (kind: string) => this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
        if (path.startsWith('/api/')) {
          const method = path.slice(5);
          bump(`slack:${method}`);
          if (method === 'auth.test') return json(200, { ok: true, user_id: 'UBENCHBOT', bot_id: 'BBENCH', team_id: 'TBENCH' });
          const channel = /(?:^|&)channel=([^&]*)/.exec(body)?.[1] ?? (body.startsWith('{') ? String((JSON.parse(body) as { channel?: string }).channel ?? '') : '');
          const decoded = decodeURIComponent(channel);
          if (method === 'chat.postMessage') this.replied(`slack:${decoded}`);
          return json(200, { ok: true, channel: decoded, ts: `1700000000.${String(++this.counter).padStart(6, '0')}`, view: { id: `V${this.counter}` } });
        }
        const match = /^\/v3\/conversations\/([^/]+)\/activities/.exec(path);
        if (match) {
          bump(`teams:${req.method}`);
          if (req.method === 'POST') this.replied(`teams:${decodeURIComponent(match[1]!)}`);
          return json(200, { id: `a${++this.counter}` });
        }
        json(404, {});
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
