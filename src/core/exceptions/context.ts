import type { DomainServices } from '../kernel/services.js';
import { addDays } from '../protocol/answers.js';
import type { Actor } from '../turn.js';
import { updateWithRetry } from '../kernel/records.js';
import { planJob } from '../reminders/jobs.js';
import { dayIn, zonedTime } from '../kernel/time.js';
import { schoolDayOnOrAfter, schoolDayOnOrBefore, schoolDaysAfter, schoolDaysBefore, schoolHours } from '../reminders/calendar.js';
import { can } from '../permissions.js';
import { type DecisionRule } from './decision.js';
import { subjectsInScope } from './figures.js';
import { type DocumentName, type ExceptionRequest } from './model.js';

/** The end date of the pause in force: of the last pause or extension. */
export function currentPauseEnd(r: ExceptionRequest): string | undefined {
  return [...r.misuse].reverse().find((m) => m.kind === 'suspend' || m.kind === 'extend')?.until;
}

/** The school year a day falls in, starting on the school's start day (MM-DD), and whether it has begun. */
export function schoolYearOfStart(today: string, startDay: string): { name: string; start: string; started: boolean } {
  const year = Number(today.slice(0, 4));
  const thisStart = `${year}-${startDay}`;
  const startYear = today >= thisStart ? year : year - 1;
  return { name: `${startYear}-${startYear + 1}`, start: `${startYear}-${startDay}`, started: true };
}

/** Where an exception applies: every chosen scope (older records: their one scope). */
export function scopesOf(r: ExceptionRequest): string[] {
  return r.scopes ?? (r.scope ? [r.scope] : []);
}

/** What the exception operations work with. */
export interface ExceptionServiceDeps extends DomainServices {
  /**
   * The answer keys of the request dialog whose audience is the teachers (declared in the dialog file).
   * The teachers' signal and the lookup are built from these and nothing else.
   */
  teacherFields: ReadonlySet<string>;
}

/** The outbox target of the school's kernteam channel. */
export const KERNTEAM_CHANNEL = 'channel:kernteam';

/**
 * Phone-ban exceptions, what every operation shares: the dependencies, the request records, the
 * school's decision rule, and the small rules every operation applies (who is the requester, who may
 * manage, which teachers teach the student, when the next review is due). app.ts makes one; callers
 * hand it to the operations, each in its own file (drafts, voting, reviews, misuse, listings), which
 * report what happened; the words and cards are made from that by presentation/.
 */
export class ExceptionCore {
  constructor(readonly deps: ExceptionServiceDeps) {}

  get requests() {
    return this.deps.store.collection('exceptionRequests');
  }

  get school() {
    return this.deps.directory.school;
  }

  get rule(): DecisionRule {
    const { roles, minRoles, requiredRole } = this.school.kernteam;
    return { kernteamRoles: roles, minRoles, requiredRole };
  }

  change(id: string, apply: (r: ExceptionRequest) => ExceptionRequest): Promise<ExceptionRequest | null> {
    return updateWithRetry(this.requests, id, apply);
  }

  /** The draft is theirs: they started it (permissions.ts, `exception.draft`). */
  isRequester(actor: Actor, r: ExceptionRequest): boolean {
    return can(actor, 'exception.draft', { requester: r.requesterStaffId === actor.staffId });
  }

  mayManage(actor: Actor, r: ExceptionRequest): boolean {
    const mentor = this.school.classes.find((c) => c.id === r.classId)?.mentor;
    return can(actor, 'exception.manage', { requester: r.requesterStaffId === actor.staffId, classMentor: mentor === actor.staffId });
  }

  mentorOf(r: ExceptionRequest): string {
    return this.school.classes.find((c) => c.id === r.classId)?.mentor ?? r.requesterStaffId;
  }

  nameOf(staffId: string): string {
    return this.deps.directory.staffById(staffId)?.name ?? staffId;
  }

  async kernteamMembers(): Promise<string[]> {
    const members = new Set<string>();
    for (const role of this.rule.kernteamRoles) for (const s of await this.deps.roleBook.staffWithRole(role)) members.add(s.id);
    return [...members];
  }

  /** The teachers of the subjects in scope, without the person who asked for it (they know). */
  teachersOf(r: ExceptionRequest): Set<string> {
    return new Set(subjectsInScope(r, this.school).map((s) => s.staff).filter((id) => id !== r.requesterStaffId));
  }

  /**
   * The next review's "uiterlijk" date: the school file's weeks on, on a school day. A date on a weekend
   * or in a holiday moves to the school day before (a deadline is kept by being early; the day after
   * would stretch a temporary exception past its term). Only when no school day lies between now and
   * then (granted in a long holiday) does it move to the first school day after.
   */
  nextReviewDate(r: ExceptionRequest, from: number): string {
    const weeks = r.kind === 'tijdelijk' ? this.school.exceptions.reviewWeeks.tijdelijk : this.school.exceptions.reviewWeeks.structureel;
    const today = dayIn(this.school.timeZone, from);
    const target = addDays(today, weeks * 7);
    const hours = schoolHours(this.school);
    const before = schoolDayOnOrBefore(target, hours);
    return before > today ? before : schoolDayOnOrAfter(target, hours);
  }

  /**
   * The review's reminders for the class mentor: a first one some school days before the due date, so
   * the conversation with student and parents can be planned (at once when `now` is set and that day
   * has passed), and one on the last school day on or before the due date.
   */
  async scheduleReview(r: ExceptionRequest, due: string, now = false): Promise<void> {
    const contact = this.mentorOf(r);
    const hours = schoolHours(this.school);
    const at = (day: string) => zonedTime(day, this.school.protocol.reminderTime, this.school.timeZone);
    await planJob(this.deps.store.jobs, 'exception-review', {
      id: `review:${r.id}:${due}`,
      payload: { requestId: r.id, staffId: contact, reviewDue: due },
      dueAt: at(schoolDayOnOrBefore(due, hours)),
    });
    const days = this.school.exceptions.reviewNoticeSchoolDays;
    const noticeDay = schoolDaysBefore(due, days, hours);
    const today = dayIn(this.school.timeZone, this.deps.clock.now());
    if (days > 0 && (noticeDay > today || now)) {
      await planJob(this.deps.store.jobs, 'exception-review-notice', {
        id: `review-notice:${r.id}:${due}`,
        payload: { requestId: r.id, staffId: contact, reviewDue: due },
        dueAt: noticeDay > today ? at(noticeDay) : this.deps.clock.now(),
      });
    }
  }

  /** The documents a request on this ground must have (school file, per ground). */
  requiredDocuments(ground: string | null): readonly DocumentName[] {
    const perGround = this.school.exceptions.requiredDocuments as Partial<Record<string, readonly DocumentName[]>>;
    return [...this.school.exceptions.blockingDocuments, ...((ground && perGround[ground]) || [])];
  }

  async audit(actor: string, action: string, recordId: string, channel: string): Promise<void> {
    await this.deps.store.audit.append({ at: this.deps.clock.now(), schoolId: this.school.id, actor, action, recordKind: 'exceptionRequest', recordId, channel });
  }

  /** The last day of the kernteam's decision term (the school file's school days after submission), YYYY-MM-DD. */
  decisionDue(r: ExceptionRequest): string {
    return schoolDaysAfter(dayIn(this.school.timeZone, r.submittedAt ?? this.deps.clock.now()), this.school.exceptions.decisionSchoolDays, schoolHours(this.school));
  }

  /** The kernteam has a number of school days to decide; each member is reminded when they pass. */
  async planDecisionDeadline(r: ExceptionRequest): Promise<void> {
    const due = this.decisionDue(r);
    for (const member of await this.kernteamMembers()) {
      await planJob(this.deps.store.jobs, 'exception-decision-due', {
        id: `decision-due:${r.id}:${member}`,
        payload: { requestId: r.id, staffId: member },
        dueAt: zonedTime(due, this.school.protocol.reminderTime, this.school.timeZone),
      });
    }
  }

  /** A missed review is flagged; the exception stays active. */
  overdue(r: ExceptionRequest): boolean {
    return r.status === 'granted' && r.reviewDue !== null && r.reviewDue < dayIn(this.school.timeZone, this.deps.clock.now());
  }
}
