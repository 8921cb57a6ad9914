import type { CardRenderer, AdaptiveCardJson } from '../cards/render.js';
import { translator, type Locale, type MessageKey, type Translate } from '../i18n/index.js';
import type { Outbox } from '../notify/outbox.js';
import type { RoleBook } from '../people/role-book.js';
import type { SchoolDirectory } from '../people/school.js';
import { addDays, formatDate, type Answer, type Option } from '../protocol/answers.js';
import type { Clock, Store } from '../ports.js';
import type { Actor, OutboundMessage } from '../turn.js';
import { KEEP, updateOnce, updateWithRetry, writeRecord } from '../records.js';
import { planJob } from '../reminders/jobs.js';
import { dayIn, zonedTime } from '../time.js';
import { schoolDayOnOrBefore, schoolDaysAfter, schoolDaysBefore, schoolHours } from '../reminders/calendar.js';
import { recordText } from '../text/record-text.js';
import { auditSubject } from '../privacy/service.js';
import { can } from '../permissions.js';
import { evaluate, kernteamRole, type DecisionRule } from './decision.js';
import { COUNT_NAMES, computeFigures, subjectsInScope, type Counts, type Figures } from './figures.js';
import { DOCUMENTS, type DocumentName, type ExceptionRequest, type KernteamVote, type Review, type VoteChoice } from './model.js';

/** The subjects an exception is for, as shown: "alle lessen", or the subjects named. */
function subjectsText(r: ExceptionRequest, t: Translate, locale: Locale): string {
  return r.subjects?.includes('alle') ? t('exception.subjects.all').toLocaleLowerCase(locale) : (r.subjects ?? []).join(', ');
}

/** The end date of the pause in force: of the last pause or extension. */
export function currentPauseEnd(r: ExceptionRequest): string | undefined {
  return [...r.misuse].reverse().find((m) => m.kind === 'suspend' || m.kind === 'extend')?.until;
}

/** The school year a day falls in, starting on the school's start day (MM-DD), and whether it has begun. */
function schoolYearOfStart(today: string, startDay: string): { name: string; start: string; started: boolean } {
  const year = Number(today.slice(0, 4));
  const thisStart = `${year}-${startDay}`;
  const startYear = today >= thisStart ? year : year - 1;
  return { name: `${startYear}-${startYear + 1}`, start: `${startYear}-${startDay}`, started: true };
}

/** Where an exception applies: every chosen scope (older records: their one scope). */
export function scopesOf(r: ExceptionRequest): string[] {
  return r.scopes ?? (r.scope ? [r.scope] : []);
}

export interface ExceptionServiceDeps {
  store: Store;
  directory: SchoolDirectory;
  roleBook: RoleBook;
  outbox: Outbox;
  cards: CardRenderer;
  clock: Clock;
  newId: () => string;
  /**
   * The answer keys of the request dialog whose audience is the teachers (declared in the dialog file).
   * The teachers' signal and the lookup are built from these and nothing else.
   */
  teacherFields: ReadonlySet<string>;
}

export type ExceptionResult = { ok: true; said: OutboundMessage[] } | { ok: false; reason: 'denied' | 'not-found' | 'invalid' | 'incomplete' };

/** What a click on the kernteam card gives back: the card to show in its place, and a line to say. */
export interface VoteResult {
  card: AdaptiveCardJson;
  said: OutboundMessage[];
}

/** The outbox target of the school's kernteam channel. */
export const KERNTEAM_CHANNEL = 'channel:kernteam';

/**
 * Phone-ban exceptions: drafts saved at every answer, the completeness check, submission to the
 * kernteam, votes and the decision rule, the discreet signal to teachers and the review dates.
 */
export class ExceptionService {
  constructor(private readonly deps: ExceptionServiceDeps) {}

  private get requests() {
    return this.deps.store.collection('exceptionRequests');
  }

  private get school() {
    return this.deps.directory.school;
  }

  get rule(): DecisionRule {
    const { roles, minRoles, requiredRole } = this.school.kernteam;
    return { kernteamRoles: roles, minRoles, requiredRole };
  }

  /** Keeps the dialog's answers so far in the draft; called after every answer of the request dialog. */
  async saveDraft(actor: Actor, draftId: string, answers: Record<string, Answer>): Promise<void> {
    const now = this.deps.clock.now();
    const student = typeof answers.leerling?.value === 'string' ? this.deps.directory.findStudent(answers.leerling.value) : null;
    const text = (key: string) => (typeof answers[key]?.value === 'string' ? (answers[key]!.value as string) : '');
    const choice = (key: string) => text(key) || null;
    const list = (key: string): string[] => {
      const value = answers[key]?.value;
      return Array.isArray(value) ? value : typeof value === 'string' && value ? [value] : [];
    };
    const documents: ExceptionRequest['documents'] = {};
    for (const doc of DOCUMENTS) {
      const state = text(`doc_${doc}`);
      if (state === 'aanwezig' || state === 'volgt' || state === 'nvt') documents[doc] = state;
    }
    const fields = {
      studentRef: student?.ref ?? '',
      classId: student?.class ?? '',
      yearGroup: student ? (this.deps.directory.classOf(student)?.yearGroup ?? 0) : 0,
      ground: choice('grond'),
      purpose: choice('doel'),
      purposeDetail: text('doelToelichting'),
      documents,
      documentsLocation: text('bewaarplaats'),
      studentWords: text('woordenLeerling'),
      scope: list('reikwijdte')[0] ?? null,
      scopes: list('reikwijdte'),
      subjects: list('wanneer'),
      when: answers.wanneer?.display ?? '',
      apps: text('apps'),
      functions: list('functies'),
      teacherActions: list('aanpak'),
      kind: choice('soort'),
      updatedAt: now,
    };
    await writeRecord(this.requests, draftId, (current): Omit<ExceptionRequest, 'version'> | typeof KEEP => {
      if (!current) {
        return {
          id: draftId,
          schoolId: this.school.id,
          requesterStaffId: actor.staffId,
          status: 'draft',
          createdAt: now,
          submittedAt: null,
          votes: [],
          decision: null,
          reviewDue: null,
          reviews: [],
          misuse: [],
          ...fields,
        };
      }
      return this.isRequester(actor, current) && current.status === 'draft' ? { ...current, ...fields } : KEEP;
    });
  }

  /** The answers of a draft, to resume its dialog elsewhere. Only for its requester. */
  async draftAnswers(actor: Actor, id: string, locale: Locale): Promise<Record<string, Answer> | null> {
    const r = await this.requests.get(id);
    if (!r || !this.isRequester(actor, r) || r.status !== 'draft') return null;
    const t = translator(locale);
    const answers: Record<string, Answer> = { draftId: { value: r.id, display: '' } };
    const put = (key: string, value: string | null, display?: string) => {
      if (value) answers[key] = { value, display: display ?? value };
    };
    const student = r.studentRef ? this.deps.directory.findStudent(r.studentRef) : null;
    if (student) answers.leerling = { value: student.ref, display: `${student.ref} (${student.class})` };
    put('grond', r.ground, r.ground ? t(groundKey(r.ground)) : undefined);
    put('doel', r.purpose, r.purpose ? t(purposeKey(r.purpose)) : undefined);
    put('doelToelichting', r.purposeDetail);
    for (const doc of DOCUMENTS) put(`doc_${doc}`, r.documents[doc] ?? null, r.documents[doc] ? t(docStateKey(r.documents[doc]!)) : undefined);
    put('bewaarplaats', r.documentsLocation);
    put('woordenLeerling', r.studentWords);
    const putList = (key: string, values: string[] | undefined, label: (v: string) => string) => {
      if (values?.length) answers[key] = { value: values, display: values.map(label).join(', ') };
    };
    putList('reikwijdte', scopesOf(r), (v) => t(scopeKey(v)));
    if (r.subjects?.length) answers.wanneer = { value: r.subjects, display: r.when };
    put('apps', r.apps);
    putList('functies', r.functions, (v) => t(functionKey(v)));
    putList('aanpak', r.teacherActions, (v) => t(actionKey(v)));
    put('soort', r.kind, r.kind ? t(kindKey(r.kind)) : undefined);
    return answers;
  }

  /** The person's requests: drafts to resume and submitted ones to follow. */
  async myRequests(actor: Actor, locale: Locale): Promise<Array<Option & { isDraft: boolean }>> {
    const t = translator(locale);
    const mine = await this.requests.findBy('requesterStaffId', actor.staffId);
    return mine
      .filter((r) => r.schoolId === this.school.id)
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((r) => ({
        value: r.id,
        label: `${r.studentRef || '?'} — ${t(statusKey(r.status))}${this.overdue(r) ? ` — ${t('exception.review.overdue')}` : ''}`,
        isDraft: r.status === 'draft',
      }));
  }

  /** Requests on the kernteam agenda, for the zorgcoördinator to record the joint decision. */
  async agendaRequests(actor: Actor): Promise<Option[]> {
    if (!can(actor, 'exception.joint')) return [];
    const all = await this.requests.findBy('status', 'agenda');
    return all.filter((r) => r.schoolId === this.school.id).map((r) => ({ value: r.id, label: `${r.studentRef} (${r.classId})` }));
  }

  /** Active or paused exceptions this person looks after (requester, class mentor, zorgcoördinator). */
  async managed(actor: Actor): Promise<Option[]> {
    const out: Option[] = [];
    for (const status of ['granted', 'suspended'] as const) {
      for (const r of await this.requests.findBy('status', status)) {
        if (r.schoolId === this.school.id && this.mayManage(actor, r)) out.push({ value: r.id, label: `${r.studentRef} (${r.classId})` });
      }
    }
    return out;
  }

  /**
   * A teacher's confidential signal of possible misuse: no discussion in class; the mentor and the
   * zorgcoördinator are told and take it to the care team.
   */
  async signalMisuse(actor: Actor, studentRef: string, note: string, channel: string, locale: Locale): Promise<ExceptionResult> {
    const t = translator(locale);
    const student = this.deps.directory.findStudent(studentRef);
    const active = student
      ? (await this.requests.findBy('studentRef', student.ref)).find((r) => r.schoolId === this.school.id && r.status === 'granted')
      : undefined;
    if (!active) return { ok: true, said: [{ text: t('exception.misuse.noException') }] };
    const written = await this.change(active.id, (r) => ({
      ...r,
      misuse: [...r.misuse, { at: this.deps.clock.now(), byStaffId: actor.staffId, kind: 'signal', note }],
    }));
    if (!written) return { ok: false, reason: 'not-found' };
    await this.audit(actor.staffId, 'exception.misuse.signal', active.id, channel);
    const ct = translator(this.school.locale);
    const mentor = this.school.classes.find((c) => c.id === active.classId)?.mentor;
    const people = new Set([...(mentor ? [mentor] : []), ...(await this.deps.roleBook.staffWithRole('zorgcoordinator')).map((s) => s.id)]);
    for (const staffId of people) {
      await this.deps.outbox.notify(`misuse:${active.id}:${written.misuse.length}:${staffId}`, staffId, {
        text: ct('exception.misuse.notify', { student: active.studentRef, reporter: this.nameOf(actor.staffId), note }),
      });
    }
    return { ok: true, said: [{ text: t('exception.misuse.thanks') }] };
  }

  /**
   * The follow-up of possible misuse, supportive first: an informative conversation, supportive
   * measures, a pause with an end date and conditions, resuming after reassessment, or revocation
   * with a motivation. Teachers hear that it is paused or ended, never why.
   */
  async followUpMisuse(
    actor: Actor,
    id: string,
    kind: 'conversation' | 'support' | 'suspend' | 'extend' | 'resume' | 'revoke',
    note: string,
    until: string | undefined,
    channel: string,
    locale: Locale,
    /** For a pause: how the student's need is met meanwhile (required). */
    meanwhile = '',
  ): Promise<ExceptionResult> {
    const t = translator(locale);
    const r = await this.requests.get(id);
    if (!r || (r.status !== 'granted' && r.status !== 'suspended')) return { ok: false, reason: 'not-found' };
    if (!this.mayManage(actor, r)) return { ok: false, reason: 'denied' };
    if ((kind === 'revoke' || kind === 'suspend') && note.trim().length < 10) return { ok: false, reason: 'invalid' };
    if ((kind === 'suspend' || kind === 'extend') && !until) return { ok: false, reason: 'invalid' };
    // A pause never leaves a student without what they need: how it is met meanwhile is required.
    if (kind === 'suspend' && meanwhile.trim().length < 10) return { ok: false, reason: 'invalid' };
    if ((kind === 'resume' || kind === 'extend') && r.status !== 'suspended') return { ok: false, reason: 'invalid' };
    const status: ExceptionRequest['status'] = kind === 'suspend' ? 'suspended' : kind === 'resume' ? 'granted' : kind === 'revoke' ? 'revoked' : r.status;
    const event = {
      at: this.deps.clock.now(),
      byStaffId: actor.staffId,
      kind,
      note: note.trim(),
      ...(until ? { until } : {}),
      ...(kind === 'suspend' ? { meanwhile: meanwhile.trim() } : {}),
    };
    const written = await this.change(id, (cur) => ({ ...cur, status, misuse: [...cur.misuse, event] }));
    if (!written) return { ok: false, reason: 'not-found' };
    await this.audit(actor.staffId, `exception.misuse.${kind}`, id, channel);
    if (kind === 'suspend' || kind === 'extend') {
      // On its end date the pause ends by itself (a later extension makes this job find nothing to do).
      await planJob(this.deps.store.jobs, 'exception-reconsider', {
        id: `reconsider:${id}:${until}`,
        payload: { requestId: id, staffId: actor.staffId, until: until! },
        dueAt: zonedTime(until!, this.school.protocol.reminderTime, this.school.timeZone),
      });
    }
    if (kind === 'suspend') await this.tellTeachers(written, 'exception.signal.paused');
    if (kind === 'resume') await this.tellTeachers(written, 'exception.signal.resumed');
    if (kind === 'revoke') await this.tellTeachers(written, 'exception.signal.ended');
    const done: MessageKey = `exception.misuse.done.${kind}`;
    return { ok: true, said: [{ text: t(done, { until: until ? formatDate(until, locale) : '' }) }] };
  }

  /**
   * A pause's end date has come: unless it was extended, ended or revoked since, the exception applies
   * again, the teachers are told, and the one who paused it hears of it. Idempotent.
   */
  async endPause(id: string, until: string): Promise<ExceptionRequest | null> {
    let ended = false;
    const written = await this.change(id, (r) => {
      ended = r.status === 'suspended' && currentPauseEnd(r) === until;
      if (!ended) return r;
      return { ...r, status: 'granted', misuse: [...r.misuse, { at: this.deps.clock.now(), byStaffId: 'system', kind: 'pause-ended', note: '' }] };
    });
    if (!written || !ended) return null;
    await this.audit('system', 'exception.pause-ended', id, 'scheduler');
    await this.tellTeachers(written, 'exception.signal.resumed');
    return written;
  }

  /**
   * The student and parents were not heard, so the review cannot be held yet: why, and the date of
   * the conversation, with a reminder on that day.
   */
  async planReviewTalk(actor: Actor, id: string, reason: string, date: string, channel: string, locale: Locale): Promise<ExceptionResult> {
    const t = translator(locale);
    const r = await this.requests.get(id);
    if (!r || r.status !== 'granted') return { ok: false, reason: 'not-found' };
    if (!this.mayManage(actor, r)) return { ok: false, reason: 'denied' };
    if (reason.trim().length < 3 || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return { ok: false, reason: 'invalid' };
    const talk = { at: this.deps.clock.now(), byStaffId: actor.staffId, reason: reason.trim(), date };
    const written = await this.change(id, (cur) => ({ ...cur, reviewTalks: [...(cur.reviewTalks ?? []), talk] }));
    if (!written) return { ok: false, reason: 'not-found' };
    await planJob(this.deps.store.jobs, 'exception-review-talk', {
      id: `review-talk:${id}:${date}`,
      payload: { requestId: id, staffId: actor.staffId },
      dueAt: zonedTime(schoolDayOnOrBefore(date, schoolHours(this.school)), this.school.protocol.reminderTime, this.school.timeZone),
    });
    await this.audit(actor.staffId, 'exception.review-talk', id, channel);
    return { ok: true, said: [{ text: t('exception.review.talkPlanned', { date: formatDate(date, locale) }) }] };
  }

  /**
   * Once a day: a student who changed class or year group gets a review soon, and so does every
   * exception at the start of the school year (with a reminder to put it on the development
   * conversation's agenda). Idempotent per request and school year.
   */
  async dailyChecks(): Promise<{ classChanges: number; schoolYear: number }> {
    const now = this.deps.clock.now();
    const today = dayIn(this.school.timeZone, now);
    const hours = schoolHours(this.school);
    const soon = schoolDaysAfter(today, this.school.exceptions.reviewNoticeSchoolDays, hours);
    const year = schoolYearOfStart(today, this.school.exceptions.schoolYearStart);
    const t = translator(this.school.locale);
    let classChanges = 0;
    let schoolYear = 0;
    for (const status of ['granted', 'suspended'] as const) {
      for (const r of await this.requests.findBy('status', status)) {
        if (r.schoolId !== this.school.id) continue;
        const student = this.deps.directory.findStudent(r.studentRef);
        const cls = student ? this.deps.directory.classOf(student) : undefined;
        if (student && cls && cls.id !== r.classId) {
          const reviewDue = r.reviewDue && r.reviewDue < soon ? r.reviewDue : soon;
          const written = await this.change(r.id, (cur) =>
            cur.classId === cls.id ? cur : { ...cur, classId: cls.id, yearGroup: cls.yearGroup, reviewDue, reviewReason: 'class-change' },
          );
          if (written && written.classId === cls.id && written.reviewReason === 'class-change' && written.reviewDue === reviewDue) {
            classChanges++;
            await this.scheduleReview(written, reviewDue, true);
            await this.audit('system', 'exception.class-change', r.id, 'scheduler');
          }
          continue;
        }
        const grantedBefore = r.decision && dayIn(this.school.timeZone, r.decision.at) < year.start;
        if (year.started && grantedBefore && r.schoolYearReview !== year.name && status === 'granted') {
          const reviewDue = r.reviewDue && r.reviewDue < soon ? r.reviewDue : soon;
          const written = await this.change(r.id, (cur) =>
            cur.schoolYearReview === year.name ? cur : { ...cur, schoolYearReview: year.name, reviewDue, reviewReason: 'school-year' },
          );
          if (written && written.schoolYearReview === year.name && written.reviewReason === 'school-year') {
            schoolYear++;
            await this.scheduleReview(written, reviewDue, true);
            await this.deps.outbox.notify(`school-year:${r.id}:${year.name}`, this.mentorOf(written), {
              text: t('exception.schoolYear.agenda', { student: written.studentRef, date: formatDate(reviewDue, this.school.locale) }),
            });
          }
        }
      }
    }
    return { classChanges, schoolYear };
  }

  /** The kernteam has a number of school days to decide; each member is reminded when they pass. */
  private async planDecisionDeadline(r: ExceptionRequest): Promise<void> {
    const hours = schoolHours(this.school);
    const due = schoolDaysAfter(dayIn(this.school.timeZone, r.submittedAt ?? this.deps.clock.now()), this.school.exceptions.decisionSchoolDays, hours);
    for (const member of await this.kernteamMembers()) {
      await planJob(this.deps.store.jobs, 'exception-decision-due', {
        id: `decision-due:${r.id}:${member}`,
        payload: { requestId: r.id, staffId: member },
        dueAt: zonedTime(due, this.school.protocol.reminderTime, this.school.timeZone),
      });
    }
  }

  /** Who may see the figures: zorgcoördinator, anti-pestcoördinator, directie. */
  maySeeFigures(actor: Actor): boolean {
    return can(actor, 'exception.figures');
  }

  async figures(actor: Actor, channel: string): Promise<Figures | null> {
    if (!this.maySeeFigures(actor)) return null;
    await this.audit(actor.staffId, 'exception.figures', 'figures', channel);
    const all = (await this.requests.findBy('schoolId', this.school.id)).filter((r) => r.status !== 'draft');
    return computeFigures(all, this.school, this.deps.clock.now());
  }

  async figuresSaid(actor: Actor, channel: string, locale: Locale): Promise<ExceptionResult> {
    const f = await this.figures(actor, channel);
    if (!f) return { ok: false, reason: 'denied' };
    const t = translator(locale);
    const line = (c: Counts) => COUNT_NAMES.map((n) => `${t(countKey(n))} ${c[n]}`).join(', ');
    const trend = COUNT_NAMES.map((n) => `${t(countKey(n))} ${f.total[n]} (${f.previous[n]})`).join(', ');
    const facts = [
      { title: t('exception.figures.year', { year: f.schoolYear }), value: line(f.total) },
      { title: t('exception.figures.trend', { year: f.previousYear }), value: trend },
      ...f.byYearGroup.map((g) => ({ title: t('exception.yearGroup', { year: g.yearGroup }), value: line(g.counts) })),
      ...f.bySubject.map((s) => ({ title: s.subject, value: line(s.counts) })),
    ];
    const card = this.deps.cards.render('exception-details', { title: t('exception.figures.title', { year: f.schoolYear }), facts });
    const text = [t('exception.figures.title', { year: f.schoolYear }), ...facts.map((x) => `${x.title}: ${x.value}`)].join('\n');
    return { ok: true, said: [{ text, card }, { text: t('exception.figures.csv') }] };
  }

  /** Granted exceptions whose review this person may record (mentor of the class, zorgcoördinator). */
  async reviewable(actor: Actor): Promise<Option[]> {
    const granted = await this.requests.findBy('status', 'granted');
    return granted
      .filter((r) => r.schoolId === this.school.id && this.mayManage(actor, r))
      .map((r) => ({
        value: r.id,
        label: `${r.studentRef} (${r.classId})${r.reviewDue ? ` — ${formatDate(r.reviewDue, this.school.locale)}` : ''}${this.overdue(r) ? ` — ${translator(this.school.locale)('exception.review.overdue')}` : ''}`,
      }));
  }

  /** A missed review is flagged; the exception stays active. */
  overdue(r: ExceptionRequest): boolean {
    return r.status === 'granted' && r.reviewDue !== null && r.reviewDue < dayIn(this.school.timeZone, this.deps.clock.now());
  }

  /** What is missing, and whether it stops submission. */
  missing(r: ExceptionRequest): { blocking: MessageKey[]; notes: MessageKey[] } {
    const blocking: MessageKey[] = [];
    const notes: MessageKey[] = [];
    if (!r.studentRef) blocking.push('exception.field.leerling');
    if (!r.ground) blocking.push('exception.field.grond');
    if (!r.purpose) blocking.push('exception.field.doel');
    if (!r.scope) blocking.push('exception.field.reikwijdte');
    if (r.subjects !== undefined && r.subjects.length === 0) blocking.push('exception.field.wanneer');
    if (!r.kind) blocking.push('exception.field.soort');
    // Which documents must be there depends on the ground (school file); "not applicable" only blocks
    // a document the ground requires.
    const required = this.requiredDocuments(r.ground);
    for (const doc of DOCUMENTS) {
      const state = r.documents[doc];
      const key = docKey(doc);
      if (required.includes(doc) && state !== 'aanwezig') blocking.push(key);
      else if (!state || state === 'volgt') notes.push(key);
    }
    return { blocking, notes };
  }

  async check(actor: Actor, id: string, locale: Locale): Promise<ExceptionResult> {
    const r = await this.requests.get(id);
    if (!r) return { ok: false, reason: 'not-found' };
    if (!this.isRequester(actor, r)) return { ok: false, reason: 'denied' };
    const t = translator(locale);
    const { blocking, notes } = this.missing(r);
    const lines: string[] = [];
    if (blocking.length) lines.push(t('exception.check.blocking', { items: blocking.map((k) => t(k)).join(', ') }));
    if (notes.length) lines.push(t('exception.check.notes', { items: notes.map((k) => t(k)).join(', ') }));
    if (!lines.length) lines.push(t('exception.check.complete'));
    return { ok: true, said: [{ text: lines.join('\n') }] };
  }

  /** Submits a complete draft and posts the card to the kernteam channel. */
  async submit(actor: Actor, id: string, channel: string, locale: Locale): Promise<ExceptionResult> {
    const t = translator(locale);
    const now = this.deps.clock.now();
    const r = await this.requests.get(id);
    if (!r) return { ok: false, reason: 'not-found' };
    if (!this.isRequester(actor, r)) return { ok: false, reason: 'denied' };
    if (r.status === 'draft' && this.missing(r).blocking.length) return { ok: false, reason: 'incomplete' };
    // Applied once; run again after a failure later in the turn, it goes on with the announcements.
    const result = await updateOnce(this.requests, id, (cur): ExceptionRequest =>
      cur.status === 'draft' && !this.missing(cur).blocking.length ? { ...cur, status: 'submitted', submittedAt: now } : cur,
    );
    if (!result) return { ok: false, reason: 'not-found' };
    if (!result.applied) return result.record.status === 'draft' ? { ok: false, reason: 'incomplete' } : { ok: true, said: [{ text: t('exception.submit.already') }] };
    const submitted = result.record;
    await this.audit(actor.staffId, 'exception.submit', id, channel);
    await this.planDecisionDeadline(submitted);
    const ct = translator(this.school.locale);
    await this.deps.outbox.notify(`kernteam:${id}`, KERNTEAM_CHANNEL, {
      text: ct('exception.card.newRequest', { student: submitted.studentRef, year: submitted.yearGroup }),
      card: await this.requestCard(submitted, null, this.school.locale),
    });
    return { ok: true, said: [{ text: t('exception.submit.done') }] };
  }

  /**
   * A kernteam member's vote. Checked on the server: only kernteam roles, only while undecided.
   * The same vote twice changes nothing; a changed vote replaces the member's earlier one. The write
   * that completes the decision is the only one that announces it.
   */
  async vote(actor: Actor, id: string, choice: VoteChoice, motivation: string, channel: string, locale: Locale): Promise<VoteResult> {
    const t = translator(locale);
    const role = can(actor, 'exception.vote', { kernteamRoles: this.rule.kernteamRoles }) ? kernteamRole(actor.roles, this.rule) : null;
    if (!role) {
      // Not a member: a refusal in words and a card without any of the request's content.
      await this.audit(actor.staffId, 'exception.vote-denied', id, channel);
      return { card: this.kernteamOnlyCard(locale), said: [{ text: t('exception.vote.denied') }] };
    }
    const trimmed = motivation.trim();
    const at = this.deps.clock.now();
    const sameVote = (r: ExceptionRequest) => r.votes.some((v) => v.staffId === actor.staffId && v.vote === choice && v.motivation === trimmed);
    const { record: r, written } = await writeRecord(this.requests, id, (r): ExceptionRequest | typeof KEEP => {
      if (!r || r.status === 'draft' || r.decision || trimmed.length < 3 || sameVote(r)) return KEEP;
      const vote: KernteamVote = { staffId: actor.staffId, role, vote: choice, motivation: trimmed, at };
      const votes = [...r.votes.filter((v) => v.staffId !== actor.staffId), vote];
      const result = evaluate(votes, this.rule);
      const decided = result.state === 'decided';
      return {
        ...r,
        votes,
        status: decided ? result.outcome : result.state === 'agenda' ? 'agenda' : 'submitted',
        decision: decided ? { outcome: result.outcome, at, decidedBy: 'rule', motivation: votes.map((v) => v.motivation).join(' / ') } : null,
        reviewDue: decided && result.outcome === 'granted' ? this.nextReviewDate(r, at) : r.reviewDue,
      };
    });
    if (!r || r.status === 'draft') return { card: this.deps.cards.render('info', { title: t('exception.title'), text: t('exception.notFound') }), said: [] };
    await this.audit(actor.staffId, 'exception.card-read', id, channel);
    if (written) await this.audit(actor.staffId, `exception.vote.${choice}`, id, channel);
    if (r.decision) {
      // Decided (by this vote, or earlier): make sure the decision was announced (a click after a failure half-way finishes it; all keyed, so once).
      await this.afterDecision(r, channel);
      const said = written || sameVote(r) ? 'exception.vote.decided' : 'exception.vote.alreadyDecided';
      return { card: await this.outcomeCard(r, locale), said: [{ text: t(said) }] };
    }
    if (!written && trimmed.length < 3) return { card: await this.requestCard(r, actor.staffId, locale), said: [{ text: t('exception.vote.motivationRequired') }] };
    // Recorded now, or the same vote again (a retried click): finish what the first click may have left undone.
    await this.announceVote(r);
    return { card: await this.requestCard(r, actor.staffId, locale), said: [{ text: t('exception.vote.recorded') }] };
  }

  /** After a vote without decision: the agenda notice, and the posted card updated to show the votes. Keyed: once. */
  private async announceVote(r: ExceptionRequest): Promise<void> {
    if (r.status === 'agenda') await this.announceAgenda(r);
    // The posted card shows the votes so far (Slack cannot refresh a card per viewer; Teams gets
    // the same update for members who do not refresh).
    await this.deps.outbox.notify(`kernteam-update:${r.id}:${r.version}`, KERNTEAM_CHANNEL, {
      text: translator(this.school.locale)('exception.card.newRequest', { student: r.studentRef, year: r.yearGroup }),
      card: await this.requestCard(r, null, this.school.locale),
      replaces: `kernteam:${r.id}`,
    });
  }

  /** The zorgcoördinator records the kernteam meeting's joint decision on an agenda item. */
  async recordJointDecision(actor: Actor, id: string, outcome: 'granted' | 'rejected', motivation: string, channel: string, locale: Locale): Promise<ExceptionResult> {
    if (!can(actor, 'exception.joint')) return { ok: false, reason: 'denied' };
    if (motivation.trim().length < 10) return { ok: false, reason: 'invalid' };
    const t = translator(locale);
    const now = this.deps.clock.now();
    const result = await updateOnce(this.requests, id, (r) =>
      r.decision
        ? r
        : {
            ...r,
            status: outcome,
            decision: { outcome, at: now, decidedBy: actor.staffId, motivation: motivation.trim() },
            reviewDue: outcome === 'granted' ? this.nextReviewDate(r, now) : null,
          },
    );
    if (!result) return { ok: false, reason: 'not-found' };
    if (!result.applied) return { ok: true, said: [{ text: t('exception.vote.alreadyDecided') }] };
    await this.audit(actor.staffId, 'exception.joint-decision', id, channel);
    await this.afterDecision(result.record, channel);
    return { ok: true, said: [{ text: t('exception.joint.done', { outcome: t(statusKey(outcome)) }) }] };
  }

  /**
   * The kernteam card as this person may see it: its current state for a kernteam member (every read
   * audited); for anyone else a refusal without content, audited too.
   */
  async cardFor(actor: Actor, id: string, channel: string, locale: Locale): Promise<{ card: AdaptiveCardJson; said: OutboundMessage[] } | null> {
    if (!can(actor, 'exception.vote', { kernteamRoles: this.rule.kernteamRoles })) {
      await this.audit(actor.staffId, 'exception.card-denied', id, channel);
      return { card: this.kernteamOnlyCard(locale), said: [{ text: translator(locale)('exception.card.kernteamOnly') }] };
    }
    const r = await this.requests.get(id);
    if (!r || r.status === 'draft') return null;
    await this.audit(actor.staffId, 'exception.card-read', id, channel);
    if (r.decision) return { card: await this.outcomeCard(r, locale), said: [] };
    return { card: await this.requestCard(r, actor.staffId, locale), said: [] };
  }

  /** What a person outside the kernteam gets in the card's place: no student, no content. */
  private kernteamOnlyCard(locale: Locale): AdaptiveCardJson {
    const t = translator(locale);
    return this.deps.cards.render('info', { title: t('exception.title'), text: t('exception.card.kernteamOnly') });
  }

  /** The details (purpose text, student's words, where documents are): kernteam and requester only. */
  async details(actor: Actor, id: string, channel: string, locale: Locale): Promise<ExceptionResult> {
    const r = await this.requests.get(id);
    if (!r) return { ok: false, reason: 'not-found' };
    if (!can(actor, 'exception.details', { requester: r.requesterStaffId === actor.staffId, kernteamRoles: this.rule.kernteamRoles })) {
      await this.audit(actor.staffId, 'exception.details-denied', id, channel);
      return { ok: false, reason: 'denied' };
    }
    await this.audit(actor.staffId, 'exception.details', id, channel);
    const t = translator(locale);
    const card = this.deps.cards.render('exception-details', {
      title: t('exception.details.title', { student: r.studentRef }),
      facts: [
        { title: t('exception.field.grond'), value: r.ground ? t(groundKey(r.ground)) : '-' },
        { title: t('exception.field.doelToelichting'), value: r.purposeDetail || '-' },
        { title: t('exception.field.woordenLeerling'), value: r.studentWords || '-' },
        { title: t('exception.field.bewaarplaats'), value: r.documentsLocation || '-' },
      ],
    });
    return { ok: true, said: [{ text: t('exception.details.title', { student: r.studentRef }), card }] };
  }

  /**
   * "Heeft L1001 een uitzondering?" for any staff member: only the functional facts (for which
   * lessons or times, which apps, until when, who to contact), never the ground or documents.
   */
  async functionalAnswer(actor: Actor, studentRef: string, channel: string, locale: Locale): Promise<ExceptionResult> {
    const t = translator(locale);
    const student = this.deps.directory.findStudent(studentRef);
    if (!student) return { ok: false, reason: 'not-found' };
    const active = (await this.requests.findBy('studentRef', student.ref)).find((r) => r.schoolId === this.school.id && (r.status === 'granted' || r.status === 'suspended'));
    // With no exception to point at, the read is kept under the student's pseudonym, never the number.
    await this.audit(actor.staffId, 'exception.functional-read', active?.id ?? auditSubject(this.school.id, student.ref), channel);
    if (!active) return { ok: true, said: [{ text: t('exception.functional.none', { student: student.ref }) }] };
    if (active.status === 'suspended') return { ok: true, said: [{ text: t('exception.functional.paused', { student: student.ref, contact: this.contactName(active) }) }] };
    return { ok: true, said: [{ text: this.functionalText(active, t, locale) }] };
  }

  /** Records a review. The exception stays active unless the review ends it. */
  async review(actor: Actor, id: string, review: Omit<Review, 'at' | 'byStaffId'>, channel: string, locale: Locale): Promise<ExceptionResult> {
    const t = translator(locale);
    const found = await this.requests.get(id);
    if (!found || found.status !== 'granted') return { ok: false, reason: 'not-found' };
    if (!this.mayManage(actor, found)) return { ok: false, reason: 'denied' };
    const now = this.deps.clock.now();
    const result = await updateOnce(this.requests, id, (r): ExceptionRequest =>
      r.status !== 'granted'
        ? r
        : {
            ...r,
            status: review.outcome === 'end' ? 'ended' : 'granted',
            reviewDue: review.outcome === 'end' ? null : this.nextReviewDate(r, now),
            reviewReason: 'regular',
            reviews: [...r.reviews, { ...review, at: now, byStaffId: actor.staffId }],
          },
    );
    if (!result?.applied) return { ok: false, reason: 'not-found' };
    const written = result.record;
    const reviewDue = written.reviewDue;
    await this.audit(actor.staffId, 'exception.review', id, channel);
    if (reviewDue) await this.scheduleReview(written, reviewDue);
    if (review.outcome === 'end') await this.tellTeachers(written, 'exception.signal.ended');
    return {
      ok: true,
      said: [{ text: reviewDue ? t('exception.review.continued', { date: formatDate(reviewDue, locale) }) : t('exception.review.ended') }],
    };
  }

  /** The draft is theirs: they started it (permissions.ts, `exception.draft`). */
  private isRequester(actor: Actor, r: ExceptionRequest): boolean {
    return can(actor, 'exception.draft', { requester: r.requesterStaffId === actor.staffId });
  }

  private mayManage(actor: Actor, r: ExceptionRequest): boolean {
    const mentor = this.school.classes.find((c) => c.id === r.classId)?.mentor;
    return can(actor, 'exception.manage', { requester: r.requesterStaffId === actor.staffId, classMentor: mentor === actor.staffId });
  }

  private async afterDecision(r: ExceptionRequest, channel: string): Promise<void> {
    const t = translator(this.school.locale);
    const outcomeCard = await this.outcomeCard(r, this.school.locale);
    // The channel's card is replaced by the outcome for everyone.
    await this.deps.outbox.notify(`kernteam-outcome:${r.id}`, KERNTEAM_CHANNEL, {
      text: t('exception.card.outcomeText', { student: r.studentRef, outcome: t(statusKey(r.status)) }),
      card: outcomeCard,
      replaces: `kernteam:${r.id}`,
    });
    const lines = [t('exception.notify.requester', { student: r.studentRef, outcome: t(statusKey(r.status)), motivation: r.decision?.motivation ?? '' })];
    if (r.status === 'granted' && r.reviewDue) {
      await this.scheduleReview(r, r.reviewDue);
      lines.push(`${t('exception.magister.title')}\n${recordText(t, 'exception.magister', { student: r.studentRef, what: this.scopeText(r, t, this.school.locale) })}`);
      lines.push(`${t('exception.opp.title')}\n${recordText(t, 'exception.opp', { student: r.studentRef, what: this.scopeText(r, t, this.school.locale), date: formatDate(r.reviewDue, this.school.locale) })}`);
      await this.signalTeachers(r);
    }
    await this.deps.outbox.notify(`decision:${r.id}:${r.requesterStaffId}`, r.requesterStaffId, { text: lines.join('\n\n') });
    await this.audit('system', `exception.decided.${r.status}`, r.id, channel);
  }

  private async announceAgenda(r: ExceptionRequest): Promise<void> {
    const t = translator(this.school.locale);
    for (const person of await this.deps.roleBook.staffWithRole('zorgcoordinator')) {
      await this.deps.outbox.notify(`agenda:${r.id}:${person.id}`, person.id, { text: t('exception.notify.agenda', { student: r.studentRef }) });
    }
  }

  /** The discreet signal to the teachers of the subjects in scope: functional facts only. */
  private async signalTeachers(r: ExceptionRequest): Promise<void> {
    const t = translator(this.school.locale);
    for (const staffId of this.teachersOf(r)) {
      await this.deps.outbox.notify(`signal:${r.id}:granted:${staffId}`, staffId, {
        text: `${this.functionalText(r, t, this.school.locale)}\n\n${t('exception.signal.howTo')}`,
      });
    }
  }

  /** The teachers of the subjects in scope, without the person who asked for it (they know). */
  private teachersOf(r: ExceptionRequest): Set<string> {
    return new Set(subjectsInScope(r, this.school).map((x) => x.staff).filter((id) => id !== r.requesterStaffId));
  }

  private async tellTeachers(r: ExceptionRequest, key: 'exception.signal.paused' | 'exception.signal.resumed' | 'exception.signal.ended'): Promise<void> {
    const t = translator(this.school.locale);
    for (const staffId of this.teachersOf(r)) {
      await this.deps.outbox.notify(`signal:${r.id}:${key}:${r.misuse.length}:${staffId}`, staffId, {
        text: t(key, { student: r.studentRef, contact: this.contactName(r) }),
      });
    }
  }

  private change(id: string, apply: (r: ExceptionRequest) => ExceptionRequest): Promise<ExceptionRequest | null> {
    return updateWithRetry(this.requests, id, apply);
  }

  /**
   * What a subject teacher reads: short lines, built only from the answers whose audience is the
   * teachers (declared in the dialog file), the review date and whom to ask. Never the ground, the
   * purpose, the apps as typed or any other free text.
   */
  private functionalText(r: ExceptionRequest, t: Translate, locale: Locale): string {
    const shown = this.deps.teacherFields;
    const lines = [t('exception.teacher.has', { student: shown.has('leerling') ? `${r.studentRef} (${r.classId})` : r.studentRef })];
    const scopes = scopesOf(r);
    if (shown.has('reikwijdte') && scopes.length) lines.push(t('exception.teacher.where', { scope: scopes.map((v) => t(scopeKey(v))).join(', ') }));
    if (shown.has('wanneer')) {
      const subjects = subjectsText(r, t, locale);
      if (subjects) lines.push(t('exception.teacher.subjects', { subjects }));
    }
    if (shown.has('functies') && r.functions?.length) lines.push(t('exception.teacher.may', { what: r.functions.map((v) => t(functionKey(v))).join('; ') }));
    if (shown.has('aanpak') && r.teacherActions?.length) lines.push(t('exception.teacher.ask', { what: r.teacherActions.map((v) => t(actionKey(v))).join('; ') }));
    if (r.reviewDue) lines.push(t('exception.teacher.until', { date: formatDate(r.reviewDue, locale) }));
    lines.push(t('exception.teacher.contact', { contact: this.contacts(r, t) }));
    return lines.join('\n');
  }

  /** The class's subjects as options for "bij welke vakken", with "all lessons" first. */
  async subjectOptions(studentRef: string, locale: Locale): Promise<Option[]> {
    const student = this.deps.directory.findStudent(studentRef);
    const teachers = student ? (this.school.classes.find((c) => c.id === student.class)?.teachers ?? []) : [];
    const subjects = [...new Set(teachers.map((x) => x.subject))];
    if (!subjects.length) return [];
    return [{ value: 'alle', label: translator(locale)('exception.subjects.all') }, ...subjects.map((x) => ({ value: x, label: x }))];
  }

  /** The documents a request on this ground must have (school file, per ground). */
  private requiredDocuments(ground: string | null): readonly DocumentName[] {
    const perGround = this.school.exceptions.requiredDocuments as Partial<Record<string, readonly DocumentName[]>>;
    return [...this.school.exceptions.blockingDocuments, ...((ground && perGround[ground]) || [])];
  }

  private scopeText(r: ExceptionRequest, t: Translate, locale: Locale): string {
    // Texts for Magister and the OPP are read by colleagues: only what teachers may read goes in.
    return t('exception.scopeText', {
      scope: scopesOf(r).map((v) => t(scopeKey(v))).join(', ') || '-',
      when: r.subjects ? subjectsText(r, t, locale) || '-' : r.when || '-',
      functions: (r.functions ?? []).map((v) => t(functionKey(v))).join('; ') || '-',
      until: r.reviewDue ? formatDate(r.reviewDue, locale) : '-',
    });
  }

  private contactName(r: ExceptionRequest): string {
    return this.contacts(r, translator(this.school.locale));
  }

  /** Whom teachers may ask: the mentor, and the zorgcoördinator (or IB) as the school file says. */
  private contacts(r: ExceptionRequest, t: Translate): string {
    const mentor = this.mentorOf(r);
    const people = [`${this.nameOf(mentor)} (${t('role.mentor')})`];
    for (const id of this.school.exceptions.contacts) {
      const person = this.deps.directory.staffById(id);
      if (person && person.id !== mentor) people.push(`${person.name} (${t('exception.contact.care')})`);
    }
    return people.join(t('exception.contact.or'));
  }

  private nextReviewDate(r: ExceptionRequest, from: number): string {
    const weeks = r.kind === 'tijdelijk' ? this.school.exceptions.reviewWeeks.tijdelijk : this.school.exceptions.reviewWeeks.structureel;
    return addDays(dayIn(this.school.timeZone, from), weeks * 7);
  }

  /**
   * The review's reminders for the class mentor: a first one some school days before the due date, so
   * the conversation with student and parents can be planned (at once when `now` is set and that day
   * has passed), and one on the last school day on or before the due date.
   */
  private async scheduleReview(r: ExceptionRequest, due: string, now = false): Promise<void> {
    const contact = this.mentorOf(r);
    const hours = schoolHours(this.school);
    const at = (day: string) => zonedTime(day, this.school.protocol.reminderTime, this.school.timeZone);
    await planJob(this.deps.store.jobs, 'exception-review', {
      id: `review:${r.id}:${due}`,
      payload: { requestId: r.id, staffId: contact, reviewDue: due },
      dueAt: at(schoolDayOnOrBefore(due, hours)),
    });
    const days = this.school.exceptions.reviewNoticeSchoolDays;
    const noticeDay = schoolDaysBefore(due, days, hours);
    const today = dayIn(this.school.timeZone, this.deps.clock.now());
    if (days > 0 && (noticeDay > today || now)) {
      await planJob(this.deps.store.jobs, 'exception-review-notice', {
        id: `review-notice:${r.id}:${due}`,
        payload: { requestId: r.id, staffId: contact, reviewDue: due },
        dueAt: noticeDay > today ? at(noticeDay) : this.deps.clock.now(),
      });
    }
  }

  private mentorOf(r: ExceptionRequest): string {
    return this.school.classes.find((c) => c.id === r.classId)?.mentor ?? r.requesterStaffId;
  }

  private async requestCard(r: ExceptionRequest, viewer: string | null, locale: Locale): Promise<AdaptiveCardJson> {
    const t = translator(locale);
    const own = viewer ? r.votes.find((v) => v.staffId === viewer) : undefined;
    const members = await this.kernteamMembers();
    return this.deps.cards.render('kernteam-request', {
      requestId: r.id,
      title: t('exception.card.title', { student: r.studentRef }),
      facts: this.publicFacts(r, t),
      votesTitle: t('exception.card.votes'),
      votes: r.votes.map((v) => ({ text: `${this.nameOf(v.staffId)} (${t(`role.${v.role}`)}): ${t(voteKey(v.vote))} — ${v.motivation}` })),
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

  private async outcomeCard(r: ExceptionRequest, locale: Locale): Promise<AdaptiveCardJson> {
    const t = translator(locale);
    const d = r.decision!;
    return this.deps.cards.render('kernteam-outcome', {
      title: t('exception.card.outcomeTitle', { student: r.studentRef, outcome: t(statusKey(r.status)) }),
      facts: this.publicFacts(r, t),
      votes: r.votes.map((v) => ({ text: `${this.nameOf(v.staffId)} (${t(`role.${v.role}`)}): ${t(voteKey(v.vote))} — ${v.motivation}` })),
      decided: t('exception.card.decidedOn', {
        date: formatDate(dayIn(this.school.timeZone, d.at), locale),
        by: d.decidedBy === 'rule' ? t('exception.card.byVotes') : this.nameOf(d.decidedBy),
      }),
      motivation: d.decidedBy === 'rule' ? '' : t('exception.card.jointMotivation', { motivation: d.motivation }),
    });
  }

  /** What anyone in the kernteam channel may see: categories and checklist, no free text. */
  private publicFacts(r: ExceptionRequest, t: Translate): Array<{ title: string; value: string }> {
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
      {
        title: t('exception.field.documenten'),
        value: DOCUMENTS.map((d) => `${t(docKey(d))}: ${r.documents[d] ? t(docStateKey(r.documents[d]!)) : '-'}`).join('; '),
      },
      { title: t('exception.field.aanvrager'), value: this.nameOf(r.requesterStaffId) },
      // The school's assessment criteria, next to the request (school file).
      ...(this.school.exceptions.criteria.length ? [{ title: t('exception.field.criteria'), value: this.school.exceptions.criteria.map((c) => `- ${c}`).join('\n') }] : []),
    ];
  }

  private async kernteamMembers(): Promise<string[]> {
    const members = new Set<string>();
    for (const role of this.rule.kernteamRoles) for (const s of await this.deps.roleBook.staffWithRole(role)) members.add(s.id);
    return [...members];
  }

  private nameOf(staffId: string): string {
    return this.deps.directory.staffById(staffId)?.name ?? staffId;
  }

  private async audit(actor: string, action: string, recordId: string, channel: string): Promise<void> {
    await this.deps.store.audit.append({ at: this.deps.clock.now(), schoolId: this.school.id, actor, action, recordKind: 'exceptionRequest', recordId, channel });
  }
}

// Keys for stored values; test/core/catalogue.test.ts checks every value has a text in both languages.
const groundKey = (g: string) => `exception.ground.${g}` as MessageKey;
const purposeKey = (p: string) => `exception.purpose.${p}` as MessageKey;
const scopeKey = (s: string) => `exception.scope.${s}` as MessageKey;
const kindKey = (k: string) => `exception.kind.${k}` as MessageKey;
const functionKey = (f: string) => `exception.function.${f}` as MessageKey;
const actionKey = (a: string) => `exception.action.${a}` as MessageKey;
const docKey = (d: DocumentName): MessageKey => `exception.doc.${d}`;
const docStateKey = (s: string) => `exception.docState.${s}` as MessageKey;
const voteKey = (v: VoteChoice): MessageKey => `exception.vote.${v}`;
const statusKey = (s: ExceptionRequest['status']): MessageKey => `exception.status.${s}`;
export const countKey = (n: keyof Counts): MessageKey => `exception.count.${n}`;
