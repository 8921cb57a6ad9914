import { addDays } from '../protocol/answers.js';
import { dayIn, zonedTime } from '../kernel/time.js';

/** When reminders may be sent: school days, working hours, outside holidays, in the school's zone. */
export interface SendingHours {
  timeZone: string;
  /** HH:MM */
  start: string;
  /** HH:MM */
  end: string;
  /** ISO weekdays on which to send: 1 = Monday … 7 = Sunday. */
  days: readonly number[];
  /** Inclusive date ranges (YYYY-MM-DD) without reminders. */
  holidays: ReadonlyArray<{ from: string; to: string }>;
}

/** The first moment at or after `at` when a reminder may go out. */
export function nextAllowed(at: number, hours: SendingHours): number {
  let day = dayIn(hours.timeZone, at);
  for (let i = 0; i < 400; i++) {
    if (isSchoolDay(day, hours)) {
      const open = zonedTime(day, hours.start, hours.timeZone);
      const close = zonedTime(day, hours.end, hours.timeZone);
      if (at < open) return open;
      if (at < close) return at;
    }
    day = addDays(day, 1);
    at = zonedTime(day, '00:00', hours.timeZone);
  }
  return at;
}

export function isAllowed(at: number, hours: SendingHours): boolean {
  return nextAllowed(at, hours) === at;
}

/** Whether the school is open on this day (YYYY-MM-DD): one of its school days, outside its holidays. */
export function isSchoolDay(day: string, hours: SendingHours): boolean {
  const weekday = new Date(`${day}T12:00:00Z`).getUTCDay() || 7;
  if (!hours.days.includes(weekday)) return false;
  return !hours.holidays.some((h) => day >= h.from && day <= h.to);
}

/** The school's sending hours from its school file. */
export function schoolHours(school: {
  timeZone: string;
  reminders: { start: string; end: string; days: readonly number[]; holidays: ReadonlyArray<{ from: string; to: string }> };
}): SendingHours {
  const r = school.reminders;
  return { timeZone: school.timeZone, start: r.start, end: r.end, days: r.days, holidays: r.holidays };
}

/** The last school day on or before `day` (a due date on a Sunday is reminded of on the Friday). */
export function schoolDayOnOrBefore(day: string, hours: SendingHours): string {
  for (let i = 0; i < 400 && !isSchoolDay(day, hours); i++) day = addDays(day, -1);
  return day;
}

/** The first school day on or after `day` (a date that must not come earlier, e.g. one already near). */
export function schoolDayOnOrAfter(day: string, hours: SendingHours): string {
  for (let i = 0; i < 400 && !isSchoolDay(day, hours); i++) day = addDays(day, 1);
  return day;
}

/** The school day `n` school days before `day` (0: `day` itself, or the school day before it). */
export function schoolDaysBefore(day: string, n: number, hours: SendingHours): string {
  let at = schoolDayOnOrBefore(day, hours);
  for (let i = 0; i < n; i++) at = schoolDayOnOrBefore(addDays(at, -1), hours);
  return at;
}

/** The school day `n` school days after `day`. */
export function schoolDaysAfter(day: string, n: number, hours: SendingHours): string {
  let at = day;
  for (let i = 0; i < n; i++) {
    at = addDays(at, 1);
    for (let guard = 0; guard < 400 && !isSchoolDay(at, hours); guard++) at = addDays(at, 1);
  }
  return at;
}
