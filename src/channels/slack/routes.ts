import type { SchoolServices } from '../../core/kernel/services.js';
import { SharedNotes } from '../../core/kernel/transient.js';
import type { OutboundMessage } from '../../core/turn.js';
import type { Inbox } from '../../core/inbox/inbox.js';
import type { InboxRunner } from '../../core/inbox/runner.js';
import type { WorkLoop } from '../../core/work/loop.js';
import type { AccountLinks } from '../../core/people/accounts.js';
import { personOf } from './requests.js';
import type { InboxContext } from './receiver.js';
import { App, LogLevel, webApi, type Logger as BoltLogger } from '@slack/bolt';
import type { SlackConfig } from '../../config/env.js';
import type { Assistant } from '../../core/app/assistant.js';
import type { Background } from '../../core/kernel/background.js';
import type { Logger } from '../../core/kernel/ports.js';
import type { HttpServer } from '../../http/server.js';
import { SlackBot, errorCode } from './bot.js';
import { SlackDelivery } from './delivery.js';
import { SharedServerReceiver } from './receiver.js';
import { webApiFetch } from './web-fetch.js';

export interface SlackDeps extends SchoolServices {
  config: Extract<SlackConfig, { mode: 'on' }>;
  assistant: Assistant;
  log: Logger;
  deliveryIntervalMs: number;
  /** Where turns behind an acknowledgement and delivery rounds are counted (a stopping process lets them finish). */
  background: Background;
  /** The durable inbox every acknowledged request is written to first, and what runs its entries. */
  inbox: Inbox;
  runner: InboxRunner;
  /** The process's work loop: the Slack deliveries of the outbox are one of its sources. */
  work: WorkLoop;
  /** Finds a member of staff the school file lists by e-mail only. */
  accounts?: AccountLinks;
}

export interface SlackChannel {
  delivery: SlackDelivery;
  bot: SlackBot;
}

/**
 * `POST /slack/events` on the shared server (events, slash commands and interactivity), the Bolt app
 * behind it, and the Slack deliveries of the outbox (a source of the process's work loop). The bot's own ids come from `auth.test` at start; when Slack
 * cannot be reached then, Bolt asks again on the first request.
 */
export async function mountSlack(http: HttpServer, deps: SlackDeps): Promise<SlackChannel> {
  const { config, log } = deps;
  const receiver = new SharedServerReceiver(config.signingSecret, deps.runner, log, deps.background);
  deps.runner.on('slack', receiver.replay);
  deps.runner.acknowledgeFirst(receiver.acknowledging);
  const clientOptions = {
    slackApiUrl: config.apiUrl,
    // Throttling is the outbox's job: a 429 is reported at once, with Slack's Retry-After.
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    // Posts on kept-alive node:http(s) connections instead of the global fetch, and gives up on a call
    // that hears nothing for 10 s (web-fetch.ts; not the client's own `timeout`, a timer per call).
    fetch: webApiFetch(10_000),
  };
  let ids: { botId?: string; botUserId?: string } = {};
  try {
    const auth = await new webApi.WebClient(config.botToken, clientOptions).auth.test();
    if (auth.bot_id && auth.user_id) ids = { botId: auth.bot_id, botUserId: auth.user_id };
  } catch (error) {
    log.error('slack.auth-test-failed', { error: errorCode(error) });
  }
  // No conversation store: Bolt's default keeps one in this process's memory (what another process
  // needs lives in the store), and Zorgpad keeps its dialogs in the store itself.
  const app = new App({ token: config.botToken, receiver, clientOptions, convoStore: false, logger: boltLogger(log), tokenVerificationEnabled: false, extendedErrorHandler: true, ...ids });
  const delivery = new SlackDelivery(app, deps.outbox, deps.directory, deps.roleBook, log, deps.background, deps.accounts);
  // Someone the school file does not name by their Slack id: looked up by their profile's e-mail address
  // (first contact; `users:read.email`), before the listener runs. Bounded, so that the acknowledgement
  // behind it stays well within Slack's three seconds.
  const accounts = deps.accounts;
  if (accounts) {
    app.use(async ({ context, client, next }) => {
      const request = (context as Partial<InboxContext>).zorgpad;
      const user = request ? personOf(request)?.split(':')[1] : undefined;
      // A lookup that fails leaves the person unrecognised for this message; the request goes on (and is stored).
      if (user) await accounts.resolve('slack', user, () => profileEmail(client, user)).catch((error: unknown) => log.warn('accounts.resolve-failed', { platform: 'slack', error: error instanceof Error ? error.name : 'unknown' }));
      await next();
    });
  }
  const kick = () => delivery.afterTurn();
  // A reply Slack refused goes to the outbox, addressed to the person, and is retried in order.
  const later = async (user: string, messages: OutboundMessage[]) => {
    const staff = deps.directory.findStaff('slack', user);
    if (!staff) return;
    await deps.outbox.queueReplies(staff.id, messages);
    kick();
  };

  const bot = new SlackBot(app, deps.assistant, deps.directory.school.locale, log, kick, later, new SharedNotes(deps.store, 'slack-question', 7 * 86_400_000));
  bot.register();
  http.route('POST', '/slack/events', receiver.handle);

  delivery.runIn(deps.work, deps.deliveryIntervalMs);
  return { delivery, bot };
}

/** Bolt's log lines through ours: levels only, never payloads (they hold names and typed text). */
function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.WARN;
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: () => log.warn('slack.bolt', {}),
    error: () => log.error('slack.bolt', {}),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

/** A Slack user's profile e-mail address (`users.info`), or null; at most one second. */
async function profileEmail(client: webApi.WebClient, user: string): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), 1_000)));
  try {
    return await Promise.race([client.users.info({ user }).then((r) => r.user?.profile?.email ?? null), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
