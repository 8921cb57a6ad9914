/**
 * How exceptions are shown: the kernteam and outcome cards, the public facts, the functional text
 * for teachers and the texts of their signals. Rules live in the sibling files; this file only
 * presents.
 */
import type { AdaptiveCardJson } from '../cards/render.js';
import { translator, type Locale, type MessageKey, type Translate } from '../i18n/index.js';
import { formatDate } from '../protocol/answers.js';
import { dayIn } from '../kernel/time.js';
import { type Counts } from './figures.js';
import { DOCUMENTS, type DocumentName, type ExceptionRequest, type VoteChoice } from './model.js';
import { contacts, ExceptionCore, scopesOf } from './context.js';

/**
 * What a subject teacher reads: short lines, built only from the answers whose audience is the
 * teachers (declared in the dialog file), the review date and whom to ask. Never the ground, the
 * purpose, the apps as typed or any other free text.
 */
export function functionalText(x: ExceptionCore, r: ExceptionRequest, t: Translate, locale: Locale): string {
  const shown = x.deps.teacherFields;
  const lines = [t('exception.teacher.has', { student: shown.has('leerling') ? `${r.studentRef} (${r.classId})` : r.studentRef })];
  const scopes = scopesOf(r);
  if (shown.has('reikwijdte') && scopes.length) lines.push(t('exception.teacher.where', { scope: scopes.map((v) => t(scopeKey(v))).join(', ') }));
  if (shown.has('wanneer')) {
    const subjects = subjectsText(r, t, locale);
    if (subjects) lines.push(t('exception.teacher.subjects', { subjects }));
  }
  if (shown.has('functies') && r.functions?.length) lines.push(t('exception.teacher.may', { what: r.functions.map((v) => t(functionKey(v))).join('; ') }));
  // Not asking for the reason is always asked (older requests had it as a choice): said once, below.
  const asked = (r.teacherActions ?? []).filter((v) => v !== 'geen-uitleg');
  if (shown.has('aanpak') && asked.length) lines.push(t('exception.teacher.ask', { what: asked.map((v) => t(actionKey(v))).join('; ') }));
  // Need-to-know, always: the student never has to explain in class, and nothing marks them out.
  lines.push(t('exception.teacher.discreet'));
  if (r.reviewDue) lines.push(t('exception.teacher.until', { date: formatDate(r.reviewDue, locale) }));
  lines.push(t('exception.teacher.contact', { contact: contacts(x, r, t) }));
  return lines.join('\n');
}

export function scopeText(x: ExceptionCore, r: ExceptionRequest, t: Translate, locale: Locale, withReview = true): string {
  // Texts for Magister and the OPP are read by colleagues: only what teachers may read goes in.
  return t(withReview ? 'exception.scopeText' : 'exception.scopeText.noReview', {
    scope: scopesOf(r).map((v) => t(scopeKey(v))).join(', ') || '-',
    when: r.subjects ? subjectsText(r, t, locale) || '-' : r.when || '-',
    functions: (r.functions ?? []).map((v) => t(functionKey(v))).join('; ') || '-',
    until: r.reviewDue ? formatDate(r.reviewDue, locale) : '-',
  });
}

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

/** What anyone in the kernteam channel may see: categories and checklist, no free text. */
export function publicFacts(x: ExceptionCore, r: ExceptionRequest, t: Translate): Array<{ title: string; value: string }> {
  return [
    { title: t('exception.field.leerling'), value: `${r.studentRef} (${t('exception.yearGroup', { year: r.yearGroup })})` },
    { title: t('exception.field.grond'), value: r.ground ? t(groundKey(r.ground)) : '-' },
    { title: t('exception.field.doel'), value: r.purpose ? t(purposeKey(r.purpose)) : '-' },
    { title: t('exception.field.reikwijdte'), value: scopesOf(r).map((v) => t(scopeKey(v))).join(', ') || '-' },
    { title: t('exception.field.wanneer'), value: r.when || '-' },
    { title: t('exception.field.apps'), value: r.apps || '-' },
    { title: t('exception.field.functies'), value: (r.functions ?? []).map((v) => t(functionKey(v))).join('; ') || '-' },
    { title: t('exception.field.aanpak'), value: (r.teacherActions ?? []).map((v) => t(actionKey(v))).join('; ') || '-' },
    { title: t('exception.field.soort'), value: r.kind ? t(kindKey(r.kind)) : '-' },
    { title: t('exception.field.documenten'), value: documentsText(x, r, t) },
    { title: t('exception.field.aanvrager'), value: x.nameOf(r.requesterStaffId) },
    // The school's assessment criteria, next to the request (school file).
    ...(x.school.exceptions.criteria.length ? [{ title: t('exception.field.criteria'), value: x.school.exceptions.criteria.map((c) => `- ${c}`).join('\n') }] : []),
  ];
}

/**
 * The checklist of documents. Where the request says otherwise than the parents did on the form, both
 * are shown ("OPP of behandelplan — mentor: aanwezig, ouders: volgt"): the kernteam sees what changed.
 */
export function documentsText(x: ExceptionCore, r: ExceptionRequest, t: Translate): string {
  const state = (s: string | undefined) => (s ? t(docStateKey(s)) : '-');
  const parents = r.fromParents?.documents ?? {};
  const who = x.mentorOf(r) === r.requesterStaffId ? t('role.mentor') : t('exception.docs.requester');
  return DOCUMENTS.map((d) => {
    const own = r.documents[d];
    const theirs = parents[d];
    if (theirs && theirs !== own) return `${t(docKey(d))} — ${t('exception.docs.twoAnswers', { who, own: state(own), parents: state(theirs) })}`;
    return `${t(docKey(d))}: ${state(own)}`;
  }).join('; ');
}

/** What a person outside the kernteam gets in the card's place: no student, no content. */
export function kernteamOnlyCard(x: ExceptionCore, locale: Locale): AdaptiveCardJson {
  const t = translator(locale);
  return x.deps.cards.render('info', { title: t('exception.title'), text: t('exception.card.kernteamOnly') });
}

/** The discreet signal's text: the functional facts, then how to respond in class. */
function signalText(x: ExceptionCore, r: ExceptionRequest, t: Translate): string {
  return `${functionalText(x, r, t, x.school.locale)}\n\n${t('exception.signal.howTo')}`;
}

/** The discreet signal to the teachers of the subjects in scope: functional facts only. */
export async function signalTeachers(x: ExceptionCore, r: ExceptionRequest): Promise<void> {
  const t = translator(x.school.locale);
  for (const staffId of x.teachersOf(r)) {
    await x.deps.outbox.notify(`signal:${r.id}:granted:${staffId}`, staffId, {
      text: signalText(x, r, t),
    });
  }
}

/**
 * After a class change: the new class's teachers in scope get the discreet signal (only while the
 * exception applies, not while it is paused); the old class's teachers who no longer teach the student
 * hear that it no longer applies in their lessons. Teachers of both classes hear nothing new.
 */
export async function signalClassChange(x: ExceptionCore, before: ExceptionRequest, after: ExceptionRequest): Promise<void> {
  const t = translator(x.school.locale);
  const old = x.teachersOf(before);
  const now = x.teachersOf(after);
  if (after.status === 'granted') {
    for (const staffId of now) {
      if (old.has(staffId)) continue;
      await x.deps.outbox.notify(`signal:${after.id}:class:${after.classId}:${staffId}`, staffId, {
        text: signalText(x, after, t),
      });
    }
  }
  for (const staffId of old) {
    if (now.has(staffId)) continue;
    await x.deps.outbox.notify(`signal:${after.id}:left:${before.classId}:${staffId}`, staffId, {
      text: t('exception.signal.leftClass', { student: after.studentRef }),
    });
  }
}

export async function tellTeachers(x: ExceptionCore, r: ExceptionRequest, key: 'exception.signal.paused' | 'exception.signal.resumed' | 'exception.signal.ended'): Promise<void> {
  const t = translator(x.school.locale);
  for (const staffId of x.teachersOf(r)) {
    await x.deps.outbox.notify(`signal:${r.id}:${key}:${r.misuse.length}:${staffId}`, staffId, {
      text: t(key, { student: r.studentRef, contact: x.contactName(r) }),
    });
  }
}

/** The subjects an exception is for, as shown: "alle lessen", or the subjects named. */
export function subjectsText(r: ExceptionRequest, t: Translate, locale: Locale): string {
  return r.subjects?.includes('alle') ? t('exception.subjects.all').toLocaleLowerCase(locale) : (r.subjects ?? []).join(', ');
}

// Keys for stored values; test/core/catalogue.test.ts checks every value has a text in both languages.
export const groundKey = (g: string) => `exception.ground.${g}` as MessageKey;
export const purposeKey = (p: string) => `exception.purpose.${p}` as MessageKey;
export const scopeKey = (s: string) => `exception.scope.${s}` as MessageKey;
export const kindKey = (k: string) => `exception.kind.${k}` as MessageKey;
export const functionKey = (f: string) => `exception.function.${f}` as MessageKey;
export const actionKey = (a: string) => `exception.action.${a}` as MessageKey;
export const docKey = (d: DocumentName): MessageKey => `exception.doc.${d}`;
export const docStateKey = (s: string) => `exception.docState.${s}` as MessageKey;
export const voteKey = (v: VoteChoice): MessageKey => `exception.vote.${v}`;
export const statusKey = (s: ExceptionRequest['status']): MessageKey => `exception.status.${s}`;
export const countKey = (n: keyof Counts): MessageKey => `exception.count.${n}`;
