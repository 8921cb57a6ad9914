/**
 * What the case operations report (signals.ts, steps.ts, sanctions.ts, listings.ts, settle.ts): what
 * happened, with the records the words need. The words and cards are made from these by presentation/;
 * the types live here so that presentation reads them without importing the operations.
 */
import type { StaffMember, Student } from '../people/school.js';
import type { CaseFigures } from './figures.js';
import type { Agreement, BullyingCase, CaseStep, LadderRung, Sanction, SanctionDecision, Signal, StepKind } from './model.js';

/** The person may not do this with the case (audited as a refusal). */
export type Denied = { kind: 'denied' };
/** No such case (or it is gone). */
export type NotFound = { kind: 'not-found' };
/** What was given cannot be used (an unknown student, a malformed answer). */
export type Invalid = { kind: 'invalid' };
/** An operation that did nothing, for a reason that needs no words of its own. */
export type Refusal = Denied | NotFound | Invalid;

/** The one bullied was named as the one who bullies (a talk with, or adding, the bullied student). */
export type BullyIsVictim = { kind: 'bully-is-victim'; student: string };

/** A signal recorded: on a new case or on the bullied student's open case (a repetition). */
export type SignalResult =
  | NotFound
  | Invalid
  | {
      kind: 'recorded';
      case: BullyingCase;
      signal: Signal;
      /** Who works the case now (told of the signal), if anyone. */
      owner: StaffMember | null;
      /** Another open or recently closed case names one of the students. */
      repetition: boolean;
    };

/** A signal a person made, and how far it got. */
export interface OwnSignal {
  case: BullyingCase;
  signal: Signal;
  state: 'closed' | 'acted-on' | 'received';
}

/** A protocol step recorded on a case. */
export type StepResult = Denied | NotFound | BullyIsVictim | { kind: 'recorded'; case: BullyingCase; step: CaseStep };

/** An agreement recorded on a case (with the joint talk, unless that was recorded already). */
export type AgreementResult = Denied | NotFound | { kind: 'recorded'; case: BullyingCase; agreement: Agreement };

/** The latest agreement's follow-up planned again, or nothing to plan (no case, not theirs, no agreement). */
export type LaterResult = { kind: 'planned'; agreement: Agreement } | { kind: 'not-planned' };

/** The case handed over to the CLZ; or it was not with the mentor any more; or the school has no CLZ. */
export type EscalationResult = Denied | NotFound | { kind: 'already' } | { kind: 'no-clz' } | { kind: 'escalated'; case: BullyingCase; clz: StaffMember };

/** The anti-pestcoördinators asked to think along, or there are none. */
export type CoordinatorResult = Denied | NotFound | { kind: 'no-coordinator' } | { kind: 'asked'; coordinators: StaffMember[] };

/** The case closed. */
export type CloseResult = Denied | NotFound | { kind: 'closed'; case: BullyingCase };

/**
 * A measure recorded (applied, or proposed to directie: the sanction's status says which), or why not.
 * A refusal keeps the motivation the person typed, so it is not lost; `instead` says what to do instead
 * of a measure the person may not apply: consult the CLZ first, or leave it to the CLZ (null: not their case).
 */
export type SanctionResult =
  | NotFound
  | { kind: 'unknown-rung'; motivation: string }
  | { kind: 'denied'; instead: 'consult' | 'clz' | null; motivation: string }
  | { kind: 'not-a-bully'; bullies: string[]; motivation: string }
  | { kind: 'motivation-short'; motivation: string }
  | { kind: 'recorded'; case: BullyingCase; sanction: Sanction };

/** The directie's decision on a proposal recorded, or why not. */
export type DecisionResult =
  | Denied
  | NotFound
  | { kind: 'no-proposal' }
  | { kind: 'hear-first' }
  | { kind: 'recorded'; case: BullyingCase; proposal: Sanction; decision: SanctionDecision };

/** A student added as one who bullies, or already one. */
export type AddBullyResult = Refusal | BullyIsVictim | { kind: 'already'; student: string } | { kind: 'added'; case: BullyingCase; student: string };

/** A proposal for the directie about to decide on it. */
export type ProposalResult = Denied | NotFound | { kind: 'found'; case: BullyingCase; proposal: Sanction };

/** A student recorded as bullying in a case, with the school file's record of them (null: not in it). */
export interface BullyRecord {
  ref: string;
  student: Student | null;
}

/** A proposal waiting for the directie, with its case. */
export interface ProposalRecord {
  case: BullyingCase;
  proposal: Sanction;
}

/** A rung of a case's ladder this person can complete: apply it, or propose it to directie. */
export interface RungChoice {
  rung: LadderRung;
  authority: 'apply' | 'propose';
}

/** A case read by someone who may work it (audited as a read). */
export type CaseRead = Denied | NotFound | { kind: 'found'; case: BullyingCase };

/** The yearly figures (counts only). */
export type FiguresResult = Denied | { kind: 'figures'; figures: CaseFigures };

/** Counts of open cases per stage and of closed cases. */
export type OverviewResult = Denied | { kind: 'overview'; open: number; closed: number; byStage: Record<BullyingCase['stage'], number> };

/** A notice with buttons that settles (settle.ts), by what it was. */
export type SettledNotice = { kind: 'signal'; signal: Signal } | { kind: 'escalated' } | { kind: 'proposal' } | { kind: 'mt' } | { kind: 'consulted' };

/** What settled a notice: a step recorded, the hand-over to the CLZ, the directie's decision, closing. */
export type SettleEvent =
  | { kind: 'step'; step: StepKind }
  | { kind: 'escalated' }
  | { kind: 'decided' | 'declined'; proposal: Sanction }
  | { kind: 'closed' };

/** Who did it, as the recipient of a settled notice reads it: they themselves, or a role. */
export type Doer = 'you' | 'mentor' | 'clz' | 'directie' | 'colleague';
