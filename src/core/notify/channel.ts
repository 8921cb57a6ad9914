import type { LogFields } from '../kernel/ports.js';
import type { Notification } from './model.js';

/** What a failed send means for the message, as the platform's adapter reads the error. */
export type SendFailure =
  /** Try again after exactly this long: the platform said when (Retry-After). */
  | { kind: 'retry'; afterMs: number }
  /** Try again with the delivery back-off (work/retry.ts), from `baseMs`, growing with every attempt. */
  | { kind: 'backOff'; baseMs: number }
  /** This person or channel cannot be reached on the platform until someone fixes it: not retried. */
  | { kind: 'gone' };

/**
 * One chat platform as the outbox's delivery loop (delivery.ts) sees it: where a notification goes,
 * how it is posted or put in the place of an earlier message, and what a failure means. `Target` is the
 * platform's address of a conversation (a Teams conversation reference, a Slack channel id).
 */
export interface ChannelAdapter<Target> {
  /** The platform's name: what `deliveredVia` records, and the outbox's work source is named after (`outbox:<name>`). */
  readonly name: string;
  /** Where a notification for this member of staff (or channel) goes on this platform now, or null. */
  target(staffId: string): Promise<Target | null>;
  /**
   * For a notification without a target: whether to stop waiting for one (an install, another channel)
   * and record it as undeliverable now. None: it waits for a target.
   */
  giveUp?(due: Notification): boolean;
  /** The platform's rate limit for this target: the pacing key and the least time between two messages. */
  pace(target: Target): { key: string; gapMs: number };
  /** Posts the notification; returns the platform's id of the (first) message, for a later `edit`. */
  post(target: Target, notification: Notification): Promise<string | null>;
  /**
   * Puts the notification in the place of the message `messageId` (a settled card); returns the id of
   * the message it is now, or null when that message cannot be changed (then it is posted anew).
   */
  edit(target: Target, messageId: string, notification: Notification): Promise<string | null>;
  /** What a failure of `post` or `edit` means, and what the log line says of it. */
  classifyError(error: unknown): SendFailure & { log: LogFields };
  /** After a `gone`: what the platform keeps of the target is marked unreachable too (optional). */
  markGone?(target: Target): Promise<void>;
}
