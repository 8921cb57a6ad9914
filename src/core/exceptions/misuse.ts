/**
 * The layered, supportive response to possible misuse: a signal, then conversation, support, a pause
 * (extended, ended, or ending by itself) or revocation.
 */
import { quoted } from '../text/record-text.js';
import { translator, type Locale, type MessageKey } from '../i18n/index.js';
import { formatDate } from '../protocol/answers.js';
import type { Actor } from '../turn.js';
import { planJob } from '../reminders/jobs.js';
import { zonedTime } from '../kernel/time.js';
import { type ExceptionRequest } from './model.js';
import { ExceptionCore, currentPauseEnd, type ExceptionResult } from './context.js';
import { tellTeachers } from './presentation.js';

/**
 * A teacher's confidential signal of possible misuse: no discussion in class; the mentor and the
 * zorgcoördinator are told and take it to the care team.
 */
export async function signalMisuse(x: ExceptionCore, actor: Actor, studentRef: string, note: string, channel: string, locale: Locale): Promise<ExceptionResult> {
  const t = translator(locale);
  const student = x.deps.directory.findStudent(studentRef);
  const active = student
    ? (await x.requests.findBy('studentRef', student.ref)).find((r) => r.schoolId === x.school.id && r.status === 'granted')
    : undefined;
  if (!active) return { ok: true, said: [{ text: t('exception.misuse.noException') }] };
  const written = await x.change(active.id, (r) => ({
    ...r,
    misuse: [...r.misuse, { at: x.deps.clock.now(), byStaffId: actor.staffId, kind: 'signal', note }],
  }));
  if (!written) return { ok: false, reason: 'not-found' };
  await x.audit(actor.staffId, 'exception.misuse.signal', active.id, channel);
  const ct = translator(x.school.locale);
  const mentor = x.school.classes.find((c) => c.id === active.classId)?.mentor;
  const people = new Set([...(mentor ? [mentor] : []), ...(await x.deps.roleBook.staffWithRole('zorgcoordinator')).map((s) => s.id)]);
  for (const staffId of people) {
    await x.deps.outbox.notify(`misuse:${active.id}:${written.misuse.length}:${staffId}`, staffId, {
      text: ct('exception.misuse.notify', { student: active.studentRef, reporter: x.nameOf(actor.staffId), note: quoted(note) }),
    });
  }
  return { ok: true, said: [{ text: t('exception.misuse.thanks') }] };
}

/**
 * The follow-up of possible misuse, supportive first: an informative conversation, supportive
 * measures, a pause with an end date and conditions, resuming after reassessment, or revocation
 * with a motivation. Teachers hear that it is paused or ended, never why.
 */
export async function followUpMisuse(
  x: ExceptionCore,
  actor: Actor,
  id: string,
  kind: 'conversation' | 'support' | 'suspend' | 'extend' | 'resume' | 'revoke',
  note: string,
  until: string | undefined,
  channel: string,
  locale: Locale,
  /** For a pause: how the student's need is met meanwhile (required). */
  meanwhile = '',
  /** For a pause without a recorded informative talk and a repeat after it: why they were skipped. */
  skipReason = '',
): Promise<ExceptionResult> {
  const t = translator(locale);
  const r = await x.requests.get(id);
  if (!r || (r.status !== 'granted' && r.status !== 'suspended')) return { ok: false, reason: 'not-found' };
  if (!x.mayManage(actor, r)) return { ok: false, reason: 'denied' };
  if ((kind === 'revoke' || kind === 'suspend') && note.trim().length < 10) return { ok: false, reason: 'invalid' };
  if ((kind === 'suspend' || kind === 'extend') && !until) return { ok: false, reason: 'invalid' };
  // A pause never leaves a student without what they need: how it is met meanwhile is required.
  if (kind === 'suspend' && meanwhile.trim().length < 10) return { ok: false, reason: 'invalid' };
  if ((kind === 'resume' || kind === 'extend') && r.status !== 'suspended') return { ok: false, reason: 'invalid' };
  // The guidance's ladder: a pause comes after an informative talk and a repeat after it, both on
  // record; skipping them needs a recorded reason.
  if (kind === 'suspend' && skipReason.trim().length < 10) {
    const missing = ladderMissing(r);
    if (missing) {
      const kept = [note, meanwhile].map((s) => s.trim()).filter(Boolean).join('\n');
      return { ok: false, reason: 'invalid', said: [{ text: t(missing) }, ...(kept ? [{ text: t('exception.misuse.keptText', { text: kept }) }] : [])] };
    }
  }
  const status: ExceptionRequest['status'] = kind === 'suspend' ? 'suspended' : kind === 'resume' ? 'granted' : kind === 'revoke' ? 'revoked' : r.status;
  const event = {
    at: x.deps.clock.now(),
    byStaffId: actor.staffId,
    kind,
    note: note.trim(),
    ...(until ? { until } : {}),
    ...(kind === 'suspend' ? { meanwhile: meanwhile.trim() } : {}),
    ...(kind === 'suspend' && skipReason.trim() ? { skipReason: skipReason.trim() } : {}),
  };
  const written = await x.change(id, (cur) => ({ ...cur, status, misuse: [...cur.misuse, event] }));
  if (!written) return { ok: false, reason: 'not-found' };
  await x.audit(actor.staffId, `exception.misuse.${kind}`, id, channel);
  if (kind === 'suspend' || kind === 'extend') {
    // On its end date the pause ends by itself (a later extension makes this job find nothing to do).
    await planJob(x.deps.store.jobs, 'exception-reconsider', {
      id: `reconsider:${id}:${until}`,
      payload: { requestId: id, staffId: actor.staffId, until: until! },
      dueAt: zonedTime(until!, x.school.protocol.reminderTime, x.school.timeZone),
    });
  }
  if (kind === 'suspend') await tellTeachers(x, written, 'exception.signal.paused');
  if (kind === 'resume') await tellTeachers(x, written, 'exception.signal.resumed');
  if (kind === 'revoke') await tellTeachers(x, written, 'exception.signal.ended');
  const done: MessageKey = `exception.misuse.done.${kind}`;
  return { ok: true, said: [{ text: t(done, { until: until ? formatDate(until, locale) : '' }) }] };
}

/** What the ladder still lacks before a pause: an informative talk on record, then a repeat (a new signal) after it. */
function ladderMissing(r: ExceptionRequest): MessageKey | null {
  const talk = r.misuse.map((e) => e.kind).lastIndexOf('conversation');
  if (talk < 0) return 'exception.misuse.pauseNeedsTalk';
  return r.misuse.slice(talk + 1).some((e) => e.kind === 'signal') ? null : 'exception.misuse.pauseNeedsRepeat';
}

/**
 * A pause's end date has come: unless it was extended, ended or revoked since, the exception applies
 * again, the teachers are told, and the one who paused it hears of it. Idempotent.
 */
export async function endPause(x: ExceptionCore, id: string, until: string): Promise<ExceptionRequest | null> {
  let ended = false;
  const written = await x.change(id, (r) => {
    ended = r.status === 'suspended' && currentPauseEnd(r) === until;
    if (!ended) return r;
    return { ...r, status: 'granted', misuse: [...r.misuse, { at: x.deps.clock.now(), byStaffId: 'system', kind: 'pause-ended', note: '' }] };
  });
  if (!written || !ended) return null;
  await x.audit('system', 'exception.pause-ended', id, 'scheduler');
  await tellTeachers(x, written, 'exception.signal.resumed');
  return written;
}
