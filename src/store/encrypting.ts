import type { CollectionName, Store } from '../core/kernel/ports.js';
import type { FieldCipher } from './cipher.js';
import { mappedCollection, wrapCollections } from '../core/kernel/store-wrap.js';
import { pseudonymisedAudit } from '../core/privacy/pseudonyms.js';

/**
 * The sensitive fields of each collection: conversation notes, health details, students' words,
 * free-text descriptions and motivations. `a[].b` means field b of every element of array a.
 */
export const SENSITIVE_FIELDS: Partial<Record<CollectionName, string[]>> = {
  bullyingCases: ['signals[].description', 'signals[].others', 'steps[].notes', 'steps[].outcome', 'agreements[].what', 'sanctions[].motivation', 'sanctions[].decision.motivation'],
  exceptionRequests: [
    'purposeDetail',
    'studentWords',
    'documentsLocation',
    'votes[].motivation',
    'decision.motivation',
    'misuse[].note',
    'misuse[].meanwhile',
    'misuse[].skipReason',
    'reviews[].adjust',
    'reviewTalks[].reason',
    // What the mentor typed about apps may name a condition: kernteam only.
    'apps',
    // What the parents sent with the form link.
    'fromParents',
  ],
  // Everything typed in a dialog, until it lands in a record.
  dialogStates: ['answers', 'parked', 'pending', 'abandoned', 'lastTurn'],
  // Notifications repeat what was reported.
  outbox: ['text', 'cardJson', 'items'],
  // What parents wrote about their child.
  parentLinks: ['submission'],
  // A letter's PDF waiting for its one download.
  transient: ['payload', 'name'],
  // A request waiting for its turn holds what was typed.
  inbox: ['request'],
  // The e-mail address a platform gave for an account.
  accounts: ['email'],
};

/**
 * Wraps a store so that the sensitive fields are encrypted on the way in and decrypted on the way out,
 * and the audit trail names students by a pseudonym keyed from the data key (privacy/pseudonyms.ts).
 */
export function encryptingStore(inner: Store, cipher: FieldCipher): Store {
  const wrapped = wrapCollections(inner, (name, base) => {
    const fields = SENSITIVE_FIELDS[name];
    if (!fields) return base;
    const seal = <R>(record: R): R => transform(record, fields, (v) => (isEmpty(v) ? v : cipher.encrypt(v)));
    // A write returns the plain record it was given (decrypting what was just encrypted would give the same).
    return mappedCollection(base, (record) => transform(record, fields, (v) => cipher.decrypt(v)), seal, true);
  });
  return { ...wrapped, audit: pseudonymisedAudit(inner.audit, cipher.auditPseudonyms()) };
}

/**
 * An empty text, list or object: stored as it is, since there is nothing in it to hide (its ciphertext
 * would show that it is empty by its length as well); `decrypt` passes plain values through. Saves a
 * cipher per empty field per write and read: a finished inbox entry's request, a dialog without answers.
 */
function isEmpty(value: unknown): boolean {
  if (value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object' && value !== null) {
    for (const _key in value) return false;
    return Object.getPrototypeOf(value) === Object.prototype;
  }
  return false;
}

/** A copy of `record` with `fn` applied to the value at each path (missing paths are left alone). */
export function transform<R>(record: R, paths: string[], fn: (value: unknown) => unknown): R {
  let out = record as unknown;
  for (const path of paths) out = applyAt(out, path.split('.'), fn);
  return out as R;
}

function applyAt(node: unknown, parts: string[], fn: (value: unknown) => unknown): unknown {
  if (node === null || typeof node !== 'object' || parts.length === 0) return node;
  const [head, ...rest] = parts as [string, ...string[]];
  const isArray = head.endsWith('[]');
  const key = isArray ? head.slice(0, -2) : head;
  const obj = node as Record<string, unknown>;
  if (!(key in obj) || obj[key] === undefined || obj[key] === null) return node;
  let next: unknown;
  if (isArray) {
    if (!Array.isArray(obj[key])) return node;
    next = (obj[key] as unknown[]).map((item) => applyAt(item, rest, fn));
  } else {
    next = rest.length === 0 ? fn(obj[key]) : applyAt(obj[key], rest, fn);
  }
  return { ...obj, [key]: next };
}
