import { z } from 'zod';

/** The staff roles a school can hand out. A person can hold several. */
export const ROLES = [
  'vakdocent',
  'mentor',
  'clz',
  'anti-pestcoordinator',
  'zorgcoordinator',
  'orthopedagoog',
  'directie',
  'beheerder',
] as const;

export const roleSchema = z.enum(ROLES, { message: `expected one of: ${ROLES.join(', ')}` });

export type Role = z.infer<typeof roleSchema>;
