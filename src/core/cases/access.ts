import type { Actor } from '../turn.js';
import type { SchoolDirectory } from '../people/school.js';
import type { BullyingCase, SanctionRung } from './model.js';

/**
 * Who may do what with a bullying case. Pure rules, checked on the server for every command,
 * whatever the dialog or card showed.
 */
export type { Actor };

/** The mentor of the bullied student's class. */
export function isClassMentor(actor: Actor, c: BullyingCase, directory: SchoolDirectory): boolean {
  const cls = directory.school.classes.find((k) => k.id === c.classId);
  return actor.roles.has('mentor') && cls?.mentor === actor.staffId;
}

/** Work the case and read its notes: its owner, the class mentor, the CLZ and directie. */
export function mayWork(actor: Actor, c: BullyingCase, directory: SchoolDirectory): boolean {
  return (
    c.ownerStaffId === actor.staffId ||
    isClassMentor(actor, c, directory) ||
    actor.roles.has('clz') ||
    actor.roles.has('directie')
  );
}

/** The overview of cases by stage, without notes. */
export function maySeeOverview(actor: Actor): boolean {
  return actor.roles.has('anti-pestcoordinator') || actor.roles.has('clz') || actor.roles.has('directie');
}

/**
 * Record a sanction. The lowest rung (conversation with agreements) by whoever works the case;
 * involving MT, suspensions and expulsion only by directie.
 */
export function mayRecordSanction(actor: Actor, c: BullyingCase, rung: SanctionRung, directory: SchoolDirectory): boolean {
  if (rung === 'gesprek-afspraken') return mayWork(actor, c, directory);
  return actor.roles.has('directie');
}
