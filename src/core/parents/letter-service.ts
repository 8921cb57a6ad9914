import { keepOnce, takeOnce } from '../kernel/transient.js';
import { createHash, randomBytes } from 'node:crypto';
import { bulliesOf } from '../cases/model.js';
import { mayWork } from '../cases/access.js';
import type { CaseCore } from '../cases/context.js';
import { recordStep } from '../cases/steps.js';
import type { ExceptionRequest } from '../exceptions/model.js';
import { currentPauseEnd, scopesOf, type ExceptionCore } from '../exceptions/context.js';
import { decided } from '../exceptions/listings.js';
import { translator } from '../i18n/index.js';
import type { SchoolDirectory } from '../people/school.js';
import type { Clock, Store } from '../kernel/ports.js';
import { formatDate } from '../protocol/answers.js';
import { KEEP, writeRecord } from '../kernel/records.js';
import { withoutHealthWords } from '../text/health-words.js';
import { dayIn } from '../kernel/time.js';
import type { Actor } from '../turn.js';
import { allowedInWords, composeLetter, whereInWords, type LetterApplicant, type LetterData, type LetterKind, type LetterLang } from './letters.js';
import { letterPdf } from './pdf.js';

export type LetterRequest =
  | { about: 'exception'; requestId: string; invitation: boolean }
  | { about: 'case'; caseId: string; parentsOf: 'bullied' | 'bully'; bully?: string };

export type LetterDraft =
  | { ok: true; kind: LetterKind; subject: string; text: string; removed: string[]; /** The student whose parents get it. */ studentRef: string }
  | { ok: false; reason: 'denied' | 'not-found' | 'invalid' };

/** A letter's PDF, or why its link gives none: never made here, already downloaded, or past its hour. */
export type LetterDownload = { ok: true; pdf: Uint8Array; name: string } | { ok: false; reason: 'unknown' | 'used' | 'expired' };

const DOWNLOAD_MS = 60 * 60_000;
/** How long a link is remembered after its hour, to say "used" or "expired" rather than "unknown". */
const REMEMBER_MS = 30 * 86_400_000;

/** What a letter is called as a file, by its kind, in the letter's language (with the student number and the date). */
const FILE_NAMES: Record<LetterLang, Record<LetterKind, string>> = {
  nl: {
    'exception-received': 'brief-uitzondering-ontvangen',
    'exception-granted': 'brief-uitzondering-toegekend',
    'exception-rejected': 'brief-uitzondering-afgewezen',
    'exception-review': 'brief-uitnodiging-evaluatie',
    'exception-paused': 'brief-uitzondering-gepauzeerd',
    'exception-revoked': 'brief-uitzondering-ingetrokken',
    'bullying-bullied': 'brief-pesten-gepeste-leerling',
    'bullying-bully': 'brief-pesten-leerling-die-pest',
  },
  en: {
    'exception-received': 'letter-exception-received',
    'exception-granted': 'letter-exception-granted',
    'exception-rejected': 'letter-exception-rejected',
    'exception-review': 'letter-review-invitation',
    'exception-paused': 'letter-exception-paused',
    'exception-revoked': 'letter-exception-revoked',
    'bullying-bullied': 'letter-bullying-bullied-student',
    'bullying-bully': 'letter-bullying-student-who-bullies',
  },
};

/** The PDF's file name, e.g. `brief-uitzondering-toegekend-L1001-2026-12-06.pdf`: what it is, for whom, and when. */
export function letterFileName(kind: LetterKind, lang: LetterLang, studentRef: string, day: string): string {
  const student = studentRef.replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'leerling';
  return `${FILE_NAMES[lang][kind]}-${student}-${day}.pdf`;
}

/** The path a letter's PDF is downloaded from, once, within the hour. */
export const LETTER_PATH = '/brieven/download';

export interface LetterServiceDeps {
  store: Store;
  directory: SchoolDirectory;
  cases: CaseCore;
  exceptions: ExceptionCore;
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
      if (!(await decided(this.deps.exceptions, actor)).some((d) => d.id === r.id)) return { ok: false, reason: 'denied' };
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
      return this.finishDraft(kind, data, lang, r.studentRef);
    }
    const c = await this.deps.store.collection('bullyingCases').get(request.caseId);
    if (!c || c.schoolId !== this.school.id) return { ok: false, reason: 'not-found' };
    if (!mayWork(actor, c, directory)) return { ok: false, reason: 'denied' };
    if (request.parentsOf === 'bully' && (!request.bully || !bulliesOf(c).includes(request.bully))) return { ok: false, reason: 'invalid' };
    const student = request.parentsOf === 'bully' ? request.bully! : c.studentRef;
    return this.finishDraft(request.parentsOf === 'bully' ? 'bullying-bully' : 'bullying-bullied', { ...base, student: initials(student) }, lang, student);
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
      await recordStep(this.deps.cases, actor, { caseId: request.caseId, kind: 'ouders-geinformeerd', outcome, notes: { brief: draft.kind }, channel, withStudent: student });
    }
    const secret = randomBytes(24).toString('base64url');
    const day = dayIn(this.school.timeZone, now);
    const pdf = await letterPdf(this.school.name, formatDate(day, lang), draft.subject, text);
    // Kept in the store (encrypted) so that whichever worker process gets the download can hand it out, once.
    const until = now + DOWNLOAD_MS;
    await keepOnce(this.deps.store, `letter:${secret}`, pdf, letterFileName(draft.kind, lang, draft.studentRef, day), until);
    // Remembered a while longer (by a hash of the secret, nothing else): a second press hears why there is no PDF.
    await writeRecord(this.transient, markId(secret), (current) => (current ? KEEP : { id: markId(secret), expiresAt: until + REMEMBER_MS, payload: JSON.stringify({ until, used: false }) }));
    return { ok: true, text, url: `${this.deps.publicBase()}${LETTER_PATH}?t=${secret}` };
  }

  /** A letter's PDF, once; otherwise why not: an unknown link, one already used, or one past its hour. */
  async download(secret: string): Promise<LetterDownload> {
    if (!/^[A-Za-z0-9_-]{32}$/.test(secret)) return { ok: false, reason: 'unknown' };
    const now = this.deps.clock.now();
    const found = await takeOnce(this.deps.store, `letter:${secret}`, now);
    if (found) {
      await writeRecord(this.transient, markId(secret), (mark) => (mark ? { ...mark, payload: JSON.stringify({ ...readMark(mark.payload), used: true }) } : KEEP));
      return { ok: true, pdf: found.payload, name: found.name };
    }
    const mark = await this.transient.get(markId(secret));
    if (!mark) return { ok: false, reason: 'unknown' };
    const { until, used } = readMark(mark.payload);
    // Gone before its hour: downloaded (perhaps a moment ago, by a press whose mark is still on its way).
    return { ok: false, reason: used || now < until ? 'used' : 'expired' };
  }

  private get transient() {
    return this.deps.store.collection('transient');
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

  private finishDraft(kind: LetterKind, data: LetterData, lang: LetterLang, studentRef: string): LetterDraft {
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
    return { ok: true, kind, subject, text, removed: [...removed], studentRef };
  }

  private contactLine(lang: LetterLang): string {
    const c = this.school.parents.contact;
    if (!c) return lang === 'en' ? 'the mentor of your child' : 'de mentor van uw kind';
    return [`${c.name} (${c.role})`, c.phone, c.email].filter(Boolean).join(', ');
  }
}

/** The stored id of a letter link's mark: a hash of its secret, so a copy of the store holds no working link. */
function markId(secret: string): string {
  return `letter-link:${createHash('sha256').update(secret).digest('base64url')}`;
}

function readMark(payload: string | undefined): { until: number; used: boolean } {
  try {
    const parsed = JSON.parse(payload ?? '') as { until?: unknown; used?: unknown };
    return { until: typeof parsed.until === 'number' ? parsed.until : 0, used: parsed.used === true };
  } catch {
    return { until: 0, used: false };
  }
}
