import { can } from '../permissions.js';
import type { Actor } from '../turn.js';
import type { SchoolDirectory } from '../people/school.js';
import { type BullyingCase } from './model.js';
import { decidedByDirectie, rungOf } from './ladder.js';

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
 * What this person may do with a rung of the case's sanctions ladder (the ladder of the protocol version
 * the case was opened under): apply it, propose it to directie, or nothing. Directie applies every rung;
 * suspension and expulsion the CLZ proposes (the law; no ladder changes that); the other rungs the CLZ
 * applies, and the case's mentor after consulting the CLZ where the ladder lets the mentor apply it.
 */
export function sanctionAuthority(
  actor: Actor,
  c: BullyingCase,
  rungId: string,
  directory: SchoolDirectory,
  consultedClz = false,
): 'apply' | 'propose' | null {
  const relation = { owner: c.ownerStaffId === actor.staffId, classMentor: isClassMentor(actor, c, directory), consultedClz };
  const rung = rungOf(c, rungId);
  if (!rung || !mayWork(actor, c, directory)) return null;
  if (can(actor, 'case.sanction.decide')) return 'apply';
  if (decidedByDirectie(rung.id)) return can(actor, 'case.sanction.propose', relation) ? 'propose' : null;
  // A rung the school leaves to the CLZ: a mentor (who is not the CLZ too) does not apply it.
  return can(actor, 'case.sanction.apply', { ...relation, clzOnly: !rung.appliedBy.includes('mentor') }) ? 'apply' : null;
}

/** Decide on a proposed suspension or expulsion: directie. */
export function mayDecideSanction(actor: Actor, c: BullyingCase, directory: SchoolDirectory): boolean {
  return mayWork(actor, c, directory) && can(actor, 'case.sanction.decide');
}

/** The yearly bullying figures (counts only): anti-pestcoördinator and directie. */
export function maySeeFigures(actor: Actor): boolean {
  return can(actor, 'case.figures');
}
