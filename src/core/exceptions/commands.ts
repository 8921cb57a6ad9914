import { z } from 'zod';
import type { CardRenderer } from '../cards/render.js';
import type { OutboundMessage } from '../turn.js';
import { actorOf, answer, commandsFor, textAnswer, type CommandContext } from '../app/command.js';
import type { ExceptionCore } from './context.js';
import { check, submit } from './drafts.js';
import { figures, functionalAnswer, myRequests } from './listings.js';
import { followUpMisuse, signalMisuse } from './misuse.js';
import { myRequestOptions } from './presentation/options.js';
import { checkSaid, figuresSaid, followUpSaid, functionalSaid, jointDecisionSaid, misuseSignalSaid, reviewSaid, reviewTalkSaid, submitSaid } from './presentation/replies.js';
import { planReviewTalk, review } from './reviews.js';
import { recordJointDecision } from './voting.js';

/** What the phone-ban exception's commands work with. */
export interface ExceptionCommandDeps {
  exceptions: ExceptionCore;
  cards: CardRenderer;
}
const defineCommand = commandsFor<ExceptionCommandDeps>();

const draftId = { draftId: textAnswer };
const requestId = { requestId: textAnswer };

/** The phone-ban exception's commands: each runs the operation, then says what it reported. */
export const EXCEPTION_COMMANDS = [
  defineCommand('check-request', draftId, async ({ exceptions }, ctx, a) => checkSaid(await check(exceptions, actorOf(ctx), a.draftId.value), ctx.locale)),
  defineCommand('submit-request', draftId, async ({ exceptions }, ctx, a) =>
    submitSaid(exceptions, await submit(exceptions, actorOf(ctx), a.draftId.value, ctx.channel), ctx.locale),
  ),
  defineCommand('list-requests', {}, (deps, ctx) => listRequests(deps, ctx)),
  defineCommand('exception-check', { leerling: textAnswer }, async ({ exceptions }, ctx, a) =>
    functionalSaid(exceptions, await functionalAnswer(exceptions, actorOf(ctx), a.leerling.value, ctx.channel), ctx.locale),
  ),
  defineCommand(
    'joint-decision',
    { ...requestId, besluit: answer(z.enum(['granted', 'rejected'])), motivatie: textAnswer },
    async ({ exceptions }, ctx, a) =>
      jointDecisionSaid(
        await recordJointDecision(exceptions, actorOf(ctx), { id: a.requestId.value, outcome: a.besluit.value, motivation: a.motivatie.value, channel: ctx.channel }),
        ctx.locale,
      ),
    'exception.invalid',
  ),
  defineCommand('exception-figures', {}, async ({ exceptions }, ctx) => figuresSaid(exceptions, await figures(exceptions, actorOf(ctx), ctx.channel), ctx.locale)),
  defineCommand('misuse-signal', { leerling: textAnswer, wat: textAnswer }, async ({ exceptions }, ctx, a) =>
    misuseSignalSaid(await signalMisuse(exceptions, actorOf(ctx), { studentRef: a.leerling.value, note: a.wat.value, channel: ctx.channel }), ctx.locale),
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
    async ({ exceptions }, ctx, a) => {
      // Reinstating records what the reassessment covered: the talk, the kernteam's view, the causes.
      const reassessment =
        a.stap.value === 'resume'
          ? [a.herstelGesprek && ctx.t('exception.misuse.resume.talked'), a.herstelKernteam?.display, a.herstelOorzaken && ctx.t('exception.misuse.resume.causes', { causes: a.herstelOorzaken.value })]
          : [];
      const note = [a.maatregel?.display, ...reassessment, a.notitie?.value].filter(Boolean).join(': ');
      const result = await followUpMisuse(exceptions, actorOf(ctx), {
        id: a.requestId.value,
        kind: a.stap.value,
        note,
        until: a.tot?.value || undefined,
        channel: ctx.channel,
        meanwhile: a.intussen?.value ?? '',
        skipReason: a.overslaan?.value ?? '',
      });
      return followUpSaid(result, ctx.locale);
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
    async ({ exceptions }, ctx, a) => {
      const given = {
        effective: a.werkt.value,
        stillNeeded: a.nodig.value,
        adjust: a.aanpassen?.value ?? '',
        outcome: a.vervolg.value,
        parentsAndStudentHeard: a.gehoord.value,
      };
      return reviewSaid(await review(exceptions, actorOf(ctx), { id: a.requestId.value, review: given, channel: ctx.channel }), ctx.locale);
    },
    'exception.invalid',
  ),
  defineCommand('plan-review-talk', { ...requestId, waaromNiet: textAnswer, gesprekDatum: textAnswer }, async ({ exceptions }, ctx, a) =>
    reviewTalkSaid(
      await planReviewTalk(exceptions, actorOf(ctx), { id: a.requestId.value, reason: a.waaromNiet.value, date: a.gesprekDatum.value, channel: ctx.channel }),
      ctx.locale,
    ),
  ),
];

/** The person's requests, each as a card: drafts with a button to go on, the rest with their state. */
async function listRequests({ exceptions, cards }: ExceptionCommandDeps, ctx: CommandContext): Promise<OutboundMessage[]> {
  const mine = myRequestOptions(exceptions, await myRequests(exceptions, actorOf(ctx)), ctx.locale);
  if (mine.length === 0) return [{ text: ctx.t('exception.none') }];
  return mine.map((r) => ({
    text: r.label,
    card: cards.render('request-summary', {
      title: r.label,
      actions: r.isDraft ? [{ title: ctx.t('exception.action.resume'), draftId: r.value }] : [],
    }),
  }));
}
