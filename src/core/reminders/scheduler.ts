import type { CardRenderer } from '../cards/render.js';
import type { ExceptionRequest } from '../exceptions/model.js';
import { translator, type Translate } from '../i18n/index.js';
import type { BundleItem, Outbox } from '../notify/outbox.js';
import type { RoleBook } from '../people/role-book.js';
import type { SchoolDirectory } from '../people/school.js';
import { addDays, formatDate } from '../protocol/answers.js';
import type { Clock, Job, Logger, Store } from '../ports.js';
import { dayIn, zonedTime } from '../time.js';
import { nextAllowed, schoolHours, type SendingHours } from './calendar.js';
import { can } from '../permissions.js';
import type { MessageKey } from '../i18n/index.js';

/** The first reminder before a review says why it is due. */
function reviewReasonKey(reason: ExceptionRequest['reviewReason']): MessageKey {
  return reason === 'class-change' ? 'reminder.reviewNotice.classChange' : reason === 'school-year' ? 'reminder.reviewNotice.schoolYear' : 'reminder.reviewNotice.text';
}

export interface SchedulerDeps {
  store: Store;
  directory: SchoolDirectory;
  roleBook: RoleBook;
  outbox: Outbox;
  cards: CardRenderer;
  clock: Clock;
  log: Logger;
  /** This process's name as lease owner. */
  owner: string;
  /** Ends a pause whose end date has come (the exception applies again; the teachers are told). */
  pauses?: { endPause(requestId: string, until: string): Promise<ExceptionRequest | null> };
  leaseMs?: number;
}

/** What a due job turns into: a reminder for one person, or nothing when it no longer applies. */
type Reminder = { staffId: string; item: Omit<BundleItem, 'jobId'> } | null;

const WEEK_MS = 7 * 86_400_000;

/**
 * Runs the due jobs of the store. Every process runs one; a job is claimed with a lease, turned into a
 * reminder in the person's bundle for that moment (idempotent per job), and completed. A job due
 * outside school hours waits for the next allowed moment; a failing job is retried with back-off; a
 * process that dies leaves its jobs to the others when the lease runs out.
 */
export class Scheduler {
  private readonly leaseMs: number;
  private running = false;

  constructor(private readonly deps: SchedulerDeps) {
    this.leaseMs = deps.leaseMs ?? 60_000;
    deps.outbox.useBundleRenderer((items) => this.renderBundle(items));
  }

  private get school() {
    return this.deps.directory.school;
  }

  get hours(): SendingHours {
    return schoolHours(this.school);
  }

  /** Handles what is due now, up to `max` jobs. Returns how many reminders were bundled. */
  async tick(max = 500): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let sent = 0;
    try {
      for (let i = 0; i < max; i++) {
        const now = this.deps.clock.now();
        const job = await this.deps.store.jobs.claimDue(now, this.deps.owner, this.leaseMs);
        if (!job) break;
        const allowed = nextAllowed(now, this.hours);
        if (allowed > now) {
          await this.deps.store.jobs.release(job.id, this.deps.owner, allowed, 'waiting for school hours');
          continue;
        }
        try {
          const reminder = await this.remind(job);
          if (reminder) {
            const slot = dayIn(this.school.timeZone, now);
            await this.deps.outbox.addToBundle(`reminders:${reminder.staffId}:${slot}:${allowedSlot(now)}`, reminder.staffId, { jobId: job.id, ...reminder.item }, job.attempts <= 1);
            sent++;
          }
          await this.deps.store.jobs.complete(job.id, this.deps.owner, reminder ? 'bundled' : 'no longer applies');
        } catch (error) {
          const retryAt = now + Math.min(60_000 * 2 ** job.attempts, 6 * 3_600_000);
          await this.deps.store.jobs.release(job.id, this.deps.owner, retryAt, error instanceof Error ? error.name : 'failed');
          this.deps.log.warn('reminder.failed', { kind: job.kind, attempts: job.attempts });
        }
      }
    } finally {
      this.running = false;
    }
    return sent;
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

  private async remind(job: Job): Promise<Reminder> {
    const t = translator(this.school.locale);
    const staffId = String(job.payload.staffId ?? '');
    switch (job.kind) {
      case 'exception-review':
        return this.reviewReminder(job, staffId, t);
      case 'exception-review-missed':
        return this.missedReview(job, t);
      case 'exception-reconsider': {
        // The pause's end date: it ends by itself (unless it was extended or ended before).
        const until = typeof job.payload.until === 'string' ? job.payload.until : /:(\d{4}-\d{2}-\d{2})$/.exec(job.id)?.[1];
        const ended = until && this.deps.pauses ? await this.deps.pauses.endPause(String(job.payload.requestId), until) : null;
        if (!ended) return null;
        return { staffId, item: { title: t('reminder.reconsider.title'), text: t('reminder.reconsider.text', { student: ended.studentRef }), actions: [] } };
      }
      case 'exception-review-notice': {
        const r = await this.request(job);
        if (!r || r.status !== 'granted' || !r.reviewDue || r.reviewDue !== job.payload.reviewDue) return null;
        return {
          staffId,
          item: {
            title: t('reminder.reviewNotice.title'),
            text: t(reviewReasonKey(r.reviewReason), { student: r.studentRef, date: formatDate(r.reviewDue, this.school.locale), days: this.school.exceptions.reviewNoticeSchoolDays }),
            actions: [
              { title: t('reminder.review.record'), data: { zorgpad: { start: 'evaluatie', requestId: r.id } } },
              { title: t('reminder.handOver'), data: { zorgpad: { start: 'overdragen', jobId: job.id } } },
            ],
          },
        };
      }
      case 'exception-review-talk': {
        const r = await this.request(job);
        if (!r || r.status !== 'granted') return null;
        return {
          staffId,
          item: {
            title: t('reminder.reviewTalk.title'),
            text: t('reminder.reviewTalk.text', { student: r.studentRef }),
            actions: [{ title: t('reminder.review.record'), data: { zorgpad: { start: 'evaluatie', requestId: r.id } } }],
          },
        };
      }
      case 'exception-decision-due': {
        const r = await this.request(job);
        if (!r || (r.status !== 'submitted' && r.status !== 'agenda')) return null;
        return {
          staffId,
          item: {
            title: t('reminder.decisionDue.title'),
            text: t('reminder.decisionDue.text', {
              student: r.studentRef,
              date: formatDate(dayIn(this.school.timeZone, r.submittedAt ?? r.createdAt), this.school.locale),
              days: this.school.exceptions.decisionSchoolDays,
            }),
            actions: [],
          },
        };
      }
      case 'agreement-followup': {
        const c = await this.deps.store.collection('bullyingCases').get(String(job.payload.caseId));
        const agreement = c?.agreements.find((a) => a.id === job.payload.agreementId);
        if (!c || c.status !== 'open' || !agreement) return null;
        return {
          staffId: c.ownerStaffId || staffId,
          item: {
            title: t('reminder.agreement.title'),
            text: t('reminder.agreement.text', { student: c.studentRef, what: agreement.what }),
            actions: [
              { title: t('reminder.agreement.check'), data: { zorgpad: { start: 'afspraak-controle', caseId: c.id } } },
              { title: t('reminder.snooze'), data: { zorgpad: { snooze: job.id } } },
            ],
          },
        };
      }
      case 'case-nudge': {
        const c = await this.deps.store.collection('bullyingCases').get(String(job.payload.caseId));
        // Only when nothing happened since the nudge was planned.
        if (!c || c.status !== 'open' || c.steps.length !== job.payload.steps || c.signals.length !== job.payload.signals) return null;
        return {
          staffId: c.ownerStaffId,
          item: {
            title: t('reminder.nudge.title'),
            text: t('reminder.nudge.text', { student: c.studentRef, days: this.school.reminders.nudgeDays }),
            actions: [{ title: t('case.action.open'), data: { zorgpad: { start: 'zaak', caseId: c.id } } }],
          },
        };
      }
      case 'notice':
        // A plain reminder with its own text (used for notices planned by the school's staff, and in tests).
        return { staffId, item: { title: String(job.payload.title ?? ''), text: String(job.payload.text ?? ''), actions: [] } };
      default:
        this.deps.log.warn('reminder.unknown-kind', { kind: job.kind });
        return null;
    }
  }

  private async reviewReminder(job: Job, staffId: string, t: Translate): Promise<Reminder> {
    const r = await this.request(job);
    if (!r || r.status !== 'granted' || !r.reviewDue) return null;
    // A review recorded since this reminder was planned moved the due date: this one is obsolete.
    if (job.payload.reviewDue && job.payload.reviewDue !== r.reviewDue) return null;
    const missedAt = zonedTime(addDays(r.reviewDue, this.school.reminders.missedReviewDays), this.school.reminders.start, this.school.timeZone);
    await this.deps.store.jobs.schedule({
      id: `missed:${r.id}:${r.reviewDue}`,
      kind: 'exception-review-missed',
      payload: { requestId: r.id, reviewDue: r.reviewDue },
      dueAt: missedAt,
    });
    const limit = r.kind === 'tijdelijk' ? t('reminder.review.limitTemporary') : t('reminder.review.limitStructural');
    return {
      staffId,
      item: {
        title: t('reminder.review.title'),
        text: t('reminder.review.text', { student: r.studentRef, date: formatDate(r.reviewDue, this.school.locale), limit }),
        actions: [
          { title: t('reminder.review.record'), data: { zorgpad: { start: 'evaluatie', requestId: r.id } } },
          { title: t('reminder.snooze'), data: { zorgpad: { snooze: job.id } } },
          { title: t('reminder.handOver'), data: { zorgpad: { start: 'overdragen', jobId: job.id } } },
        ],
      },
    };
  }

  private async missedReview(job: Job, t: Translate): Promise<Reminder> {
    const r = await this.request(job);
    if (!r || r.status !== 'granted' || !r.reviewDue || r.reviewDue !== job.payload.reviewDue) return null;
    const zorg = (await this.deps.roleBook.staffWithRole('zorgcoordinator'))[0];
    if (!zorg) return null;
    return {
      staffId: zorg.id,
      item: {
        title: t('reminder.missed.title'),
        text: t('reminder.missed.text', { student: r.studentRef, date: formatDate(r.reviewDue, this.school.locale) }),
        actions: [{ title: t('reminder.review.record'), data: { zorgpad: { start: 'evaluatie', requestId: r.id } } }],
      },
    };
  }

  private request(job: Job): Promise<ExceptionRequest | null> {
    return this.deps.store.collection('exceptionRequests').get(String(job.payload.requestId));
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
