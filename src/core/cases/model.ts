import { z } from 'zod';
import { recordSchema } from '../kernel/record-schema.js';
import { localizedSchema } from '../protocol/schema.js';

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

/**
 * The roles around a bullying situation besides the bullied student and the one who bullies, as the
 * protocol names them. A report says which were there.
 */
export const BYSTANDER_ROLES = ['meelopers', 'aanmoedigers', 'publiek', 'verdedigers'] as const;
export type BystanderRole = (typeof BYSTANDER_ROLES)[number];

/** The underlying causes the protocol lists for bullying behaviour, for the talk with the one who bullies. */
export const UNDERLYING_CAUSES = ['thuissituatie', 'anonimiteit', 'machtsstrijd', 'incompetentie', 'autonomie', 'anders', 'onbekend'] as const;
export type UnderlyingCause = (typeof UNDERLYING_CAUSES)[number];

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

/**
 * The CLZ's steps after taking a case over (protocol, CLZ steps 2-9). The talks come first: either
 * with each student apart or with both together (`clz-gesprekken` stands for either); `clz-gesprek`
 * is what older records called a talk by the CLZ and still counts.
 */
export const CLZ_STEPS: readonly (StepKind | 'clz-gesprekken')[] = [
  'clz-gesprekken',
  'hulp-leerlingbegeleider',
  'alle-ouders-geinformeerd',
  'terugkoppeling-mentor',
];

/** The sanctions ladder, lowest rung first. */
export const SANCTION_RUNGS = ['gesprek-afspraken', 'mt-directie', 'schorsing-dag', 'schorsing-lang', 'verwijdering'] as const;
export type SanctionRung = (typeof SANCTION_RUNGS)[number];

/**
 * Rungs the one working the case applies (the CLZ; the mentor after consulting the CLZ), and rungs
 * that Dutch law leaves to the school's management (bevoegd gezag): suspension and expulsion. The CLZ
 * proposes those; directie decides, after hearing the student and the parents.
 */
export const RUNGS_FOR_MANAGEMENT: readonly SanctionRung[] = ['schorsing-dag', 'schorsing-lang', 'verwijdering'];
/** Rungs whose decision must be reported to the Inspectie van het Onderwijs (suspension over a day, expulsion). */
export const RUNGS_REPORTED_TO_INSPECTIE: readonly SanctionRung[] = ['schorsing-lang', 'verwijdering'];

/**
 * A rung of a school's sanctions ladder as a case keeps it (ladder.ts): a known rung (SANCTION_RUNGS) or
 * one of the school's own, applied by the one working the case. `label` is said in sentences ("gesprek
 * met afspraken"), `option` offered in the measure dialog, `proposal` offered to the CLZ for a rung the
 * directie decides. `decidedBy` and `inspectie` follow the law (never the school's file).
 */
export const ladderRungSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  label: localizedSchema,
  option: localizedSchema,
  proposal: localizedSchema.optional(),
  /** Who applies a rung that is not the directie's to decide: the CLZ, and the mentor after consulting the CLZ. */
  appliedBy: z.array(z.enum(['clz', 'mentor'])),
  decidedBy: z.literal('directie').optional(),
  inspectie: z.boolean().optional(),
});
export type LadderRung = z.infer<typeof ladderRungSchema>;

/** The protocol a case was opened under: its version (a hash) and the ladder itself, to reproduce it. */
export const caseProtocolSchema = z.object({ version: z.string(), ladder: z.array(ladderRungSchema).min(1) });
export type CaseProtocol = z.infer<typeof caseProtocolSchema>;

/** What a staff member saw and reported. */
export const signalSchema = z.object({
  /** Older records have none. */
  id: z.string().optional(),
  at: z.number(),
  byStaffId: z.string(),
  /** Student numbers of those who bully. */
  bullies: z.array(z.string()),
  /** Which bystander roles the reporter saw (may be empty; older records have none). */
  bystanders: z.array(z.enum(BYSTANDER_ROLES)).optional(),
  /** Followers, encouragers, bystanders, as the reporter described them (may be empty). Sensitive. */
  others: z.string(),
  where: z.string(),
  /** The day it happened, YYYY-MM-DD. */
  date: z.string(),
  forms: z.array(z.enum(BULLYING_FORMS)),
  scope: z.enum(['klas', 'buiten-klas']),
  severe: z.boolean(),
  /** A sexual image of a minor may be involved: the safeguard goes with every notice (older records: absent). */
  sexualImage: z.boolean().optional(),
  /** What the reporter wrote down. Sensitive. */
  description: z.string(),
});
export type Signal = z.infer<typeof signalSchema>;

export const caseStepSchema = z.object({
  at: z.number(),
  byStaffId: z.string(),
  kind: z.enum(STEP_KINDS),
  /** The student the step was with, when it was a talk with one student (older records: absent). */
  studentRef: z.string().optional(),
  /** The short outcome, as entered. Sensitive. */
  outcome: z.string(),
  /** Answers to the conversation guide, by question key. Sensitive. */
  notes: z.record(z.string(), z.string()),
});
export type CaseStep = z.infer<typeof caseStepSchema>;

export const agreementSchema = z.object({
  id: z.string(),
  what: z.string(),
  /** When to check whether the bullying stopped, YYYY-MM-DD. */
  dueDate: z.string(),
  ownerStaffId: z.string(),
  createdAt: z.number(),
});
export type Agreement = z.infer<typeof agreementSchema>;

/** The directie's decision on a proposed measure, with the legal checklist. */
export const sanctionDecisionSchema = z.object({
  at: z.number(),
  byStaffId: z.string(),
  outcome: z.enum(['decided', 'declined']),
  motivation: z.string(),
  /** The student and the parents were heard before the decision. */
  heard: z.boolean(),
  /** The Inspectie: told, still to be told, or not needed for this rung. */
  inspectie: z.enum(['gemeld', 'nog-melden', 'niet-nodig']),
});
export type SanctionDecision = z.infer<typeof sanctionDecisionSchema>;

/**
 * A rung of the ladder for one or more students who bully. Applied straight away, or proposed to
 * directie, who decides. Older records have neither `id`, `studentRefs` nor `status`: they were applied
 * and named no student.
 */
export const sanctionSchema = z.object({
  id: z.string().optional(),
  at: z.number(),
  /** A rung of the case's ladder: a known rung (SANCTION_RUNGS) or the school's own rung's id. */
  rung: z.string().min(1),
  /** The students the measure is for: students recorded as bullying in the case. */
  studentRefs: z.array(z.string()).optional(),
  status: z.enum(['applied', 'proposed', 'decided', 'declined']).optional(),
  /** Who applied it, or who decided on the proposal (empty while proposed). */
  decidedBy: z.string(),
  /** Who proposed it to directie. */
  proposedBy: z.string().optional(),
  /** The CLZ a mentor consulted before applying a rung. */
  consultedStaffId: z.string().optional(),
  motivation: z.string(),
  decision: sanctionDecisionSchema.optional(),
});
export type Sanction = z.infer<typeof sanctionSchema>;

export const escalationSchema = z.object({
  at: z.number(),
  byStaffId: z.string(),
  to: z.enum(['clz', 'directie']),
  reason: z.enum(['herhaling', 'buiten-klas', 'ernstig', 'mentor']),
});
export type Escalation = z.infer<typeof escalationSchema>;

/** One bullying situation around one bullied student. */
export const bullyingCaseSchema = recordSchema({
  schoolId: z.string(),
  /** The bullied student. */
  studentRef: z.string(),
  classId: z.string(),
  /** Every student named in the case (bullied and bullies), for repetition checks. */
  studentsInvolved: z.array(z.string()),
  /** Students added as bullying after the reports (by whoever works the case). */
  addedBullies: z.array(z.string()).optional(),
  status: z.enum(['open', 'closed']),
  stage: z.enum(['mentor', 'clz', 'directie']),
  /** Who works the case now: the mentor, or the CLZ after escalation. */
  ownerStaffId: z.string(),
  createdAt: z.number(),
  closedAt: z.number().nullable(),
  signals: z.array(signalSchema),
  steps: z.array(caseStepSchema),
  agreements: z.array(agreementSchema),
  sanctions: z.array(sanctionSchema),
  escalations: z.array(escalationSchema),
  /**
   * The school's protocol when the case was opened (its sanctions ladder): a change applies to new cases.
   * Older records have none: they follow the built-in ladder.
   */
  protocol: caseProtocolSchema.optional(),
  /** When retention first found the student gone from the school file (they left the school). */
  studentLeftAt: z.number().nullable().optional(),
});
export type BullyingCase = z.infer<typeof bullyingCaseSchema>;

/** The students recorded as bullying in a case: named in its reports or added later; never the bullied student. */
export function bulliesOf(c: BullyingCase): string[] {
  const all = [...c.signals.flatMap((s) => s.bullies), ...(c.addedBullies ?? [])];
  return [...new Set(all)].filter((ref) => ref !== c.studentRef);
}

/**
 * The protocol's next step for a case: the first one of the current stage not yet recorded. In the
 * CLZ's stage only what was recorded after the hand-over counts, and the talks are done when the CLZ
 * spoke with both students apart, or with both together.
 */
export function nextStep(c: BullyingCase): StepKind | 'clz-gesprekken' | null {
  if (c.stage === 'mentor') {
    const done = new Set(c.steps.map((s) => s.kind));
    return MENTOR_STEPS.find((k) => !done.has(k)) ?? null;
  }
  const since = c.escalations.at(-1)?.at ?? c.createdAt;
  const done = new Set(c.steps.filter((s) => s.at >= since).map((s) => s.kind));
  const talked =
    done.has('clz-gesprek') || done.has('gezamenlijk-gesprek') || (done.has('gesprek-pester') && done.has('gesprek-gepeste'));
  return CLZ_STEPS.find((k) => (k === 'clz-gesprekken' ? !talked : !done.has(k))) ?? null;
}

/** The case with the student recorded as bullying in it (unchanged when they are, or are the bullied student). */
export function withBully(c: BullyingCase, studentRef: string): BullyingCase {
  if (studentRef === c.studentRef || bulliesOf(c).includes(studentRef)) return c;
  return { ...c, addedBullies: [...(c.addedBullies ?? []), studentRef], studentsInvolved: [...new Set([...c.studentsInvolved, studentRef])] };
}
