import { can } from '../permissions.js';
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
  return can(actor, 'case.work', { owner: c.ownerStaffId === actor.staffId, classMentor: isClassMentor(actor, c, directory) });
}

/** The overview of cases by stage, without notes. */
export function maySeeOverview(actor: Actor): boolean {
  return can(actor, 'case.overview');
}

/**
 * Record a sanction. The lowest rung (conversation with agreements) by whoever works the case;
 * involving MT, suspensions and expulsion only by directie.
 */
export function mayRecordSanction(actor: Actor, c: BullyingCase, rung: SanctionRung, directory: SchoolDirectory): boolean {
  const relation = { owner: c.ownerStaffId === actor.staffId, classMentor: isClassMentor(actor, c, directory) };
  return can(actor, rung === 'gesprek-afspraken' ? 'case.sanction.light' : 'case.sanction.heavy', relation);
}
