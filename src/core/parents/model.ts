import { z } from 'zod';
import { parentSubmissionSchema } from '../exceptions/model.js';

import { recordSchema } from '../record-schema.js';

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
  /** The submission was put in the draft and the staff member told. */
  applied: z.boolean(),
});
export type ParentLink = z.infer<typeof parentLinkSchema>;
