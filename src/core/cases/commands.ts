import { z } from 'zod';
import { BULLYING_FORMS, BYSTANDER_ROLES, STEP_KINDS } from './model.js';
import type { CaseCore } from './context.js';
import { describe, historyOf, overview, yearFigures } from './listings.js';
import { addBully, decideSanction, proposalDetails, recordSanction } from './sanctions.js';
import { recordSignal, signalsBy } from './signals.js';
import { addAgreement, askCoordinator, checkAgainLater, close, escalate, recordStep, stageOf } from './steps.js';
import { describeSaid, figuresSaid, historySaid, overviewSaid } from './presentation/listings.js';
import { addBullySaid, decisionSaid, proposalSaid, sanctionSaid } from './presentation/sanctions.js';
import { ownSignalsSaid, signalSaid } from './presentation/signals.js';
import { agreementSaid, closeSaid, coordinatorSaid, escalationSaid, stepSaid } from './presentation/steps.js';
import { mentionsSexualImage } from '../protocol/safeguard.js';
import { actorOf, answer, commandsFor, textAnswer } from '../app/command.js';

/** What the bullying protocol's commands work with. */
export interface CaseCommandDeps {
  cases: CaseCore;
}
const defineCommand = commandsFor<CaseCommandDeps>();

const caseId = { caseId: textAnswer };
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The bullying protocol's commands: each calls the operation (which decides, writes and reports what
 * happened), then the presentation that says it in the person's language.
 */
export const CASE_COMMANDS = [
  defineCommand(
    'record-signal',
    {
      leerling: answer(z.string().min(1)),
      pesters: answer(z.array(z.string())).optional(),
      omstanders: answer(z.unknown()).optional(),
      anderen: textAnswer.optional(),
      waar: answer(z.unknown()),
      datum: answer(z.string().regex(DATE)),
      vormen: answer(z.array(z.enum(BULLYING_FORMS)).min(1)),
      reikwijdte: answer(z.enum(['klas', 'buiten-klas'])),
      ernstig: answer(z.unknown()).optional(),
      beschrijving: textAnswer.optional(),
    },
    ({ cases }, ctx, a) => {
      const omstanders = Array.isArray(a.omstanders?.value) ? (a.omstanders.value as unknown[]) : [];
      const bystanders = z.array(z.enum(BYSTANDER_ROLES)).safeParse(omstanders.filter((r) => r !== 'geen'));
      if (!bystanders.success || !a.waar.display) return Promise.resolve([{ text: ctx.t('case.invalid') }]);
      const description = a.beschrijving?.value ?? '';
      // Raised by an answer on the way here, or named in what the reporter typed.
      const sexualImage = ctx.sexualImage || mentionsSexualImage(description) || mentionsSexualImage(a.anderen?.value ?? '');
      const signal = {
        studentRef: a.leerling.value,
        bullies: a.pesters?.value ?? [],
        bystanders: bystanders.data,
        others: a.anderen?.value ?? '',
        where: a.waar.display,
        date: a.datum.value,
        forms: a.vormen.value,
        scope: a.reikwijdte.value,
        severe: a.ernstig?.value === true || sexualImage,
        sexualImage,
        description,
      };
      return recordSignal(cases, actorOf(ctx), signal, ctx.channel).then((r) => signalSaid(cases, r, ctx.locale));
    },
    'case.invalid',
    { passesSafeguard: true },
  ),
  defineCommand(
    'show-proposal',
    { ...caseId, voorstel: textAnswer },
    ({ cases }, ctx, a) =>
      proposalDetails(cases, actorOf(ctx), { caseId: a.caseId.value, proposalId: a.voorstel.value, channel: ctx.channel }).then((r) => proposalSaid(cases, r, ctx.locale)),
    'case.invalid',
  ),
  defineCommand(
    'record-step',
    { ...caseId, uitkomst: textAnswer.optional(), stap: textAnswer.optional(), pester: textAnswer.optional() },
    ({ cases }, ctx, a) => {
      // A guided flow names its step; the short "record a step" flow takes it from the case menu.
      const kind = z.enum(STEP_KINDS).safeParse(ctx.args.kind ?? a.stap?.value);
      if (!kind.success) return Promise.resolve([{ text: ctx.t('case.invalid') }]);
      // Every answer of the step's guide is kept as a note; the outcome separately.
      const notes = Object.fromEntries(
        Object.entries(ctx.answers)
          // The student a talk was with is kept as the step's student, not as a note.
          .filter(([k]) => k !== 'caseId' && k !== 'uitkomst' && k !== 'stap' && k !== 'pester')
          .map(([k, answer]) => [k, answer.display]),
      );
      // The talk with the one who bullies names that student; every other step is about the case.
      const withStudent = kind.data === 'gesprek-pester' ? a.pester?.value || undefined : undefined;
      return recordStep(cases, actorOf(ctx), { caseId: a.caseId.value, kind: kind.data, outcome: a.uitkomst?.value ?? '', notes, channel: ctx.channel, withStudent }).then((r) =>
        stepSaid(cases, r, ctx.locale),
      );
    },
    'case.invalid',
  ),
  defineCommand(
    'add-agreement',
    { ...caseId, afspraak: textAnswer, datum: answer(z.string().regex(DATE)), stap: textAnswer.optional() },
    ({ cases }, ctx, a) =>
      addAgreement(cases, actorOf(ctx), {
        caseId: a.caseId.value,
        what: a.afspraak.value,
        dueDate: a.datum.value,
        channel: ctx.channel,
        // Agreements from the joint conversation record that talk too; "agreements with a date" do not.
        jointTalk: a.stap?.value !== 'afspraken',
      }).then((r) => agreementSaid(cases, r, ctx.locale)),
    'case.invalid',
  ),
  defineCommand('escalate-case', caseId, ({ cases }, ctx, a) =>
    escalate(cases, actorOf(ctx), a.caseId.value, ctx.channel).then((r) => escalationSaid(cases, r, ctx.locale)),
  ),
  defineCommand('close-case', { ...caseId, reden: textAnswer }, ({ cases }, ctx, a) =>
    close(cases, actorOf(ctx), { caseId: a.caseId.value, reason: a.reden.value, channel: ctx.channel }).then((r) => closeSaid(cases, r, ctx.locale)),
  ),
  defineCommand(
    'record-sanction',
    {
      ...caseId,
      // A rung of the case's ladder (a known rung or the school's own): checked against that ladder.
      trede: answer(z.string().regex(/^[a-z0-9][a-z0-9-]*$/)),
      leerlingen: answer(z.array(z.string().min(1)).min(1)),
      motivatie: textAnswer,
      overlegMet: textAnswer.optional(),
    },
    ({ cases }, ctx, a) =>
      recordSanction(cases, actorOf(ctx), {
        caseId: a.caseId.value,
        rung: a.trede.value,
        studentRefs: a.leerlingen.value,
        motivation: a.motivatie.value,
        consultedStaffId: a.overlegMet?.value || undefined,
        channel: ctx.channel,
      }).then((r) => sanctionSaid(cases, r, ctx.locale)),
    'case.invalid',
  ),
  defineCommand(
    'decide-sanction',
    {
      ...caseId,
      voorstel: answer(z.string().min(1)),
      besluit: answer(z.enum(['decided', 'declined'])),
      gehoord: answer(z.boolean()).optional(),
      inspectie: answer(z.enum(['gemeld', 'nog-melden', 'niet-nodig'])).optional(),
      motivatie: answer(z.string().min(10)),
    },
    ({ cases }, ctx, a) =>
      decideSanction(cases, actorOf(ctx), {
        caseId: a.caseId.value,
        sanctionId: a.voorstel.value,
        outcome: a.besluit.value,
        heard: a.gehoord?.value ?? false,
        inspectie: a.inspectie?.value ?? 'niet-nodig',
        motivation: a.motivatie.value,
        channel: ctx.channel,
      }).then((r) => decisionSaid(cases, r, ctx.locale)),
    'case.invalid',
  ),
  defineCommand('add-bully', { ...caseId, leerling: textAnswer }, ({ cases }, ctx, a) =>
    addBully(cases, actorOf(ctx), { caseId: a.caseId.value, studentRef: a.leerling.value, channel: ctx.channel }).then((r) => addBullySaid(r, ctx.locale)),
  ),
  defineCommand('case-figures', {}, ({ cases }, ctx) => yearFigures(cases, actorOf(ctx), ctx.channel).then((r) => figuresSaid(r, ctx.locale))),
  defineCommand('describe-case', caseId, ({ cases }, ctx, a) =>
    describe(cases, actorOf(ctx), a.caseId.value, ctx.channel).then((r) => describeSaid(cases, r, ctx.locale)),
  ),
  defineCommand('case-history', caseId, ({ cases }, ctx, a) =>
    historyOf(cases, actorOf(ctx), a.caseId.value, ctx.channel).then((r) => historySaid(cases, r, ctx.locale)),
  ),
  defineCommand('case-overview', {}, ({ cases }, ctx) => overview(cases, actorOf(ctx), ctx.channel).then((r) => overviewSaid(r, ctx.locale))),
  defineCommand('ask-coordinator', caseId, ({ cases }, ctx, a) =>
    askCoordinator(cases, actorOf(ctx), a.caseId.value, ctx.channel).then((r) => coordinatorSaid(r, ctx.locale)),
  ),
  defineCommand('my-signals', {}, ({ cases }, ctx) => signalsBy(cases, actorOf(ctx), ctx.channel).then((mine) => ownSignalsSaid(mine, ctx.locale))),
  defineCommand('agreement-check', { ...caseId, gestopt: answer(z.enum(['ja', 'nee', 'later'])) }, async ({ cases }, ctx, a) => {
    const actor = actorOf(ctx);
    if (a.gestopt.value === 'later') {
      const later = await checkAgainLater(cases, actor, a.caseId.value);
      return [{ text: ctx.t(later.kind === 'planned' ? 'reminder.later' : 'case.denied') }];
    }
    const stopped = a.gestopt.value === 'ja';
    const outcome = ctx.t(stopped ? 'case.check.stopped' : 'case.check.notStopped');
    const result = await recordStep(cases, actor, { caseId: a.caseId.value, kind: 'controle-afspraak', outcome, notes: { gestopt: stopped ? 'ja' : 'nee' }, channel: ctx.channel });
    const said = stepSaid(cases, result, ctx.locale);
    if (result.kind !== 'recorded') return said;
    if (stopped) return [{ text: ctx.t('reminder.stopped') }];
    const toClz = (await stageOf(cases, a.caseId.value)) === 'mentor';
    return [{ text: ctx.t('reminder.notStopped', { next: toClz ? ctx.t('reminder.notStopped.escalate') : (said.at(-1)?.text ?? '') }) }];
  }),
];
