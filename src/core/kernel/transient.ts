import { createHash } from 'node:crypto';
import { KEEP, writeRecord } from './records.js';
import type { Store } from './ports.js';

function transient(store: Store) {
  return store.collection('transient');
}

/**
 * Reserves the next moment a message under `key` may go out, at least `gapMs` after the one before it,
 * whichever process sends it. Returns how long to wait (0: now).
 */
export async function reserveSlot(store: Store, key: string, gapMs: number, now: number): Promise<number> {
  let at = now;
  await writeRecord(transient(store), `pace:${key}`, (current) => {
    at = Math.max(now, current && current.expiresAt > now ? (current.nextAt ?? now) : now);
    return { ...(current ?? { id: `pace:${key}` }), nextAt: at + gapMs, expiresAt: at + gapMs + 60_000 };
  });
  return at - now;
}

/** Counts one request under `key` in a fixed window of `windowMs`; returns the count so far, this one included. */
export async function countInWindow(store: Store, key: string, windowMs: number, now: number): Promise<number> {
  const { record } = await writeRecord(transient(store), `count:${key}`, (current) =>
    current && current.expiresAt > now
      ? { ...current, count: (current.count ?? 0) + 1 }
      : { ...(current ?? { id: `count:${key}` }), count: 1, expiresAt: now + windowMs },
  );
  return record?.count ?? 1;
}

/** The stored id of a one-time value: the key is a secret from a link, so only its hash is kept. */
function onceId(key: string): string {
  return `once:${createHash('sha256').update(key).digest('base64url')}`;
}

/** Keeps `payload` until `expiresAt` for one `takeOnce` with the same (secret) key. */
export async function keepOnce(store: Store, key: string, payload: Uint8Array, name: string, expiresAt: number): Promise<void> {
  const id = onceId(key);
  await writeRecord(transient(store), id, (current) => (current ? KEEP : { id, payload: Buffer.from(payload).toString('base64'), name, expiresAt }));
}

/** What `keepOnce` kept, for the first caller only (the record is gone afterwards); null when used, unknown or expired. */
export async function takeOnce(store: Store, key: string, now: number): Promise<{ payload: Uint8Array; name: string } | null> {
  const id = onceId(key);
  const found = await transient(store).get(id);
  if (!found || !(await transient(store).delete(id))) return null;
  if (found.expiresAt <= now || found.payload === undefined) return null;
  return { payload: new Uint8Array(Buffer.from(found.payload, 'base64')), name: found.name ?? 'download' };
}

/**
 * A small value per key that every worker process sees alike, for `ttlMs` after it was set: for
 * example which message holds a conversation's open question, so that whichever worker takes the
 * typed answer can settle that message.
 */
export class SharedNotes {
  constructor(
    private readonly store: Store,
    private readonly kind: string,
    private readonly ttlMs: number,
  ) {}

  private id(key: string): string {
    return `note:${this.kind}:${key}`;
  }

  async get(key: string): Promise<string | null> {
    const found = await this.read(this.id(key));
    return found && found.expiresAt > Date.now() ? (found.payload ?? null) : null;
  }

  async set(key: string, value: string): Promise<void> {
    const id = this.id(key);
    const write = () => writeRecord(transient(this.store), id, (current) => ({ ...(current ?? { id }), payload: value, expiresAt: Date.now() + this.ttlMs }));
    try {
      await write();
    } catch (error) {
      // Sealed with a key this process no longer has: removed, then written afresh (see `read`).
      if (!unreadable(error)) throw error;
      await transient(this.store).delete(id);
      await write();
    }
  }

  /**
   * A note as stored; one sealed with a data key this process no longer has (the key was rotated, and
   * short-lived records are not re-sealed) is removed and reads as none: a note is only ever a shortcut.
   */
  private async read(id: string) {
    try {
      return await transient(this.store).get(id);
    } catch (error) {
      if (!unreadable(error)) throw error;
      await transient(this.store).delete(id);
      return null;
    }
  }

  async delete(key: string): Promise<void> {
    await transient(this.store).delete(this.id(key));
  }
}

/** A stored value sealed with a data key this process does not have (store/cipher.ts). */
function unreadable(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'UnknownDataKeyError';
}
