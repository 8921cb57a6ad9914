import { createHmac } from 'node:crypto';
import type { AuditEntry, AuditLog } from '../kernel/ports.js';

/**
 * The form in which the core names a student in the audit trail (`auditSubject`): `leerling-` and the
 * first 16 hex of sha256("school:NUMBER"). Anyone can compute that from a student number, so it is
 * never stored as such (entries of earlier versions excepted): the store's audit layer
 * (`pseudonymisedAudit`) keys it first.
 */
const PLAIN_SUBJECT = /^leerling-[0-9a-f]{16}$/;

/** The record kinds under which the audit trail names a student by pseudonym (or, in old entries, by number). */
export const SUBJECT_KINDS = ['student', 'exceptionRequest'] as const;

export function isPlainSubject(recordId: string): boolean {
  return PLAIN_SUBJECT.test(recordId);
}

/**
 * Keyed pseudonyms for the audit trail: `leerling-` and 32 hex of HMAC-SHA256(pseudonym key, plain
 * subject). The pseudonym keys are derived from the data keys (store/cipher.ts `pseudonymKey`), never
 * the data keys themselves: the current one for what is written, the previous ones (during a key
 * rotation) only to find what was written before.
 */
export class AuditPseudonyms {
  constructor(
    private readonly current: Buffer,
    private readonly previous: readonly Buffer[] = [],
  ) {}

  /** The name stored for a plain subject, under the current key. */
  keyed(plain: string): string {
    return keyedWith(this.current, plain);
  }

  /** The names entries about this subject were stored under before: under previous keys, and plain. */
  former(plain: string): string[] {
    return [plain, ...this.previous.map((key) => keyedWith(key, plain))];
  }

  /** Every name entries about this subject may be stored under, oldest form first. */
  names(plain: string): string[] {
    return [...this.former(plain), this.keyed(plain)];
  }
}

function keyedWith(key: Buffer, plain: string): string {
  return `leerling-${createHmac('sha256', key).update(plain).digest('hex').slice(0, 32)}`;
}

/**
 * The audit trail with students under keyed pseudonyms: an entry naming a plain subject is stored under
 * the keyed name; a lookup of a plain subject finds the entries under every name it may have (keyed
 * with the current or a previous key, and the plain form of earlier versions), oldest first.
 * Everything else passes through unchanged; `rename` and `recordIds` work on stored names.
 */
export function pseudonymisedAudit(inner: AuditLog, pseudonyms: AuditPseudonyms): AuditLog {
  return {
    append: (entry) => inner.append(isPlainSubject(entry.recordId) ? { ...entry, recordId: pseudonyms.keyed(entry.recordId) } : entry),
    async forRecord(recordKind, recordId) {
      if (!isPlainSubject(recordId)) return inner.forRecord(recordKind, recordId);
      const found: AuditEntry[] = [];
      for (const name of pseudonyms.names(recordId)) found.push(...(await inner.forRecord(recordKind, name)));
      return found.sort((a, b) => a.at - b.at);
    },
    rename: (recordKind, from, to) => inner.rename(recordKind, from, to),
    recordIds: (recordKind) => inner.recordIds(recordKind),
  };
}

/**
 * For a key rotation: moves the audit entries about students to the current key's pseudonyms. Entries
 * under a plain subject are keyed whoever the student is (the plain subject is all it takes); entries
 * under a previous key's pseudonym, or under the number (older versions), are found for the students
 * given (their number and plain subject). Returns how many entries moved.
 */
export async function rekeyAuditSubjects(audit: AuditLog, pseudonyms: AuditPseudonyms, students: ReadonlyArray<{ ref: string; subject: string }>): Promise<number> {
  let moved = 0;
  for (const kind of SUBJECT_KINDS) {
    for (const id of await audit.recordIds(kind)) {
      if (isPlainSubject(id)) moved += await audit.rename(kind, id, pseudonyms.keyed(id));
    }
    for (const { ref, subject } of students) {
      const now = pseudonyms.keyed(subject);
      for (const old of [ref, ...pseudonyms.former(subject)]) if (old !== now) moved += await audit.rename(kind, old, now);
    }
  }
  return moved;
}
