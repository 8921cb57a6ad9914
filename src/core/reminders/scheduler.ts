import type { SchoolServices } from '../kernel/services.js';
import type { CardRenderer } from '../cards/render.js';
import type { ExceptionRequest } from '../exceptions/model.js';
import { translator } from '../i18n/index.js';
import type { BundleItem } from '../notify/model.js';
import type { Job, Logger } from '../kernel/ports.js';
import { dayIn } from '../kernel/time.js';
import { JOB_DEFINITIONS, type JobDefinition, type JobEnv, type Reminder } from './jobs.js';
import { nextAllowed, schoolHours, type SendingHours } from './calendar.js';
import { can } from '../permissions.js';
import { RETRY, retryDelay } from '../work/retry.js';

export interface SchedulerDeps extends SchoolServices {
  cards: CardRenderer;
  log: Logger;
  /** This process's name as lease owner. */
  owner: string;
  /** Ends a pause whose end date has come (the exception applies again; the teachers are told). */
  pauses?: { endPause(requestId: string, until: string): Promise<ExceptionRequest | null> };
  /** The day's upkeep (the `daily-upkeep` job). */
  upkeep?: JobEnv['upkeep'];
  leaseMs?: number;
  /** The kinds of job it runs: those of jobs.ts, and those the installed modules define (app/registry.ts). */
  jobs?: ReadonlyMap<string, JobDefinition>;
}

const WEEK_MS = 7 * 86_400_000;
/** Jobs claimed in one statement: enough to make claims cheap, few enough to finish well within the lease. */
const CLAIM_BATCH = 200;

/**
 * Runs the due jobs of the store. Every process runs one; a job is claimed with a lease, turned into a
 * reminder in the person's bundle for that moment (idempotent per job), and completed. A job due
 * outside school hours waits for the next allowed moment; a failing job is retried with back-off; a
 * process that dies leaves its jobs to the others when the lease runs out.
 */
export class Scheduler {
  private readonly leaseMs: number;
  private readonly jobs: ReadonlyMap<string, JobDefinition>;
  /** The tick in progress, if any: a tick asked for meanwhile runs after it (not beside it, and not skipped). */
  private running: Promise<number> | null = null;

  constructor(private readonly deps: SchedulerDeps) {
    this.leaseMs = deps.leaseMs ?? 60_000;
    this.jobs = deps.jobs ?? JOB_DEFINITIONS;
    deps.outbox.useBundleRenderer((items) => this.renderBundle(items));
  }

  private get school() {
    return this.deps.directory.school;
  }

  get hours(): SendingHours {
    return schoolHours(this.school);
  }

  /**
   * Handles what is due now, up to `max` jobs, in batches: one claim for up to `CLAIM_BATCH` jobs, one
   * bundle write per person and moment, one completion per outcome. Returns how many reminders were
   * bundled.
   */
  async tick(max = 2000): Promise<number> {
    // A tick asked for while one runs (the work loop's, say) waits for it and then looks again: what
    // became due meanwhile is handled now, not at the next round.
    while (this.running) await this.running.catch(() => 0);
    const run = this.runTick(max);
    this.running = run;
    try {
      return await run;
    } finally {
      if (this.running === run) this.running = null;
    }
  }

  private async runTick(max: number): Promise<number> {
    let sent = 0;
    for (let handled = 0; handled < max; ) {
      const now = this.deps.clock.now();
      const jobs = await this.deps.store.jobs.claimDueMany(now, this.deps.owner, this.leaseMs, Math.min(CLAIM_BATCH, max - handled));
      if (!jobs.length) break;
      handled += jobs.length;
      // Reminders wait for school hours; work that is no message runs now.
      const allowed = nextAllowed(now, this.hours);
      const waiting = allowed > now ? jobs.filter((job) => !this.jobs.get(job.kind)?.anyHour) : [];
      for (const job of waiting) await this.deps.store.jobs.release(job.id, this.deps.owner, allowed, 'waiting for school hours');
      const ready = jobs.filter((job) => !waiting.includes(job));
      if (ready.length) sent += await this.handle(ready, now);
    }
    return sent;
  }

  /** Turns claimed jobs into reminders, bundled per person; completes them, or gives them back for a retry. */
  private async handle(jobs: Job[], now: number): Promise<number> {
    const slot = `${dayIn(this.school.timeZone, now)}:${allowedSlot(now)}`;
    const bundles = new Map<string, { staffId: string; items: BundleItem[]; jobs: Job[] }>();
    const noLonger: string[] = [];
    for (const job of jobs) {
      try {
        const reminder = await this.remind(job);
        if (!reminder) {
          noLonger.push(job.id);
          continue;
        }
        const key = `reminders:${reminder.staffId}:${slot}`;
        const bundle = bundles.get(key) ?? { staffId: reminder.staffId, items: [], jobs: [] };
        bundle.items.push({ jobId: job.id, ...reminder.item });
        bundle.jobs.push(job);
        bundles.set(key, bundle);
      } catch (error) {
        await this.retryLater(job, now, error);
      }
    }
    let sent = 0;
    const bundled: string[] = [];
    for (const [key, bundle] of bundles) {
      try {
        await this.deps.outbox.addToBundle(key, bundle.staffId, bundle.items, bundle.jobs.every((j) => j.attempts <= 1));
        bundled.push(...bundle.jobs.map((j) => j.id));
        sent += bundle.items.length;
      } catch (error) {
        for (const job of bundle.jobs) await this.retryLater(job, now, error);
      }
    }
    await this.deps.store.jobs.completeMany(bundled, this.deps.owner, 'bundled');
    await this.deps.store.jobs.completeMany(noLonger, this.deps.owner, 'no longer applies');
    return sent;
  }

  /** A failing job is retried with the job back-off (work/retry.ts: a minute, doubling, at most six hours). */
  private async retryLater(job: Job, now: number, error: unknown): Promise<void> {
    const retryAt = now + retryDelay(job.attempts, RETRY.job);
    await this.deps.store.jobs.release(job.id, this.deps.owner, retryAt, error instanceof Error ? error.name : 'failed');
    this.deps.log.warn('reminder.failed', { kind: job.kind, attempts: job.attempts });
  }

  /** Postpones a reminder by a week; only the person it was for may. */
  async snooze(staffId: string, jobId: string): Promise<boolean> {
    const job = await this.deps.store.jobs.get(jobId);
    if (!job || job.payload.staffId !== staffId) return false;
    const base = jobId.replace(/:snooze-\d+$/, '');
    const count = Number(/:snooze-(\d+)$/.exec(jobId)?.[1] ?? 0) + 1;
    return this.deps.store.jobs.schedule({ id: `${base}:snooze-${count}`, kind: job.kind, payload: job.payload, dueAt: this.deps.clock.now() + WEEK_MS });
  }

  /** What is coming up for a person: their pending jobs, soonest first. */
  async upcoming(staffId: string): Promise<Job[]> {
    const jobs = await this.deps.store.jobs.forStaff(staffId);
    return jobs.filter((j) => j.status === 'pending' || j.status === 'claimed').sort((a, b) => a.dueAt - b.dueAt);
  }

  /** Hands a reminder to a colleague (mentor or zorgcoördinator), due at once. */
  async handOver(staffId: string, jobId: string, toStaffId: string): Promise<boolean> {
    const job = await this.deps.store.jobs.get(jobId);
    const target = this.deps.directory.staffById(toStaffId);
    if (!job || job.payload.staffId !== staffId || !target) return false;
    if (!can({ staffId: target.id, roles: await this.deps.roleBook.rolesOf(target.id) }, 'reminder.receive-handover')) return false;
    return this.deps.store.jobs.schedule({ id: `${jobId}:to-${target.id}`, kind: job.kind, payload: { ...job.payload, staffId: target.id }, dueAt: this.deps.clock.now() });
  }

  /** The reminder a due job becomes, by its kind's definition (jobs.ts); a payload that does not fit is logged and dropped. */
  private async remind(job: Job): Promise<Reminder> {
    const definition = this.jobs.get(job.kind);
    if (!definition) {
      this.deps.log.warn('reminder.unknown-kind', { kind: job.kind });
      return null;
    }
    const payload = definition.payload.safeParse(job.payload);
    if (!payload.success) {
      this.deps.log.warn('reminder.bad-payload', { kind: job.kind });
      return null;
    }
    const { store, directory, roleBook, pauses, upkeep } = this.deps;
    return definition.run({ store, directory, roleBook, pauses, upkeep, t: translator(this.school.locale) }, job, payload.data);
  }

  private renderBundle(items: BundleItem[]) {
    const t = translator(this.school.locale);
    const title = items.length === 1 ? items[0]!.title : t('reminder.bundle.title', { count: items.length });
    const card = this.deps.cards.render('reminders', { title, items });
    const text = [title, ...items.map((i) => `- ${i.text}`)].join('\n');
    return { text, card };
  }
}

/** Reminders due in the same hour of the same day share a bundle. */
function allowedSlot(at: number): number {
  return Math.floor(at / 3_600_000);
}
