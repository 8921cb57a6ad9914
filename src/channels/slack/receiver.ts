import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App, Receiver } from '@slack/bolt';
import type { Background } from '../../core/background.js';
import type { Clock, IdempotencyStore, Logger } from '../../core/ports.js';
import { acknowledgedByFront, HttpError, readBody, sendJson } from '../../http/server.js';
import { firstHeader } from '../../http/headers.js';
import { deliveryKey, parseSlackBody, verifySignature, type SlackRequest } from './requests.js';

/** Slack gives up after 3 s; whatever happens, we answer before this. */
const ACK_DEADLINE_MS = 2_500;
/** Slack's own payloads are small; a modal submission with long notes stays well under this. */
const BODY_LIMIT = 512 * 1024;

/**
 * A Bolt receiver mounted on Zorgpad's own HTTP server (`POST /slack/events`): events, slash commands
 * and interactivity on one URL. It checks the signature over the raw body, parses the payload with zod,
 * drops retried deliveries (Bolt does not), hands the rest to Bolt, and answers Slack as soon as a
 * listener acknowledges — or after 2.5 s at the latest.
 */
export class SharedServerReceiver implements Receiver {
  private app: App | undefined;

  constructor(
    private readonly signingSecret: string,
    private readonly idempotency: IdempotencyStore,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** Where the turn behind an acknowledgement is counted: a stopping process finishes it first. */
    private readonly background: Background,
  ) {}

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  /** The HTTP handler for `POST /slack/events`. */
  handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = await readBody(req, BODY_LIMIT);
    const header = (name: string) => firstHeader(req, name);
    const verdict = verifySignature(this.signingSecret, raw, header('x-slack-request-timestamp'), header('x-slack-signature'), Date.now());
    if (verdict !== 'ok') {
      this.log.warn('slack.unauthorized', { reason: verdict });
      throw new HttpError(401, 'unauthorized');
    }
    const request = parseSlackBody(raw, header('content-type'));
    if (!request) {
      this.log.warn('slack.bad-request', {});
      throw new HttpError(400, 'not a Slack request Zorgpad understands');
    }
    if (request.kind === 'url_verification') {
      sendJson(res, 200, { challenge: request.challenge });
      return;
    }
    // Slack retries a delivery it thinks we missed (X-Slack-Retry-Num): the second one is only acknowledged.
    const key = deliveryKey(request);
    if (key && !(await this.idempotency.claim(`slack:${key}`, this.clock.now()))) {
      this.log.info('slack.duplicate', { retry: Number(header('x-slack-retry-num') ?? 0) });
      res.writeHead(200).end();
      return;
    }
    await this.dispatch(request, header('x-slack-retry-num'), header('x-slack-retry-reason'), res, acknowledgedByFront(req));
  };

  /** `answered`: the front acknowledged it already; then the answer (to the front) waits until the turn is done. */
  private async dispatch(request: SlackRequest, retryNum: string | undefined, retryReason: string | undefined, res: ServerResponse, answeredAlready = false): Promise<void> {
    if (!this.app) throw new Error('Slack receiver used before Bolt initialised it');
    let acked = false;
    let answer: (() => void) | undefined;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const respond = (body?: unknown) => {
      // Slack heard from the front already: the front hears from us when the turn is done.
      if (acked || answeredAlready) return;
      acked = true;
      if (body === undefined || body === '') res.writeHead(200).end();
      else sendJson(res, 200, typeof body === 'string' ? { text: body } : body);
      answer?.();
    };
    const processing = this.background.track(
      this.app
        .processEvent({
          body: request.body,
          ack: async (response?: unknown) => respond(response),
          ...(retryNum ? { retryNum: Number(retryNum) } : {}),
          ...(retryReason ? { retryReason } : {}),
          customProperties: { zorgpad: request },
        })
        .catch((error: unknown) => this.log.error('slack.listener-error', { error: error instanceof Error ? error.name : 'unknown' })),
    );
    if (answeredAlready) {
      await processing;
      res.writeHead(200).end();
      return;
    }
    const deadline = setTimeout(() => {
      if (!acked) this.log.warn('slack.ack-deadline', {});
      respond();
    }, ACK_DEADLINE_MS);
    // Answered by a listener's ack(), or when every listener is done without one.
    await Promise.race([answered, processing.then(() => respond())]);
    clearTimeout(deadline);
  }
}
