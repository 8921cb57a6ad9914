/** The texts of a turn: questions and cards as plain text, and what identifies a person's dialog and message. */
import type { AdaptiveCardJson } from '../cards/render.js';
import type { Input, Question } from '../protocol/engine.js';
import type { CardAction } from '../cards/submit.js';
import type { Inbound } from './inbound.js';

/** The kinds of input the dialog engine takes; anything else a card sends is a card action (registry.ts). */
const ENGINE_INPUTS: ReadonlySet<string> = new Set<Input['kind']>(['text', 'answer', 'start', 'close']);

export function isCardAction(input: Input | CardAction): input is CardAction {
  return !ENGINE_INPUTS.has(input.kind);
}

/** What a person sent, so that the same message sent again after a failure is recognised. */
export function fingerprint(input: Input): string {
  if (input.kind === 'text') return `t:${input.text.trim().toLowerCase()}`;
  if (input.kind === 'answer') return `a:${input.flowId}:${input.stepId}:${input.value}${input.fields ? `:${JSON.stringify(input.fields)}` : ''}`;
  if (input.kind === 'close') return `c:${input.flowId}:${input.stepId}`;
  return `s:${input.flowId}:${JSON.stringify(Object.fromEntries(Object.entries(input.answers ?? {}).map(([k, a]) => [k, a.value])))}`;
}

/** Dialog state is kept per platform, tenant, user and conversation. */
export function userKey(inbound: Pick<Inbound, 'platform' | 'tenantId' | 'userId' | 'conversationId'>): string {
  return [inbound.platform, inbound.tenantId, inbound.userId, inbound.conversationId].join('|');
}

/** The question as plain text, for clients that show no cards and for notifications. */
export function questionText(question: Question): string {
  if (question.options.length === 0) return question.prompt;
  return [question.prompt, ...question.options.map((o, i) => `${i + 1}. ${o.label}`)].join('\n');
}

/**
 * Which dialog question a question card asks (`flowId/stepId`, from its back, stop and help buttons:
 * cards/render.ts), for a channel to note with the message that holds it; null for other cards.
 */
export function questionOf(card: AdaptiveCardJson | undefined): string | null {
  const body = Array.isArray(card?.body) ? (card.body as Array<{ id?: unknown; actions?: Array<{ data?: { zorgpad?: { flowId?: unknown; stepId?: unknown } } }> }>) : [];
  const data = body.find((element) => element?.id === 'zorgpad-controls')?.actions?.[0]?.data?.zorgpad;
  return typeof data?.flowId === 'string' && typeof data.stepId === 'string' ? `${data.flowId}/${data.stepId}` : null;
}

/** The text blocks of a card, for clients that show no cards. */
export function cardText(card: AdaptiveCardJson): string {
  const texts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const element = node as Record<string, unknown>;
      if (element.type === 'TextBlock' && typeof element.text === 'string') texts.push(element.text);
      for (const key of ['body', 'items', 'columns', 'facts']) walk(element[key]);
      if (element.type === 'FactSet') {
        for (const fact of (element.facts as Array<{ title: string; value: string }>) ?? []) texts.push(`${fact.title}: ${fact.value}`);
      }
    }
  };
  walk(card.body);
  return texts.join('\n');
}

