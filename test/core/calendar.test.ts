import { describe, expect, it } from 'vitest';
import { nextAllowed, type SendingHours } from '../../src/core/reminders/calendar.js';

const hours: SendingHours = {
  timeZone: 'Europe/Amsterdam',
  start: '08:00',
  end: '17:00',
  days: [1, 2, 3, 4, 5],
  holidays: [{ from: '2026-12-21', to: '2027-01-01' }],
};
const at = (iso: string) => Date.parse(iso);

describe('sending hours', () => {
  it('sends during school hours at once', () => {
    expect(nextAllowed(at('2026-11-26T10:00:00+01:00'), hours)).toBe(at('2026-11-26T10:00:00+01:00'));
  });

  it('waits for 08:00 in the morning and for the next school day in the evening', () => {
    expect(nextAllowed(at('2026-11-26T06:30:00+01:00'), hours)).toBe(at('2026-11-26T08:00:00+01:00'));
    expect(nextAllowed(at('2026-11-26T17:00:00+01:00'), hours)).toBe(at('2026-11-27T08:00:00+01:00'));
  });

  it('skips the weekend', () => {
    expect(nextAllowed(at('2026-11-28T11:00:00+01:00'), hours)).toBe(at('2026-11-30T08:00:00+01:00'));
  });

  it('skips the Christmas holiday', () => {
    expect(nextAllowed(at('2026-12-21T09:00:00+01:00'), hours)).toBe(at('2027-01-04T08:00:00+01:00'));
  });

  it('keeps to Amsterdam time across the change to summer time', () => {
    // Sunday 29 March 2026 the clocks go forward; Monday 08:00 is 06:00 UTC.
    expect(new Date(nextAllowed(at('2026-03-28T12:00:00Z'), hours)).toISOString()).toBe('2026-03-30T06:00:00.000Z');
  });
});
