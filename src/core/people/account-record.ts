import { z } from 'zod';
import { recordSchema } from '../kernel/record-schema.js';

/**
 * A platform account Zorgpad has seen: linked to a member of staff (found by the e-mail address the
 * platform gives for it, or linked by a beheerder), or unknown (no member of staff has that address; a
 * beheerder sees it in "onbekende accounts"). The id is `platform:account`.
 */
export const accountSchema = recordSchema({
  schoolId: z.string(),
  platform: z.enum(['teams', 'slack']),
  account: z.string(),
  /** The member of staff behind it; null while unknown. */
  staffId: z.string().nullable(),
  /** The address the platform gave (for the beheerder to recognise an unknown account); encrypted at rest. */
  email: z.string().nullable(),
  status: z.enum(['linked', 'unknown']),
  /** How it was linked: by the platform's e-mail address, or by a beheerder. */
  via: z.enum(['email', 'beheerder']).nullable(),
  firstSeenAt: z.number(),
  lastSeenAt: z.number(),
});
export type Account = z.infer<typeof accountSchema>;
