// Longer than 350 lines: audit trail, export, erasure and retention share the collections' student
// references; not split yet (one file per duty would be the split).
import { parseRecord } from '../kernel/collections.js';
import type { ParentLink } from '../parents/model.js';
import type { BullyingCase } from '../cases/model.js';
import type { ExceptionRequest } from '../exceptions/model.js';
import { translator, type Locale, type Translate } from '../i18n/index.js';
import type { Platform, SchoolDirectory, Student } from '../people/school.js';
import type { AuditEntry, Clock, RecordCollection, Store } from '../kernel/ports.js';
import { formatDate } from '../protocol/answers.js';
import { dayIn } from '../kernel/time.js';
import type { Actor } from '../turn.js';
import { can } from '../permissions.js';
import { KEEP, WriteConflictError, writeRecord } from '../kernel/records.js';
import type { CollectionName, VersionedRecord } from '../kernel/ports.js';
import { mentions, STUDENT_DATA, studentPattern, studentPseudonym } from './collections.js';
import { caseForStudent, type ExportedCase } from './disclosure.js';
import { apartFrom, identityOf, NameReplacer, uncertainMention } from './names.js';

/** How long kept-for-a-while things live: delivered messages, idempotency keys, finished jobs, claims. */
const SHORT_LIVED_DAYS = 30;
/** A dialog nobody touched for this long is forgotten (drafts live on in their own records). */
const IDLE_DIALOG_DAYS = 90;

/**
 * The audit trail's name for a student, so the trail never holds the student number. This plain form
 * (a hash anyone could compute from the number) is what the core passes to the store's audit trail;
 * the store keeps and looks it up under a keyed pseudonym, HMAC-SHA256 with a key derived from the data
 * key (privacy/pseudonyms.ts, store/encrypting.ts), and finds entries written in the plain form before.
 */
export function auditSubject(schoolId: string, studentRef: string): string {
  return `leerling-${studentPseudonym(schoolId, studentRef)}`;
}

/** An audit entry about a student, who is named by their pseudonym only. */
export function studentAudit(schoolId: string, at: number, actor: string, action: string, studentRef: string, channel: string): AuditEntry {
  return { at, schoolId, actor, action, recordKind: 'student', recordId: auditSubject(schoolId, studentRef), channel };
}

export type PrivacyResult<T> = { ok: true; value: T } | { ok: false; reason: 'denied' | 'not-found' };

/**
 * What erasure answers: `incomplete` (with what it did) when a record that names the student could not
 * be scrubbed, because it kept being changed at the same moment; erasing again finishes it.
 */
export type ErasureOutcome = PrivacyResult<ErasureResult> | { ok: false; reason: 'incomplete'; value: ErasureResult };

/**
 * What is stored about one student, for an access request (AVG art. 15): their own data, not other
 * people's. Other students are "een andere leerling" throughout; what is left out to that end is listed
 * (`leftOut`). See disclosure.ts for what each part of a bullying case gives whom, and docs/privacy.md.
 */
export interface StudentExport {
  studentRef: string;
  exportedAt: string;
  /** How other students are named here, and what to read before passing it on. */
  note: string;
  /** The cases the student is in, as disclosure.ts gives them to this student. */
  bullyingCases: ExportedCase[];
  exceptionRequests: ExceptionRequest[];
  /** Form links for the student's parents (without their secret, which is never stored) and what the parents sent. */
  parentLinks: ParentLink[];
  /**
   * Dialogs and messages that name the student (collections that hold text, see collections.ts); those
   * that also name the bullied student of someone else's case are left out (and listed in `leftOut`).
   */
  mentions: Partial<Record<CollectionName, VersionedRecord[]>>;
  /** Who read or changed the records; a case that is not about this student under its export name. */
  audit: AuditEntry[];
  /** What was left out because it is another person's data, one line per kind and place. */
  leftOut: string[];
}

/** What erasure did, and where it could not take the student's name or initials out of the text. */
export interface ErasureResult {
  cases: number;
  requests: number;
  /** Other cases that lost the student number. */
  mentions: number;
  /** Dialogs and messages removed because they named the number. */
  texts: number;
  /** Records whose free text lost the student's number, initials or name (other cases, others' requests, messages…). */
  scrubbed: number;
  /** Lines for the beheerder: where something may still name the student, and why it was left (`privacy.erase.unchanged`). */
  unchanged: string[];
  /**
   * Records that still name the student because every attempt to write them conflicted with another
   * write (each also has a `privacy.erase.conflict` line in `unchanged`). Empty when erasure is complete.
   */
  notScrubbed: Array<{ collection: CollectionName; id: string }>;
}

/** What retention removed or anonymised in one run. */
export interface RetentionReport {
  casesAnonymised: number;
  exceptionsAnonymised: number;
  /** Delivered messages and idle dialogs removed, and what the store swept. */
  messagesRemoved: number;
  dialogsRemoved: number;
  swept: number;
}

/** Stands in for a student number once a record is anonymised; counts in the figures stay. */
export const ANONYMISED = 'geanonimiseerd';
const DAY_MS = 86_400_000;

/**
 * The privacy duties of Zorgpad as processor: who read or changed a student's records (audit), an
 * export of everything about a student, erasure of a student where the school decides it applies,
 * and retention (records of closed cases and ended exceptions anonymised after the school's period).
 * Every use is itself audited.
 */
export class PrivacyService {
  constructor(
    private readonly deps: {
      store: Store;
      directory: SchoolDirectory;
      clock: Clock;
    },
  ) {}

  private get cases() {
    return this.deps.store.collection('bullyingCases');
  }

  private get requests() {
    return this.deps.store.collection('exceptionRequests');
  }

  private get school() {
    return this.deps.directory.school;
  }

  /** The records about a student: cases where they are the bullied student or involved, their exception requests. */
  private async recordsOf(studentRef: string) {
    const ref = studentRef.toUpperCase();
    const cases = (await this.cases.findBy('schoolId', this.school.id)).filter((c) => c.studentRef.toUpperCase() === ref || c.studentsInvolved.some((s) => s.toUpperCase() === ref));
    const requests = (await this.requests.findBy('studentRef', this.deps.directory.findStudent(ref)?.ref ?? studentRef)).filter((r) => r.schoolId === this.school.id);
    return { cases, requests };
  }

  /** Who read or changed which of the student's records, when, through which channel; oldest first. */
  async auditTrail(actor: Actor, studentRef: string, channel: string): Promise<PrivacyResult<AuditEntry[]>> {
    if (!can(actor, 'audit.read')) return { ok: false, reason: 'denied' };
    const student = this.deps.directory.findStudent(studentRef);
    if (!student) return { ok: false, reason: 'not-found' };
    const entries = await this.trailOf(student.ref, await this.recordsOf(student.ref));
    await this.audit(actor.staffId, 'privacy.audit-read', student.ref, channel);
    return { ok: true, value: entries };
  }

  /** The audit entries of a student's records, and those kept under their number; oldest first. */
  private async trailOf(ref: string, records: { cases: BullyingCase[]; requests: ExceptionRequest[] }): Promise<AuditEntry[]> {
    const entries: AuditEntry[] = [];
    for (const c of records.cases) entries.push(...(await this.deps.store.audit.forRecord('bullyingCase', c.id)));
    for (const r of records.requests) entries.push(...(await this.deps.store.audit.forRecord('exceptionRequest', r.id)));
    // Reads of "has this student an exception?" when there was none, and privacy actions, are kept under
    // the student's pseudonym (older entries: under the number). A lookup of the pseudonym also finds the
    // entries under a previous data key's pseudonym and under the plain hash of older versions, until the
    // key rotation (scripts/rotate-key.ts) moves them to the current key's.
    const subject = auditSubject(this.school.id, ref);
    for (const id of [subject, ref]) {
      entries.push(...(await this.deps.store.audit.forRecord('exceptionRequest', id)));
      entries.push(...(await this.deps.store.audit.forRecord('student', id)));
    }
    return entries.sort((a, b) => a.at - b.at);
  }

  /** The audit trail as CSV (semicolon-separated, as Dutch spreadsheets expect), with staff names. */
  auditCsv(entries: AuditEntry[]): string {
    const rows = [['tijdstip', 'medewerker', 'actie', 'soort', 'record', 'kanaal']];
    for (const e of entries) {
      rows.push([new Date(e.at).toISOString(), this.deps.directory.staffById(e.actor)?.name ?? e.actor, e.action, e.recordKind, e.recordId, e.channel]);
    }
    return rows.map((r) => r.map(csvField).join(';')).join('\r\n') + '\r\n';
  }

  /**
   * What is stored about a student, decrypted, for an access request: their own data, with other
   * students as "een andere leerling" and what was left out for their sake listed. Beheerder only; audited.
   */
  async exportStudent(actor: Actor, studentRef: string, channel: string, locale: Locale = this.school.locale): Promise<PrivacyResult<StudentExport>> {
    if (!can(actor, 'student.export')) return { ok: false, reason: 'denied' };
    const student = this.deps.directory.findStudent(studentRef);
    if (!student) return { ok: false, reason: 'not-found' };
    const t = translator(locale);
    const ref = student.ref.toUpperCase();
    const records = await this.recordsOf(student.ref);
    const trail = await this.trailOf(student.ref, records);
    await this.audit(actor.staffId, 'privacy.export', student.ref, channel);

    // Every other student the cases name (also those no longer in the school file), and the rest of the school.
    const inCases = new Set(records.cases.flatMap(studentsOf).map((r) => r.toUpperCase()).filter((r) => r !== ref && r !== ANONYMISED.toUpperCase()));
    const replacer = this.othersReplacer(student, inCases, t('privacy.export.other'));
    const view = { ref, classId: student.class, other: t('privacy.export.other'), replacer, t };
    const leftOut: string[] = [];
    const bullyingCases: ExportedCase[] = [];
    const labels = new Map<string, string>();
    for (const c of records.cases) {
      const label = c.studentRef.toUpperCase() === ref ? c.id : `zaak-${labels.size + 1}`;
      if (label !== c.id) labels.set(c.id, label);
      const { exported, leftOut: lines } = caseForStudent(c, label, view);
      bullyingCases.push(exported);
      leftOut.push(...lines);
    }
    // A message or dialog that names the bullied student of a case around someone else is about that case.
    const elsewhere = new NameReplacer(
      records.cases.filter((c) => c.studentRef.toUpperCase() !== ref).map((c) => identityOf(c.studentRef, this.deps.directory.findStudent(c.studentRef))),
      '',
    );
    const shown: Partial<Record<CollectionName, VersionedRecord[]>> = {};
    for (const [name, found] of Object.entries(await this.textMentions(student.ref)) as Array<[CollectionName, VersionedRecord[]]>) {
      for (const record of found) {
        if (elsewhere.finds(record)) leftOut.push(t('privacy.export.leftOut.mention', { where: this.where(name, record, t, locale) }));
        else (shown[name] ??= []).push(replacer.value(record));
      }
    }
    return {
      ok: true,
      value: {
        studentRef: student.ref,
        exportedAt: new Date(this.deps.clock.now()).toISOString(),
        note: t('privacy.export.note', { student: student.ref }),
        bullyingCases,
        exceptionRequests: records.requests.map((r) => replacer.value(r)),
        parentLinks: (await this.deps.store.collection('parentLinks').findBy('studentRef', student.ref)).map((l) => replacer.value(l)),
        mentions: shown,
        // The id of a case about another student carries a hash of their number: the export name instead.
        audit: trail.map((e) => (e.recordKind === 'bullyingCase' && labels.has(e.recordId) ? { ...e, recordId: labels.get(e.recordId)! } : e)),
        leftOut,
      },
    };
  }

  /**
   * Replaces other students in what a student's export shows: those named in the student's cases by
   * number, initials (also without full stops or in other letter case) and name; every other student of
   * the school file by number, and by initials and name as the school file writes them unless they are the
   * requester's own too (then "A.K." is most likely the requester).
   */
  private othersReplacer(student: Student, inCases: ReadonlySet<string>, other: string): NameReplacer {
    const own = identityOf(student.ref, student);
    const involved = [...inCases].map((ref) => identityOf(ref, this.deps.directory.findStudent(ref)));
    const rest = this.school.students
      .filter((s) => s.ref.toUpperCase() !== own.ref.toUpperCase() && !inCases.has(s.ref.toUpperCase()))
      .map((s) => apartFrom(identityOf(s.ref, s), own));
    return new NameReplacer([...involved, ...rest], other, involved);
  }

  /**
   * Erases a student (right to erasure, where the school decides it applies): their exception
   * requests and the cases about them are deleted; in other cases where they were named, their number
   * is replaced; dialogs and messages naming the number are deleted. Then their number, initials (as the
   * school file writes them: "A.K.", "A.K", "A. K.") and name (when the school file has one) are replaced
   * in the free text of every remaining record that holds student data: other cases, other students'
   * requests and parents' forms, messages, dialogs. What may still name them but cannot safely be changed
   * — initials without full stops or in other letter case ("AK" may be an abbreviation, "o.a." is one), a
   * single initial, the first name alone, a record changed at the same moment, a message already delivered
   * in Teams or Slack — is listed for the beheerder (`unchanged`). The audit trail keeps that it happened,
   * by whom, and no content. Every scrub is a `writeRecord`: a record changed between the read and the
   * write is read again and scrubbed as it now is; one that kept conflicting is listed (`notScrubbed`, and
   * a line in `unchanged`) and the result is `incomplete` instead of ok.
   */
  async eraseStudent(actor: Actor, studentRef: string, channel: string, locale: Locale = this.school.locale): Promise<ErasureOutcome> {
    if (!can(actor, 'student.erase')) return { ok: false, reason: 'denied' };
    const student = this.deps.directory.findStudent(studentRef);
    const ref = student?.ref ?? studentRef.toUpperCase();
    const { cases, requests } = await this.recordsOf(ref);
    if (!cases.length && !requests.length && !student) return { ok: false, reason: 'not-found' };
    const t = translator(locale);
    const unchanged: string[] = [];
    const notScrubbed: ErasureResult['notScrubbed'] = [];
    let deletedCases = 0;
    let mentions = 0;
    for (const c of cases) {
      if (c.studentRef.toUpperCase() === ref.toUpperCase()) {
        if (await this.cases.delete(c.id)) deletedCases++;
      } else {
        // Every place the number appears goes: in the fields that list students, and anywhere in what
        // was typed (descriptions, notes, outcomes, agreements, motivations). Decided on the case as
        // stored at the moment of writing, so what someone else wrote meanwhile stays.
        const done = await scrubWrite(this.cases, c.id, (current) => {
          const text = JSON.stringify(current);
          const next = text.replace(studentPattern(ref, 'gi'), ANONYMISED);
          return next === text ? KEEP : parseRecord('bullyingCases', JSON.parse(next));
        });
        if (done === 'changed') mentions++;
        else if (done === 'conflict') {
          notScrubbed.push({ collection: 'bullyingCases', id: c.id });
          unchanged.push(t('privacy.erase.conflict', { where: this.where('bullyingCases', c, t, locale) }));
        }
      }
    }
    let deletedRequests = 0;
    let texts = 0;
    for (const r of requests) if (await this.requests.delete(r.id)) deletedRequests++;
    // Form links for the student's parents, with what the parents wrote.
    const links = this.deps.store.collection('parentLinks');
    for (const link of await links.findBy('studentRef', ref)) if (await links.delete(link.id)) deletedRequests++;
    // Dialogs and messages that name the student go as a whole (the person starts that dialog afresh).
    for (const [name, found] of Object.entries(await this.textMentions(ref)) as Array<[CollectionName, VersionedRecord[]]>) {
      for (const record of found) {
        if (!(await this.deps.store.collection(name).delete(record.id))) continue;
        texts++;
        if (delivered(name, record)) unchanged.push(t('privacy.erase.delivered', { where: this.where(name, record, t, locale) }));
      }
    }
    // What others typed that names the student by initials or name (or by number, outside the cases above).
    const who = identityOf(ref, student);
    // Initials another student of the school shares name either of them: never replaced, only listed.
    const letters = (initials: string | undefined) => (initials ?? '').replace(/[^\p{L}]/gu, '').toUpperCase();
    const shared = who.initials !== undefined && this.school.students.some((s) => s.ref !== who.ref && letters(s.initials) === letters(who.initials));
    const replacer = new NameReplacer([shared ? { ref: who.ref, ...(who.name ? { name: who.name } : {}) } : who], ANONYMISED);
    let scrubbed = 0;
    for (const [name, reference] of Object.entries(STUDENT_DATA) as Array<[CollectionName, (typeof STUDENT_DATA)[CollectionName]]>) {
      if (reference.kind === 'none') continue;
      const collection = this.deps.store.collection(name) as unknown as RecordCollection<VersionedRecord>;
      for (const record of await collection.findBy('schoolId', this.school.id)) {
        // Already listed: it kept being changed a moment ago (erasing again finishes it).
        if (notScrubbed.some((n) => n.collection === name && n.id === record.id)) continue;
        const done = await scrubRecord(collection, record, replacer);
        const where = () => this.where(name, done.record, t, locale);
        if (done.outcome === 'changed') {
          scrubbed++;
          if (delivered(name, record)) unchanged.push(t('privacy.erase.delivered', { where: where() }));
        } else if (done.outcome === 'conflict') {
          notScrubbed.push({ collection: name, id: record.id });
          unchanged.push(t('privacy.erase.conflict', { where: where() }));
        }
        const form = uncertainMention(done.record, who);
        if (form) unchanged.push(t('privacy.erase.uncertain', { where: where(), form }));
      }
    }
    await this.audit(actor.staffId, 'privacy.erase', ref, channel);
    const value: ErasureResult = { cases: deletedCases, requests: deletedRequests, mentions, texts, scrubbed, unchanged, notScrubbed };
    return notScrubbed.length ? { ok: false, reason: 'incomplete', value } : { ok: true, value };
  }

  /** Where a record is, in words for the beheerder (never a record id). */
  private where(name: CollectionName, record: VersionedRecord, t: Translate, locale: Locale): string {
    const r = record as VersionedRecord & Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' ? v : '?');
    switch (name) {
      case 'bullyingCases':
        return t('privacy.where.case', { student: text(r.studentRef), cls: text(r.classId) });
      case 'exceptionRequests':
        return t('privacy.where.request', { student: text(r.studentRef) });
      case 'parentLinks':
        return t('privacy.where.parentLink', { student: text(r.studentRef) });
      case 'outbox': {
        const staff = this.deps.directory.staffById(text(r.staffId));
        const at = typeof r.createdAt === 'number' ? r.createdAt : this.deps.clock.now();
        return t('privacy.where.message', { name: staff?.name ?? text(r.staffId), date: formatDate(dayIn(this.school.timeZone, at), locale) });
      }
      case 'dialogStates': {
        // userKey: platform|tenant|account|conversation
        const [platform, , account] = text(r.userKey).split('|');
        const staff = platform && account ? this.deps.directory.findStaff(platform as Platform, account) : null;
        return staff ? t('privacy.where.dialog', { name: staff.name }) : t('privacy.where.dialogSomeone');
      }
      case 'inbox':
        return t('privacy.where.inbox');
      default:
        return name;
    }
  }

  /**
   * Retention: closed cases, and exception requests that ended (rejected, revoked, ended), are
   * anonymised once the school's period has passed since they closed — the student number, notes and
   * free text go; kind, stage, dates and categories stay, so the figures keep their counts. A student who
   * left the school (no longer in the school file) is noticed on the first run; once the period has
   * passed since then, their open cases are closed and their exceptions ended, and anonymised too.
   */
  /**
   * Applies a retention step to each of the school's records of one kind: decided on the record as listed,
   * and written (`writeRecord`) only when it changes it, deciding again on the record as stored. How many
   * ended up anonymised by this run.
   */
  private async anonymiseEach<R extends VersionedRecord & { schoolId: string; studentRef: string }>(
    records: RecordCollection<R>,
    step: (record: R | null) => R | typeof KEEP,
  ): Promise<number> {
    let anonymised = 0;
    for (const listed of await records.findBy('schoolId', this.school.id)) {
      if (step(listed) === KEEP) continue;
      const { record, written } = await writeRecord(records, listed.id, step);
      if (written && record?.studentRef === ANONYMISED) anonymised++;
    }
    return anonymised;
  }

  async applyRetention(): Promise<RetentionReport> {
    const now = this.deps.clock.now();
    const cutoff = now - this.school.retention.days * DAY_MS;
    const left = (ref: string) => ref !== ANONYMISED && !this.deps.directory.findStudent(ref);
    // What retention does to a record, decided on the record as listed and again, with `writeRecord`,
    // on the record as stored when it is written (someone may have reopened or changed it meanwhile).
    const caseStep = (c: BullyingCase | null): BullyingCase | typeof KEEP => {
      if (!c || c.studentRef === ANONYMISED) return KEEP;
      if (c.status === 'closed' && c.closedAt !== null && c.closedAt <= cutoff) return anonymousCase(c);
      if (c.status === 'open' && left(c.studentRef)) {
        if (!c.studentLeftAt) return { ...c, studentLeftAt: now };
        if (c.studentLeftAt <= cutoff) return { ...anonymousCase(c), status: 'closed', closedAt: now };
      }
      return KEEP;
    };
    const casesAnonymised = await this.anonymiseEach(this.cases, caseStep);
    const ended = (r: ExceptionRequest) => r.status === 'rejected' || r.status === 'revoked' || r.status === 'ended';
    const requestStep = (r: ExceptionRequest | null): ExceptionRequest | typeof KEEP => {
      if (!r || r.studentRef === ANONYMISED) return KEEP;
      const closedAt = Math.max(r.decision?.at ?? 0, r.updatedAt, ...r.reviews.map((v) => v.at), ...r.misuse.map((m) => m.at));
      if (ended(r) && closedAt <= cutoff) return anonymousRequest(r);
      if (!ended(r) && left(r.studentRef)) {
        if (!r.studentLeftAt) return { ...r, studentLeftAt: now };
        if (r.studentLeftAt <= cutoff) return { ...anonymousRequest(r), status: 'ended', updatedAt: now };
      }
      return KEEP;
    };
    const exceptionsAnonymised = await this.anonymiseEach(this.requests, requestStep);
    // Kept for a while only: delivered or replaced messages, dialogs nobody touched, keys, jobs, claims.
    const shortCutoff = now - SHORT_LIVED_DAYS * DAY_MS;
    let messagesRemoved = 0;
    const outbox = this.deps.store.collection('outbox');
    for (const n of await outbox.findBy('schoolId', this.school.id)) {
      const done = n.status === 'delivered' || n.status === 'superseded' || (n.status === 'unreachable' && n.createdAt <= cutoff);
      if (done && (n.deliveredAt ?? n.createdAt) <= shortCutoff && (await outbox.delete(n.id))) messagesRemoved++;
    }
    let dialogsRemoved = 0;
    const states = this.deps.store.collection('dialogStates');
    for (const d of await states.findBy('schoolId', this.school.id)) {
      if (!d.pending && d.updatedAt <= now - IDLE_DIALOG_DAYS * DAY_MS && (await states.delete(d.id))) dialogsRemoved++;
    }
    const sweep = await this.deps.store.sweep(shortCutoff, now);
    const swept = sweep.idempotencyKeys + sweep.jobs + sweep.claims + sweep.transient;
    if (casesAnonymised + exceptionsAnonymised > 0) await this.audit('system', 'privacy.retention', null, 'scheduler', `${casesAnonymised}+${exceptionsAnonymised}`);
    return { casesAnonymised, exceptionsAnonymised, messagesRemoved, dialogsRemoved, swept };
  }

  /** Records of the collections that hold text (collections.ts) in which the student is named. */
  private async textMentions(studentRef: string): Promise<Partial<Record<CollectionName, VersionedRecord[]>>> {
    const out: Partial<Record<CollectionName, VersionedRecord[]>> = {};
    for (const [name, reference] of Object.entries(STUDENT_DATA) as Array<[CollectionName, (typeof STUDENT_DATA)[CollectionName]]>) {
      if (reference.kind !== 'text') continue;
      const found = (await this.deps.store.collection(name).findBy('schoolId', this.school.id)).filter((r) => mentions(r, studentRef));
      if (found.length) out[name] = found;
    }
    return out;
  }

  /** An audit entry about a student, under their pseudonym; `studentRef: null` for one about no student. */
  private async audit(actor: string, action: string, studentRef: string | null, channel: string, detail = ''): Promise<void> {
    const at = this.deps.clock.now();
    await this.deps.store.audit.append(
      studentRef === null ? { at, schoolId: this.school.id, actor, action, recordKind: 'student', recordId: detail, channel } : studentAudit(this.school.id, at, actor, action, studentRef, channel),
    );
  }
}

function csvField(value: string): string {
  // Quotes around every field; a leading = + - @ is neutralised so a spreadsheet never runs it.
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** A case without the student's number, names of others, notes or free text; the rest stays for the figures. */
function anonymousCase(c: BullyingCase): BullyingCase {
  return {
    ...c,
    studentRef: ANONYMISED,
    studentsInvolved: [],
    addedBullies: [],
    signals: c.signals.map((s) => ({ ...s, description: '', others: '', bullies: [] })),
    steps: c.steps.map(({ studentRef: _student, ...s }) => ({ ...s, notes: {}, outcome: '' })),
    agreements: c.agreements.map((a) => ({ ...a, what: '' })),
    sanctions: c.sanctions.map((s) => ({
      ...s,
      motivation: '',
      ...(s.studentRefs ? { studentRefs: [] } : {}),
      ...(s.decision ? { decision: { ...s.decision, motivation: '' } } : {}),
    })),
  };
}

/** An exception request without the student's number or any free text; categories and dates stay. */
function anonymousRequest(r: ExceptionRequest): ExceptionRequest {
  return {
    ...r,
    studentRef: ANONYMISED,
    purposeDetail: '',
    studentWords: '',
    documentsLocation: '',
    when: '',
    apps: '',
    votes: r.votes.map((v) => ({ ...v, motivation: '' })),
    decision: r.decision ? { ...r.decision, motivation: '' } : null,
    reviews: r.reviews.map((v) => ({ ...v, adjust: '' })),
    reviewTalks: (r.reviewTalks ?? []).map((v) => ({ ...v, reason: '' })),
    misuse: r.misuse.map(({ meanwhile: _meanwhile, ...m }) => ({ ...m, note: '' })),
  };
}

/** Every student number a case names, in any field that lists students. */
function studentsOf(c: BullyingCase): string[] {
  return [
    c.studentRef,
    ...c.studentsInvolved,
    ...(c.addedBullies ?? []),
    ...c.signals.flatMap((s) => s.bullies),
    ...c.sanctions.flatMap((s) => s.studentRefs ?? []),
    ...c.steps.flatMap((s) => (s.studentRef ? [s.studentRef] : [])),
  ];
}

/** A message that already reached Teams or Slack, where Zorgpad does not change it. */
function delivered(name: CollectionName, record: VersionedRecord): boolean {
  return name === 'outbox' && (record as VersionedRecord & { status?: unknown }).status === 'delivered';
}

/**
 * One scrub as a `writeRecord`: `scrub` sees the record as stored (never called for a record that is
 * gone) and returns it scrubbed, or `KEEP` when there is nothing to take out. `conflict` when every
 * attempt met another write; `same` when nothing was written (nothing to take out, or the record is gone).
 */
async function scrubWrite<T extends VersionedRecord>(
  collection: RecordCollection<T>,
  id: string,
  scrub: (current: T) => Omit<T, 'version'> | typeof KEEP,
  done?: (record: T | null) => void,
): Promise<'same' | 'changed' | 'conflict'> {
  try {
    const { record, written } = await writeRecord(collection, id, (current) => (current ? scrub(current) : KEEP));
    done?.(record);
    return written ? 'changed' : 'same';
  } catch (error) {
    if (error instanceof WriteConflictError) return 'conflict';
    throw error;
  }
}

/** Writes the record with the student replaced in its text, decided on the record as stored (`scrubWrite`). */
async function scrubRecord(
  collection: RecordCollection<VersionedRecord>,
  record: VersionedRecord,
  replacer: NameReplacer,
): Promise<{ outcome: 'same' | 'changed' | 'conflict'; record: VersionedRecord }> {
  let latest = record;
  const outcome = await scrubWrite(
    collection,
    record.id,
    (current) => {
      latest = current;
      const scrubbed = replacer.value(current);
      return JSON.stringify(scrubbed) === JSON.stringify(current) ? KEEP : scrubbed;
    },
    (stored) => {
      if (stored) latest = stored;
    },
  );
  return { outcome, record: latest };
}
