import { translator, type MessageKey } from '../i18n/index.js';
import type { RoleBook } from '../people/role-book.js';
import type { SchoolDirectory } from '../people/school.js';
import type { Outbox } from './outbox.js';

/**
 * Tells the school's beheerders that a person cannot be reached on a channel (`via`). Keyed per person
 * and channel: a beheerder is told once, however many messages bounce.
 */
export async function tellBeheerders(
  deps: { outbox: Outbox; roleBook: RoleBook; directory: SchoolDirectory },
  staffId: string,
  via: string,
  textKey: MessageKey,
): Promise<void> {
  const person = deps.directory.staffById(staffId);
  const t = translator(deps.directory.school.locale);
  for (const admin of await deps.roleBook.staffWithRole('beheerder')) {
    if (admin.id === staffId) continue;
    await deps.outbox.notify(`unreachable:${via}:${staffId}:${admin.id}`, admin.id, { text: t(textKey, { name: person?.name ?? staffId }) });
  }
}
