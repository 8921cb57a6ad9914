import type { VersionedRecord } from '../ports.js';

/** The forms bullying takes, as the protocol names them. */
export const BULLYING_FORMS = [
  'woorden-beelden',
  'lichamelijk',
  'achtervolgen',
  'uitsluiten',
  'stelen-vernielen',
  'afpersing',
  'meelopen',
] as const;
export type BullyingForm = (typeof BULLYING_FORMS)[number];

/** The steps of the protocol a case can record, mentor's first, then the CLZ's. */
export const STEP_KINDS = [
  'gesprek-gepeste',
  'gesprek-pester',
  'gezamenlijk-gesprek',
  'magister-notitie',
  'ouders-geinformeerd',
  'uitleg-vervolg',
  'klassengesprek',
  'clz-gesprek',
  'hulp-leerlingbegeleider',
  'alle-ouders-geinformeerd',
  'terugkoppeling-mentor',
  'controle-afspraak',
] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** The mentor's steps within the class, in the order the protocol gives them. */
export const MENTOR_STEPS: readonly StepKind[] = [
  'gesprek-gepeste',
  'gesprek-pester',
  'gezamenlijk-gesprek',
  'magister-notitie',
  'ouders-geinformeerd',
  'uitleg-vervolg',
];

/** The CLZ's steps after taking a case over. */
export const CLZ_STEPS: readonly StepKind[] = [
  'clz-gesprek',
  'hulp-leerlingbegeleider',
  'alle-ouders-geinformeerd',
  'terugkoppeling-mentor',
];

/** The sanctions ladder, lowest rung first. */
export const SANCTION_RUNGS = ['gesprek-afspraken', 'mt-directie', 'schorsing-dag', 'schorsing-lang', 'verwijdering'] as const;
export type SanctionRung = (typeof SANCTION_RUNGS)[number];

/** What a staff member saw and reported. */
export interface Signal {
  at: number;
  byStaffId: string;
  /** Student numbers of those who bully. */
  bullies: string[];
  /** Followers, encouragers, bystanders, as the reporter described them (may be empty). */
  others: string;
  where: string;
  /** The day it happened, YYYY-MM-DD. */
  date: string;
  forms: BullyingForm[];
  scope: 'klas' | 'buiten-klas';
  severe: boolean;
  /** What the reporter wrote down. Sensitive. */
  description: string;
}

export interface CaseStep {
  at: number;
  byStaffId: string;
  kind: StepKind;
  /** The short outcome, as entered. Sensitive. */
  outcome: string;
  /** Answers to the conversation guide, by question key. Sensitive. */
  notes: Record<string, string>;
}

export interface Agreement {
  id: string;
  what: string;
  /** When to check whether the bullying stopped, YYYY-MM-DD. */
  dueDate: string;
  ownerStaffId: string;
  createdAt: number;
}

export interface Sanction {
  at: number;
  rung: SanctionRung;
  decidedBy: string;
  motivation: string;
}

export interface Escalation {
  at: number;
  byStaffId: string;
  to: 'clz' | 'directie';
  reason: 'herhaling' | 'buiten-klas' | 'ernstig' | 'mentor';
}

/** One bullying situation around one bullied student. */
export interface BullyingCase extends VersionedRecord {
  schoolId: string;
  /** The bullied student. */
  studentRef: string;
  classId: string;
  /** Every student named in the case (bullied and bullies), for repetition checks. */
  studentsInvolved: string[];
  status: 'open' | 'closed';
  stage: 'mentor' | 'clz' | 'directie';
  /** Who works the case now: the mentor, or the CLZ after escalation. */
  ownerStaffId: string;
  createdAt: number;
  closedAt: number | null;
  signals: Signal[];
  steps: CaseStep[];
  agreements: Agreement[];
  sanctions: Sanction[];
  escalations: Escalation[];
  /** When retention first found the student gone from the school file (they left the school). */
  studentLeftAt?: number | null;
}

/** The protocol's next step for a case: the first one of the current stage not yet recorded. */
export function nextStep(c: BullyingCase): StepKind | null {
  const done = new Set(c.steps.map((s) => s.kind));
  const order = c.stage === 'mentor' ? MENTOR_STEPS : CLZ_STEPS;
  return order.find((k) => !done.has(k)) ?? null;
}
