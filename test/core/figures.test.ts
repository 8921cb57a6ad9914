import { describe, expect, it } from 'vitest';
import { computeFigures, figuresCsv, schoolYearOf } from '../../src/core/exceptions/figures.js';
import type { ExceptionRequest } from '../../src/core/exceptions/model.js';
import { loadSchoolFile } from '../../src/core/people/school.js';

const school = loadSchoolFile('schools/demo.yaml');

function request(over: Partial<ExceptionRequest>): ExceptionRequest {
  return {
    id: 'r', version: 1, schoolId: 'demo', studentRef: 'L1001', classId: '1A', yearGroup: 1, requesterStaffId: 'm.devries',
    status: 'submitted', createdAt: 0, updatedAt: 0, submittedAt: Date.parse('2026-10-01T10:00:00Z'), ground: 'medisch',
    purpose: 'medische-app', purposeDetail: '', documents: {}, documentsLocation: '', studentWords: '', scope: 'lessen',
    when: 'alle lessen', apps: '', kind: 'structureel', votes: [], decision: null, reviewDue: null, reviews: [], misuse: [],
    ...over,
  };
}

describe('exception figures', () => {
  it('starts the school year on 1 August', () => {
    expect(schoolYearOf('2026-07-31')).toBe('2025-2026');
    expect(schoolYearOf('2026-08-01')).toBe('2026-2027');
  });

  it('compares this school year with the last one and leaves drafts out', () => {
    const now = Date.parse('2026-11-26T12:00:00Z');
    const f = computeFigures(
      [
        request({ id: 'a', status: 'granted', decision: { outcome: 'granted', at: 0, decidedBy: 'rule', motivation: '' } }),
        request({ id: 'b', status: 'revoked', misuse: [{ at: 0, byStaffId: 'x', kind: 'suspend', note: 'n' }] }),
        request({ id: 'c', submittedAt: Date.parse('2026-03-01T10:00:00Z'), status: 'rejected', decision: { outcome: 'rejected', at: 0, decidedBy: 'rule', motivation: '' } }),
        request({ id: 'd', status: 'draft', submittedAt: null }),
      ],
      school,
      now,
    );
    expect(f.schoolYear).toBe('2026-2027');
    expect(f.total).toEqual({ requests: 2, granted: 1, rejected: 0, suspensions: 1, revocations: 1, active: 1 });
    expect(f.previous).toEqual({ requests: 1, granted: 0, rejected: 1, suspensions: 0, revocations: 0, active: 0 });
    expect(f.bySubject.map((s) => s.subject)).toEqual(['Engels', 'lichamelijke opvoeding', 'Nederlands', 'wiskunde']);
  });

  it('writes CSV that a spreadsheet will not run as a formula', () => {
    const f = computeFigures([request({ when: '=cmd' })], school, Date.parse('2026-11-26T12:00:00Z'));
    f.bySubject.push({ subject: '=HYPERLINK("x")', counts: f.total });
    const header = { year: 'jaar', group: 'groep', requests: 'a', granted: 'b', rejected: 'c', suspensions: 'd', revocations: 'e', active: 'f' };
    const csv = figuresCsv(f, header);
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
    expect(csv.split('\r\n')[0]).toBe('jaar;groep;a;b;c;d;e;f');
  });
});
