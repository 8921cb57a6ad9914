import type { SchoolFile } from '../people/school.js';
import { dayIn } from '../kernel/time.js';
import type { ExceptionRequest } from './model.js';

/** The counts the school analyses yearly; no student references. */
export interface Counts {
  requests: number;
  granted: number;
  rejected: number;
  suspensions: number;
  revocations: number;
  active: number;
}

export interface Figures {
  schoolYear: string;
  previousYear: string;
  total: Counts;
  previous: Counts;
  byYearGroup: Array<{ yearGroup: number; counts: Counts }>;
  bySubject: Array<{ subject: string; counts: Counts }>;
}

/** The school year (starting 1 August) a date falls in, as "2026-2027". */
export function schoolYearOf(isoDate: string): string {
  const [y, m] = isoDate.split('-').map(Number) as [number, number];
  const start = m >= 8 ? y : y - 1;
  return `${start}-${start + 1}`;
}

/** Counts per school year, year group and subject, from the stored requests (drafts left out). */
export function computeFigures(requests: readonly ExceptionRequest[], school: SchoolFile, now: number): Figures {
  const year = (r: ExceptionRequest) => schoolYearOf(dayIn(school.timeZone, r.submittedAt ?? r.createdAt));
  const schoolYear = schoolYearOf(dayIn(school.timeZone, now));
  const start = Number(schoolYear.slice(0, 4));
  const previousYear = `${start - 1}-${start}`;
  const submitted = requests.filter((r) => r.status !== 'draft');
  const thisYear = submitted.filter((r) => year(r) === schoolYear);
  const lastYear = submitted.filter((r) => year(r) === previousYear);

  const subjectsOf = (r: ExceptionRequest) => subjectsInScope(r, school).map((t) => t.subject);

  const yearGroups = [...new Set(thisYear.map((r) => r.yearGroup))].sort((a, b) => a - b);
  const subjects = [...new Set(thisYear.flatMap(subjectsOf))].sort((a, b) => a.localeCompare(b, 'nl'));
  return {
    schoolYear,
    previousYear,
    total: count(thisYear),
    previous: count(lastYear),
    byYearGroup: yearGroups.map((yearGroup) => ({ yearGroup, counts: count(thisYear.filter((r) => r.yearGroup === yearGroup)) })),
    bySubject: subjects.map((subject) => ({ subject, counts: count(thisYear.filter((r) => subjectsOf(r).includes(subject))) })),
  };
}

/**
 * The class's subjects (with their teachers) an exception covers: those named in "which subjects or
 * times", or all of them for "alle lessen" / "all lessons" or when no subject is named.
 */
export function subjectsInScope(r: ExceptionRequest, school: SchoolFile): Array<{ staff: string; subject: string }> {
  const teachers = school.classes.find((c) => c.id === r.classId)?.teachers ?? [];
  if (r.subjects) {
    if (r.subjects.length === 0 || r.subjects.includes('alle')) return teachers;
    return teachers.filter((t) => r.subjects!.includes(t.subject));
  }
  const when = r.when.toLowerCase();
  const named = teachers.filter((t) => when.includes(t.subject.toLowerCase()));
  if (!when || /\balle\b|\ball\b/.test(when) || named.length === 0) return teachers;
  return named;
}

function count(requests: readonly ExceptionRequest[]): Counts {
  return {
    requests: requests.length,
    granted: requests.filter((r) => r.decision?.outcome === 'granted').length,
    rejected: requests.filter((r) => r.decision?.outcome === 'rejected').length,
    suspensions: requests.reduce((n, r) => n + r.misuse.filter((m) => m.kind === 'suspend').length, 0),
    revocations: requests.filter((r) => r.status === 'revoked').length,
    active: requests.filter((r) => r.status === 'granted' || r.status === 'suspended').length,
  };
}

export const COUNT_NAMES: ReadonlyArray<keyof Counts> = ['requests', 'granted', 'rejected', 'suspensions', 'revocations', 'active'];

/** The figures as CSV (semicolon-separated, as Dutch spreadsheets expect). */
export function figuresCsv(f: Figures, header: Record<keyof Counts | 'group' | 'year', string>): string {
  const rows = [[header.year, header.group, ...COUNT_NAMES.map((n) => header[n])]];
  const line = (group: string, c: Counts, year = f.schoolYear) => [year, group, ...COUNT_NAMES.map((n) => String(c[n]))];
  rows.push(line('totaal', f.total));
  rows.push(line('totaal', f.previous, f.previousYear));
  for (const g of f.byYearGroup) rows.push(line(`leerjaar ${g.yearGroup}`, g.counts));
  for (const s of f.bySubject) rows.push(line(s.subject, s.counts));
  return `${rows.map((r) => r.map(csvCell).join(';')).join('\r\n')}\r\n`;
}

function csvCell(value: string): string {
  // Quote, and defuse cells a spreadsheet would read as a formula.
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[;"\r\n]/.test(safe) || safe !== value ? `"${safe.replace(/"/g, '""')}"` : safe;
}
