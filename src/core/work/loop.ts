import type { Background } from '../kernel/background.js';
import type { Logger } from '../kernel/ports.js';

/**
 * One kind of background work a process does: a pass over what is due in one durable queue (inbox
 * entries nobody runs, due jobs, outbox messages for one platform, leases to renew). The queue is in the
 * store, so a pass finds whatever any process added; a pass that fails leaves its items to their
 * back-off (work/retry.ts) and to the next pass.
 */
export interface WorkSource {
  name: string;
  /** One pass. Passes of one source never overlap. */
  run(): Promise<unknown>;
  /** The longest wait between passes: work another process added, or a back-off that ended, is found then at the latest. */
  everyMs: number;
}

interface SourceState {
  source: WorkSource;
  /** When the next pass is due (ms, this process's monotonic-enough wall clock). */
  nextAt: number;
  running: boolean;
  /** Woken while a pass ran: another pass right after it. */
  again: boolean;
}

/**
 * The only timer for background work in a process: every durable queue registers a source; one timer is
 * armed for the earliest due pass, and a commit that queued work wakes its source at once instead of
 * waiting for the interval (a free process starts the work it acknowledged without polling delay).
 * Passes are counted in `background`, so a stopping process finishes the pass in hand and starts none.
 */
export class WorkLoop {
  private readonly sources = new Map<string, SourceState>();
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Number.POSITIVE_INFINITY;
  private started = false;
  private stopped = false;

  constructor(
    private readonly background: Background,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Registers a source; its first pass is due at once when the loop starts. */
  add(source: WorkSource): void {
    if (this.sources.has(source.name)) throw new Error(`work source ${source.name} registered twice`);
    this.sources.set(source.name, { source, nextAt: 0, running: false, again: false });
    if (this.started) this.arm();
  }

  start(): void {
    this.started = true;
    this.arm();
  }

  /** A pass of `name` as soon as possible (after the one running, if any). Unknown names are ignored. */
  wake(name: string): void {
    const state = this.sources.get(name);
    if (!state || this.stopped) return;
    if (state.running) {
      state.again = true;
      return;
    }
    state.nextAt = 0;
    if (this.started) this.arm();
  }

  /** Starts no pass after this; the passes running go on (their caller waits for the background work). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
  }

  /** Names of the registered sources (for start-up logs and tests). */
  get names(): string[] {
    return [...this.sources.keys()];
  }

  /** Arms the one timer for the earliest due pass (re-armed only when that is sooner than what is armed). */
  private arm(): void {
    if (this.stopped || !this.started) return;
    let earliest = Number.POSITIVE_INFINITY;
    for (const state of this.sources.values()) if (!state.running) earliest = Math.min(earliest, state.nextAt);
    if (!Number.isFinite(earliest) || (this.timer && earliest >= this.armedFor)) return;
    clearTimeout(this.timer);
    this.armedFor = earliest;
    this.timer = setTimeout(() => this.fire(), Math.max(0, earliest - this.now()));
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    if (this.stopped || this.background.stopping) return;
    const now = this.now();
    for (const state of this.sources.values()) {
      if (!state.running && state.nextAt <= now) this.pass(state);
    }
    this.arm();
  }

  private pass(state: SourceState): void {
    state.running = true;
    state.again = false;
    const done = (failed: boolean) => {
      state.running = false;
      state.nextAt = state.again && !failed ? 0 : this.now() + state.source.everyMs;
      state.again = false;
      this.arm();
    };
    this.background
      .track(
        (async () => {
          await state.source.run();
        })(),
      )
      .then(
        () => done(false),
        (error: unknown) => {
          this.log.error('work.pass-failed', { source: state.source.name, error: error instanceof Error ? error.name : 'unknown' });
          done(true);
        },
      );
  }
}
