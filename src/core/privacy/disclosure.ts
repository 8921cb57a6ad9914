import { bulliesOf, type Agreement, type BullyingCase, type CaseStep, type Sanction, type Signal } from '../cases/model.js';
import type { Translate } from '../i18n/index.js';
import type { NameReplacer } from './names.js';

/**
 * What an access request (AVG art. 15) gives a student about a bullying case: their own data, not
 * other people's (art. 15 lid 4: the copy may not harm the rights of others).
 *
 * - The case's subject (the bullied student) gets the case as it is stored — it is the file about what
 *   happened to them — except what is another student's own data: those who bully are "een andere
 *   leerling" everywhere (numbers in the lists, and numbers, initials and names in the free text); what was
 *   discussed with them or written to their parents (outcome and notes of those steps), what the reporter
 *   wrote about bystanders, and which measure they got and why are left out. That those steps and
 *   measures took place stays: it is how the school handled the subject's case.
 * - Anyone else in the case (a student who bullies, or one only named) gets what concerns them: the case's
 *   course (status, stage, dates, who works it), the reports that name them (kind, place, date, forms —
 *   not the description, which is about the whole case and about the bullied student), the steps with or
 *   about them in full (the talks with them, letters to their parents, measures for them), steps about the
 *   case as a whole without their text, and nothing about steps with or about another student (the talk
 *   with the bullied student, the letter to their parents). The bullied student and every other student
 *   are "een andere leerling"; the case id is replaced, since it carries a hash of the bullied student's
 *   number, and so is their class when it is not the requester's own.
 * Whatever is left out is said, one line per kind and case (`leftOut`), so the school can weigh it by hand.
 */
export type CaseRole = 'bullied' | 'bullies' | 'named';

type ExportedSignal = Omit<Signal, 'description' | 'others'> & { description?: string; others?: string };
type ExportedStep = Omit<CaseStep, 'outcome' | 'notes'> & { outcome?: string; notes?: Record<string, string> };
type ExportedAgreement = Omit<Agreement, 'what'> & { what?: string };
type ExportedSanction = Pick<Sanction, 'at'> & Partial<Omit<Sanction, 'at'>>;

export type ExportedCase = Omit<BullyingCase, 'id' | 'version' | 'classId' | 'signals' | 'steps' | 'agreements' | 'sanctions' | 'studentLeftAt'> & {
  id: string;
  version?: number;
  /** The requester's part in the case. */
  role: CaseRole;
  classId?: string;
  signals: ExportedSignal[];
  steps: ExportedStep[];
  agreements: ExportedAgreement[];
  sanctions: ExportedSanction[];
  studentLeftAt?: number | null;
};

export interface CaseView {
  /** The requester's student number. */
  ref: string;
  /** The requester's class in the school file. */
  classId: string | null;
  /** How another student is named: "een andere leerling". */
  other: string;
  /** Replaces other students' numbers, initials and names in free text with `other`. */
  replacer: NameReplacer;
  t: Translate;
}

/** The case as the requester gets it, with the lines saying what was left out; `label` names it when its id may not. */
export function caseForStudent(c: BullyingCase, label: string, v: CaseView): { exported: ExportedCase; leftOut: string[] } {
  const is = (ref: string | undefined) => ref !== undefined && ref.toUpperCase() === v.ref.toUpperCase();
  const named = (ref: string) => (is(ref) ? ref : v.other);
  const counts = new Map<LeftOut, number>();
  const leave = (what: LeftOut, n = 1) => counts.set(what, (counts.get(what) ?? 0) + n);
  const bullies = bulliesOf(c);
  const role: CaseRole = is(c.studentRef) ? 'bullied' : bullies.some(is) ? 'bullies' : 'named';
  const lists = {
    studentsInvolved: c.studentsInvolved.map(named),
    ...(c.addedBullies ? { addedBullies: c.addedBullies.map(named) } : {}),
  };
  const course = { status: c.status, stage: c.stage, ownerStaffId: c.ownerStaffId, createdAt: c.createdAt, closedAt: c.closedAt, escalations: c.escalations };

  let exported: ExportedCase;
  if (role === 'bullied') {
    const steps = c.steps.map((s): ExportedStep => {
      // A step with or about one who bullies (the talk with them, a letter to their parents): that it took
      // place. Parents informed without saying whose (older records) may be theirs: the same. A joint talk
      // and the agreements are the requester's too (they took part): kept, other students' names replaced.
      const aboutOther = (s.studentRef !== undefined && !is(s.studentRef)) || (s.studentRef === undefined && (s.kind === 'gesprek-pester' || s.kind === 'ouders-geinformeerd'));
      if (aboutOther) {
        if (s.outcome || Object.keys(s.notes).length) leave('otherStepText');
        return { at: s.at, byStaffId: s.byStaffId, kind: s.kind, ...(s.studentRef !== undefined ? { studentRef: v.other } : {}) };
      }
      return v.replacer.value(s);
    });
    const signals = c.signals.map(({ others, ...s }): ExportedSignal => {
      if (others.trim()) leave('bystanders');
      return v.replacer.value({ ...s, bullies: s.bullies.map(named) });
    });
    // Measures are for those who bully: which one, and why, is their data.
    const sanctions = c.sanctions.map((s): ExportedSanction => {
      leave('otherSanctions');
      return { at: s.at, ...(s.status ? { status: s.status } : {}), ...(s.studentRefs ? { studentRefs: s.studentRefs.map(named) } : {}) };
    });
    exported = v.replacer.value({
      ...c,
      role,
      ...lists,
      signals,
      steps,
      sanctions,
    });
  } else {
    const signals: ExportedSignal[] = [];
    for (const { description, others, ...s } of c.signals) {
      if (!s.bullies.some(is)) {
        leave('otherSignals');
        continue;
      }
      if (description.trim() || others.trim()) leave('signalText');
      signals.push({ ...s, bullies: s.bullies.map(named) });
    }
    const steps: ExportedStep[] = [];
    for (const s of c.steps) {
      const about = s.studentRef !== undefined ? (is(s.studentRef) ? 'own' : 'other') : s.kind === 'gesprek-gepeste' ? 'other' : s.kind === 'gesprek-pester' ? (bullies.length === 1 && is(bullies[0]) ? 'own' : 'case') : 'case';
      if (about === 'other') leave('otherSteps');
      else if (about === 'own') steps.push(v.replacer.value(s));
      else {
        if (s.outcome || Object.keys(s.notes).length) leave('caseText');
        steps.push({ at: s.at, byStaffId: s.byStaffId, kind: s.kind });
      }
    }
    const agreements = c.agreements.map(({ what, ...a }): ExportedAgreement => {
      if (what.trim()) leave('agreements');
      return a;
    });
    const sanctions: ExportedSanction[] = [];
    for (const s of c.sanctions) {
      const forThem = s.studentRefs ? s.studentRefs.some(is) : bullies.length === 1 && is(bullies[0]);
      if (!forThem) leave('otherSanctions');
      else sanctions.push(v.replacer.value({ ...s, ...(s.studentRefs ? { studentRefs: s.studentRefs.map(named) } : {}) }));
    }
    exported = {
      id: label,
      role,
      schoolId: c.schoolId,
      studentRef: v.other,
      ...(v.classId !== null && c.classId === v.classId ? { classId: c.classId } : {}),
      ...lists,
      ...course,
      signals,
      steps,
      agreements,
      sanctions,
    };
  }
  const leftOut = LEFT_OUT.filter((what) => counts.has(what)).map((what) => v.t(`privacy.export.leftOut.${what}`, { case: label, count: counts.get(what)! }));
  return { exported, leftOut };
}

const LEFT_OUT = ['signalText', 'otherSignals', 'bystanders', 'otherSteps', 'otherStepText', 'caseText', 'agreements', 'otherSanctions'] as const;
type LeftOut = (typeof LEFT_OUT)[number];
