/**
 * The exception's cards: the kernteam card (request with votes, or outcome), the card for someone
 * outside the kernteam, the details card and the figures card.
 */
import type { AdaptiveCardJson } from '../../cards/render.js';
import { translator, type Locale } from '../../i18n/index.js';
import { formatDate } from '../../protocol/answers.js';
import { dayIn } from '../../kernel/time.js';
import type { ExceptionCore } from '../context.js';
import { COUNT_NAMES, type Counts, type Figures } from '../figures.js';
import type { ExceptionRequest } from '../model.js';
import { countKey, groundKey, publicFacts, statusKey, voteKey } from './words.js';

/** The kernteam card of an undecided request: public facts, the votes so far, the viewer's own vote and the buttons. */
export async function requestCard(x: ExceptionCore, r: ExceptionRequest, viewer: string | null, locale: Locale): Promise<AdaptiveCardJson> {
  const t = translator(locale);
  const own = viewer ? r.votes.find((v) => v.staffId === viewer) : undefined;
  const members = await x.kernteamMembers();
  return x.deps.cards.render('kernteam-request', {
    requestId: r.id,
    title: t('exception.card.title', { student: r.studentRef }),
    facts: publicFacts(x, r, t),
    votesTitle: t('exception.card.votes'),
    votes: r.votes.map((v) => ({ text: `${x.nameOf(v.staffId)} (${t(`role.${v.role}`)}): ${t(voteKey(v.vote))} — ${v.motivation}` })),
    noVotes: r.votes.length === 0 ? t('exception.card.noVotes') : '',
    status: r.status === 'agenda' ? t('exception.card.onAgenda') : '',
    ownVote: own ? t('exception.card.ownVote', { vote: t(voteKey(own.vote)) }) : '',
    motivationLabel: t('exception.card.motivation'),
    motivationRequired: t('exception.vote.motivationRequired'),
    approve: t('exception.vote.approve'),
    reject: t('exception.vote.reject'),
    discuss: t('exception.vote.discuss'),
    detailsLabel: t('exception.card.details'),
    // Teams shows every member the current state through refresh; at most 60 user ids.
    userIds: members.slice(0, 60),
  });
}

/** The kernteam card of a decided request: the outcome, the votes, when and by whom it was decided. */
export async function outcomeCard(x: ExceptionCore, r: ExceptionRequest, locale: Locale): Promise<AdaptiveCardJson> {
  const t = translator(locale);
  const d = r.decision!;
  return x.deps.cards.render('kernteam-outcome', {
    title: t('exception.card.outcomeTitle', { student: r.studentRef, outcome: t(statusKey(r.status)) }),
    facts: publicFacts(x, r, t),
    votes: r.votes.map((v) => ({ text: `${x.nameOf(v.staffId)} (${t(`role.${v.role}`)}): ${t(voteKey(v.vote))} — ${v.motivation}` })),
    decided: t('exception.card.decidedOn', {
      date: formatDate(dayIn(x.school.timeZone, d.at), locale),
      by: d.decidedBy === 'rule' ? t('exception.card.byVotes') : x.nameOf(d.decidedBy),
    }),
    motivation: d.decidedBy === 'rule' ? '' : t('exception.card.jointMotivation', { motivation: d.motivation }),
  });
}

/** The kernteam card as it stands: the outcome once decided, else the request with the viewer's own vote. */
export function kernteamCard(x: ExceptionCore, r: ExceptionRequest, viewer: string | null, locale: Locale): Promise<AdaptiveCardJson> {
  return r.decision ? outcomeCard(x, r, locale) : requestCard(x, r, viewer, locale);
}

/** What a person outside the kernteam gets in the card's place: no student, no content. */
export function kernteamOnlyCard(x: ExceptionCore, locale: Locale): AdaptiveCardJson {
  const t = translator(locale);
  return x.deps.cards.render('info', { title: t('exception.title'), text: t('exception.card.kernteamOnly') });
}

/** The card in a clicked card's place when the request is not there (gone, or still a draft). */
export function notFoundCard(x: ExceptionCore, locale: Locale): AdaptiveCardJson {
  const t = translator(locale);
  return x.deps.cards.render('info', { title: t('exception.title'), text: t('exception.notFound') });
}

/** The details card (ground, purpose text, the student's words, where documents are, what the parents sent). */
export function detailsCard(x: ExceptionCore, r: ExceptionRequest, locale: Locale): AdaptiveCardJson {
  const t = translator(locale);
  return x.deps.cards.render('exception-details', {
    title: t('exception.details.title', { student: r.studentRef }),
    facts: [
      { title: t('exception.field.grond'), value: r.ground ? t(groundKey(r.ground)) : '-' },
      { title: t('exception.field.doelToelichting'), value: r.purposeDetail || '-' },
      { title: t('exception.field.woordenLeerling'), value: r.studentWords || '-' },
      { title: t('exception.field.bewaarplaats'), value: r.documentsLocation || '-' },
      // What the parents and their child sent with the form link, as they wrote it.
      ...(r.fromParents
        ? [
            { title: t('exception.field.fromParents', { date: formatDate(dayIn(x.school.timeZone, r.fromParents.at), locale) }), value: r.fromParents.need },
            { title: t('exception.field.parentsStudentWords'), value: r.fromParents.studentWords },
            { title: t('exception.field.parentsConsent'), value: t('exception.field.parentsConsentGiven') },
          ]
        : []),
    ],
  });
}

/** The figures as a card and as text: the year's counts, the trend, per year group and per subject. */
export function figuresCard(x: ExceptionCore, f: Figures, locale: Locale): { text: string; card: AdaptiveCardJson } {
  const t = translator(locale);
  const line = (c: Counts) => COUNT_NAMES.map((n) => `${t(countKey(n))} ${c[n]}`).join(', ');
  const trend = COUNT_NAMES.map((n) => `${t(countKey(n))} ${f.total[n]} (${f.previous[n]})`).join(', ');
  const facts = [
    { title: t('exception.figures.year', { year: f.schoolYear }), value: line(f.total) },
    { title: t('exception.figures.trend', { year: f.previousYear }), value: trend },
    ...f.byYearGroup.map((g) => ({ title: t('exception.yearGroup', { year: g.yearGroup }), value: line(g.counts) })),
    ...f.bySubject.map((s) => ({ title: s.subject, value: line(s.counts) })),
  ];
  const card = x.deps.cards.render('exception-details', { title: t('exception.figures.title', { year: f.schoolYear }), facts });
  const text = [t('exception.figures.title', { year: f.schoolYear }), ...facts.map((f) => `${f.title}: ${f.value}`)].join('\n');
  return { text, card };
}
