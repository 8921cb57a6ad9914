import { addDays } from '../protocol/answers.js';
import { dayIn, zonedTime } from '../time.js';

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

function isSchoolDay(day: string, hours: SendingHours): boolean {
  const weekday = new Date(`${day}T12:00:00Z`).getUTCDay() || 7;
  if (!hours.days.includes(weekday)) return false;
  return !hours.holidays.some((h) => day >= h.from && day <= h.to);
}
