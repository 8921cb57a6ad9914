import { z } from 'zod';
import type { ExceptionRequest } from '../exceptions/model.js';
import type { MessageKey, Translate } from '../i18n/index.js';
import type { BundleItem } from '../notify/model.js';
import type { RoleBook } from '../people/role-book.js';
import type { SchoolDirectory } from '../people/school.js';
import type { Job, JobStore, Store } from '../kernel/ports.js';
import { addDays, formatDate } from '../protocol/answers.js';
import { quoted } from '../text/record-text.js';
import { dayIn, zonedTime } from '../kernel/time.js';

/** What a due job's work ends in: a reminder for one person, or none (work without a message, or a reminder that no longer applies). */
export type Reminder = { staffId: string; item: Omit<BundleItem, 'jobId'> } | null;

/** What a job's handler may use. */
export interface JobEnv {
  store: Store;
  directory: SchoolDirectory;
  roleBook: RoleBook;
  /** Ends a pause whose end date has come (the exception applies again; the teachers are told). */
  pauses?: { endPause(requestId: string, until: string): Promise<ExceptionRequest | null> };
  /** Texts in the school's language. */
  t: Translate;
  /**
   * The day's upkeep: retention, the exception checks, removing what is only kept a while. And the
   * class-change check at once, for the version of the school file whose classes have `fingerprint`
   * (false: this process reads another version, so the job no longer applies).
   */
  upkeep?: { daily(day: string): Promise<void>; classChanges?(fingerprint: string): Promise<boolean> };
}

export interface JobDefinition<K extends string = string, S extends z.ZodType = z.ZodType> {
  kind: K;
  /** What the job's payload holds; checked when it is planned (types) and when it is due (parsed). */
  payload: S;
  /** The work it does when due (any work), and the reminder it ends in (null: none, or it no longer applies). */
  run(env: JobEnv, job: Pick<Job, 'id'>, payload: z.infer<S>): Promise<Reminder>;
  /** Work that is no message to anyone: it runs when due, also outside school hours. */
  anyHour: boolean;
}

/**
 * A kind of job: its name, its payload's schema and the work it does when due (a reminder, the day's
 * upkeep, the end of a pause, anything that must happen later). Every job is claimed with a lease,
 * retried with the job back-off when it fails (work/retry.ts) and taken over when its process dies
 * (scheduler.ts); the process's work loop runs the due ones.
 */
export function defineJob<K extends string, S extends z.ZodType>(kind: K, payload: S, run: JobDefinition<K, S>['run'], options: { anyHour?: boolean } = {}): JobDefinition<K, S> {
  return { kind, payload, run, anyHour: options.anyHour ?? false };
}

/** When the day's upkeep runs: early, before staff are about. */
const UPKEEP_TIME = '03:00';

/** The job id of a day's upkeep: one per school and day, so planning it twice plans it once. */
export function upkeepJobId(schoolId: string, day: string): string {
  return `upkeep:${schoolId}:${day}`;
}

/**
 * The job id of the class-change check for one version of the school file: its classes' fingerprint
 * (people/school.ts `classesFingerprint`) and when the file was written, so that every process that
 * reads that version plans it once, and a change undone later is checked again.
 */
export function classChangesJobId(schoolId: string, fingerprint: string, writtenAt: number): string {
  return `class-changes:${schoolId}:${fingerprint}:${Math.floor(writtenAt)}`;
}

const forStaff = { staffId: z.string() };
const aboutRequest = { ...forStaff, requestId: z.string() };
const DAY = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const request = (env: JobEnv, id: string) => env.store.collection('exceptionRequests').get(id);
const recordReview = (r: ExceptionRequest, t: Translate) => ({ title: t('reminder.review.record'), data: { zorgpad: { start: 'evaluatie', requestId: r.id } } });
const handOver = (job: Pick<Job, 'id'>, t: Translate) => ({ title: t('reminder.handOver'), data: { zorgpad: { start: 'overdragen', jobId: job.id } } });
const snooze = (job: Pick<Job, 'id'>, t: Translate) => ({ title: t('reminder.snooze'), data: { zorgpad: { snooze: job.id } } });

/** The first reminder before a review says why it is due. */
function reviewReasonKey(reason: ExceptionRequest['reviewReason']): MessageKey {
  return reason === 'class-change' ? 'reminder.reviewNotice.classChange' : reason === 'school-year' ? 'reminder.reviewNotice.schoolYear' : 'reminder.reviewNotice.text';
}

/** Every kind of job, defined once: the scheduler runs them from this list and nothing else. */
export const JOBS = [
  defineJob('exception-review', z.object({ ...aboutRequest, reviewDue: DAY.optional() }), async (env, job, p) => {
    const { t, directory } = env;
    const school = directory.school;
    const r = await request(env, p.requestId);
    if (!r || r.status !== 'granted' || !r.reviewDue) return null;
    // A review recorded since this reminder was planned moved the due date: this one is obsolete.
    if (p.reviewDue && p.reviewDue !== r.reviewDue) return null;
    const missedAt = zonedTime(addDays(r.reviewDue, school.reminders.missedReviewDays), school.reminders.start, school.timeZone);
    await planJob(env.store.jobs, 'exception-review-missed', { id: `missed:${r.id}:${r.reviewDue}`, payload: { requestId: r.id, reviewDue: r.reviewDue }, dueAt: missedAt });
    const limit = r.kind === 'tijdelijk' ? t('reminder.review.limitTemporary') : t('reminder.review.limitStructural');
    return {
      staffId: p.staffId,
      item: {
        title: t('reminder.review.title'),
        text: t('reminder.review.text', { student: r.studentRef, date: formatDate(r.reviewDue, school.locale), limit }),
        actions: [recordReview(r, t), snooze(job, t), handOver(job, t)],
      },
    };
  }),
  defineJob('exception-review-missed', z.object({ requestId: z.string(), reviewDue: DAY }), async (env, _job, p) => {
    const { t, directory } = env;
    const r = await request(env, p.requestId);
    if (!r || r.status !== 'granted' || !r.reviewDue || r.reviewDue !== p.reviewDue) return null;
    const zorg = (await env.roleBook.staffWithRole('zorgcoordinator'))[0];
    if (!zorg) return null;
    return {
      staffId: zorg.id,
      item: {
        title: t('reminder.missed.title'),
        text: t('reminder.missed.text', { student: r.studentRef, date: formatDate(r.reviewDue, directory.school.locale) }),
        actions: [recordReview(r, t)],
      },
    };
  }),
  defineJob('exception-reconsider', z.object({ ...aboutRequest, until: DAY.optional() }), async (env, job, p) => {
    // The pause's end date: it ends by itself (unless it was extended or ended before).
    const until = p.until ?? /:(\d{4}-\d{2}-\d{2})$/.exec(job.id)?.[1];
    const ended = until && env.pauses ? await env.pauses.endPause(p.requestId, until) : null;
    if (!ended) return null;
    return { staffId: p.staffId, item: { title: env.t('reminder.reconsider.title'), text: env.t('reminder.reconsider.text', { student: ended.studentRef }), actions: [] } };
  }),
  defineJob('exception-review-notice', z.object({ ...aboutRequest, reviewDue: DAY }), async (env, job, p) => {
    const { t, directory } = env;
    const school = directory.school;
    const r = await request(env, p.requestId);
    if (!r || r.status !== 'granted' || !r.reviewDue || r.reviewDue !== p.reviewDue) return null;
    return {
      staffId: p.staffId,
      item: {
        title: t('reminder.reviewNotice.title'),
        text: t(reviewReasonKey(r.reviewReason), { student: r.studentRef, date: formatDate(r.reviewDue, school.locale), days: school.exceptions.reviewNoticeSchoolDays }),
        actions: [recordReview(r, t), handOver(job, t)],
      },
    };
  }),
  defineJob('exception-review-talk', z.object(aboutRequest), async (env, _job, p) => {
    const r = await request(env, p.requestId);
    if (!r || r.status !== 'granted') return null;
    const { t } = env;
    return { staffId: p.staffId, item: { title: t('reminder.reviewTalk.title'), text: t('reminder.reviewTalk.text', { student: r.studentRef }), actions: [recordReview(r, t)] } };
  }),
  defineJob('exception-decision-due', z.object(aboutRequest), async (env, _job, p) => {
    const r = await request(env, p.requestId);
    if (!r || (r.status !== 'submitted' && r.status !== 'agenda')) return null;
    const { t, directory } = env;
    const school = directory.school;
    return {
      staffId: p.staffId,
      item: {
        title: t('reminder.decisionDue.title'),
        text: t('reminder.decisionDue.text', {
          student: r.studentRef,
          date: formatDate(dayIn(school.timeZone, r.submittedAt ?? r.createdAt), school.locale),
          days: school.exceptions.decisionSchoolDays,
        }),
        actions: [],
      },
    };
  }),
  defineJob('agreement-followup', z.object({ ...forStaff, caseId: z.string(), agreementId: z.string() }), async (env, job, p) => {
    const c = await env.store.collection('bullyingCases').get(p.caseId);
    const agreement = c?.agreements.find((a) => a.id === p.agreementId);
    if (!c || c.status !== 'open' || !agreement) return null;
    const { t } = env;
    return {
      staffId: c.ownerStaffId || p.staffId,
      item: {
        title: t('reminder.agreement.title'),
        text: t('reminder.agreement.text', { student: c.studentRef, what: quoted(agreement.what) }),
        actions: [{ title: t('reminder.agreement.check'), data: { zorgpad: { start: 'afspraak-controle', caseId: c.id } } }, snooze(job, t)],
      },
    };
  }),
  defineJob('case-nudge', z.object({ ...forStaff, caseId: z.string(), steps: z.number(), signals: z.number() }), async (env, _job, p) => {
    const c = await env.store.collection('bullyingCases').get(p.caseId);
    // Only when nothing happened since the nudge was planned.
    if (!c || c.status !== 'open' || c.steps.length !== p.steps || c.signals.length !== p.signals) return null;
    const { t, directory } = env;
    return {
      staffId: c.ownerStaffId,
      item: {
        title: t('reminder.nudge.title'),
        text: t('reminder.nudge.text', { student: c.studentRef, days: directory.school.reminders.nudgeDays }),
        actions: [{ title: t('case.action.open'), data: { zorgpad: { start: 'zaak', caseId: c.id } } }],
      },
    };
  }),
  // The day's upkeep; when it is done, the next day's is planned. A run that fails or is cut short is
  // retried (back-off), or taken over by another process when its lease ends.
  defineJob(
    'daily-upkeep',
    z.object({ day: DAY }),
    async (env, _job, p) => {
      await env.upkeep?.daily(p.day);
      const school = env.directory.school;
      const next = addDays(p.day, 1);
      await planJob(env.store.jobs, 'daily-upkeep', { id: upkeepJobId(school.id, next), payload: { day: next }, dueAt: zonedTime(next, UPKEEP_TIME, school.timeZone) });
      return null;
    },
    { anyHour: true },
  ),
  // The school file changed (or Zorgpad started): the class changes in it are applied now, not at the next
  // day's upkeep, by the same check the upkeep runs (exceptions/reviews.ts dailyChecks).
  defineJob(
    'class-changes',
    z.object({ fingerprint: z.string() }),
    async (env, _job, p) => {
      await env.upkeep?.classChanges?.(p.fingerprint);
      return null;
    },
    { anyHour: true },
  ),
  // A plain reminder with its own text (notices planned by the school's staff, and in tests).
  defineJob('notice', z.object({ ...forStaff, title: z.string(), text: z.string() }), async (_env, _job, p) => ({
    staffId: p.staffId,
    item: { title: p.title, text: p.text, actions: [] },
  })),
];

type AnyJob = (typeof JOBS)[number];
export type JobKind = AnyJob['kind'];
export type JobPayload<K extends JobKind> = z.infer<Extract<AnyJob, { kind: K }>['payload']>;

export const JOB_DEFINITIONS: ReadonlyMap<string, JobDefinition> = new Map(JOBS.map((j) => [j.kind, j as unknown as JobDefinition]));

/** Plans a job of a known kind with the payload that kind takes (scheduling the same id twice keeps the first). */
export function planJob<K extends JobKind>(jobs: JobStore, kind: K, job: { id: string; payload: JobPayload<K>; dueAt: number }): Promise<boolean> {
  return jobs.schedule({ id: job.id, kind, payload: job.payload as Record<string, unknown>, dueAt: job.dueAt });
}

/** The name of a kind of reminder, for a person's list of what is coming. */
export function reminderKindKey(kind: string): MessageKey {
  return JOB_DEFINITIONS.has(kind) && kind !== 'notice' ? (`reminder.kind.${kind}` as MessageKey) : 'reminder.kind.notice';
}
