import type { Clock } from './core/kernel/ports.js';

/**
 * The clock the whole process uses. In the playground (development only) it can be moved forward so
 * that a newcomer sees a review reminder arrive without waiting weeks.
 */
export class AdjustableClock implements Clock {
  private offsetMs = 0;

  constructor(private readonly base: Clock) {}

  now(): number {
    return this.base.now() + this.offsetMs;
  }

  /** Called with the new offset after each `advance` (the other worker processes follow it). */
  onAdvance: ((offsetMs: number) => void) | undefined;

  advance(ms: number): void {
    this.offsetMs += ms;
    this.onAdvance?.(this.offsetMs);
  }

  /** Takes over the offset another worker process moved to. */
  follow(offsetMs: number): void {
    this.offsetMs = offsetMs;
  }
}
