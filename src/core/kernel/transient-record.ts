import { z } from 'zod';
import { recordSchema } from './record-schema.js';

/**
 * Short-lived state that every worker process must see alike: when a conversation may get its next
 * message, how many requests an address made in this window, a letter's PDF waiting to be downloaded
 * once, which message holds a conversation's open question. Each record says when it `expiresAt`; the
 * store's sweep removes it after that (and MongoDB's TTL index, where the server has one).
 */
export const transientSchema = recordSchema({
  expiresAt: z.number(),
  /** Pacing: the earliest moment the next message may go out. */
  nextAt: z.number().optional(),
  /** Counting: requests in the window that ends at `expiresAt`. */
  count: z.number().optional(),
  /** A PDF handed over once (base64) with its file name, or a note (`SharedNotes`). Encrypted at rest. */
  payload: z.string().optional(),
  name: z.string().optional(),
});
export type Transient = z.infer<typeof transientSchema>;
