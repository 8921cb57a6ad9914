/**
 * The layered, supportive response to possible misuse: a signal, then conversation, support, a pause
 * (extended, ended, or ending by itself) or revocation. Each reports what happened; presentation/
 * words it.
 */
import type { Actor } from '../turn.js';
import { planJob } from '../reminders/jobs.js';
import { zonedTime } from '../kernel/time.js';
import { type ExceptionRequest } from './model.js';
import { ExceptionCore, currentPauseEnd } from './context.js';
import type { FollowUpKind, FollowUpResult, MisuseSignalResult } from './results.js';
import { misuseNotice } from './presentation/notices.js';
import { tellTeachers } from './signals.js';

/**
 * A teacher's confidential signal of possible misuse: no discussion in class; the mentor and the
 * zorgcoördinator are told and take it to the care team.
 */
export async function signalMisuse(
  x: ExceptionCore,
  actor: Actor,
  { studentRef, note, channel }: { studentRef: string; note: string; channel: string },
): Promise<MisuseSignalResult> {
  const student = x.deps.directory.findStudent(studentRef);
  const active = student
    ? (await x.requests.findBy('studentRef', student.ref)).find((r) => r.schoolId === x.school.id && r.status === 'granted')
    : undefined;
  if (!active) return { kind: 'no-exception' };
  const written = await x.change(active.id, (r) => ({
    ...r,
    misuse: [...r.misuse, { at: x.deps.clock.now(), byStaffId: actor.staffId, kind: 'signal', note }],
  }));
  if (!written) return { kind: 'not-found' };
  await x.audit(actor.staffId, 'exception.misuse.signal', active.id, channel);
  const mentor = x.school.classes.find((c) => c.id === active.classId)?.mentor;
  const people = new Set([...(mentor ? [mentor] : []), ...(await x.deps.roleBook.staffWithRole('zorgcoordinator')).map((s) => s.id)]);
  for (const staffId of people) {
    await x.deps.outbox.notify(`misuse:${active.id}:${written.misuse.length}:${staffId}`, staffId, { text: misuseNotice(x, active, actor.staffId, note) });
  }
  return { kind: 'signalled', request: written };
}

/** A follow-up step on request `id`, as the person gave it. */
export interface FollowUpStep {
  id: string;
  kind: FollowUpKind;
  /** What was done or agreed; for a pause or revocation, the motivation (at least 10 characters). */
  note: string;
  /** For a pause or an extension: until when, YYYY-MM-DD. */
  until: string | undefined;
  /** The platform, as the audit trail records it. */
  channel: string;
  /** For a pause: how the student's need is met meanwhile (required). */
  meanwhile?: string;
  /** For a pause without a recorded informative talk and a repeat after it: why they were skipped. */
  skipReason?: string;
}

/**
 * The follow-up of possible misuse, supportive first: an informative conversation, supportive
 * measures, a pause with an end date and conditions, resuming after reassessment, or revocation
 * with a motivation. Teachers hear that it is paused or ended, never why.
 */
export async function followUpMisuse(x: ExceptionCore, actor: Actor, step: FollowUpStep): Promise<FollowUpResult> {
  const { id, kind, note, until, channel, meanwhile = '', skipReason = '' } = step;
  const r = await x.requests.get(id);
  if (!r || (r.status !== 'granted' && r.status !== 'suspended')) return { kind: 'not-found' };
  if (!x.mayManage(actor, r)) return { kind: 'denied' };
  if ((kind === 'revoke' || kind === 'suspend') && note.trim().length < 10) return { kind: 'invalid' };
  if ((kind === 'suspend' || kind === 'extend') && !until) return { kind: 'invalid' };
  // A pause never leaves a student without what they need: how it is met meanwhile is required.
  if (kind === 'suspend' && meanwhile.trim().length < 10) return { kind: 'invalid' };
  if ((kind === 'resume' || kind === 'extend') && r.status !== 'suspended') return { kind: 'invalid' };
  // The guidance's ladder: a pause comes after an informative talk and a repeat after it, both on
  // record; skipping them needs a recorded reason.
  if (kind === 'suspend' && skipReason.trim().length < 10) {
    const missing = ladderMissing(r);
    if (missing) return { kind: 'ladder-incomplete', missing, note, meanwhile };
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
  if (!written) return { kind: 'not-found' };
  await x.audit(actor.staffId, `exception.misuse.${kind}`, id, channel);
  if (kind === 'suspend' || kind === 'extend') {
    // On its end date the pause ends by itself (a later extension makes this job find nothing to do).
    await planJob(x.deps.store.jobs, 'exception-reconsider', {
      id: `reconsider:${id}:${until}`,
      payload: { requestId: id, staffId: actor.staffId, until: until! },
      dueAt: zonedTime(until!, x.school.protocol.reminderTime, x.school.timeZone),
    });
  }
  if (kind === 'suspend') await tellTeachers(x, written, 'paused');
  if (kind === 'resume') await tellTeachers(x, written, 'resumed');
  if (kind === 'revoke') await tellTeachers(x, written, 'ended');
  return { kind: 'done', request: written, step: kind, until };
}

/** What the ladder still lacks before a pause: an informative talk on record, then a repeat (a new signal) after it. */
function ladderMissing(r: ExceptionRequest): 'talk' | 'repeat' | null {
  const talk = r.misuse.map((e) => e.kind).lastIndexOf('conversation');
  if (talk < 0) return 'talk';
  return r.misuse.slice(talk + 1).some((e) => e.kind === 'signal') ? null : 'repeat';
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
  await tellTeachers(x, written, 'resumed');
  return written;
}
