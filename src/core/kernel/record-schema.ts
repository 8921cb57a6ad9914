import { z } from 'zod';

/**
 * What every stored record has: its id, its version (see ports.ts `VersionedRecord`) and the keys of
 * the operations whose updates it already holds (records.ts).
 */
export const recordBase = {
  id: z.string(),
  version: z.number().int(),
  appliedOps: z.array(z.string()).optional(),
};

/** A record kind's schema: its own fields on top of the common ones. */
export function recordSchema<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.object({ ...recordBase, ...shape });
}
