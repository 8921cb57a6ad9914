import type { DecisionRule } from './decision.js';
import { ExceptionCore, type ExceptionServiceDeps } from './context.js';
import * as drafts from './drafts.js';
import * as listings from './listings.js';
import * as misuse from './misuse.js';
import * as reviews from './reviews.js';
import * as voting from './voting.js';
import type { ExceptionRequest } from './model.js';

export { currentPauseEnd, KERNTEAM_CHANNEL, scopesOf, type ExceptionResult, type ExceptionServiceDeps, type VoteResult } from './context.js';
export { countKey } from './presentation.js';

/** A part's function without the shared core it takes first. */
type Rest<F> = F extends (x: ExceptionCore, ...args: infer A) => infer R ? (...args: A) => R : never;

/**
 * Phone-ban exceptions: drafts saved at every answer, the completeness check, submission to the
 * kernteam, votes and the decision rule, the discreet signal to teachers and the review dates.
 *
 * One class for the rest of Zorgpad; the work is done in the sibling files, one per concern (drafts,
 * voting, reviews, misuse, listings, presentation), over the shared ExceptionCore (context.ts).
 */
export class ExceptionService {
  private readonly x: ExceptionCore;

  constructor(deps: ExceptionServiceDeps) {
    this.x = new ExceptionCore(deps);
  }

  get rule(): DecisionRule {
    return this.x.rule;
  }

  overdue(r: ExceptionRequest): boolean {
    return this.x.overdue(r);
  }

  // Drafts and submission.
  saveDraft: Rest<typeof drafts.saveDraft> = (...a) => drafts.saveDraft(this.x, ...a);
  draftAnswers: Rest<typeof drafts.draftAnswers> = (...a) => drafts.draftAnswers(this.x, ...a);
  missing: Rest<typeof drafts.missing> = (...a) => drafts.missing(this.x, ...a);
  check: Rest<typeof drafts.check> = (...a) => drafts.check(this.x, ...a);
  submit: Rest<typeof drafts.submit> = (...a) => drafts.submit(this.x, ...a);
  // The kernteam.
  vote: Rest<typeof voting.vote> = (...a) => voting.vote(this.x, ...a);
  recordJointDecision: Rest<typeof voting.recordJointDecision> = (...a) => voting.recordJointDecision(this.x, ...a);
  cardFor: Rest<typeof voting.cardFor> = (...a) => voting.cardFor(this.x, ...a);
  details: Rest<typeof voting.details> = (...a) => voting.details(this.x, ...a);
  // Reviews.
  review: Rest<typeof reviews.review> = (...a) => reviews.review(this.x, ...a);
  planReviewTalk: Rest<typeof reviews.planReviewTalk> = (...a) => reviews.planReviewTalk(this.x, ...a);
  dailyChecks: Rest<typeof reviews.dailyChecks> = (...a) => reviews.dailyChecks(this.x, ...a);
  reviewable: Rest<typeof reviews.reviewable> = (...a) => reviews.reviewable(this.x, ...a);
  // Misuse.
  signalMisuse: Rest<typeof misuse.signalMisuse> = (...a) => misuse.signalMisuse(this.x, ...a);
  followUpMisuse: Rest<typeof misuse.followUpMisuse> = (...a) => misuse.followUpMisuse(this.x, ...a);
  endPause: Rest<typeof misuse.endPause> = (...a) => misuse.endPause(this.x, ...a);
  // Lookups and figures.
  myRequests: Rest<typeof listings.myRequests> = (...a) => listings.myRequests(this.x, ...a);
  agendaRequests: Rest<typeof listings.agendaRequests> = (...a) => listings.agendaRequests(this.x, ...a);
  votesWaiting: Rest<typeof listings.votesWaiting> = (...a) => listings.votesWaiting(this.x, ...a);
  draftsWaiting: Rest<typeof listings.draftsWaiting> = (...a) => listings.draftsWaiting(this.x, ...a);
  managed: Rest<typeof listings.managed> = (...a) => listings.managed(this.x, ...a);
  decided: Rest<typeof listings.decided> = (...a) => listings.decided(this.x, ...a);
  /** The last day of the kernteam's decision term for a submitted request. */
  decisionDue = (r: ExceptionRequest): string => this.x.decisionDue(r);
  maySeeFigures: Rest<typeof listings.maySeeFigures> = (...a) => listings.maySeeFigures(this.x, ...a);
  figures: Rest<typeof listings.figures> = (...a) => listings.figures(this.x, ...a);
  figuresSaid: Rest<typeof listings.figuresSaid> = (...a) => listings.figuresSaid(this.x, ...a);
  functionalAnswer: Rest<typeof listings.functionalAnswer> = (...a) => listings.functionalAnswer(this.x, ...a);
  subjectOptions: Rest<typeof listings.subjectOptions> = (...a) => listings.subjectOptions(this.x, ...a);
}
