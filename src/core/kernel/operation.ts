import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';

/**
 * One operation of a turn (a domain command, a draft save), run so that it can be run again after a
 * failure without doing anything twice. Inside an operation:
 * - ids come from the operation (`operationId`), so a second run creates the same records (and a create
 *   that finds its record already there is taken as done);
 * - every conditional update carries a key of the operation (`nextWriteKey`), kept on the record, so a
 *   second run of the same update finds it applied and changes nothing.
 * Outside an operation ids are random and updates are plain.
 */
interface Operation {
  readonly id: string;
  ids: number;
  writes: number;
}

const storage = new AsyncLocalStorage<Operation>();

/** Runs `fn` as the operation `id` (the same id on every run of the same step of the same turn). */
export function inOperation<T>(id: string, fn: () => Promise<T>): Promise<T> {
  return storage.run({ id, ids: 0, writes: 0 }, fn);
}

export function inAnOperation(): boolean {
  return storage.getStore() !== undefined;
}

/** An id generator: random outside an operation; inside one, the n-th id of that operation (stable across runs). */
export function operationIds(random: () => string): () => string {
  return () => {
    const op = storage.getStore();
    if (!op) return random();
    const hex = hash(`${op.id}#id${op.ids++}`);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  };
}

/** The key of the next conditional update in the current operation, or null outside one. */
export function nextWriteKey(): string | null {
  const op = storage.getStore();
  return op ? hash(`${op.id}#w${op.writes++}`).slice(0, 16) : null;
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
