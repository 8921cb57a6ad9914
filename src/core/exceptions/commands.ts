import { z } from 'zod';
import type { CardRenderer } from '../cards/render.js';
import type { ExceptionResult, ExceptionService } from './service.js';
import type { Translate } from '../i18n/index.js';
import type { OutboundMessage } from '../turn.js';
import { actorOf, answer, commandsFor, textAnswer, type CommandContext } from '../app/command.js';

/** What the phone-ban exception's commands work with. */
export interface ExceptionCommandDeps {
  exceptions: ExceptionService;
  cards: CardRenderer;
}
const defineCommand = commandsFor<ExceptionCommandDeps>();

function said(result: ExceptionResult, t: Translate): OutboundMessage[] {
  if (result.ok) return result.said;
  if (result.said) return result.said;
  const key = { denied: 'exception.denied', 'not-found': 'exception.notFound', invalid: 'exception.invalid', incomplete: 'exception.incomplete' } as const;
  return [{ text: t(key[result.reason]) }];
}
const run = (ctx: CommandContext, result: Promise<ExceptionResult>) => result.then((r) => said(r, ctx.t));

const draftId = { draftId: textAnswer };
const requestId = { requestId: textAnswer };

/** The phone-ban exception's commands. */
export const EXCEPTION_COMMANDS = [
  defineCommand('check-request', draftId, ({ exceptions }, ctx, a) => run(ctx, exceptions.check(actorOf(ctx), a.draftId.value, ctx.locale))),
  defineCommand('submit-request', draftId, ({ exceptions }, ctx, a) =>
    run(ctx, exceptions.submit(actorOf(ctx), a.draftId.value, ctx.channel, ctx.locale)),
  ),
  defineCommand('list-requests', {}, (deps, ctx) => listRequests(deps, ctx)),
  defineCommand('exception-check', { leerling: textAnswer }, ({ exceptions }, ctx, a) =>
    run(ctx, exceptions.functionalAnswer(actorOf(ctx), a.leerling.value, ctx.channel, ctx.locale)),
  ),
  defineCommand(
    'joint-decision',
    { ...requestId, besluit: answer(z.enum(['granted', 'rejected'])), motivatie: textAnswer },
    ({ exceptions }, ctx, a) =>
      run(ctx, exceptions.recordJointDecision(actorOf(ctx), a.requestId.value, a.besluit.value, a.motivatie.value, ctx.channel, ctx.locale)),
    'exception.invalid',
  ),
  defineCommand('exception-figures', {}, ({ exceptions }, ctx) => run(ctx, exceptions.figuresSaid(actorOf(ctx), ctx.channel, ctx.locale))),
  defineCommand('misuse-signal', { leerling: textAnswer, wat: textAnswer }, ({ exceptions }, ctx, a) =>
    run(ctx, exceptions.signalMisuse(actorOf(ctx), a.leerling.value, a.wat.value, ctx.channel, ctx.locale)),
  ),
  defineCommand(
    'misuse-follow-up',
    {
      ...requestId,
      stap: answer(z.enum(['conversation', 'support', 'suspend', 'extend', 'resume', 'revoke'])),
      tot: textAnswer.optional(),
      maatregel: answer(z.unknown()).optional(),
      notitie: textAnswer.optional(),
      intussen: textAnswer.optional(),
      overslaan: textAnswer.optional(),
      herstelGesprek: answer(z.boolean()).optional(),
      herstelKernteam: answer(z.string()).optional(),
      herstelOorzaken: textAnswer.optional(),
    },
    ({ exceptions }, ctx, a) => {
      // Reinstating records what the reassessment covered: the talk, the kernteam's view, the causes.
      const reassessment =
        a.stap.value === 'resume'
          ? [a.herstelGesprek && ctx.t('exception.misuse.resume.talked'), a.herstelKernteam?.display, a.herstelOorzaken && ctx.t('exception.misuse.resume.causes', { causes: a.herstelOorzaken.value })]
          : [];
      const note = [a.maatregel?.display, ...reassessment, a.notitie?.value].filter(Boolean).join(': ');
      return run(
        ctx,
        exceptions.followUpMisuse(actorOf(ctx), a.requestId.value, a.stap.value, note, a.tot?.value || undefined, ctx.channel, ctx.locale, a.intussen?.value ?? '', a.overslaan?.value ?? ''),
      );
    },
    'exception.invalid',
  ),
  defineCommand(
    'record-review',
    {
      ...requestId,
      werkt: answer(z.boolean()),
      nodig: answer(z.boolean()),
      aanpassen: textAnswer.optional(),
      vervolg: answer(z.enum(['continue', 'end'])),
      gehoord: answer(z.boolean()),
    },
    ({ exceptions }, ctx, a) => {
      const review = {
        effective: a.werkt.value,
        stillNeeded: a.nodig.value,
        adjust: a.aanpassen?.value ?? '',
        outcome: a.vervolg.value,
        parentsAndStudentHeard: a.gehoord.value,
      };
      return run(ctx, exceptions.review(actorOf(ctx), a.requestId.value, review, ctx.channel, ctx.locale));
    },
    'exception.invalid',
  ),
  defineCommand('plan-review-talk', { ...requestId, waaromNiet: textAnswer, gesprekDatum: textAnswer }, ({ exceptions }, ctx, a) =>
    run(ctx, exceptions.planReviewTalk(actorOf(ctx), a.requestId.value, a.waaromNiet.value, a.gesprekDatum.value, ctx.channel, ctx.locale)),
  ),
];

/** The person's requests, each as a card: drafts with a button to go on, the rest with their state. */
async function listRequests({ exceptions, cards }: ExceptionCommandDeps, ctx: CommandContext): Promise<OutboundMessage[]> {
  const mine = await exceptions.myRequests(actorOf(ctx), ctx.locale);
  if (mine.length === 0) return [{ text: ctx.t('exception.none') }];
  return mine.map((r) => ({
    text: r.label,
    card: cards.render('request-summary', {
      title: r.label,
      actions: r.isDraft ? [{ title: ctx.t('exception.action.resume'), draftId: r.value }] : [],
    }),
  }));
}
