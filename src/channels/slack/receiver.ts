import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App, Receiver } from '@slack/bolt';
import type { Background } from '../../core/kernel/background.js';
import type { Accepted, InboxRunner } from '../../core/inbox/runner.js';
import type { InboxEntry } from '../../core/inbox/model.js';
import type { Logger } from '../../core/kernel/ports.js';
import { HttpError, readBody, sendJson } from '../../http/server.js';
import { firstHeader } from '../../http/headers.js';
import { deliveryKey, parseSlackBody, personOf, verifySignature, type SlackRequest } from './requests.js';

/** Requests waiting for their acknowledgement beyond which turns wait (see `acknowledging`). */
const ACK_BURST = 32;
/**
 * How long after the last moment of a burst turns still wait: a burst comes in waves (a load balancer,
 * Slack's own batches), and the short gaps between them are no end of it. Without this, every gap
 * started a turn per free slot, whose work then held up the next wave's acknowledgements.
 */
const BURST_QUIET_MS = 250;
/** Slack gives up after 3 s; whatever happens, we answer before this. */
const ACK_DEADLINE_MS = 2_500;
/** Slack's own payloads are small; a modal submission with long notes stays well under this. */
const BODY_LIMIT = 512 * 1024;

/**
 * Thrown by the acknowledgement of a request whose turn does not run now in this process (a retried
 * delivery, or one that waits for the person's earlier turn or a free slot): it ends the listener
 * after Slack has its answer. Not an error.
 */
export class TurnNotHere extends Error {
  override name = 'TurnNotHere';
}

/** What a listener finds in Bolt's context besides the request: which inbox entry it works for. */
export interface InboxContext {
  zorgpad: SlackRequest;
  /** Set by the app's error handler when a listener failed (Bolt does not pass the failure on). */
  outcome?: { failed: boolean };
  /** The entry's id; `replay`: a run after an earlier one that may have died after its turn (the core then says the turn's reply again). */
  inboxId?: string;
  replay?: boolean;
}

/**
 * A Bolt receiver mounted on Zorgpad's own HTTP server (`POST /slack/events`): events, slash commands
 * and interactivity on one URL. It checks the signature over the raw body and parses the payload with
 * zod. A listener's acknowledgement first writes the request to the durable inbox (core/inbox), keyed by
 * Slack's delivery id: a retried delivery finds it there and is only acknowledged; a process that dies
 * after the acknowledgement leaves the entry to another (`replay`). Answers Slack as soon as the entry
 * is written — or after 2.5 s at the latest.
 */
export class SharedServerReceiver implements Receiver {
  private app: App | undefined;
  /** Requests read and not yet acknowledged: while there are many, acknowledging goes first (`acknowledging`). */
  private unacknowledged = 0;
  /** When a burst was last seen (more than `ACK_BURST` unacknowledged), by the monotonic clock. */
  private burstAt = Number.NEGATIVE_INFINITY;
  /** The resume at the end of the quiet period, when one is armed. */
  private resumeTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly signingSecret: string,
    private readonly runner: InboxRunner,
    private readonly log: Logger,
    /** Where the turn behind an acknowledgement is counted: a stopping process finishes it first. */
    private readonly background: Background,
  ) {}

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  /**
   * True while a burst of requests waits for its acknowledgements (more than `ACK_BURST` at once): the
   * runner starts no turn then and leaves what it accepts in the store, so each acknowledgement costs one
   * write and Slack hears back well within its three seconds; the turns follow when the burst is answered.
   */
  acknowledging = (): boolean => this.unacknowledged > ACK_BURST || performance.now() - this.burstAt < BURST_QUIET_MS;

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
    // Counted once signed: unsigned or slow requests cannot hold the turns back.
    if (++this.unacknowledged > ACK_BURST) this.burstAt = performance.now();
    try {
      await this.dispatch(request, res, header('x-slack-retry-num'));
    } finally {
      this.unacknowledged--;
      // Answered: the turns waiting here or in the store start, at once or when the burst has been quiet a while.
      if (this.unacknowledged === 0) this.resumeWhenQuiet();
    }
  };

  /** Resumes the turns now, or (once) when the quiet period after the last burst ends. */
  private resumeWhenQuiet(): void {
    const wait = this.burstAt + BURST_QUIET_MS - performance.now();
    if (wait <= 0) return this.runner.resume();
    if (this.resumeTimer) return;
    this.resumeTimer = setTimeout(() => {
      this.resumeTimer = undefined;
      if (this.unacknowledged === 0) this.resumeWhenQuiet();
    }, wait + 1);
    this.resumeTimer.unref();
  }

  /** Runs an entry's turn again, in whichever process claimed it: Bolt's listeners with an acknowledgement that does nothing. */
  replay = (entry: InboxEntry): Promise<void> => this.runStored(JSON.parse(entry.request) as SlackRequest, entry.id, { replay: entry.attempts > 1 });

  /**
   * A stored request's turn, through Bolt's listeners, with an acknowledgement that does nothing (it was
   * given). `replay`: a run before this one may have made the turn and died before its reply went out.
   * Throws TurnFailed when a listener reported the turn as failed, or what Bolt threw.
   */
  private async runStored(request: SlackRequest, inboxId: string, how: { replay?: boolean; retryNum?: string }): Promise<void> {
    if (!this.app) throw new Error('Slack receiver used before Bolt initialised it');
    const outcome = { failed: false };
    await this.app.processEvent({
      body: request.body,
      ack: async () => undefined,
      ...(how.retryNum ? { retryNum: Number(how.retryNum) } : {}),
      customProperties: { zorgpad: request, inboxId, outcome, ...(how.replay ? { replay: true } : {}) } satisfies InboxContext,
    });
    if (outcome.failed) throw new TurnFailed();
  }

  /**
   * The durable write before an acknowledgement: the accepted entry, null for a delivery stored before
   * (Slack's retry), or 'failed' when it could not be written (then nothing may be acknowledged). Logged.
   */
  private async store(request: SlackRequest, id: string, personKey: string, retryNum: string | undefined): Promise<Accepted | null | 'failed'> {
    try {
      const accepted = await this.runner.accept({ id, kind: 'slack', personKey, request });
      if (!accepted) this.log.info('slack.duplicate', { retry: Number(retryNum ?? 0) });
      return accepted;
    } catch (error) {
      this.log.error('slack.inbox-write-failed', { error: error instanceof Error ? error.name : 'unknown' });
      return 'failed';
    }
  }

  private async dispatch(request: SlackRequest, res: ServerResponse, retryNum: string | undefined): Promise<void> {
    if (!this.app) throw new Error('Slack receiver used before Bolt initialised it');
    const key = deliveryKey(request);
    const person = personOf(request);
    // An event's acknowledgement is always empty: it needs no listener, only the durable write.
    if (request.kind === 'event' && key && person) return this.acknowledgeEvent(request, res, `slack:${key}`, `slack:${person}`, retryNum);
    let acked = false;
    let answer: (() => void) | undefined;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const respond = (body?: unknown) => {
      if (acked) return;
      acked = true;
      if (body === undefined || body === '') res.writeHead(200).end();
      else sendJson(res, 200, typeof body === 'string' ? { text: body } : body);
      answer?.();
    };
    // Not stored (yet): not acknowledged either; Slack sends it again, and the delivery id makes that safe.
    const refuse = (error: string) => {
      if (acked) return;
      acked = true;
      sendJson(res, 503, { error });
      answer?.();
    };
    let admitted: InboxEntry | null = null;
    let writing = false;
    const outcome = { failed: false };
    const ack = async (response?: unknown) => {
      // Refused input (a form with errors) is answered in place; nothing is kept, no turn runs.
      if (!key || !person || isFormErrors(response)) return respond(response);
      // Durable first, then acknowledged: what Slack is told we have, we have.
      writing = true;
      const accepted = await this.store(request, `slack:${key}`, `slack:${person}`, retryNum);
      writing = false;
      if (accepted === 'failed') {
        refuse('not stored; send it again');
        throw new TurnNotHere();
      }
      respond(response);
      if (!accepted) throw new TurnNotHere();
      // Its person's earlier turn runs, or no slot is free: it waits in the store for whoever is free.
      if (!(await this.runner.runHere(accepted))) throw new TurnNotHere();
      admitted = accepted.entry;
    };
    const processing = this.background.track(
      this.app
        .processEvent({
          body: request.body,
          ack,
          ...(retryNum ? { retryNum: Number(retryNum) } : {}),
          customProperties: { zorgpad: request, outcome, ...(key ? { inboxId: `slack:${key}` } : {}) } satisfies InboxContext,
        })
        .catch((error: unknown) => {
          if (!(unwrap(error) instanceof TurnNotHere)) this.log.error('slack.listener-error', { error: error instanceof Error ? error.name : 'unknown' });
        })
        .finally(async () => {
          if (admitted) await this.runner.finished(admitted, !outcome.failed);
        }),
    );
    const deadline = setTimeout(() => {
      if (acked) return;
      this.log.warn('slack.ack-deadline', { storing: writing });
      // Still being written: Slack sends it again and finds it, or stores it then.
      if (writing) refuse('not stored yet; send it again');
      else respond();
    }, ACK_DEADLINE_MS);
    // Answered by a listener's ack(), or when every listener is done without one.
    await Promise.race([answered, processing.then(() => respond())]);
    clearTimeout(deadline);
  }

  /**
   * A person's event (a direct message, the Home tab opened): written to the inbox, then acknowledged
   * (an empty 200), without Bolt; its turn runs after the answer, through Bolt's listeners as a replay
   * does, when this process may run it now. So an acknowledgement costs the signature check, the parse
   * and one write, also under a burst, when the turn is left in the store for whoever is free.
   */
  private async acknowledgeEvent(request: SlackRequest, res: ServerResponse, id: string, personKey: string, retryNum: string | undefined): Promise<void> {
    let answered = false;
    // Still being written after 2.5 s: not acknowledged; Slack sends it again and finds it, or stores it then.
    const deadline = setTimeout(() => {
      answered = true;
      this.log.warn('slack.ack-deadline', { storing: true });
      sendJson(res, 503, { error: 'not stored yet; send it again' });
    }, ACK_DEADLINE_MS);
    const accepted = await this.store(request, id, personKey, retryNum);
    clearTimeout(deadline);
    if (accepted === 'failed') {
      if (!answered) sendJson(res, 503, { error: 'not stored; send it again' });
      return;
    }
    if (!answered) res.writeHead(200).end();
    if (!accepted) return;
    void this.background.track(
      (async () => {
        // Its person's earlier turn runs, or no slot is free: it waits in the store for whoever is free.
        if (!(await this.runner.runHere(accepted))) return;
        let ok = false;
        try {
          await this.runStored(request, id, { retryNum });
          ok = true;
        } catch (error) {
          if (!(error instanceof TurnFailed)) this.log.error('slack.listener-error', { error: error instanceof Error ? error.name : 'unknown' });
        } finally {
          await this.runner.finished(accepted.entry, ok);
        }
      })().catch((error: unknown) => this.log.error('slack.turn-failed', { error: error instanceof Error ? error.name : 'unknown' })),
    );
  }
}

function isFormErrors(response: unknown): boolean {
  return typeof response === 'object' && response !== null && (response as { response_action?: unknown }).response_action === 'errors';
}

/** A listener reported its turn as failed (the entry goes back to the inbox, to be run again). */
class TurnFailed extends Error {
  override name = 'TurnFailed';
}

/** Bolt hands a listener's error on wrapped (`original`). */
export function unwrap(error: unknown): unknown {
  const original = (error as { original?: unknown } | null)?.original;
  return original ?? error;
}
