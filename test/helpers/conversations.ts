/**
 * Conversations several suites type as a person would, in the demo school, and how they type them in the
 * playground: one place, so that a change to a dialog is mended once.
 */
import { expect } from 'vitest';
import type { OutboundMessage } from '../../src/core/app/assistant.js';
import { cardProblems } from './adaptive-cards.js';
import type { PlaygroundReply, TestApp } from './app.js';

/** Tessa (vakdocent) reports that L1001 (class 1A, mentor Marloes) is bullied by L1002 and L1003; ends with "ja". */
export const SIGNAL = [
  'pesten melden',
  'Het is pesten',
  'L1001',
  'L1002, l1003',
  'geen',
  'In de les',
  'vandaag',
  '1, 4',
  'Binnen de klas',
  'nee',
  'Uitgelachen tijdens de les.',
  'ja',
];

/** Marloes (mentor of 1A) asks an exception for L1001 (diabetes, glucose app), up to the check; then "Indienen". */
export const EXCEPTION_REQUEST = [
  'uitzondering aanvragen',
  'L1001',
  'Medisch',
  'Medische app (bijvoorbeeld glucosemeting)',
  'Diabetes type 1; sensor stuurt waarden naar de telefoon',
  'Aanwezig',
  'Niet van toepassing',
  'Aanwezig',
  'Volgt nog',
  'Als mijn suiker zakt moet ik het meteen zien',
  'dossier in Magister',
  'Ook in toetsweken',
  'alle lessen',
  'glucose-app, alleen meldingen en waarden',
  'Meldingen bekijken en er meteen op reageren',
  '1, 4',
  '2',
];

/** How a conversation is typed in the playground. */
export interface TypingOptions {
  locale?: 'nl' | 'en';
  /** Every card that comes back is checked with the official Adaptive Cards parser (an expectation). */
  checkCards?: boolean;
}

/** Types each text in turn as `persona` in the playground, each answered before the next; returns the answer to the last. */
export async function conversation(bot: TestApp, persona: string, texts: readonly string[], options: TypingOptions = {}): Promise<PlaygroundReply> {
  let reply: PlaygroundReply | undefined;
  for (const text of texts) {
    reply = await bot.say(persona, text, options.locale ? { locale: options.locale } : {});
    if (options.checkCards) for (const m of reply.messages) if (m.card) expect(cardProblems(m.card)).toEqual([]);
  }
  return reply!;
}

/**
 * A message in a persona's playground inbox: with its outbox key and the key of the message it takes the
 * place of; `channel` is set on the kernteam channel's posts shown to a member.
 */
export type InboxMessage = OutboundMessage & { key: string; replaces: string | null; channel?: 'kernteam' };

export interface InboxOptions {
  /** Every card is checked with the official Adaptive Cards parser (an expectation), the kernteam channel's too. */
  checkCards?: boolean;
  /** Only the persona's own messages, without the kernteam channel's posts. */
  personal?: boolean;
}

/** What came for `persona` since the playground's inbox was last asked (as the page asks: each message once). */
export async function inbox(bot: TestApp, persona: string, options: InboxOptions = {}): Promise<InboxMessage[]> {
  const res = await fetch(`${bot.base}/playground/api/inbox?personaId=${persona}`);
  const { messages } = (await res.json()) as { messages: InboxMessage[] };
  if (options.checkCards) for (const m of messages) if (m.card) expect(cardProblems(m.card)).toEqual([]);
  return options.personal ? messages.filter((m) => !('channel' in m)) : messages;
}

/**
 * `conversation` and `inbox` bound to a suite's app (`bot()`: a suite starts a new one before each test)
 * and to the checks that suite makes.
 */
export function playground(bot: () => TestApp, options: { checkReplyCards?: boolean; checkInboxCards?: boolean; personalInbox?: boolean } = {}) {
  return {
    conversation: (persona: string, texts: readonly string[], locale?: 'nl' | 'en') =>
      conversation(bot(), persona, texts, { checkCards: options.checkReplyCards ?? false, ...(locale ? { locale } : {}) }),
    inbox: (persona: string) => inbox(bot(), persona, { checkCards: options.checkInboxCards ?? false, personal: options.personalInbox ?? false }),
  };
}
