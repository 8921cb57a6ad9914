import { z } from 'zod';
import { answerSchema } from '../protocol/answers.js';
import type { Question } from '../protocol/engine.js';
import { recordSchema } from '../kernel/record-schema.js';

const answersSchema = z.record(z.string(), answerSchema);

/**
 * What a turn will do, as written with the dialog state. A question is kept as the engine made it
 * (its shape is the engine's `Question`, checked only to be an object: it is only ever shown again).
 */
export const effectSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('say'), text: z.string() }),
  z.object({ kind: z.literal('ask'), question: z.custom<Question>((v) => typeof v === 'object' && v !== null) }),
  z.object({ kind: z.literal('command'), name: z.string(), flowId: z.string(), args: z.record(z.string(), z.string()), answers: answersSchema }),
  /** A card from a template of cards/, filled with the answers' display texts. */
  z.object({ kind: z.literal('card'), template: z.string(), data: z.record(z.string(), z.unknown()) }),
]);

/**
 * A turn's work, written with the dialog state in one conditional write before any of it is done: the
 * draft to save and the effects (domain commands and what to say). It is then carried out as
 * operations that can run again without doing anything twice (operation.ts), and cleared. When that
 * fails half-way, the next message of the same person (or a retried delivery) finishes it first: the
 * state, the draft, the domain changes and the messages all happen, once, or the turn never happened.
 */
export const pendingTurnSchema = z.object({
  id: z.string(),
  /** What the person sent (a fingerprint), so the same message sent again only finishes the turn. */
  input: z.string(),
  effects: z.array(effectSchema),
  draft: z.object({ id: z.string(), answers: answersSchema }).nullable(),
  /** How often finishing it was tried after the first time. */
  attempts: z.number(),
});
export type PendingTurn = z.infer<typeof pendingTurnSchema>;

/** A dialog interrupted by another procedure, kept with its answers (engine.ts `ParkedDialog`). */
const parkedSchema = z.object({ flowId: z.string(), stepId: z.string(), answers: answersSchema, history: z.array(z.string()) });

/** Where one person stands in a dialog (engine.ts `DialogState`), as stored per platform, tenant, user and conversation. */
export const dialogStateRecordSchema = recordSchema({
  userKey: z.string(),
  schoolId: z.string(),
  flowId: z.string().nullable(),
  stepId: z.string().nullable(),
  answers: answersSchema,
  history: z.array(z.string()),
  parked: parkedSchema.nullable().optional(),
  updatedAt: z.number(),
  /** The last deliveries handled, so a retried delivery is recognised in the same write. */
  recentDeliveries: z.array(z.string()),
  /** A turn written but not yet carried out in full (absent or null when there is none). */
  pending: pendingTurnSchema.nullable().optional(),
  /** A turn given up after repeated failures, kept for the beheerder (never carried out again). */
  abandoned: pendingTurnSchema.nullable().optional(),
  /**
   * The last delivered turn's effects, written in its one commit: a run of that delivery again after a
   * process died between the commit and the reply (the inbox, `rerun`) says it again instead of nothing.
   */
  lastTurn: z.object({ id: z.string(), deliveryId: z.string(), effects: z.array(effectSchema) }).nullable().optional(),
});
export type DialogStateRecord = z.infer<typeof dialogStateRecordSchema>;
