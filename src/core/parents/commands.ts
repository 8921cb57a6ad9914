import { z } from 'zod';
import type { CardRenderer } from '../cards/render.js';
import { formatDate } from '../protocol/answers.js';
import type { LetterRequest, LetterService } from './letter-service.js';
import type { ParentService } from './service.js';
import { actorOf, answer, commandsFor, textAnswer, type CommandContext } from '../app/command.js';

/** What the commands about parents work with. */
export interface ParentCommandDeps {
  parents: ParentService;
  letters: LetterService;
  cards: CardRenderer;
}
const defineCommand = commandsFor<ParentCommandDeps>();

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

/**
 * The parents' side: a link to the form with which parents fill in a request's draft, and letters to
 * parents (a draft from the record, then the letter as the member of staff takes it).
 */
export const PARENT_COMMANDS = [
  defineCommand('parent-link', { leerling: textAnswer }, async ({ parents, cards }, ctx, a) => {
    const result = await parents.createLink(actorOf(ctx), a.leerling.value, ctx.channel);
    if ('error' in result) return [{ text: ctx.t(result.error === 'off' ? 'parents.link.off' : result.error === 'denied' ? 'parents.link.denied' : 'parents.link.notFound') }];
    const values = { student: result.studentRef, date: formatDate(result.expires, ctx.locale), url: result.url };
    // The link to copy and send, alone in its block, and a button to see the form as the parents will.
    const card = cards.copyText(ctx.t('parents.link.title', values), result.url, {
      note: ctx.t('parents.link.note', values),
      links: [{ title: ctx.t('parents.link.open'), url: result.url }],
    });
    return [{ text: ctx.t('parents.link.done', values), card }];
  }),
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
