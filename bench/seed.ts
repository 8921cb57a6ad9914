import type { BullyingCase } from '../src/core/cases/model.js';
import type { ExceptionRequest } from '../src/core/exceptions/model.js';
import type { Store } from '../src/core/kernel/ports.js';
import { benchStaff, benchStudent, CLASSES } from './school.js';

const classOf = (n: number) => ({ id: `k${String(((n - 1) % CLASSES) + 1).padStart(3, '0')}`, yearGroup: ((n - 1) % CLASSES) % 6 + 1, mentor: benchStaff(51 + ((n - 1) % CLASSES)).id });

/** A submitted or granted exception request as the checklist leaves it. */
export function exceptionRecord(id: string, n: number, status: ExceptionRequest['status'], now: number, reviewDue: string | null): Omit<ExceptionRequest, 'version'> {
  const cls = classOf(n);
  return {
    id,
    schoolId: 'bench',
    studentRef: benchStudent(n),
    classId: cls.id,
    yearGroup: cls.yearGroup,
    requesterStaffId: cls.mentor,
    status,
    createdAt: now - 86_400_000,
    updatedAt: now,
    submittedAt: now - 86_400_000,
    ground: 'medisch',
    purpose: 'medische-app',
    purposeDetail: 'Glucosesensor stuurt waarden naar de telefoon',
    documents: { verwijsbrief: 'aanwezig', opp: 'nvt', diagnose: 'aanwezig', motivatie: 'volgt' },
    documentsLocation: 'dossier',
    studentWords: 'Ik moet het zien als mijn waarde zakt',
    scope: 'ook-toetsen',
    when: 'alle lessen',
    apps: 'glucose-app',
    kind: 'structureel',
    votes: [],
    decision: status === 'granted' ? { outcome: 'granted', at: now - 3_600_000, decidedBy: 'rule', motivation: 'akkoord / akkoord' } : null,
    reviewDue,
    reviews: [],
    misuse: [],
  };
}

export function caseRecord(id: string, n: number, now: number): Omit<BullyingCase, 'version'> {
  const cls = classOf(n);
  return {
    id,
    schoolId: 'bench',
    studentRef: benchStudent(n),
    classId: cls.id,
    studentsInvolved: [benchStudent(n), benchStudent(n + 1)],
    status: 'open',
    stage: 'mentor',
    ownerStaffId: cls.mentor,
    createdAt: now - 86_400_000,
    closedAt: null,
    signals: [],
    steps: [],
    agreements: [],
    sanctions: [],
    escalations: [],
  };
}

/** Fills a store with `exceptions` granted exceptions, `cases` open cases and `due` review reminders due now. */
export async function seedScale(store: Store, counts: { exceptions: number; cases: number; due: number }, now: number, onProgress?: (done: number) => void): Promise<void> {
  const today = new Date(now).toISOString().slice(0, 10);
  const exceptions = store.collection('exceptionRequests');
  const cases = store.collection('bullyingCases');
  for (let n = 1; n <= counts.exceptions; n++) {
    await exceptions.create(exceptionRecord(`x${n}`, n, 'granted', now, today));
    if (n <= counts.due) {
      const mentor = classOf(n).mentor;
      await store.jobs.schedule({ id: `review:x${n}:${today}`, kind: 'exception-review', payload: { requestId: `x${n}`, staffId: mentor, reviewDue: today }, dueAt: now - 60_000 });
    }
    if (n % 10_000 === 0) onProgress?.(n);
  }
  for (let n = 1; n <= counts.cases; n++) await cases.create(caseRecord(`c${n}`, n, now));
}
