/**
 * The words every presentation of an exception shares: the keys of stored values, the functional text
 * for teachers, the scope as colleagues read it, the public facts of the kernteam card, and whom to ask.
 */
import type { Locale, MessageKey, Translate } from '../../i18n/index.js';
import { formatDate } from '../../protocol/answers.js';
import type { Counts } from '../figures.js';
import { DOCUMENTS, type DocumentName, type ExceptionRequest, type VoteChoice } from '../model.js';
import { scopesOf, type ExceptionCore } from '../context.js';
import type { RequestField } from '../results.js';

/** Whom teachers may ask: the mentor, and the zorgcoördinator (or IB) as the school file says. */
export function contacts(x: ExceptionCore, r: ExceptionRequest, t: Translate): string {
  const mentor = x.mentorOf(r);
  const people = [`${x.nameOf(mentor)} (${t('role.mentor')})`];
  for (const id of x.school.exceptions.contacts) {
    const person = x.deps.directory.staffById(id);
    if (person && person.id !== mentor) people.push(`${person.name} (${t('exception.contact.care')})`);
  }
  return people.join(t('exception.contact.or'));
}

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

/** Where and when it applies, for Magister and the OPP: only what teachers may read. */
export function scopeText(x: ExceptionCore, r: ExceptionRequest, t: Translate, locale: Locale, withReview = true): string {
  // Texts for Magister and the OPP are read by colleagues: only what teachers may read goes in.
  return t(withReview ? 'exception.scopeText' : 'exception.scopeText.noReview', {
    scope: scopesOf(r).map((v) => t(scopeKey(v))).join(', ') || '-',
    when: r.subjects ? subjectsText(r, t, locale) || '-' : r.when || '-',
    functions: (r.functions ?? []).map((v) => t(functionKey(v))).join('; ') || '-',
    until: r.reviewDue ? formatDate(r.reviewDue, locale) : '-',
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

/** The name of a question of the request dialog, as the completeness check lists it. */
export function fieldKey(f: RequestField): MessageKey {
  return isDocument(f) ? docKey(f) : `exception.field.${f}`;
}

function isDocument(f: RequestField): f is DocumentName {
  return (DOCUMENTS as readonly string[]).includes(f);
}
