import { notes, questionNote, readQuestionNote } from '../app/last-question.js';
import type { AdaptiveCardJson } from '../cards/render.js';
import type { SharedNotes } from '../kernel/transient.js';

/**
 * The last question a channel asked in each conversation (a note in `SharedNotes`, so that any worker
 * can settle it), and settling it: when a reply closes or answers that question, its message shows the
 * settled card (the answer, or that it is closed; no buttons). Which message, and whether the reply is
 * about it, is decided here; putting the card in its place is the platform's call (`apply`). `Message`
 * is the platform's reference to a message, read from the note's text (`parse`; null: not usable).
 */
export class LastQuestion<Message> {
  constructor(
    private readonly notes: SharedNotes,
    private readonly parse: (ref: string) => Message | null,
  ) {}

  /** Notes `ref` as the message that holds the question card `card` in the conversation `key`. */
  remember(key: string, ref: string, card: AdaptiveCardJson | undefined): Promise<void> {
    return this.notes.set(key, questionNote(ref, card));
  }

  /**
   * Puts `card` in the place of the last question asked in the conversation `key`, when there is one and
   * the reply is about it (`about`, see `Reply.about`); the note is gone afterwards. No card: nothing.
   */
  async settle(key: string, card: AdaptiveCardJson | undefined, about: string | undefined, apply: (message: Message, card: AdaptiveCardJson) => Promise<void>): Promise<void> {
    if (!card) return;
    const note = readQuestionNote(await this.notes.get(key));
    const message = note ? this.parse(note.ref) : null;
    if (!note || message === null || !notes(note, about)) return;
    await this.notes.delete(key);
    await apply(message, card);
  }

  /** Forgets the note of the conversation `key` when it names `ref`: that message was settled in place. */
  async forget(key: string, ref: string): Promise<void> {
    const note = readQuestionNote(await this.notes.get(key));
    if (note?.ref === ref) await this.notes.delete(key);
  }
}
