import { can } from '../permissions.js';
import type { Actor } from '../turn.js';
import type { SchoolDirectory } from '../people/school.js';
import { RUNGS_FOR_MANAGEMENT, type BullyingCase, type SanctionRung } from './model.js';

/**
 * Who may do what with a bullying case. Pure rules, checked on the server for every command,
 * whatever the dialog or card showed.
 */
export type { Actor };

/** The mentor of the bullied student's class, by the school file (the mentor role is checked in permissions.ts). */
export function isClassMentor(actor: Actor, c: BullyingCase, directory: SchoolDirectory): boolean {
  const cls = directory.school.classes.find((k) => k.id === c.classId);
  return cls?.mentor === actor.staffId;
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
 * What this person may do with a rung of the sanctions ladder on this case: apply it, propose it to
 * directie, or nothing. Directie applies every rung; the CLZ applies the lower rungs and proposes
 * suspension and expulsion; the case's mentor applies the lower rungs after consulting the CLZ.
 */
export function sanctionAuthority(
  actor: Actor,
  c: BullyingCase,
  rung: SanctionRung,
  directory: SchoolDirectory,
  consultedClz = false,
): 'apply' | 'propose' | null {
  const relation = { owner: c.ownerStaffId === actor.staffId, classMentor: isClassMentor(actor, c, directory), consultedClz };
  if (!mayWork(actor, c, directory)) return null;
  if (can(actor, 'case.sanction.decide')) return 'apply';
  if (RUNGS_FOR_MANAGEMENT.includes(rung)) return can(actor, 'case.sanction.propose', relation) ? 'propose' : null;
  return can(actor, 'case.sanction.apply', relation) ? 'apply' : null;
}

/** Decide on a proposed suspension or expulsion: directie. */
export function mayDecideSanction(actor: Actor, c: BullyingCase, directory: SchoolDirectory): boolean {
  return mayWork(actor, c, directory) && can(actor, 'case.sanction.decide');
}

/** The yearly bullying figures (counts only): anti-pestcoördinator and directie. */
export function maySeeFigures(actor: Actor): boolean {
  return can(actor, 'case.figures');
}
