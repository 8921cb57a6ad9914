/** Calendar dates in a school's time zone. Dates are `YYYY-MM-DD`, times `HH:MM`, instants epoch ms. */

// Building an Intl.DateTimeFormat costs far more than using one: one per time zone and purpose.
const dayFormats = new Map<string, Intl.DateTimeFormat>();
const partFormats = new Map<string, Intl.DateTimeFormat>();

/** The last date computed, by zone and minute: a turn asks for today's date, and formatting it is slow. */
let lastDay = { timeZone: '', minute: Number.NaN, day: '' };

/** The calendar date of an instant in a time zone. */
export function dayIn(timeZone: string, at: number): string {
  // Today's zone offsets are whole minutes, so a date changes only on a whole minute.
  const minute = Math.floor(at / 60_000);
  if (lastDay.minute === minute && lastDay.timeZone === timeZone) return lastDay.day;
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  const day = format.format(at);
  lastDay = { timeZone, minute, day };
  return day;
}

/** The instant at which a wall-clock time on a date occurs in a time zone (DST-aware). */
export function zonedTime(date: string, time: string, timeZone: string): number {
  const wall = Date.parse(`${date}T${time}:00Z`);
  // Correct the guess by the zone's offset at that moment; twice covers a DST change in between.
  let at = wall;
  for (let i = 0; i < 2; i++) at = wall - offsetAt(at, timeZone);
  return at;
}

function offsetAt(at: number, timeZone: string): number {
  let format = partFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partFormats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!);
  return asUtc - (at - (at % 1000));
}
