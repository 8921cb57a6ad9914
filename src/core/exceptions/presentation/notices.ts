/**
 * The texts queued for others outside the kernteam, in the school's language: the teachers' discreet
 * signal and what changes for them, the notice of a signal of misuse, the start-of-year agenda note and
 * the note on reminders a recorded review settles.
 */
import { translator } from '../../i18n/index.js';
import { formatDate } from '../../protocol/answers.js';
import { dayIn } from '../../kernel/time.js';
import { quoted } from '../../text/record-text.js';
import type { ExceptionCore } from '../context.js';
import type { ExceptionRequest } from '../model.js';
import { contacts, functionalText } from './words.js';

/** What changed for the teachers: the exception is paused, applies again, or ended. */
export type TeacherChange = 'paused' | 'resumed' | 'ended';

/** The discreet signal's text: the functional facts, then how to respond in class. */
export function teacherSignal(x: ExceptionCore, r: ExceptionRequest): string {
  const t = translator(x.school.locale);
  return `${functionalText(x, r, t, x.school.locale)}\n\n${t('exception.signal.howTo')}`;
}

/** For the old class's teachers after a class change: it no longer applies in their lessons. */
export function leftClassNotice(x: ExceptionCore, r: ExceptionRequest): string {
  return translator(x.school.locale)('exception.signal.leftClass', { student: r.studentRef });
}

/** For the teachers: the exception is paused, applies again, or ended; never why. */
export function teacherNotice(x: ExceptionCore, r: ExceptionRequest, change: TeacherChange): string {
  const t = translator(x.school.locale);
  return t(`exception.signal.${change}`, { student: r.studentRef, contact: contacts(x, r, t) });
}

/** For the mentor and the zorgcoördinator: a teacher's signal of possible misuse, with the note as typed. */
export function misuseNotice(x: ExceptionCore, r: ExceptionRequest, reporterStaffId: string, note: string): string {
  return translator(x.school.locale)('exception.misuse.notify', { student: r.studentRef, reporter: x.nameOf(reporterStaffId), note: quoted(note) });
}

/** For the mentor at the start of the school year: put the review on the development conversation's agenda. */
export function schoolYearNotice(x: ExceptionCore, r: ExceptionRequest, reviewDue: string): string {
  return translator(x.school.locale)('exception.schoolYear.agenda', { student: r.studentRef, date: formatDate(reviewDue, x.school.locale) });
}

/** The line a reminder of a review gets when the review is recorded (its buttons go). */
export function reviewSettledNote(x: ExceptionCore, at: number): string {
  return translator(x.school.locale)('reminder.settled.review', { date: formatDate(dayIn(x.school.timeZone, at), x.school.locale) });
}
