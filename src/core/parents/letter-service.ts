import { keepOnce, takeOnce } from '../transient.js';
import { randomBytes } from 'node:crypto';
import { bulliesOf } from '../cases/model.js';
import { mayWork } from '../cases/access.js';
import type { CaseService } from '../cases/service.js';
import type { ExceptionRequest } from '../exceptions/model.js';
import { currentPauseEnd, scopesOf, type ExceptionService } from '../exceptions/service.js';
import { translator } from '../i18n/index.js';
import type { SchoolDirectory } from '../people/school.js';
import type { Clock, Store } from '../ports.js';
import { formatDate } from '../protocol/answers.js';
import { KEEP, writeRecord } from '../records.js';
import { withoutHealthWords } from '../text/health-words.js';
import { dayIn } from '../time.js';
import type { Actor } from '../turn.js';
import { allowedInWords, composeLetter, whereInWords, type LetterApplicant, type LetterData, type LetterKind, type LetterLang } from './letters.js';
import { letterPdf } from './pdf.js';

export type LetterRequest =
  | { about: 'exception'; requestId: string; invitation: boolean }
  | { about: 'case'; caseId: string; parentsOf: 'bullied' | 'bully'; bully?: string };

export type LetterDraft = { ok: true; kind: LetterKind; subject: string; text: string; removed: string[] } | { ok: false; reason: 'denied' | 'not-found' | 'invalid' };

const DOWNLOAD_MS = 60 * 60_000;
/** The path a letter's PDF is downloaded from, once, within the hour. */
export const LETTER_PATH = '/brieven/download';

export interface LetterServiceDeps {
  store: Store;
  directory: SchoolDirectory;
  cases: CaseService;
  exceptions: ExceptionService;
  clock: Clock;
  publicBase: () => string;
}

/**
 * Letters to parents drafted from the record: for an exception (the decision, an invitation to the
 * review, a pause or the end) and for bullying (to the parents of the bullied student, or of a student
 * who bullies). The member of staff reads and changes the draft, then copies it or downloads it as a
 * PDF on the school's name; Zorgpad records that the parents were informed, when, and by whom. Nothing
 * is sent to parents by Zorgpad.
 */
export class LetterService {
  constructor(private readonly deps: LetterServiceDeps) {}

  private get school() {
    return this.deps.directory.school;
  }

  async draft(actor: Actor & { name: string }, request: LetterRequest, lang: LetterLang): Promise<LetterDraft> {
    const { directory } = this.deps;
    const contact = this.contactLine(lang);
    const base = { school: this.school.name, staff: actor.name, contact };
    const initials = (ref: string) => directory.findStudent(ref)?.initials ?? ref;
    if (request.about === 'exception') {
      const r = await this.deps.store.collection('exceptionRequests').get(request.requestId);
      if (!r || r.schoolId !== this.school.id || r.status === 'draft') return { ok: false, reason: 'not-found' };
      // The same rule as every other way to manage a decided request (exceptions/listings.ts `decided`).
      if (!(await this.deps.exceptions.decided(actor)).some((o) => o.value === r.id)) return { ok: false, reason: 'denied' };
      const waiting = r.status === 'submitted' || r.status === 'agenda';
      const kind: LetterKind | null = request.invitation
        ? r.status === 'granted' ? 'exception-review' : null
        : waiting ? 'exception-received' : r.status === 'granted' ? 'exception-granted' : r.status === 'rejected' ? 'exception-rejected' : r.status === 'suspended' ? 'exception-paused' : r.status === 'revoked' ? 'exception-revoked' : null;
      if (!kind) return { ok: false, reason: 'invalid' };
      const pauseEnd = currentPauseEnd(r);
      // Named fields only: the kernteam's motivations (the votes', or a joint decision's) stay with the
      // kernteam; why is told by the kind of ground, or written by the member of staff in plain words.
      const data: LetterData = {
        ...base,
        student: initials(r.studentRef),
        applicant: this.applicantOf(r),
        ground: r.ground,
        reason: translator(lang)('letter.reason.write'),
        allowed: allowedInWords(r.functions ?? [], lang),
        where: whereInWords(scopesOf(r), lang),
        // Before the decision: the kernteam's term and its last day; after: the pause's end or the review.
        date: waiting ? formatDate(this.deps.exceptions.decisionDue(r), lang) : kind === 'exception-paused' ? (pauseEnd ? formatDate(pauseEnd, lang) : '-') : r.reviewDue ? formatDate(r.reviewDue, lang) : '-',
        days: String(this.school.exceptions.decisionSchoolDays),
      };
      return this.finishDraft(kind, data, lang);
    }
    const c = await this.deps.store.collection('bullyingCases').get(request.caseId);
    if (!c || c.schoolId !== this.school.id) return { ok: false, reason: 'not-found' };
    if (!mayWork(actor, c, directory)) return { ok: false, reason: 'denied' };
    if (request.parentsOf === 'bully' && (!request.bully || !bulliesOf(c).includes(request.bully))) return { ok: false, reason: 'invalid' };
    const student = request.parentsOf === 'bully' ? request.bully! : c.studentRef;
    return this.finishDraft(request.parentsOf === 'bully' ? 'bullying-bully' : 'bullying-bullied', { ...base, student: initials(student) }, lang);
  }

  /**
   * The letter as the member of staff takes it (their changed text, or the draft): recorded as "parents
   * informed" on the record, and a PDF to download once within the hour.
   */
  async take(actor: Actor & { name: string }, request: LetterRequest, lang: LetterLang, changed: string | null, channel: string): Promise<{ ok: true; text: string; url: string } | Extract<LetterDraft, { ok: false }>> {
    const draft = await this.draft(actor, request, lang);
    if (!draft.ok) return draft;
    const text = changed?.trim() || draft.text;
    const now = this.deps.clock.now();
    if (request.about === 'exception') {
      await writeRecord(this.deps.store.collection('exceptionRequests'), request.requestId, (r) =>
        r ? { ...r, parentsInformed: [...(r.parentsInformed ?? []), { letter: draft.kind, at: now, byStaffId: actor.staffId }] } : KEEP,
      );
    } else {
      const c = await this.deps.store.collection('bullyingCases').get(request.caseId);
      const student = request.parentsOf === 'bully' ? request.bully : c?.studentRef;
      const outcome = lang === 'en' ? 'A letter to the parents (drafted by Zorgpad) was sent by the school.' : 'Brief aan de ouders (concept van Zorgpad) is door school verstuurd.';
      await this.deps.cases.recordStep(actor, request.caseId, 'ouders-geinformeerd', outcome, { brief: draft.kind }, channel, lang, student);
    }
    const secret = randomBytes(24).toString('base64url');
    const pdf = await letterPdf(this.school.name, formatDate(dayIn(this.school.timeZone, now), lang), draft.subject, text);
    // Kept in the store (encrypted) so that whichever worker process gets the download can hand it out, once.
    await keepOnce(this.deps.store, `letter:${secret}`, pdf, `${draft.kind}.pdf`, now + DOWNLOAD_MS);
    return { ok: true, text, url: `${this.deps.publicBase()}${LETTER_PATH}?t=${secret}` };
  }

  /** A letter's PDF, once; null for an unknown, used or expired link. */
  async download(secret: string): Promise<{ pdf: Uint8Array; name: string } | null> {
    if (!secret) return null;
    const found = await takeOnce(this.deps.store, `letter:${secret}`, this.deps.clock.now());
    return found ? { pdf: found.payload, name: found.name } : null;
  }

  /**
   * Who asked for the exception: the parents when they sent the parents' form for it; the class mentor
   * when the mentor made the request on their own; otherwise someone at school (a zorgcoördinator).
   */
  private applicantOf(r: ExceptionRequest): LetterApplicant {
    if (r.fromParents) return 'parents';
    const mentor = this.school.classes.find((c) => c.id === r.classId)?.mentor;
    return mentor === r.requesterStaffId ? 'mentor' : 'school';
  }

  private finishDraft(kind: LetterKind, data: LetterData, lang: LetterLang): LetterDraft {
    // The fields taken from the record are checked for health words (matched by stem, compounds too).
    const removed = new Set<string>();
    const clean = (text: string) => {
      const out = withoutHealthWords(text);
      for (const word of out.removed) removed.add(word);
      return out.text;
    };
    const checked: LetterData = {
      ...data,
      reason: data.reason === undefined ? undefined : clean(data.reason),
      allowed: data.allowed?.map(clean),
      where: data.where === undefined ? undefined : clean(data.where),
    };
    const { subject, text } = composeLetter(kind, checked, lang);
    return { ok: true, kind, subject, text, removed: [...removed] };
  }

  private contactLine(lang: LetterLang): string {
    const c = this.school.parents.contact;
    if (!c) return lang === 'en' ? 'the mentor of your child' : 'de mentor van uw kind';
    return [`${c.name} (${c.role})`, c.phone, c.email].filter(Boolean).join(', ');
  }
}
