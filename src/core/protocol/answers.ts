import { z } from 'zod';
import type { MessageKey } from '../i18n/index.js';
import type { Locale } from '../i18n/index.js';
import type { AskingStep } from './schema.js';

/** An answer as kept in the dialog: the value the core works with and the text shown back to people. */
export const answerSchema = z.object({
  value: z.union([z.string(), z.array(z.string()), z.boolean()]),
  display: z.string(),
  /**
   * Set when someone else gave this answer and the person has not yet confirmed it (e.g. "van de
   * ouders" for what the parents sent with the form link): the question is still asked, showing it,
   * and "ok" keeps it. Already in the person's language.
   */
  from: z.string().optional(),
});
export type Answer = z.infer<typeof answerSchema>;

export interface Option {
  value: string;
  label: string;
}

/** What answer parsing may consult; supplied by the application, read-only. */
export interface AnswerContext {
  locale: Locale;
  /** Today in the school's time zone, `YYYY-MM-DD`. */
  today: string;
  findStudent(text: string): { ref: string; display: string } | null;
  /** An example student number for messages. */
  studentExample: string;
  staffOptions(): Option[];
  /**
   * Per-person option lists for `pick` steps, loaded by the application: by source name, or
   * `source:value` for a step that is `about` an answer (e.g. `caseBullies:case-1`).
   */
  sources: Partial<Record<string, Option[]>>;
  /**
   * Whether the school is open on a day (YYYY-MM-DD): a school day of the school file, outside its
   * holidays. Consulted by date questions marked `schoolDay`; without it every day counts.
   */
  schoolDay?: (day: string) => boolean;
}

export type ParseResult =
  | { ok: true; answer: Answer | null }
  | { ok: false; error: MessageKey; params?: Record<string, string | number> };

const SKIP_WORDS = new Set(['-', 'overslaan', 'skip', 'geen', 'none']);
const YES = new Set(['ja', 'j', 'yes', 'y', 'true']);
const NO = new Set(['nee', 'n', 'no', 'false']);
/**
 * A yes/no question is shown with two options, yes first (engine.ts, `questionFor`), and in a text
 * channel numbered "1. Ja", "2. Nee": the numbers (and the numbered lines) are answers too.
 */
const YES_NO_OPTIONS: Record<Locale, Option[]> = {
  nl: [
    { value: 'ja', label: 'ja' },
    { value: 'nee', label: 'nee' },
  ],
  en: [
    { value: 'ja', label: 'yes' },
    { value: 'nee', label: 'no' },
  ],
};

/**
 * Turns typed text or a card value into an answer for the step, or says what is expected.
 * `options` are the ones the person was shown (choice and staff steps).
 */
export function parseAnswer(step: AskingStep, raw: string, ctx: AnswerContext, options: Option[]): ParseResult {
  const text = raw.trim();
  switch (step.type) {
    case 'text': {
      if (step.optional && SKIP_WORDS.has(text.toLowerCase())) return { ok: true, answer: null };
      if (text.length < step.minLength) return { ok: false, error: 'answer.text.tooShort', params: { min: step.minLength } };
      if (text.length > step.maxLength) {
        return { ok: false, error: 'answer.text.tooLong', params: { length: text.length, max: step.maxLength } };
      }
      return { ok: true, answer: { value: text, display: text } };
    }
    case 'choice':
      return pickOptions(options, text, step.multiple, 'answer.choice.invalid');
    case 'staff':
      return pickOptions(options, text, false, 'answer.staff.invalid');
    case 'yesno': {
      const word = normalized(text);
      const numbered = /^\d/.test(word) ? findOption(YES_NO_OPTIONS[ctx.locale], word)?.value : undefined;
      if (YES.has(word) || numbered === 'ja') return { ok: true, answer: { value: true, display: ctx.locale === 'nl' ? 'ja' : 'yes' } };
      if (NO.has(word) || numbered === 'nee') return { ok: true, answer: { value: false, display: ctx.locale === 'nl' ? 'nee' : 'no' } };
      return { ok: false, error: 'answer.yesno.invalid' };
    }
    case 'date': {
      // A weekday or a day without a year means the last one for a date that may not lie ahead, the
      // next one for a date that may not lie behind.
      const direction = step.notAfter === 'today' ? 'past' : 'future';
      const iso = parseDate(text, ctx.today, direction);
      if (!iso) {
        const example = formatDate(addDays(ctx.today, direction === 'past' ? -1 : 7), ctx.locale);
        return { ok: false, error: direction === 'past' ? 'answer.date.invalidPast' : 'answer.date.invalidFuture', params: { example } };
      }
      if (step.notBefore === 'today' && iso < ctx.today) return { ok: false, error: 'answer.date.past' };
      if (step.notAfter === 'today' && iso > ctx.today) return { ok: false, error: 'answer.date.future' };
      const closed = step.schoolDay && ctx.schoolDay && !ctx.schoolDay(iso) ? notSchoolDay(iso, step.notBefore === 'today', ctx, ctx.schoolDay) : null;
      if (closed) return closed;
      return { ok: true, answer: { value: iso, display: formatDate(iso, ctx.locale) } };
    }
    case 'student': {
      const tokens = step.multiple ? text.split(/[,;\s]+/).filter(Boolean) : [text];
      const found: Array<{ ref: string; display: string }> = [];
      for (const token of tokens) {
        const student = token ? ctx.findStudent(token) : null;
        if (!student) {
          return { ok: false, error: 'answer.student.invalid', params: { given: token.slice(0, 20), example: ctx.studentExample } };
        }
        if (!found.some((f) => f.ref === student.ref)) found.push(student);
      }
      if (found.length === 0) {
        return { ok: false, error: 'answer.student.invalid', params: { given: '', example: ctx.studentExample } };
      }
      if (!step.multiple) return { ok: true, answer: { value: found[0]!.ref, display: found[0]!.display } };
      return { ok: true, answer: { value: found.map((f) => f.ref), display: found.map((f) => f.display).join(', ') } };
    }
    case 'pick':
      return pickOptions(options, text, step.multiple, 'answer.pick.invalid');
  }
}

function pickOptions(options: Option[], text: string, multiple: boolean, error: MessageKey): ParseResult {
  const tokens = multiple ? text.split(',').map((t) => t.trim()).filter(Boolean) : [text];
  if (tokens.length === 0) return { ok: false, error };
  const picked: Option[] = [];
  for (const token of tokens) {
    const option = findOption(options, token);
    if (!option) return { ok: false, error };
    if (!picked.includes(option)) picked.push(option);
  }
  if (!multiple) return { ok: true, answer: { value: picked[0]!.value, display: picked[0]!.label } };
  return { ok: true, answer: { value: picked.map((o) => o.value), display: picked.map((o) => o.label).join(', ') } };
}

/**
 * The option a typed token means: its number as shown ("1"), its label or value as typed, in any case
 * and without the spaces and punctuation around it ("Ja.", " per mail "), or both as a line of the
 * numbered list reads ("1. Ja", when the number and the label agree).
 */
function findOption(options: Option[], token: string): Option | undefined {
  const typed = normalized(token);
  if (!typed) return undefined;
  if (/^\d{1,3}$/.test(typed)) return options[Number(typed) - 1];
  const named = options.find((o) => normalized(o.value) === typed || normalized(o.label) === typed);
  if (named) return named;
  const line = /^(\d{1,3})\s*[.):-]?\s+(.+)$/.exec(typed);
  const option = line ? options[Number(line[1]) - 1] : undefined;
  const label = line ? normalized(line[2]!) : '';
  return option && (normalized(option.label) === label || normalized(option.value) === label) ? option : undefined;
}

/** Lower case, single spaces, without spaces or punctuation at either end: how typed words are compared. */
function normalized(text: string): string {
  return text
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu, '');
}

const WEEKDAY_NAMES: Record<Locale, readonly string[]> = {
  nl: ['zondag', 'maandag', 'dinsdag', 'woensdag', 'donderdag', 'vrijdag', 'zaterdag'],
  en: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
};

/** A date with its weekday, as in "zondag 17-01-2027". */
function withWeekday(iso: string, locale: Locale): string {
  return `${WEEKDAY_NAMES[locale][new Date(`${iso}T12:00:00Z`).getUTCDay()]} ${formatDate(iso, locale)}`;
}

/**
 * A date on which the school is closed, for a question that needs a school day: asked again, with the
 * school days on either side (the one before only when it is not in the past for a date that may not
 * be). Null (the date is taken) when the calendar has no school day near it at all.
 */
function notSchoolDay(iso: string, notBeforeToday: boolean, ctx: AnswerContext, open: (day: string) => boolean): ParseResult | null {
  const nearest = (step: number): string | null => {
    let day = iso;
    for (let i = 0; i < 400; i++) {
      day = addDays(day, step);
      if (open(day)) return day;
    }
    return null;
  };
  const before = nearest(-1);
  const after = nearest(1);
  const date = withWeekday(iso, ctx.locale);
  if (before && after && !(notBeforeToday && before < ctx.today)) {
    return { ok: false, error: 'answer.date.notSchoolDay', params: { date, before: withWeekday(before, ctx.locale), after: withWeekday(after, ctx.locale) } };
  }
  const only = after ?? before;
  if (!only) return null;
  return { ok: false, error: 'answer.date.notSchoolDayOne', params: { date, day: withWeekday(only, ctx.locale) } };
}

const WEEKDAYS: Record<string, number> = {
  maandag: 1, dinsdag: 2, woensdag: 3, donderdag: 4, vrijdag: 5, zaterdag: 6, zondag: 7,
  ma: 1, di: 2, wo: 3, do: 4, vr: 5, za: 6, zo: 7,
  monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6, sunday: 7,
};
const MONTHS: Record<string, number> = {
  jan: 1, januari: 1, january: 1, feb: 2, februari: 2, february: 2, mrt: 3, maart: 3, mar: 3, march: 3,
  apr: 4, april: 4, mei: 5, may: 5, jun: 6, juni: 6, june: 6, jul: 7, juli: 7, july: 7, aug: 8, augustus: 8, august: 8,
  sep: 9, sept: 9, september: 9, okt: 10, oktober: 10, oct: 10, october: 10, nov: 11, november: 11, dec: 12, december: 12,
};
const RELATIVE: Record<string, number> = {
  vandaag: 0, today: 0, gisteren: -1, yesterday: -1, eergisteren: -2, morgen: 1, tomorrow: 1, overmorgen: 2,
};

/**
 * Accepts dd-mm-yyyy (also with / or .), yyyy-mm-dd, today/yesterday/tomorrow and the day before
 * yesterday in both languages, a weekday ("maandag": the last one for past dates, the next one for
 * future dates, today when it is that day), and a day and month without a year ("2 dec", "2-12"),
 * in the year that makes it past or future as the question needs.
 */
export function parseDate(text: string, today: string, direction: 'past' | 'future' = 'future'): string | null {
  const word = text.trim().toLowerCase().replace(/\.$/, '');
  if (word in RELATIVE) return addDays(today, RELATIVE[word]!);
  if (word in WEEKDAYS) {
    const todayIso = new Date(`${today}T12:00:00Z`).getUTCDay() || 7;
    const wanted = WEEKDAYS[word]!;
    const delta = direction === 'past' ? -((todayIso - wanted + 7) % 7) : (wanted - todayIso + 7) % 7;
    return addDays(today, delta);
  }
  const dutch = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(word);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(word);
  if (dutch) return validDate(Number(dutch[3]), Number(dutch[2]), Number(dutch[1]));
  if (iso) return validDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const dayMonth = /^(\d{1,2})[-/.](\d{1,2})$/.exec(word);
  const named = /^(\d{1,2})\s+([a-z]+)\.?$/.exec(word);
  const month = dayMonth ? Number(dayMonth[2]) : named ? MONTHS[named[2]!] : undefined;
  const day = Number((dayMonth ?? named)?.[1]);
  if (!month || !day) return null;
  const year = Number(today.slice(0, 4));
  const thisYear = validDate(year, month, day);
  if (!thisYear) return null;
  if (direction === 'past' && thisYear > today) return validDate(year - 1, month, day);
  if (direction === 'future' && thisYear < today) return validDate(year + 1, month, day);
  return thisYear;
}

function validDate(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

export function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export function formatDate(isoDate: string, locale: Locale): string {
  const [y, m, d] = isoDate.split('-');
  return locale === 'nl' ? `${d}-${m}-${y}` : `${d}/${m}/${y}`;
}
