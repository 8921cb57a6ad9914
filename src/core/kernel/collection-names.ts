/** The collections Zorgpad keeps, with the top-level fields each one is looked up by. */
export const COLLECTIONS = {
  /** Bullying and cyberbullying cases. */
  bullyingCases: ['schoolId', 'studentRef', 'ownerStaffId', 'status'],
  /** Phone-ban exception requests, drafts included. */
  exceptionRequests: ['schoolId', 'studentRef', 'requesterStaffId', 'status'],
  /** Role changes made in chat by a beheerder, on top of the school file. */
  roleAssignments: ['schoolId'],
  /** Where each person stands in a dialog, per platform, tenant, user and conversation. */
  dialogStates: ['userKey', 'schoolId'],
  /** Where to reach a person or channel proactively. */
  conversationRefs: ['schoolId', 'staffId'],
  /** Messages to people, written by the core and delivered by whichever channel reaches them. */
  outbox: ['schoolId', 'staffId', 'status'],
  /** Personal form links for parents (one student each), by the hash of their secret. */
  parentLinks: ['schoolId', 'studentRef', 'staffId'],
  /** Short-lived state all worker processes share (transient.ts): pacing, counters, one-time downloads. */
  transient: ['expiresAt'],
  /**
   * Platform requests acknowledged before their turn ran (inbox/model.ts), by school and person; by state
   * through the paged index only (every index costs each of the two writes a turn makes here).
   */
  inbox: ['schoolId', 'personKey'],
  /** Platform accounts found by e-mail or linked by a beheerder, and accounts nobody matched (people/accounts.ts). */
  accounts: ['schoolId', 'staffId'],
} as const satisfies Record<string, readonly string[]>;

export type CollectionName = keyof typeof COLLECTIONS;
