/**
 * The discreet signals to teachers, as the operations send them: who is told what, each keyed so it
 * goes out once. The words are presentation's (presentation/notices.ts).
 */
import type { ExceptionCore } from './context.js';
import type { ExceptionRequest } from './model.js';
import { leftClassNotice, teacherNotice, teacherSignal, type TeacherChange } from './presentation/notices.js';

/** The discreet signal to the teachers of the subjects in scope: functional facts only. */
export async function signalTeachers(x: ExceptionCore, r: ExceptionRequest): Promise<void> {
  for (const staffId of x.teachersOf(r)) {
    await x.deps.outbox.notify(`signal:${r.id}:granted:${staffId}`, staffId, { text: teacherSignal(x, r) });
  }
}

/**
 * After a class change: the new class's teachers in scope get the discreet signal (only while the
 * exception applies, not while it is paused); the old class's teachers who no longer teach the student
 * hear that it no longer applies in their lessons. Teachers of both classes hear nothing new.
 */
export async function signalClassChange(x: ExceptionCore, before: ExceptionRequest, after: ExceptionRequest): Promise<void> {
  const old = x.teachersOf(before);
  const now = x.teachersOf(after);
  if (after.status === 'granted') {
    for (const staffId of now) {
      if (old.has(staffId)) continue;
      await x.deps.outbox.notify(`signal:${after.id}:class:${after.classId}:${staffId}`, staffId, { text: teacherSignal(x, after) });
    }
  }
  for (const staffId of old) {
    if (now.has(staffId)) continue;
    await x.deps.outbox.notify(`signal:${after.id}:left:${before.classId}:${staffId}`, staffId, { text: leftClassNotice(x, after) });
  }
}

/** The teachers hear that the exception is paused, applies again, or ended (never why). */
export async function tellTeachers(x: ExceptionCore, r: ExceptionRequest, change: TeacherChange): Promise<void> {
  for (const staffId of x.teachersOf(r)) {
    // The key names the notice as it always has (`exception.signal.paused`…): a rerun finds the one queued before.
    await x.deps.outbox.notify(`signal:${r.id}:exception.signal.${change}:${r.misuse.length}:${staffId}`, staffId, { text: teacherNotice(x, r, change) });
  }
}
