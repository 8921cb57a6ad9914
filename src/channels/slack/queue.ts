/**
 * Slack gets its acknowledgement at once; the turn behind it runs here. At most `concurrency` turns
 * run at a time and each next one starts on a later event-loop pass, so that new requests keep being
 * read and acknowledged while a backlog is worked off. When more than `maxWaiting` turns wait, a new
 * one is refused (the caller tells the person to send it again) instead of growing without bound.
 */
export class TurnQueue {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly concurrency = 8,
    private readonly maxWaiting = 2000,
  ) {}

  get backlog(): number {
    return this.waiting.length;
  }

  /** Runs `work` in turn; null (and `work` not run) when the queue is full. */
  async run<T>(work: () => Promise<T>): Promise<T | null> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxWaiting) return null;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      const next = this.waiting.shift();
      // On the next pass of the event loop, not in this microtask flush: acks come first.
      if (next) {
        this.running++;
        setImmediate(() => {
          this.running--;
          next();
        });
      }
    }
  }
}
