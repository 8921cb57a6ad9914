/**
 * What the exception operations report: what happened, with the records the words need. The
 * operations (drafts, voting, reviews, misuse, listings) return these; the presentation files turn
 * them into what the person reads, in their language. Types only: both sides import this file.
 */
import type { DocumentName, ExceptionRequest } from './model.js';

/** A refusal every operation may give: not allowed, no such request (or not in a state for this), answers that do not fit. */
export type Denied = { kind: 'denied' };
export type NotFound = { kind: 'not-found' };
export type Invalid = { kind: 'invalid' };

/** A question of the request dialog a complete request must (or should) have answered. */
export type RequestField = 'leerling' | 'grond' | 'doel' | 'reikwijdte' | 'wanneer' | 'soort' | DocumentName;

/** What a draft lacks: what stops submission, and what is only noted (documents that follow). */
export interface Missing {
  blocking: RequestField[];
  notes: RequestField[];
}

/** Keeping the dialog's answers in the draft: saved, or refused (someone else's, or no longer a draft). */
export type SaveDraftResult = { kind: 'saved'; request: ExceptionRequest } | Denied;

/** A draft to resume, when it is the person's own and still a draft. */
export type OpenDraftResult = { kind: 'draft'; request: ExceptionRequest } | NotFound;

/** The completeness check of a draft. */
export type CheckResult = { kind: 'checked'; missing: Missing } | Denied | NotFound;

/** Submitting a draft: submitted now (with the last day of the kernteam's term), or earlier already. */
export type SubmitResult =
  | { kind: 'submitted'; request: ExceptionRequest; decisionDue: string }
  | { kind: 'already-submitted'; request: ExceptionRequest }
  | { kind: 'incomplete' }
  | Denied
  | NotFound;

/**
 * A click on the kernteam card. `decided`: the request is decided (by this vote, or earlier);
 * `byThisVote` when this member's vote is the one on record (written now, or the same vote again).
 */
export type VoteOutcome =
  | { kind: 'recorded'; request: ExceptionRequest }
  | { kind: 'decided'; request: ExceptionRequest; byThisVote: boolean }
  | { kind: 'motivation-required'; request: ExceptionRequest }
  | Denied
  | NotFound;

/** The zorgcoördinator's record of the kernteam meeting's joint decision. */
export type JointDecisionResult =
  | { kind: 'decided'; request: ExceptionRequest; outcome: 'granted' | 'rejected' }
  | { kind: 'already-decided'; request: ExceptionRequest }
  | Denied
  | Invalid
  | NotFound;

/** The kernteam card as this person may see it: the request for a member (decided or not), else a refusal. */
export type CardResult = { kind: 'shown'; request: ExceptionRequest } | Denied | NotFound;

/** The request's details (purpose text, the student's words, where documents are). */
export type DetailsResult = { kind: 'shown'; request: ExceptionRequest } | Denied | NotFound;

/** A recorded review: the next review date, or null when the review ended the exception. */
export type ReviewResult = { kind: 'recorded'; request: ExceptionRequest; reviewDue: string | null } | Denied | NotFound;

/** The talk with student and parents, planned before the review can be held. */
export type ReviewTalkResult = { kind: 'planned'; request: ExceptionRequest; date: string } | Denied | Invalid | NotFound;

/** A teacher's signal of possible misuse: recorded, or there is no active exception for the student. */
export type MisuseSignalResult = { kind: 'signalled'; request: ExceptionRequest } | { kind: 'no-exception' } | NotFound;

/** The steps of the follow-up of possible misuse. */
export type FollowUpKind = 'conversation' | 'support' | 'suspend' | 'extend' | 'resume' | 'revoke';

/**
 * A follow-up step. `ladder-incomplete`: a pause asked for before an informative talk (`talk`) or a
 * repeat after it (`repeat`) is on record, without a reason to skip them; what was typed comes back.
 */
export type FollowUpResult =
  | { kind: 'done'; request: ExceptionRequest; step: FollowUpKind; until: string | undefined }
  | { kind: 'ladder-incomplete'; missing: 'talk' | 'repeat'; note: string; meanwhile: string }
  | Denied
  | Invalid
  | NotFound;

/** "Has this student an exception?": none, paused, or active (its functional facts). */
export type FunctionalResult =
  | { kind: 'none'; studentRef: string }
  | { kind: 'paused'; studentRef: string; request: ExceptionRequest }
  | { kind: 'active'; request: ExceptionRequest }
  | NotFound;
