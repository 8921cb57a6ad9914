import { z } from 'zod';
import { BULLYING_FORMS, BYSTANDER_ROLES, STEP_KINDS } from './model.js';
import type { CaseResult, CaseService } from './service.js';
import type { Translate } from '../i18n/index.js';
import type { OutboundMessage } from '../turn.js';
import { mentionsSexualImage } from '../protocol/safeguard.js';
import { actorOf, answer, commandsFor, textAnswer, type CommandContext } from '../app/command.js';

/** What the bullying protocol's commands work with. */
export interface CaseCommandDeps {
  cases: CaseService;
}
const defineCommand = commandsFor<CaseCommandDeps>();

const caseId = { caseId: textAnswer };
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function said(result: CaseResult, t: Translate): OutboundMessage[] {
  if (result.ok) return result.said;
  if (result.said) return result.said;
  const key = result.reason === 'denied' ? 'case.denied' : result.reason === 'not-found' ? 'case.notFound' : 'case.invalid';
  return [{ text: t(key) }];
}
const run = (ctx: CommandContext, result: Promise<CaseResult>) => result.then((r) => said(r, ctx.t));

/** The bullying protocol's commands. */
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
      return run(ctx, cases.recordSignal(actorOf(ctx), signal, ctx.channel, ctx.locale));
    },
    'case.invalid',
    { passesSafeguard: true },
  ),
  defineCommand(
    'show-proposal',
    { ...caseId, voorstel: textAnswer },
    ({ cases }, ctx, a) => run(ctx, cases.proposalDetails(actorOf(ctx), a.caseId.value, a.voorstel.value, ctx.channel, ctx.locale)),
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
      return run(ctx, cases.recordStep(actorOf(ctx), a.caseId.value, kind.data, a.uitkomst?.value ?? '', notes, ctx.channel, ctx.locale, withStudent));
    },
    'case.invalid',
  ),
  defineCommand(
    'add-agreement',
    { ...caseId, afspraak: textAnswer, datum: answer(z.string().regex(DATE)), stap: textAnswer.optional() },
    ({ cases }, ctx, a) =>
      run(
        ctx,
        cases.addAgreement(actorOf(ctx), a.caseId.value, a.afspraak.value, a.datum.value, ctx.channel, ctx.locale, {
          // Agreements from the joint conversation record that talk too; "agreements with a date" do not.
          jointTalk: a.stap?.value !== 'afspraken',
        }),
      ),
    'case.invalid',
  ),
  defineCommand('escalate-case', caseId, ({ cases }, ctx, a) => run(ctx, cases.escalate(actorOf(ctx), a.caseId.value, ctx.channel, ctx.locale))),
  defineCommand('close-case', { ...caseId, reden: textAnswer }, ({ cases }, ctx, a) =>
    run(ctx, cases.close(actorOf(ctx), a.caseId.value, a.reden.value, ctx.channel, ctx.locale)),
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
      run(
        ctx,
        cases.recordSanction(
          actorOf(ctx),
          a.caseId.value,
          { rung: a.trede.value, studentRefs: a.leerlingen.value, motivation: a.motivatie.value, consultedStaffId: a.overlegMet?.value || undefined },
          ctx.channel,
          ctx.locale,
        ),
      ),
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
      run(
        ctx,
        cases.decideSanction(
          actorOf(ctx),
          a.caseId.value,
          {
            sanctionId: a.voorstel.value,
            outcome: a.besluit.value,
            heard: a.gehoord?.value ?? false,
            inspectie: a.inspectie?.value ?? 'niet-nodig',
            motivation: a.motivatie.value,
          },
          ctx.channel,
          ctx.locale,
        ),
      ),
    'case.invalid',
  ),
  defineCommand('add-bully', { ...caseId, leerling: textAnswer }, ({ cases }, ctx, a) =>
    run(ctx, cases.addBully(actorOf(ctx), a.caseId.value, a.leerling.value, ctx.channel, ctx.locale)),
  ),
  defineCommand('case-figures', {}, ({ cases }, ctx) => run(ctx, cases.figuresSaid(actorOf(ctx), ctx.channel, ctx.locale))),
  defineCommand('describe-case', caseId, ({ cases }, ctx, a) => run(ctx, cases.describe(actorOf(ctx), a.caseId.value, ctx.channel, ctx.locale))),
  defineCommand('case-history', caseId, ({ cases }, ctx, a) => run(ctx, cases.historyOf(actorOf(ctx), a.caseId.value, ctx.channel, ctx.locale))),
  defineCommand('case-overview', {}, ({ cases }, ctx) => run(ctx, cases.overview(actorOf(ctx), ctx.channel, ctx.locale))),
  defineCommand('ask-coordinator', caseId, ({ cases }, ctx, a) => run(ctx, cases.askCoordinator(actorOf(ctx), a.caseId.value, ctx.channel, ctx.locale))),
  defineCommand('my-signals', {}, ({ cases }, ctx) => run(ctx, cases.signalsBy(actorOf(ctx), ctx.channel, ctx.locale))),
  defineCommand('agreement-check', { ...caseId, gestopt: answer(z.enum(['ja', 'nee', 'later'])) }, async ({ cases }, ctx, a) => {
    const actor = actorOf(ctx);
    if (a.gestopt.value === 'later') {
      const planned = await cases.checkAgainLater(actor, a.caseId.value);
      return [{ text: ctx.t(planned ? 'reminder.later' : 'case.denied') }];
    }
    const stopped = a.gestopt.value === 'ja';
    const outcome = ctx.t(stopped ? 'case.check.stopped' : 'case.check.notStopped');
    const result = await cases.recordStep(actor, a.caseId.value, 'controle-afspraak', outcome, { gestopt: stopped ? 'ja' : 'nee' }, ctx.channel, ctx.locale);
    if (!result.ok) return said(result, ctx.t);
    if (stopped) return [{ text: ctx.t('reminder.stopped') }];
    const escalate = (await cases.stageOf(a.caseId.value)) === 'mentor';
    return [{ text: ctx.t('reminder.notStopped', { next: escalate ? ctx.t('reminder.notStopped.escalate') : (result.said.at(-1)?.text ?? '') }) }];
  }),
];
