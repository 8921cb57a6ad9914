import { z } from 'zod';
import { recordSchema } from '../kernel/record-schema.js';

/** One reminder in a bundle. */
export const bundleItemSchema = z.object({
  jobId: z.string(),
  title: z.string(),
  text: z.string(),
  actions: z.array(z.object({ title: z.string(), data: z.record(z.string(), z.unknown()) })),
});
export type BundleItem = z.infer<typeof bundleItemSchema>;

/** A message for one staff member, kept until a channel has delivered it. */
export const notificationSchema = recordSchema({
  schoolId: z.string(),
  staffId: z.string(),
  createdAt: z.number(),
  text: z.string(),
  /**
   * The card as JSON text: card keys such as `$schema` are not valid field names in every
   * MongoDB-wire server.
   */
  cardJson: z.string().nullable(),
  /** `superseded`: a newer notification replaces the same message before this one went out. */
  status: z.enum(['pending', 'delivered', 'unreachable', 'superseded']),
  deliveredAt: z.number().nullable(),
  deliveredVia: z.string().nullable(),
  /** The platform's id of the delivered message, so that a later notification can replace it. */
  deliveredMessageId: z.string().nullable(),
  /** The key of an earlier notification this one takes the place of (an outcome replacing a request card). */
  replaces: z.string().nullable(),
  /**
   * For a replacement: the version of the record whose state it shows, so that an older state never
   * takes the place of a newer one, whatever order they were queued in (older records: none).
   */
  order: z.number().nullable().optional(),
  attempts: z.number(),
  /** Not before this moment (epoch ms): backing off after a failed delivery. */
  nextAttemptAt: z.number(),
  /** For a bundle of reminders: what it holds, one item per scheduled job. */
  items: z.array(bundleItemSchema),
});
export type Notification = z.infer<typeof notificationSchema>;
