import type { Translate } from '../i18n/index.js';
import type { RoleBook } from '../people/role-book.js';
import { roleSchema, type Role } from '../people/roles.js';
import type { SchoolDirectory, StaffMember } from '../people/school.js';
import type { Answer } from '../protocol/answers.js';

/** What a domain command gets to work with. Commands check permissions themselves. */
export interface CommandContext {
  actor: StaffMember;
  roles: ReadonlySet<Role>;
  answers: Record<string, Answer>;
  channel: string;
  t: Translate;
}

export interface CommandDeps {
  directory: SchoolDirectory;
  roleBook: RoleBook;
}

/** A command returns what to say to the person who ran it. */
export type CommandHandler = (ctx: CommandContext) => Promise<string[]>;

export function createCommands(deps: CommandDeps): Map<string, CommandHandler> {
  return new Map<string, CommandHandler>([['assign-role', (ctx) => assignRole(deps, ctx)]]);
}

/** The command names dialog files may use; checked when the dialogs are loaded. */
export const COMMAND_NAMES: ReadonlySet<string> = new Set(['assign-role']);

async function assignRole({ directory, roleBook }: CommandDeps, ctx: CommandContext): Promise<string[]> {
  const staffId = ctx.answers.staff?.value;
  const role = roleSchema.safeParse(ctx.answers.role?.value);
  const action = ctx.answers.action?.value;
  const grant = action === 'grant' ? true : action === 'revoke' ? false : null;
  const staff = typeof staffId === 'string' ? directory.staffById(staffId) : null;
  if (!staff || !role.success || grant === null) return [ctx.t('command.failed')];
  const result = await roleBook.setRole(ctx.actor.id, staff.id, role.data, grant, ctx.channel);
  const params = { staff: staff.name, role: ctx.t(`role.${role.data}`) };
  switch (result) {
    case 'denied':
      return [ctx.t('command.denied')];
    case 'unknown-staff':
      return [ctx.t('command.failed')];
    case 'unchanged':
      return [ctx.t('command.assignRole.unchanged', params)];
    case 'changed':
      return [ctx.t(grant ? 'command.assignRole.done' : 'command.revokeRole.done', params)];
  }
}
