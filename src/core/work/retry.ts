/**
 * The one back-off policy for work that failed and is tried again: inbox turns, jobs (reminders, the
 * day's upkeep, the end of a pause) and outbox deliveries. The wait doubles with every attempt from the
 * queue's base up to its cap, with ±25 % jitter so that many items that failed together do not all come
 * back at the same moment.
 */
export interface RetryPolicy {
  /** The wait after the first failed attempt. */
  baseMs: number;
  /** The longest wait. */
  maxMs: number;
}

/** What each queue waits: a turn is a person waiting; a reminder can wait; a platform may be down a while. */
export const RETRY = {
  /** A turn that failed (its person waits for the answer). */
  turn: { baseMs: 2_000, maxMs: 60_000 },
  /** A job: a reminder, the day's upkeep, the end of a pause. */
  job: { baseMs: 60_000, maxMs: 6 * 3_600_000 },
  /** An outbox message the platform did not take (the channel picks the base by the error). */
  delivery: { baseMs: 5_000, maxMs: 15 * 60_000 },
} as const satisfies Record<string, RetryPolicy>;

/** How long to wait before the next try, after `attempts` failed tries (1 for the first failure). */
export function retryDelay(attempts: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.min(attempts, 30) - 1);
  const plain = Math.min(policy.baseMs * 2 ** exponent, policy.maxMs);
  return Math.round(plain * (0.75 + random() * 0.5));
}
