import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Context } from '@slack/bolt';
import { z } from 'zod';

/** Slack allows five minutes between its timestamp and ours, either way. */
export const MAX_SKEW_SECONDS = 5 * 60;

/**
 * Checks Slack's request signature: `v0=` and the hex HMAC-SHA256 of `v0:{timestamp}:{raw body}` under the
 * signing secret, compared in constant time (`timingSafeEqual`); a timestamp more than five minutes
 * from ours, either way, is refused, so a request cannot be replayed later (or signed for later).
 * The same rules as Bolt's `verifySlackRequest`, without its string copies of the body and its
 * comparison's two extra HMACs and random key per request.
 */
export function verifySignature(
  secret: string,
  rawBody: Buffer,
  timestampHeader: string | undefined,
  signatureHeader: string | undefined,
  nowMs: number,
): 'ok' | 'missing' | 'stale' | 'bad-signature' {
  if (!timestampHeader || !signatureHeader) return 'missing';
  if (!/^\d{1,12}$/.test(timestampHeader)) return 'missing';
  const timestamp = Number(timestampHeader);
  if (Math.abs(timestamp - Math.floor(nowMs / 1000)) > MAX_SKEW_SECONDS) return 'stale';
  const given = /^v0=([0-9a-fA-F]{64})$/.exec(signatureHeader);
  if (!given) return 'bad-signature';
  const mac = createHmac('sha256', secret);
  mac.update(`v0:${timestampHeader}:`);
  mac.update(rawBody);
  return timingSafeEqual(mac.digest(), Buffer.from(given[1]!, 'hex')) ? 'ok' : 'bad-signature';
}

const id = z.string().min(1).max(64);
const text = z.string().max(4000);

export const slashCommandSchema = z.object({
  command: z.string().regex(/^\/[a-z0-9_-]{1,32}$/),
  text: text.default(''),
  user_id: id,
  team_id: id,
  trigger_id: z.string().min(1).max(200),
  channel_id: id.optional(),
});

export const urlVerificationSchema = z.object({ type: z.literal('url_verification'), challenge: z.string().min(1).max(200) });

const messageEventSchema = z.object({
  type: z.literal('message'),
  user: id.optional(),
  channel: id,
  channel_type: z.string().max(20).optional(),
  // Slack allows up to 40,000 characters; the dialog says politely when an answer is too long.
  text: z.string().max(40_000).optional(),
  subtype: z.string().max(50).optional(),
  bot_id: z.string().max(64).optional(),
});
const appHomeOpenedSchema = z.object({ type: z.literal('app_home_opened'), user: id, tab: z.string().max(20).optional() });
const appMentionSchema = z.object({ type: z.literal('app_mention'), user: id, channel: id, text: text.optional() });

export const eventCallbackSchema = z.object({
  type: z.literal('event_callback'),
  team_id: id,
  event_id: z.string().min(1).max(100),
  event: z.union([messageEventSchema, appHomeOpenedSchema, appMentionSchema, z.object({ type: z.string().max(100) })]),
});

const stateValueSchema = z.object({
  type: z.string().max(50),
  value: z.string().max(4000).nullish(),
  selected_date: z.string().max(20).nullish(),
  selected_option: z.object({ value: z.string().max(200) }).nullish(),
  selected_options: z.array(z.object({ value: z.string().max(200) })).max(100).nullish(),
});
export const stateSchema = z.object({ values: z.record(z.string().max(255), z.record(z.string().max(255), stateValueSchema)) });
export type SlackState = z.infer<typeof stateSchema>;

const viewSchema = z.object({
  id: id,
  type: z.string().max(20).optional(),
  callback_id: z.string().max(255).optional(),
  private_metadata: z.string().max(3000).optional(),
  state: stateSchema.optional(),
});

export const blockActionsSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id }),
  team: z.object({ id }).nullish(),
  trigger_id: z.string().min(1).max(200),
  actions: z
    .array(z.object({ action_id: z.string().max(255), block_id: z.string().max(255).optional(), value: z.string().max(2000).optional(), action_ts: z.string().max(40).optional() }))
    .min(1)
    .max(5),
  container: z.object({ type: z.string().max(20), channel_id: id.optional(), message_ts: z.string().max(40).optional(), view_id: id.optional() }).optional(),
  channel: z.object({ id }).optional(),
  message: z.object({ ts: z.string().max(40) }).optional(),
  view: viewSchema.optional(),
  state: stateSchema.optional(),
});

export const viewSubmissionSchema = z.object({
  type: z.literal('view_submission'),
  user: z.object({ id }),
  team: z.object({ id }).nullish(),
  view: viewSchema,
});
/** A window opened with `notify_on_close` was closed (its close button or the ×): what it showed is in its metadata. */
export const viewClosedSchema = z.object({
  type: z.literal('view_closed'),
  user: z.object({ id }),
  team: z.object({ id }).nullish(),
  view: viewSchema,
  is_cleared: z.boolean().optional(),
});

export const interactionSchema = z.union([blockActionsSchema, viewSubmissionSchema, viewClosedSchema]);

export type SlashCommand = z.infer<typeof slashCommandSchema>;
export type EventCallback = z.infer<typeof eventCallbackSchema>;
export type BlockActions = z.infer<typeof blockActionsSchema>;
export type ViewSubmission = z.infer<typeof viewSubmissionSchema>;
export type ViewClosed = z.infer<typeof viewClosedSchema>;

/** What came in on /slack/events, parsed; null when it is not something Slack sends. */
export type SlackRequest =
  | { kind: 'url_verification'; challenge: string; body: Record<string, unknown> }
  | { kind: 'command'; command: SlashCommand; body: Record<string, unknown> }
  | { kind: 'event'; event: EventCallback; body: Record<string, unknown> }
  | { kind: 'interaction'; interaction: z.infer<typeof interactionSchema>; body: Record<string, unknown> };

export type SlackRequestKind = SlackRequest['kind'];
export type RequestOf<K extends SlackRequestKind> = Extract<SlackRequest, { kind: K }>;
export type Interaction = RequestOf<'interaction'>['interaction'];
export type InteractionOf<T extends Interaction['type']> = Extract<Interaction, { type: T }>;
export type MessageEvent = z.infer<typeof messageEventSchema>;
export type AppHomeOpened = z.infer<typeof appHomeOpenedSchema>;

/**
 * The request the receiver put in Bolt's context (`context.zorgpad`, receiver.ts), checked to be of the
 * kind a listener handles. Throws when it is not: a listener never works on a request it was not made for.
 */
export function requestOf<K extends SlackRequestKind>(context: Context, kind: K): RequestOf<K> {
  const request = context.zorgpad;
  if (!isRequestOf(request, kind)) throw new Error(`Bolt's context holds ${kindOf(request)} where a Slack ${kind} request was expected`);
  return request;
}

/** The interaction in Bolt's context (see `requestOf`), checked to be of the type a listener handles. */
export function interactionOf<T extends Interaction['type']>(context: Context, type: T): InteractionOf<T> {
  const { interaction } = requestOf(context, 'interaction');
  if (!isInteractionOf(interaction, type)) throw new Error(`Bolt's context holds a ${interaction.type} interaction where a ${type} was expected`);
  return interaction;
}

function isRequestOf<K extends SlackRequestKind>(value: unknown, kind: K): value is RequestOf<K> {
  return typeof value === 'object' && value !== null && 'kind' in value && value.kind === kind;
}

function isInteractionOf<T extends Interaction['type']>(interaction: Interaction, type: T): interaction is InteractionOf<T> {
  return interaction.type === type;
}

function kindOf(value: unknown): string {
  if (typeof value !== 'object' || value === null) return value === undefined ? 'no request' : `a ${value === null ? 'null' : typeof value}`;
  return 'kind' in value && typeof value.kind === 'string' ? `a ${value.kind} request` : 'an object without a kind';
}

/** A message event as parsed (`messageEventSchema`); other events, and messages it refused, are not. */
export function isMessageEvent(event: EventCallback['event']): event is MessageEvent {
  return event.type === 'message' && 'channel' in event;
}

/** The Home tab opened, as parsed (`appHomeOpenedSchema`, which requires the user). */
export function isAppHomeOpened(event: EventCallback['event']): event is AppHomeOpened {
  return event.type === 'app_home_opened' && 'user' in event;
}

/** Parses a verified body by its content type: slash commands and interactions are forms, events JSON. */
export function parseSlackBody(rawBody: Buffer, contentType: string | undefined): SlackRequest | null {
  const raw = rawBody.toString('utf8');
  if ((contentType ?? '').startsWith('application/x-www-form-urlencoded')) {
    const form = Object.fromEntries(new URLSearchParams(raw));
    if (typeof form.payload === 'string') {
      let payload: unknown;
      try {
        payload = JSON.parse(form.payload);
      } catch {
        return null;
      }
      const interaction = interactionSchema.safeParse(payload);
      return interaction.success ? { kind: 'interaction', interaction: interaction.data, body: payload as Record<string, unknown> } : null;
    }
    const command = slashCommandSchema.safeParse(form);
    return command.success ? { kind: 'command', command: command.data, body: form } : null;
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return null;
  }
  const verification = urlVerificationSchema.safeParse(json);
  if (verification.success) return { kind: 'url_verification', challenge: verification.data.challenge, body: json as Record<string, unknown> };
  const event = eventCallbackSchema.safeParse(json);
  return event.success ? { kind: 'event', event: event.data, body: json as Record<string, unknown> } : null;
}

/**
 * The key that makes a delivery idempotent: Slack retries an event with the same `event_id`; an
 * interaction or command is identified by its trigger (and the clicked action's timestamp).
 */
export function deliveryKey(request: SlackRequest): string | null {
  switch (request.kind) {
    case 'event':
      return `event:${request.event.event_id}`;
    case 'command':
      return `command:${request.command.trigger_id}`;
    case 'interaction': {
      const i = request.interaction;
      if (i.type === 'block_actions') return `action:${i.trigger_id}:${i.actions[0]?.action_ts ?? ''}`;
      // The same window asks question after question: the question (in the metadata) is part of the key,
      // so the same answer to the next question is not taken for a repeat.
      if (i.type === 'view_submission') return `view:${i.view.id}:${hashOf([i.view.private_metadata ?? '', i.view.state ?? {}])}`;
      // A window is closed once; the question it showed is part of the key all the same.
      return `closed:${i.view.id}:${hashOf(i.view.private_metadata ?? '')}`;
    }
    default:
      return null;
  }
}

/**
 * Whose turn a request is (workspace and user), for the inbox: one person's turns run in order. Null
 * for what starts no turn (our own messages, other channels' messages): those are acknowledged without
 * being kept. A closed window is a turn: it parks the dialog it showed.
 */
export function personOf(request: SlackRequest): string | null {
  switch (request.kind) {
    case 'event': {
      const { team_id: team, event } = request.event;
      if (event.type === 'app_home_opened') return `${team}:${(event as { user: string }).user}`;
      if (event.type !== 'message') return null;
      const m = event as { user?: string; channel_type?: string; subtype?: string; bot_id?: string; text?: string };
      return m.channel_type === 'im' && !m.subtype && !m.bot_id && m.user && m.text?.trim() ? `${team}:${m.user}` : null;
    }
    case 'command':
      return `${request.command.team_id}:${request.command.user_id}`;
    case 'interaction': {
      const i = request.interaction;
      return `${i.team?.id ?? ''}:${i.user.id}`;
    }
    default:
      return null;
  }
}

function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

/** The values of a form's inputs, by input id, as Adaptive Card inputs would send them. */
export function inputValues(state: SlackState | undefined): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  for (const block of Object.values(state?.values ?? {})) {
    for (const [actionId, v] of Object.entries(block)) {
      if (v.selected_options) values[actionId] = v.selected_options.map((o) => o.value);
      else if (v.selected_option) values[actionId] = v.selected_option.value;
      else if (v.selected_date) values[actionId] = v.selected_date;
      else if (typeof v.value === 'string') values[actionId] = v.value;
    }
  }
  return values;
}
