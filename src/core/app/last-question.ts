/**
 * A channel's note of the last question it asked in a conversation (kept in `SharedNotes`, so that any
 * worker can settle it): the platform's reference to the message that holds the question's card, and
 * which question that is. A reply settles that message only when it is about the same question: the
 * dialog may have gone on in a window (Slack) since, whose questions leave no note.
 */
import type { AdaptiveCardJson } from '../cards/render.js';
import { questionOf } from './turn-text.js';

export interface QuestionNote {
  /** The message: a Teams activity id, a Slack `channel ts`. */
  ref: string;
  /** `flowId/stepId`; null in a note written before notes said which question they hold. */
  question: string | null;
}

/** The note for a message that holds this question card. */
export function questionNote(ref: string, card: AdaptiveCardJson | undefined): string {
  return JSON.stringify({ ref, question: questionOf(card) });
}

/** A stored note read back; a bare reference is a note written before notes were JSON. */
export function readQuestionNote(value: string | null): QuestionNote | null {
  if (!value) return null;
  try {
    const parsed = JSON.parse(value) as { ref?: unknown; question?: unknown };
    if (typeof parsed.ref === 'string') return { ref: parsed.ref, question: typeof parsed.question === 'string' ? parsed.question : null };
  } catch {
    // a bare reference
  }
  return { ref: value, question: null };
}

/** Whether the noted message holds the question a reply settles (`Reply.about`). */
export function notes(note: QuestionNote, about: string | undefined): boolean {
  return note.question === null || about === undefined || note.question === about;
}
