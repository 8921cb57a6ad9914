import { describe, expect, it } from 'vitest';
import { translator } from '../../src/core/i18n/index.js';
import { parseAnswer, type AnswerContext, type ParseResult } from '../../src/core/protocol/answers.js';
import { loadFlows } from '../../src/core/protocol/loader.js';
import type { AskingStep } from '../../src/core/protocol/schema.js';
import { isSchoolDay, schoolHours } from '../../src/core/reminders/calendar.js';
import { shippedReferences } from '../helpers/shipped.js';

const { flows } = loadFlows('dialogs', shippedReferences());
const stepOf = (flowId: string, stepId: string) => flows.get(flowId)!.steps[stepId] as AskingStep;

/** A school open Monday to Friday, with a Christmas holiday from 21 December 2026 to 1 January 2027. */
const hours = schoolHours({
  timeZone: 'Europe/Amsterdam',
  reminders: { start: '08:00', end: '17:00', days: [1, 2, 3, 4, 5], holidays: [{ from: '2026-12-21', to: '2027-01-01' }] },
});

function ctx(today: string, locale: 'nl' | 'en' = 'nl'): AnswerContext {
  return {
    locale,
    today,
    findStudent: () => null,
    studentExample: 'L1001',
    staffOptions: () => [],
    sources: {},
    schoolDay: (day) => isSchoolDay(day, hours),
  };
}

function said(result: ParseResult, locale: 'nl' | 'en' = 'nl'): string {
  return result.ok ? `ok: ${JSON.stringify(result.answer)}` : translator(locale)(result.error, result.params);
}

describe('dates on which something happens at school', () => {
  const checkDate = stepOf('afspraken', 'datum');
  const talkDate = stepOf('evaluatie', 'gesprek');

  it('marks the agreement\'s check date and the review conversation as school days in the dialog files', () => {
    expect(checkDate).toMatchObject({ type: 'date', schoolDay: true });
    expect(talkDate).toMatchObject({ type: 'date', schoolDay: true });
  });

  it('asks again for a weekend or holiday date, naming the school days on either side', () => {
    // Wednesday 2 December 2026.
    const today = ctx('2026-12-02');
    expect(said(parseAnswer(checkDate, '17-01-2027', today, []))).toBe(
      'Op zondag 17-01-2027 is er geen school. Kies een schooldag, bijvoorbeeld vrijdag 15-01-2027 of maandag 18-01-2027.',
    );
    expect(said(parseAnswer(checkDate, 'zaterdag', today, []))).toBe(
      'Op zaterdag 05-12-2026 is er geen school. Kies een schooldag, bijvoorbeeld vrijdag 04-12-2026 of maandag 07-12-2026.',
    );
    expect(said(parseAnswer(talkDate, '23-12-2026', today, []))).toBe(
      'Op woensdag 23-12-2026 is er geen school. Kies een schooldag, bijvoorbeeld vrijdag 18-12-2026 of maandag 04-01-2027.',
    );
    expect(said(parseAnswer(checkDate, '2027-01-17', ctx('2026-12-02', 'en'), []), 'en')).toBe(
      'There is no school on Sunday 17/01/2027. Pick a school day, for example Friday 15/01/2027 or Monday 18/01/2027.',
    );
  });

  it('offers only the school day after when the one before has passed', () => {
    // Saturday 5 December 2026: "today" is no school day, and Friday lies behind.
    expect(said(parseAnswer(checkDate, 'vandaag', ctx('2026-12-05'), []))).toBe(
      'Op zaterdag 05-12-2026 is er geen school. Kies een schooldag, bijvoorbeeld maandag 07-12-2026.',
    );
  });

  it('takes a school day, and any day for a date question that is not about school (when it happened)', () => {
    expect(parseAnswer(checkDate, '15-01-2027', ctx('2026-12-02'), [])).toEqual({ ok: true, answer: { value: '2027-01-15', display: '15-01-2027' } });
    const incident = stepOf('pesten-melden', 'datum');
    expect(parseAnswer(incident, 'zondag', ctx('2026-12-02'), [])).toEqual({ ok: true, answer: { value: '2026-11-29', display: '29-11-2026' } });
  });
});
