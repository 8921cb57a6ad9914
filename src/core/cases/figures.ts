import type { Locale } from '../i18n/index.js';
import { schoolYearOf } from '../exceptions/figures.js';
import type { SchoolFile } from '../people/school.js';
import { dayIn } from '../kernel/time.js';
import { BULLYING_FORMS, type BullyingCase } from './model.js';
import { decidedByDirectie, involvesDirectie } from './ladder.js';

/**
 * The bullying figures the school evaluates every year (the protocol's "monitoring, evaluation"):
 * per school year, in total and per year group, class and form of bullying, how many cases, how far
 * they went and how they ended. Counts only: no student references, no notes.
 */
export interface CaseCounts {
  cases: number;
  /** Cases with more than one report (the protocol's repetition). */
  repetition: number;
  /** Furthest stage reached: still with the mentor, reached the CLZ, reached directie. */
  reachedMentorOnly: number;
  reachedClz: number;
  reachedDirectie: number;
  /** Measures applied or decided (proposals not decided are not counted). */
  measures: number;
  /** Outcome: a check after an agreement found the bullying stopped; closed; still open. */
  stopped: number;
  closed: number;
  open: number;
}

export interface CaseFigureRow {
  schoolYear: string;
  /** `totaal`, `leerjaar 1`, `klas 1A`, `vorm lichamelijk`. */
  group: string;
  counts: CaseCounts;
}

export interface CaseFigures {
  schoolYear: string;
  rows: CaseFigureRow[];
}

export const CASE_COUNT_NAMES: ReadonlyArray<keyof CaseCounts> = [
  'cases',
  'repetition',
  'reachedMentorOnly',
  'reachedClz',
  'reachedDirectie',
  'measures',
  'stopped',
  'closed',
  'open',
];

export function computeCaseFigures(cases: readonly BullyingCase[], school: SchoolFile, now: number): CaseFigures {
  const yearOf = (c: BullyingCase) => schoolYearOf(dayIn(school.timeZone, c.createdAt));
  const years = [...new Set(cases.map(yearOf))].sort().reverse();
  const yearGroupOf = (c: BullyingCase) => school.classes.find((k) => k.id === c.classId)?.yearGroup;
  const rows: CaseFigureRow[] = [];
  for (const schoolYear of years) {
    const inYear = cases.filter((c) => yearOf(c) === schoolYear);
    rows.push({ schoolYear, group: 'totaal', counts: count(inYear) });
    for (const yg of [...new Set(inYear.map(yearGroupOf))].filter((v): v is number => v !== undefined).sort((a, b) => a - b)) {
      rows.push({ schoolYear, group: `leerjaar ${yg}`, counts: count(inYear.filter((c) => yearGroupOf(c) === yg)) });
    }
    for (const cls of [...new Set(inYear.map((c) => c.classId))].sort()) {
      rows.push({ schoolYear, group: `klas ${cls}`, counts: count(inYear.filter((c) => c.classId === cls)) });
    }
    for (const form of BULLYING_FORMS) {
      const withForm = inYear.filter((c) => c.signals.some((s) => s.forms.includes(form)));
      if (withForm.length) rows.push({ schoolYear, group: `vorm ${form}`, counts: count(withForm) });
    }
  }
  return { schoolYear: schoolYearOf(dayIn(school.timeZone, now)), rows };
}

function reached(c: BullyingCase): 'mentor' | 'clz' | 'directie' {
  // The directie was involved (MT/directie) or decided (suspension, expulsion); the school's own rungs are the one working the case's.
  const measureByManagement = c.sanctions.some((s) => (involvesDirectie(s.rung) || decidedByDirectie(s.rung)) && (s.status ?? 'applied') !== 'proposed' && s.status !== 'declined');
  if (c.stage === 'directie' || measureByManagement) return 'directie';
  if (c.stage === 'clz' || c.escalations.length > 0) return 'clz';
  return 'mentor';
}

function stopped(c: BullyingCase): boolean {
  return c.steps.some((s) => s.kind === 'controle-afspraak' && (s.notes.gestopt === 'ja' || /^(het pesten is gestopt|the bullying has stopped)$/i.test(s.outcome)));
}

function count(cases: readonly BullyingCase[]): CaseCounts {
  return {
    cases: cases.length,
    repetition: cases.filter((c) => c.signals.length > 1).length,
    reachedMentorOnly: cases.filter((c) => reached(c) === 'mentor').length,
    reachedClz: cases.filter((c) => reached(c) === 'clz').length,
    reachedDirectie: cases.filter((c) => reached(c) === 'directie').length,
    measures: cases.reduce((n, c) => n + c.sanctions.filter((s) => (s.status ?? 'applied') === 'applied' || s.status === 'decided').length, 0),
    stopped: cases.filter(stopped).length,
    closed: cases.filter((c) => c.status === 'closed').length,
    open: cases.filter((c) => c.status === 'open').length,
  };
}

const HEADERS: Record<Locale, Record<keyof CaseCounts | 'year' | 'group', string>> = {
  nl: {
    year: 'schooljaar',
    group: 'groep',
    cases: 'zaken',
    repetition: 'herhaling',
    reachedMentorOnly: 'bleef bij mentor',
    reachedClz: 'bereikte CLZ',
    reachedDirectie: 'bereikte directie',
    measures: 'maatregelen',
    stopped: 'gestopt na controle',
    closed: 'gesloten',
    open: 'open',
  },
  en: {
    year: 'school year',
    group: 'group',
    cases: 'cases',
    repetition: 'repetition',
    reachedMentorOnly: 'stayed with mentor',
    reachedClz: 'reached CLZ',
    reachedDirectie: 'reached directie',
    measures: 'measures',
    stopped: 'stopped after check',
    closed: 'closed',
    open: 'open',
  },
};

/** The figures as CSV (semicolon-separated, as Dutch spreadsheets expect). */
export function caseFiguresCsv(f: CaseFigures, locale: Locale): string {
  const h = HEADERS[locale];
  const rows = [[h.year, h.group, ...CASE_COUNT_NAMES.map((n) => h[n])]];
  for (const r of f.rows) rows.push([r.schoolYear, r.group, ...CASE_COUNT_NAMES.map((n) => String(r.counts[n]))]);
  return `${rows.map((r) => r.join(';')).join('\r\n')}\r\n`;
}
