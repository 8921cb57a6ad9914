import { z } from 'zod';
import type { LetterRequest } from '../../parents/letter-service.js';
import { actorOf, answer, defineCommand, textAnswer, type CommandContext } from '../command.js';

const letterAnswers = {
  over: answer(z.enum(['uitzondering', 'pesten'])),
  taal: answer(z.enum(['nl', 'en'])),
  requestId: textAnswer.optional(),
  welke: answer(z.enum(['besluit', 'uitnodiging'])).optional(),
  caseId: textAnswer.optional(),
  voor: answer(z.enum(['gepeste', 'pester'])).optional(),
  pester: textAnswer.optional(),
  aanpassing: textAnswer.optional(),
};
type LetterAnswers = z.infer<z.ZodObject<typeof letterAnswers>>;

function request(a: LetterAnswers): LetterRequest | null {
  if (a.over.value === 'uitzondering') return a.requestId ? { about: 'exception', requestId: a.requestId.value, invitation: a.welke?.value === 'uitnodiging' } : null;
  if (!a.caseId || !a.voor) return null;
  return { about: 'case', caseId: a.caseId.value, parentsOf: a.voor.value === 'pester' ? 'bully' : 'bullied', bully: a.pester?.value };
}

const refusal = (ctx: CommandContext, reason: 'denied' | 'not-found' | 'invalid') =>
  [{ text: ctx.t(reason === 'denied' ? 'letter.denied' : reason === 'not-found' ? 'letter.notFound' : 'letter.invalid') }];

/** Letters to parents: a draft from the record, then the letter as the member of staff takes it. */
export const LETTER_COMMANDS = [
  defineCommand('draft-letter', letterAnswers, async ({ letters, cards }, ctx, a) => {
    const req = request(a);
    if (!req) return refusal(ctx, 'invalid');
    const draft = await letters.draft({ ...actorOf(ctx), name: ctx.actor.name }, req, a.taal.value);
    if (!draft.ok) return refusal(ctx, draft.reason);
    const removed = draft.removed.length ? [{ text: ctx.t('letter.removed', { words: draft.removed.join(', ') }) }] : [];
    // The draft to copy whole: the next question asks for the whole letter back, changed.
    const letter = `${draft.subject}\n\n${draft.text}`;
    return [{ text: ctx.t('letter.draft') }, { text: letter, card: cards.copyText(ctx.t('letter.copy.draft'), letter) }, ...removed];
  }),
  defineCommand('take-letter', letterAnswers, async ({ letters, cards }, ctx, a) => {
    const req = request(a);
    if (!req) return refusal(ctx, 'invalid');
    const taken = await letters.take({ ...actorOf(ctx), name: ctx.actor.name }, req, a.taal.value, a.aanpassing?.value ?? null, ctx.channel);
    if (!taken.ok) return refusal(ctx, taken.reason);
    const said = ctx.t('letter.taken', { url: taken.url });
    return [
      { text: said, card: cards.links(said, [{ title: ctx.t('letter.download'), url: taken.url }]) },
      { text: taken.text, card: cards.copyText(ctx.t('letter.copy.taken'), taken.text) },
    ];
  }),
];
