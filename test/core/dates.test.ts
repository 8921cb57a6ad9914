import { describe, expect, it } from 'vitest';
import { parseDate } from '../../src/core/protocol/answers.js';

/** Dates as people type them, on Wednesday 2 December 2026. */
describe('dates people type', () => {
  const today = '2026-12-02';
  it.each([
    ['vandaag', 'past', '2026-12-02'],
    ['gisteren', 'past', '2026-12-01'],
    ['eergisteren', 'past', '2026-11-30'],
    ['Yesterday', 'past', '2026-12-01'],
    ['morgen', 'future', '2026-12-03'],
    ['maandag', 'past', '2026-11-30'],
    ['maandag', 'future', '2026-12-07'],
    ['woensdag', 'past', '2026-12-02'],
    ['woensdag', 'future', '2026-12-02'],
    ['vrijdag', 'past', '2026-11-27'],
    ['friday', 'future', '2026-12-04'],
    ['2 dec', 'past', '2026-12-02'],
    ['3 dec', 'past', '2025-12-03'],
    ['3 december', 'future', '2026-12-03'],
    ['1 dec.', 'future', '2027-12-01'],
    ['2-12', 'past', '2026-12-02'],
    ['15-1', 'future', '2027-01-15'],
    ['15/1', 'past', '2026-01-15'],
    ['31-12-2099', 'future', '2099-12-31'],
    ['2026-11-29', 'past', '2026-11-29'],
  ] as const)('"%s" (%s) is %s', (text, direction, expected) => {
    expect(parseDate(text, today, direction)).toBe(expected);
  });

  it.each(['31-2', '30 feb', 'gister', 'maandagochtend', '12-13-2026', ''])('"%s" is not a date', (text) => {
    expect(parseDate(text, today, 'past')).toBeNull();
  });
});
