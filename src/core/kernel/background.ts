/**
 * Work a process is still doing: requests being answered, a Slack turn behind its acknowledgement, a
 * delivery round started after a turn, a scheduler pass. It is counted so that a stopping process
 * finishes it before it closes the store (an acknowledged Slack event is otherwise lost), and so
 * that a caller can wait until the process is quiet instead of guessing how long that takes.
 */
export class Background {
  private readonly running = new Set<Promise<unknown>>();
  private stopped = false;

  /** Counts `work` until it settles; returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    const forget = () => this.running.delete(work);
    work.then(forget, forget);
    return work;
  }

  /** How much work runs now. */
  get size(): number {
    return this.running.size;
  }

  /** True once the process is stopping: start nothing new that can wait for the next start. */
  get stopping(): boolean {
    return this.stopped;
  }

  stop(): void {
    this.stopped = true;
  }

  /**
   * Resolves when nothing runs, also work started by work that was running (a turn that starts a
   * delivery round): true then, false when `limitMs` passed first.
   */
  async idle(limitMs = Number.POSITIVE_INFINITY): Promise<boolean> {
    const deadline = Date.now() + limitMs;
    while (this.running.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        if (Number.isFinite(left)) timer = setTimeout(resolve, left);
      });
      await Promise.race([Promise.allSettled([...this.running]), timeout]);
      clearTimeout(timer);
    }
    return true;
  }
}
