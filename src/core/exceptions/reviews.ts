/**
 * Reviews of granted exceptions: recording one, planning the talk when student and parents were not
 * heard, and the daily check that plans reviews after a change of class or at the start of the
 * school year. Each reports what happened; presentation/ words it.
 */
import type { Actor } from '../turn.js';
import { updateOnce } from '../kernel/records.js';
import { planJob } from '../reminders/jobs.js';
import { dayIn, zonedTime } from '../kernel/time.js';
import { schoolDayOnOrAfter, schoolDayOnOrBefore, schoolDaysAfter, schoolHours } from '../reminders/calendar.js';
import { type ExceptionRequest, type Review } from './model.js';
import { ExceptionCore, schoolYearOfStart } from './context.js';
import type { ReviewResult, ReviewTalkResult } from './results.js';
import { reviewSettledNote, schoolYearNotice } from './presentation/notices.js';
import { signalClassChange, tellTeachers } from './signals.js';

/** Records a review. The exception stays active unless the review ends it. */
export async function review(
  x: ExceptionCore,
  actor: Actor,
  { id, review, channel }: { id: string; review: Omit<Review, 'at' | 'byStaffId'>; channel: string },
): Promise<ReviewResult> {
  const found = await x.requests.get(id);
  if (!found || found.status !== 'granted') return { kind: 'not-found' };
  if (!x.mayManage(actor, found)) return { kind: 'denied' };
  const now = x.deps.clock.now();
  const result = await updateOnce(x.requests, id, (r): ExceptionRequest =>
    r.status !== 'granted'
      ? r
      : {
          ...r,
          status: review.outcome === 'end' ? 'ended' : 'granted',
          reviewDue: review.outcome === 'end' ? null : x.nextReviewDate(r, now),
          reviewReason: 'regular',
          reviews: [...r.reviews, { ...review, at: now, byStaffId: actor.staffId }],
        },
  );
  if (!result?.applied) return { kind: 'not-found' };
  const written = result.record;
  const reviewDue = written.reviewDue;
  await x.audit(actor.staffId, 'exception.review', id, channel);
  if (reviewDue) await x.scheduleReview(written, reviewDue);
  // The reminders that asked for this review (the mentor's, the zorgcoördinator's when it was missed, one
  // handed over) lose their "Evaluatie vastleggen" and other buttons, for whoever still has them.
  const people = [actor.staffId, written.requesterStaffId, x.mentorOf(written), ...(await x.deps.roleBook.staffWithRole('zorgcoordinator')).map((s) => s.id)];
  await x.deps.outbox.settleReminders(people, (item) => item.actions.some((a) => isReviewAction(a.data, id)), reviewSettledNote(x, now));
  if (review.outcome === 'end') await tellTeachers(x, written, 'ended');
  return { kind: 'recorded', request: written, reviewDue };
}

/**
 * The student and parents were not heard, so the review cannot be held yet: why, and the date of
 * the conversation, with a reminder on that day.
 */
export async function planReviewTalk(
  x: ExceptionCore,
  actor: Actor,
  { id, reason, date, channel }: { id: string; reason: string; date: string; channel: string },
): Promise<ReviewTalkResult> {
  const r = await x.requests.get(id);
  if (!r || r.status !== 'granted') return { kind: 'not-found' };
  if (!x.mayManage(actor, r)) return { kind: 'denied' };
  if (reason.trim().length < 3 || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return { kind: 'invalid' };
  const talk = { at: x.deps.clock.now(), byStaffId: actor.staffId, reason: reason.trim(), date };
  const written = await x.change(id, (cur) => ({ ...cur, reviewTalks: [...(cur.reviewTalks ?? []), talk] }));
  if (!written) return { kind: 'not-found' };
  await planJob(x.deps.store.jobs, 'exception-review-talk', {
    id: `review-talk:${id}:${date}`,
    payload: { requestId: id, staffId: actor.staffId },
    dueAt: zonedTime(schoolDayOnOrBefore(date, schoolHours(x.school)), x.school.protocol.reminderTime, x.school.timeZone),
  });
  await x.audit(actor.staffId, 'exception.review-talk', id, channel);
  return { kind: 'planned', request: written, date };
}

/**
 * Once a day: a student who changed class or year group gets a review soon, and so does every
 * exception at the start of the school year (with a reminder to put it on the development
 * conversation's agenda). Idempotent per request and school year.
 */
export async function dailyChecks(x: ExceptionCore): Promise<{ classChanges: number; schoolYear: number }> {
  const now = x.deps.clock.now();
  const today = dayIn(x.school.timeZone, now);
  const hours = schoolHours(x.school);
  // A school day (with no notice days in the school file, today may be a Sunday: then the next school day).
  const soon = schoolDayOnOrAfter(schoolDaysAfter(today, x.school.exceptions.reviewNoticeSchoolDays, hours), hours);
  const year = schoolYearOfStart(today, x.school.exceptions.schoolYearStart);
  let classChanges = 0;
  let schoolYear = 0;
  for (const status of ['granted', 'suspended'] as const) {
    for (const r of await x.requests.findBy('status', status)) {
      if (r.schoolId !== x.school.id) continue;
      const student = x.deps.directory.findStudent(r.studentRef);
      const cls = student ? x.deps.directory.classOf(student) : undefined;
      if (student && cls && cls.id !== r.classId) {
        const reviewDue = r.reviewDue && r.reviewDue < soon ? r.reviewDue : soon;
        const written = await x.change(r.id, (cur) =>
          cur.classId === cls.id ? cur : { ...cur, classId: cls.id, yearGroup: cls.yearGroup, reviewDue, reviewReason: 'class-change' },
        );
        if (written && written.classId === cls.id && written.reviewReason === 'class-change' && written.reviewDue === reviewDue) {
          classChanges++;
          await x.scheduleReview(written, reviewDue, true);
          await signalClassChange(x, r, written);
          await x.audit('system', 'exception.class-change', r.id, 'scheduler');
        }
        continue;
      }
      const grantedBefore = r.decision && dayIn(x.school.timeZone, r.decision.at) < year.start;
      if (year.started && grantedBefore && r.schoolYearReview !== year.name && status === 'granted') {
        const reviewDue = r.reviewDue && r.reviewDue < soon ? r.reviewDue : soon;
        const written = await x.change(r.id, (cur) =>
          cur.schoolYearReview === year.name ? cur : { ...cur, schoolYearReview: year.name, reviewDue, reviewReason: 'school-year' },
        );
        if (written && written.schoolYearReview === year.name && written.reviewReason === 'school-year') {
          schoolYear++;
          await x.scheduleReview(written, reviewDue, true);
          await x.deps.outbox.notify(`school-year:${r.id}:${year.name}`, x.mentorOf(written), { text: schoolYearNotice(x, written, reviewDue) });
        }
      }
    }
  }
  return { classChanges, schoolYear };
}

/** Granted exceptions whose review this person may record (mentor of the class, zorgcoördinator); labels: presentation/options.ts `reviewOptions`. */
export async function reviewable(x: ExceptionCore, actor: Actor): Promise<ExceptionRequest[]> {
  const granted = await x.requests.findBy('status', 'granted');
  return granted.filter((r) => r.schoolId === x.school.id && x.mayManage(actor, r));
}

/** A reminder's button that records (or hands over, or postpones) the review of request `id`. */
function isReviewAction(data: Record<string, unknown>, id: string): boolean {
  const zorgpad = data.zorgpad as { start?: unknown; requestId?: unknown } | undefined;
  return zorgpad?.start === 'evaluatie' && zorgpad.requestId === id;
}
