import { z } from 'zod';
import { recordSchema } from '../kernel/record-schema.js';

/**
 * A platform request that was acknowledged before its turn ran (a Slack event, command or
 * interaction). It is written before the acknowledgement, under the platform's own delivery id, so
 * that the write itself recognises a retried delivery; whichever process holds its lease runs the
 * turn; a process that dies leaves it to be taken again when the lease ends.
 */
export const inboxEntrySchema = recordSchema({
  schoolId: z.string(),
  /** Which channel's handler runs it again (`slack`). */
  kind: z.string(),
  /**
   * Whose turn it is (platform, workspace and user): one person's entries run in arrival order, one at a
   * time. Emptied when done, so that a person's lookup reads only their open entries.
   */
  personKey: z.string(),
  status: z.enum(['open', 'done']),
  /**
   * Open: the moment it may be claimed (its arrival, the end of its lease, or a retry after a failure).
   * Done: the moment it may be removed (the delivery id is kept that long to recognise retries).
   */
  availableAt: z.number(),
  arrivedAt: z.number(),
  /** The process that holds the lease, or null. */
  leaseOwner: z.string().nullable(),
  /**
   * Its turn runs (or is about to) in the lease holder's process: while the lease lasts, none of the
   * person's other entries may start. An entry is written running when its process means to run it at
   * once, and given back (not running) when it finds that it may not (inbox.ts `mayRun`).
   */
  running: z.boolean().default(false),
  /** Runs started (a claim given back unrun does not count): more than one, and a run before may have left a reply. */
  attempts: z.number().int(),
  /** What the channel needs to run the turn again (the parsed request, as JSON). Emptied when done. Encrypted. */
  request: z.string(),
});
export type InboxEntry = z.infer<typeof inboxEntrySchema>;
