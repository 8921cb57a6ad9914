import { z } from 'zod';
import { recordSchema } from '../kernel/record-schema.js';
import { roleSchema } from './roles.js';

/** Roles changed in chat by a beheerder, kept on top of the school file's roles. */
export const roleAssignmentSchema = recordSchema({
  schoolId: z.string(),
  staffId: z.string(),
  granted: z.array(roleSchema),
  revoked: z.array(roleSchema),
});
export type RoleAssignment = z.infer<typeof roleAssignmentSchema>;
