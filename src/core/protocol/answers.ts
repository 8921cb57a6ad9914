import type { MessageKey } from '../i18n/index.js';
import type { Locale } from '../i18n/index.js';
import type { AskingStep } from './schema.js';

/** An answer as kept in the dialog: the value the core works with and the text shown back to people. */
export interface Answer {
  value: string | string[] | boolean;
  display: string;
}

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
}

export type ParseResult =
  | { ok: true; answer: Answer | null }
  | { ok: false; error: MessageKey; params?: Record<string, string | number> };

const SKIP_WORDS = new Set(['-', 'overslaan', 'skip', 'geen', 'none']);
const YES = new Set(['ja', 'j', 'yes', 'y', 'true']);
const NO = new Set(['nee', 'n', 'no', 'false']);

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
      const word = text.toLowerCase();
      if (YES.has(word)) return { ok: true, answer: { value: true, display: ctx.locale === 'nl' ? 'ja' : 'yes' } };
      if (NO.has(word)) return { ok: true, answer: { value: false, display: ctx.locale === 'nl' ? 'nee' : 'no' } };
      return { ok: false, error: 'answer.yesno.invalid' };
    }
    case 'date': {
      const iso = parseDate(text, ctx.today);
      if (!iso) return { ok: false, error: 'answer.date.invalid', params: { example: formatDate(ctx.today, ctx.locale) } };
      if (step.notBefore === 'today' && iso < ctx.today) return { ok: false, error: 'answer.date.past' };
      if (step.notAfter === 'today' && iso > ctx.today) return { ok: false, error: 'answer.date.future' };
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

function findOption(options: Option[], token: string): Option | undefined {
  if (/^\d{1,3}$/.test(token)) return options[Number(token) - 1];
  const lower = token.toLowerCase();
  return options.find((o) => o.value.toLowerCase() === lower || o.label.toLowerCase() === lower);
}

/** Accepts dd-mm-yyyy (also with / or .), yyyy-mm-dd, and today/tomorrow in both languages. */
export function parseDate(text: string, today: string): string | null {
  const word = text.toLowerCase();
  if (word === 'vandaag' || word === 'today') return today;
  if (word === 'morgen' || word === 'tomorrow') return addDays(today, 1);
  let y: number, m: number, d: number;
  const dutch = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(text);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (dutch) [d, m, y] = [Number(dutch[1]), Number(dutch[2]), Number(dutch[3])];
  else if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else return null;
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
