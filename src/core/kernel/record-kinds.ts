import { z } from 'zod';
import { dialogStateRecordSchema } from '../app/dialog-state.js';
import { bullyingCaseSchema } from '../cases/model.js';
import type { CollectionName } from './collection-names.js';
import { exceptionRequestSchema } from '../exceptions/model.js';
import { inboxEntrySchema } from '../inbox/model.js';
import { notificationSchema } from '../notify/model.js';
import { parentLinkSchema } from '../parents/model.js';
import { accountSchema } from '../people/account-record.js';
import { roleAssignmentSchema } from '../people/role-assignment.js';
import { recordSchema } from './record-schema.js';
import { transientSchema } from './transient-record.js';

/** Where to reach a person (or a channel) proactively: the chat platform's reference, as JSON text. */
export const conversationRefSchema = recordSchema({
  schoolId: z.string(),
  /** A staff id, or `channel:kernteam`. */
  staffId: z.string(),
  /** The platform's conversation reference (Bot Framework's for Teams), as JSON text. */
  reference: z.string(),
  /** Set on a 403: the person blocked or removed the app. */
  unreachable: z.boolean(),
  updatedAt: z.number(),
});
export type ConversationRef = z.infer<typeof conversationRefSchema>;

/**
 * Each collection's record kind, by name: `store.collection('bullyingCases')` yields `BullyingCase`
 * records, and every record read is parsed with its schema.
 *
 * Older documents: a field added after records were first written is optional in its schema (or
 * nullable), so documents written before it still parse; fields the schema does not name are kept
 * as they are (read loosely), so a document written by a newer version survives an older one. A
 * document that does not parse is not used: the read fails with `RecordParseError` (collection, id and
 * the paths at fault; never content), and the beheerder repairs it or restores it from a backup.
 */
export const RECORD_SCHEMAS = {
  bullyingCases: bullyingCaseSchema,
  exceptionRequests: exceptionRequestSchema,
  roleAssignments: roleAssignmentSchema,
  dialogStates: dialogStateRecordSchema,
  conversationRefs: conversationRefSchema,
  outbox: notificationSchema,
  parentLinks: parentLinkSchema,
  transient: transientSchema,
  inbox: inboxEntrySchema,
  accounts: accountSchema,
} as const satisfies Record<CollectionName, z.ZodType>;

export type RecordOf<N extends CollectionName> = z.infer<(typeof RECORD_SCHEMAS)[N]>;
