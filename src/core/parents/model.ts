import { z } from 'zod';
import { parentSubmissionSchema } from '../exceptions/model.js';

import { recordSchema } from '../kernel/record-schema.js';

/**
 * A personal form link for one student's parents. The id is a hash of the link's secret: the secret
 * itself is only ever in the link the school sends. Used once; it expires.
 */
export const parentLinkSchema = recordSchema({
  schoolId: z.string(),
  studentRef: z.string(),
  /** The mentor or zorgcoördinator who asked for the link, and whose draft receives the answers. */
  staffId: z.string(),
  draftId: z.string(),
  createdAt: z.number(),
  expiresAt: z.number(),
  /** When the form was sent; the link is spent from then on. */
  usedAt: z.number().nullable(),
  submission: parentSubmissionSchema.nullable(),
  /**
   * Which filled-in form the submission came from: a hash of that form's one-time token. The same form
   * sent again (after a failure) finishes its own answers; another form sent to the same link is told
   * its answers were not taken. Absent on links sent before this was kept.
   */
  sentBy: z.string().optional(),
  /** The submission was put in the draft and the staff member told. */
  applied: z.boolean(),
});
export type ParentLink = z.infer<typeof parentLinkSchema>;
