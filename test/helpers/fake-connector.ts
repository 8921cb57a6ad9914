import { createServer, type Server } from 'node:http';

/** What the bot sent to the fake Bot Connector. */
export interface SentActivity {
  method: 'POST' | 'PUT';
  /** The id the connector gave (POST) or kept (PUT). */
  id: string;
  conversationId: string;
  /** For PUT: the activity that was replaced. */
  activityId?: string;
  activity: { type?: string; text?: string; attachments?: Array<{ contentType: string; content: Record<string, unknown> }> } & Record<string, unknown>;
}

/**
 * A local stand-in for the Bot Connector service (`/v3/conversations/...`): records every activity the
 * bot sends or updates, and can refuse a conversation with 403 as Teams does for a blocked bot.
 */
export class FakeConnector {
  readonly sent: SentActivity[] = [];
  readonly blocked = new Set<string>();
  /** The members the connector knows, by Teams user id (`29:…`): what the member lookup answers. */
  readonly members = new Map<string, { aadObjectId: string; email?: string; userPrincipalName?: string; name?: string }>();
  /** Member lookups received: [conversation id, user id]. */
  readonly memberLookups: Array<[string, string]> = [];
  private server: Server | undefined;
  private counter = 0;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const member = /^\/v3\/conversations\/([^/]+)\/members\/([^/?]+)$/.exec(req.url ?? '');
        if (member && req.method === 'GET') {
          const userId = decodeURIComponent(member[2]!);
          this.memberLookups.push([decodeURIComponent(member[1]!), userId]);
          const known = this.members.get(userId);
          if (!known) {
            res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'MemberNotFoundInConversation' } }));
            return;
          }
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: userId, ...known }));
          return;
        }
        const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(req.url ?? '');
        if (!match || (req.method !== 'POST' && req.method !== 'PUT')) {
          res.writeHead(404).end();
          return;
        }
        const conversationId = decodeURIComponent(match[1]!);
        if (this.blocked.has(conversationId)) {
          res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'BotDisabledByAdmin' } }));
          return;
        }
        const activity = JSON.parse(body || '{}') as SentActivity['activity'];
        const activityId = req.method === 'PUT' ? decodeURIComponent(match[2]!) : undefined;
        const id = activityId ?? `sent-${++this.counter}`;
        this.sent.push({ method: req.method, id, conversationId, ...(activityId ? { activityId } : {}), activity });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
    return this;
  }

  to(conversationId: string): SentActivity[] {
    return this.sent.filter((s) => s.conversationId === conversationId);
  }

  texts(conversationId: string): string[] {
    return this.to(conversationId).map((s) => s.activity.text ?? cardTitle(s.activity) ?? '');
  }

  /** Waits until a sent activity matches. */
  async waitFor(predicate: (s: SentActivity) => boolean, timeoutMs = 5000): Promise<SentActivity> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.sent.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`nothing matching arrived at the fake connector; got ${JSON.stringify(this.sent.map((s) => [s.conversationId, s.activity.text ?? cardTitle(s.activity)]))}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

/** The first text block of a card attachment. */
export function cardTitle(activity: SentActivity['activity']): string | undefined {
  const body = activity.attachments?.[0]?.content?.body as Array<{ text?: string }> | undefined;
  return body?.find((b) => typeof b.text === 'string')?.text;
}
