import type { Clock, Store } from '../kernel/ports.js';
import { KEEP, writeRecord } from '../kernel/records.js';
import { can } from '../permissions.js';
import type { RoleAssignment } from './role-assignment.js';
import type { Role } from './roles.js';
import type { SchoolDirectory, StaffMember } from './school.js';

/** Which of `candidates` a person holds, the first in that order: for wording ("door de CLZ"), never for a permission. */
export function firstHeldRole<R extends Role>(roles: ReadonlySet<Role>, candidates: readonly R[]): R | null {
  return candidates.find((role) => roles.has(role)) ?? null;
}

export type RoleChange = 'changed' | 'unchanged' | 'denied' | 'unknown-staff';

/** A person's effective roles: the school file's, plus grants, minus revocations. */
export class RoleBook {
  constructor(
    private readonly store: Store,
    private readonly directory: SchoolDirectory,
    private readonly clock: Clock,
  ) {}

  private get assignments() {
    return this.store.collection('roleAssignments');
  }

  private recordId(staffId: string): string {
    return `${this.directory.school.id}:${staffId}`;
  }

  async rolesOf(staffId: string): Promise<Set<Role>> {
    return this.withChanges(staffId, await this.assignments.get(this.recordId(staffId)));
  }

  /** A person's roles: those of the school file, with the grants and revocations made in chat. */
  private withChanges(staffId: string, assignment: RoleAssignment | null | undefined): Set<Role> {
    const roles = new Set(this.directory.fileRoles(staffId));
    for (const role of assignment?.granted ?? []) roles.add(role);
    for (const role of assignment?.revoked ?? []) roles.delete(role);
    return roles;
  }

  /** Everyone who holds a role now (the school file's roles with the changes made in chat), in school-file order, in one read. */
  async staffWithRole(role: Role): Promise<StaffMember[]> {
    const changes = await this.assignments.findBy('schoolId', this.directory.school.id);
    const granted = new Set(changes.filter((a) => a.granted.includes(role)).map((a) => a.staffId));
    const revoked = new Set(changes.filter((a) => a.revoked.includes(role)).map((a) => a.staffId));
    // Usually nobody's changes touch this role: then it is the school file's holders, looked up once.
    if (!granted.size && !revoked.size) return [...this.directory.fileHolders(role)];
    return this.directory.staff.filter((member) => (granted.has(member.id) || member.roles.includes(role)) && !revoked.has(member.id));
  }

  /** Grants or revokes one role. Only a beheerder may; checked here, whatever the dialog showed. */
  async setRole(actorId: string, staffId: string, role: Role, grant: boolean, channel: string): Promise<RoleChange> {
    if (!can({ staffId: actorId, roles: await this.rolesOf(actorId) }, 'roles.assign')) return 'denied';
    if (!this.directory.staffById(staffId)) return 'unknown-staff';
    const id = this.recordId(staffId);
    const fileRoles = this.directory.fileRoles(staffId);
    const { written } = await writeRecord(this.assignments, id, (current): Omit<RoleAssignment, 'version'> | typeof KEEP => {
      if (this.withChanges(staffId, current).has(role) === grant) return KEEP;
      const base = current ?? { id, schoolId: this.directory.school.id, staffId, granted: [], revoked: [] };
      const granted = new Set(base.granted);
      const revoked = new Set(base.revoked);
      if (grant) {
        revoked.delete(role);
        if (!fileRoles.includes(role)) granted.add(role);
      } else {
        granted.delete(role);
        if (fileRoles.includes(role)) revoked.add(role);
      }
      return { ...base, granted: [...granted].sort(), revoked: [...revoked].sort() };
    });
    if (!written) return 'unchanged';
    await this.store.audit.append({
      at: this.clock.now(),
      schoolId: this.directory.school.id,
      actor: actorId,
      action: grant ? 'role.grant' : 'role.revoke',
      recordKind: 'roleAssignment',
      recordId: id,
      channel,
    });
    return 'changed';
  }
}
