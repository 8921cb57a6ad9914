import { createHash, randomBytes } from 'node:crypto';
import type { ExceptionCore } from '../exceptions/context.js';
import { saveDraft } from '../exceptions/drafts.js';
import type { ExceptionRequest, ParentSubmission } from '../exceptions/model.js';
import { translator } from '../i18n/index.js';
import type { Outbox } from '../notify/outbox.js';
import { can } from '../permissions.js';
import type { SchoolDirectory } from '../people/school.js';
import type { Clock, Store } from '../kernel/ports.js';
import { studentAudit } from '../privacy/service.js';
import { formatDate } from '../protocol/answers.js';
import { KEEP, writeRecord } from '../kernel/records.js';
import { dayIn } from '../kernel/time.js';
import type { Actor } from '../turn.js';
import type { ParentLink } from './model.js';

const DAY_MS = 86_400_000;

export interface ParentServiceDeps {
  store: Store;
  directory: SchoolDirectory;
  exceptions: ExceptionCore;
  outbox: Outbox;
  clock: Clock;
  newId: () => string;
  /** Where the school's Zorgpad is reached from outside, e.g. https://zorgpad.school.nl. */
  publicBase: () => string;
}

export type LinkState = { ok: true; link: ParentLink } | { ok: false; reason: 'unknown' | 'expired' | 'used' };

/** What became of a sent form: taken, or why not (`taken`: another form was sent with this link first). */
export type SubmitResult = LinkState | { ok: false; reason: 'taken' };

/** The path of the form; the link's secret travels as `?t=`, never the student. */
export const FORM_PATH = '/ouders/formulier';

/**
 * The parents' side of an exception: a mentor or zorgcoördinator asks for a personal form link for one
 * student; the school sends it; parents and their child fill in the form once; the answers land in the
 * staff member's draft for that student, marked as coming from the parents, and the staff member is
 * told. Nothing is ever sent to parents by Zorgpad.
 */
export class ParentService {
  constructor(private readonly deps: ParentServiceDeps) {}

  private get links() {
    return this.deps.store.collection('parentLinks');
  }

  private get school() {
    return this.deps.directory.school;
  }

  /** A new link for one student's parents, with its draft. Null when forms are off, the student is unknown, or the person may not. */
  async createLink(actor: Actor, studentRef: string, channel: string): Promise<{ url: string; expires: string; studentRef: string } | { error: 'off' | 'not-found' | 'denied' }> {
    if (!this.school.parents.forms) return { error: 'off' };
    const { directory } = this.deps;
    const student = directory.findStudent(studentRef);
    if (!student) return { error: 'not-found' };
    const classMentor = directory.mentorOf(student)?.id === actor.staffId;
    if (!can(actor, 'parents.link', { classMentor })) return { error: 'denied' };
    const draftId = await this.draftFor(actor, student.ref, `${student.ref} (${student.class})`);
    const secret = randomBytes(24).toString('base64url');
    const now = this.deps.clock.now();
    const expiresAt = now + this.school.parents.linkDays * DAY_MS;
    const id = linkId(secret);
    await this.links.create({ id, schoolId: this.school.id, studentRef: student.ref, staffId: actor.staffId, draftId, createdAt: now, expiresAt, usedAt: null, submission: null, applied: false });
    await this.audit(actor.staffId, 'parents.link', student.ref, channel);
    return { url: `${this.deps.publicBase()}${FORM_PATH}?t=${secret}`, expires: dayIn(this.school.timeZone, expiresAt), studentRef: student.ref };
  }

  /** Whether a link can be used now. */
  async open(secret: string): Promise<LinkState> {
    if (!isSecret(secret)) return { ok: false, reason: 'unknown' };
    const link = await this.links.get(linkId(secret));
    return this.state(link);
  }

  /**
   * The form sent: spends the link and keeps the answers on it in one conditional write (so a second
   * send, or a race of two, changes nothing), then puts them in the draft and tells the staff member.
   * `form` is the one-time token of the filled-in form (its CSRF token): of two forms sent at once with
   * one link exactly one is taken, and the other hears that its answers were not.
   */
  async submit(secret: string, answers: Omit<ParentSubmission, 'at'>, form: string): Promise<SubmitResult> {
    if (!isSecret(secret)) return { ok: false, reason: 'unknown' };
    const now = this.deps.clock.now();
    const sentBy = createHash('sha256').update(`form:${form}`).digest('base64url');
    const { record, written } = await writeRecord(this.links, linkId(secret), (link) =>
      link && link.usedAt === null && link.expiresAt > now ? { ...link, usedAt: now, submission: { ...answers, at: now }, sentBy } : KEEP,
    );
    if (!written || !record) {
      if (record?.submission && record.schoolId === this.school.id) {
        // Links from before `sentBy` was kept: any second try counts as the same form's.
        const sameForm = record.sentBy === undefined || record.sentBy === sentBy;
        // Another form got there first: these answers were not taken, whatever state the first is in.
        if (!sameForm) return { ok: false, reason: 'taken' };
        // This form, sent before but not yet put in the draft (a failure half-way): the second try finishes it.
        if (!record.applied) {
          await this.apply(record);
          return { ok: true, link: record };
        }
      }
      return this.state(record);
    }
    await this.apply(record);
    return { ok: true, link: record };
  }

  /** Puts a submission in its draft and tells the staff member; once (keyed), and again after a failure. */
  private async apply(link: ParentLink): Promise<void> {
    const submission = link.submission!;
    const fill = (current: string, given: string) => current || given;
    await writeRecord(this.deps.store.collection('exceptionRequests'), link.draftId, (r): ExceptionRequest | typeof KEEP => {
      if (!r || r.fromParents?.linkId === link.id) return KEEP;
      return {
        ...r,
        fromParents: { ...submission, linkId: link.id },
        // Only where the draft has nothing yet: what the staff member wrote stays.
        ...(r.status === 'draft'
          ? {
              purposeDetail: fill(r.purposeDetail, submission.need),
              studentWords: fill(r.studentWords, submission.studentWords),
              documents: { ...submission.documents, ...r.documents },
              documentsLocation: fill(r.documentsLocation, submission.documentsWhere),
            }
          : {}),
        updatedAt: this.deps.clock.now(),
      };
    });
    const t = translator(this.school.locale);
    await this.deps.outbox.notify(`parents:${link.id}`, link.staffId, {
      text: t('parents.arrived', { student: link.studentRef, date: formatDate(dayIn(this.school.timeZone, submission.at), this.school.locale) }),
    });
    await writeRecord(this.links, link.id, (l) => (l && !l.applied ? { ...l, applied: true } : KEEP));
    await this.audit('parents', 'parents.submitted', link.studentRef, 'web');
  }

  private state(link: ParentLink | null): LinkState {
    if (!link || link.schoolId !== this.school.id) return { ok: false, reason: 'unknown' };
    if (link.usedAt !== null) return { ok: false, reason: 'used' };
    if (link.expiresAt <= this.deps.clock.now()) return { ok: false, reason: 'expired' };
    return { ok: true, link };
  }

  /** The person's open draft for this student, or a new one. */
  private async draftFor(actor: Actor, studentRef: string, display: string): Promise<string> {
    const drafts = await this.deps.store.collection('exceptionRequests').findBy('studentRef', studentRef);
    const mine = drafts.find((r) => r.status === 'draft' && r.requesterStaffId === actor.staffId);
    if (mine) return mine.id;
    const id = `req-${this.deps.newId()}`;
    await saveDraft(this.deps.exceptions, actor, id, { draftId: { value: id, display: '' }, leerling: { value: studentRef, display } });
    return id;
  }

  private async audit(actor: string, action: string, studentRef: string, channel: string): Promise<void> {
    await this.deps.store.audit.append(studentAudit(this.school.id, this.deps.clock.now(), actor, action, studentRef, channel));
  }
}

/** The record id of a link: a hash of its secret, so a copy of the store holds no working link. */
function linkId(secret: string): string {
  return `link-${createHash('sha256').update(secret).digest('hex')}`;
}

/** What a link's secret looks like (32 characters of base64url); anything else is refused unread. */
function isSecret(secret: string): boolean {
  return /^[A-Za-z0-9_-]{32}$/.test(secret);
}
