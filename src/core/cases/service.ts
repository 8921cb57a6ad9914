import { CaseCore, type CaseServiceDeps } from './context.js';
import * as listings from './listings.js';
import * as sanctions from './sanctions.js';
import * as signals from './signals.js';
import * as steps from './steps.js';

export type { CaseResult, CaseServiceDeps, NewSignal, SanctionDecisionInput, SanctionInput } from './context.js';
export { bystanderKey, formKey, rungKey, sanctionStatusKey, stageKey, stepKey } from './presentation.js';

/** A part's function without the shared core it takes first. */
type Rest<F> = F extends (x: CaseCore, ...args: infer A) => infer R ? (...args: A) => R : never;

/**
 * Bullying cases: signals, protocol steps, agreements, escalation, sanctions. Every method checks
 * the actor's rights, writes with a conditional update, appends to the audit trail and queues
 * the notifications the protocol calls for.
 *
 * One class for the rest of Zorgpad; the work is done in the sibling files, one per concern (signals,
 * steps, sanctions, listings, presentation), over the shared CaseCore (context.ts).
 */
export class CaseService {
  private readonly x: CaseCore;

  constructor(deps: CaseServiceDeps) {
    this.x = new CaseCore(deps);
  }

  // Signals.
  recordSignal: Rest<typeof signals.recordSignal> = (...a) => signals.recordSignal(this.x, ...a);
  signalsBy: Rest<typeof signals.signalsBy> = (...a) => signals.signalsBy(this.x, ...a);
  // Protocol steps.
  stageOf: Rest<typeof steps.stageOf> = (...a) => steps.stageOf(this.x, ...a);
  checkAgainLater: Rest<typeof steps.checkAgainLater> = (...a) => steps.checkAgainLater(this.x, ...a);
  recordStep: Rest<typeof steps.recordStep> = (...a) => steps.recordStep(this.x, ...a);
  addAgreement: Rest<typeof steps.addAgreement> = (...a) => steps.addAgreement(this.x, ...a);
  escalate: Rest<typeof steps.escalate> = (...a) => steps.escalate(this.x, ...a);
  askCoordinator: Rest<typeof steps.askCoordinator> = (...a) => steps.askCoordinator(this.x, ...a);
  close: Rest<typeof steps.close> = (...a) => steps.close(this.x, ...a);
  // Measures.
  recordSanction: Rest<typeof sanctions.recordSanction> = (...a) => sanctions.recordSanction(this.x, ...a);
  decideSanction: Rest<typeof sanctions.decideSanction> = (...a) => sanctions.decideSanction(this.x, ...a);
  addBully: Rest<typeof sanctions.addBully> = (...a) => sanctions.addBully(this.x, ...a);
  bullyOptions: Rest<typeof sanctions.bullyOptions> = (...a) => sanctions.bullyOptions(this.x, ...a);
  proposalOptions: Rest<typeof sanctions.proposalOptions> = (...a) => sanctions.proposalOptions(this.x, ...a);
  rungOptions: Rest<typeof sanctions.rungOptions> = (...a) => sanctions.rungOptions(this.x, ...a);
  proposalDetails: Rest<typeof sanctions.proposalDetails> = (...a) => sanctions.proposalDetails(this.x, ...a);
  // Lookups and figures.
  figuresSaid: Rest<typeof listings.figuresSaid> = (...a) => listings.figuresSaid(this.x, ...a);
  describe: Rest<typeof listings.describe> = (...a) => listings.describe(this.x, ...a);
  historyOf: Rest<typeof listings.historyOf> = (...a) => listings.historyOf(this.x, ...a);
  optionsFor: Rest<typeof listings.optionsFor> = (...a) => listings.optionsFor(this.x, ...a);
  proposalsWaiting: Rest<typeof listings.proposalsWaiting> = (...a) => listings.proposalsWaiting(this.x, ...a);
  labelFor: Rest<typeof listings.labelFor> = (...a) => listings.labelFor(this.x, ...a);
  overview: Rest<typeof listings.overview> = (...a) => listings.overview(this.x, ...a);
}
