import type { Clock } from './core/ports.js';

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

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
