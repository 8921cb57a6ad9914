import { can } from '../../permissions.js';
import { roleSchema } from '../../people/roles.js';
import { formatDate } from '../../protocol/answers.js';
import { dayIn } from '../../kernel/time.js';
import type { OutboundMessage } from '../../turn.js';
import type { CardRenderer } from '../../cards/render.js';
import type { Outbox } from '../../notify/outbox.js';
import type { AccountLinks } from '../../people/accounts.js';
import type { RoleBook } from '../../people/role-book.js';
import type { SchoolDirectory } from '../../people/school.js';
import { waitingCard } from '../home.js';
import { defineModule, type HomeViewer, type OverviewItem } from '../registry.js';
import { z } from 'zod';
import { actorOf, answer, commandsFor, textAnswer, type CommandContext } from '../command.js';

/** What the assistant's own commands work with. */
export interface AdminCommandDeps {
  directory: SchoolDirectory;
  roleBook: RoleBook;
  cards: CardRenderer;
  outbox: Outbox;
  /** Platform accounts found by e-mail, and those nobody matched (people/accounts.ts). */
  accounts: AccountLinks;
  /** What waits for a person ("wacht op jou"), from every installed module (`Registry.waiting`). */
  waiting: (who: HomeViewer) => Promise<OverviewItem[]>;
}
const defineCommand = commandsFor<AdminCommandDeps>();

/** Roles, what waits for a person, failed deliveries and unknown accounts: the assistant's own commands. */
export const ADMIN_COMMANDS = [
  defineCommand('assign-role', { staff: textAnswer, role: answer(roleSchema), action: answer(z.enum(['grant', 'revoke'])) }, async ({ directory, roleBook }, ctx, a) => {
    const staff = directory.staffById(a.staff.value);
    if (!staff) return [{ text: ctx.t('command.failed') }];
    const grant = a.action.value === 'grant';
    const result = await roleBook.setRole(ctx.actor.id, staff.id, a.role.value, grant, ctx.channel);
    const params = { staff: staff.name, role: ctx.t(`role.${a.role.value}`) };
    switch (result) {
      case 'denied':
        return [{ text: ctx.t('command.denied') }];
      case 'unknown-staff':
        return [{ text: ctx.t('command.failed') }];
      case 'unchanged':
        return [{ text: ctx.t('command.assignRole.unchanged', params) }];
      case 'changed':
        return [{ text: ctx.t(grant ? 'command.assignRole.done' : 'command.revokeRole.done', params) }];
    }
  }),
  defineCommand('waiting', {}, (deps, ctx) => waiting(deps, ctx)),
  defineCommand('failed-deliveries', {}, (deps, ctx) => failedDeliveries(deps, ctx)),
  defineCommand('unknown-accounts', {}, (deps, ctx) => unknownAccounts(deps, ctx)),
  defineCommand('link-account', { account: textAnswer, staff: textAnswer }, async ({ accounts, directory }, ctx, a) => {
    if (!can(actorOf(ctx), 'accounts.link')) return [{ text: ctx.t('command.denied') }];
    const account = await findUnknown(accounts, a.account.value);
    if (!account) return [{ text: ctx.t('accounts.notFound', { account: a.account.value }) }];
    const staff = directory.staffById(a.staff.value);
    const result = await accounts.link(ctx.actor.id, account.id, a.staff.value, ctx.channel);
    const params = { account: accountLabel(account, ctx), staff: staff?.name ?? a.staff.value };
    if (result === 'linked') return [{ text: ctx.t('accounts.linked', params) }];
    if (result === 'has-account') return [{ text: ctx.t('accounts.hasAccount', params) }];
    return [{ text: ctx.t(result === 'no-staff' ? 'command.failed' : 'accounts.notFound', { account: a.account.value }) }];
  }),

];

/** Everything that waits for this person, as a card with a button each ("wacht op jou"). */
async function waiting(deps: AdminCommandDeps, ctx: CommandContext): Promise<OutboundMessage[]> {
  const items = await deps.waiting({ actor: actorOf(ctx), locale: ctx.locale });
  if (items.length === 0) return [{ text: ctx.t('waiting.none') }];
  const text = [ctx.t('waiting.title'), ctx.t('waiting.count', { count: items.length }), ...items.map((item) => `- ${item.label}`)].join('\n');
  return [{ text, card: waitingCard(deps.cards, ctx.t, items) }];
}

/** For the beheerder: messages that could not be delivered, and to whom. */
async function failedDeliveries({ outbox, directory }: AdminCommandDeps, ctx: CommandContext): Promise<OutboundMessage[]> {
  if (!can(actorOf(ctx), 'deliveries.failed')) return [{ text: ctx.t('command.denied') }];
  const failed = await outbox.unreachable();
  if (failed.length === 0) return [{ text: ctx.t('reminder.failed.none') }];
  const lines = failed.map((n) => `- ${directory.staffById(n.staffId)?.name ?? n.staffId} (${n.deliveredVia ?? '?'}): ${formatDate(dayIn(directory.school.timeZone, n.createdAt), ctx.locale)}`);
  return [{ text: `${ctx.t('reminder.failed.title')}\n${lines.join('\n')}` }];
}

/** The accounts nobody matched, numbered as "account koppelen" takes them (most recently seen first). */
async function unknownAccounts({ accounts, directory }: AdminCommandDeps, ctx: CommandContext): Promise<OutboundMessage[]> {
  if (!can(actorOf(ctx), 'accounts.link')) return [{ text: ctx.t('command.denied') }];
  const list = await accounts.unknown();
  if (!list.length) return [{ text: ctx.t('accounts.none') }];
  const tz = directory.school.timeZone;
  const lines = list.map((a, i) => `${i + 1}. ${accountLabel(a, ctx)} — ${ctx.t('accounts.lastSeen', { date: formatDate(dayIn(tz, a.lastSeenAt), ctx.locale) })}`);
  return [{ text: [ctx.t('accounts.title', { count: list.length }), ...lines, '', ctx.t('accounts.howToLink')].join('\n') }];
}

/** An unknown account by its number in the list, its e-mail address or its platform id. */
async function findUnknown(accounts: AdminCommandDeps['accounts'], typed: string) {
  const list = await accounts.unknown();
  const value = typed.trim().replace(/^#/, '');
  if (/^\d{1,4}$/.test(value)) return list[Number(value) - 1] ?? null;
  const lower = value.toLowerCase();
  return list.find((a) => a.email === lower || a.account.toLowerCase() === lower) ?? null;
}

function accountLabel(a: { platform: string; account: string; email: string | null }, ctx: CommandContext): string {
  const platform = a.platform === 'slack' ? 'Slack' : 'Teams';
  return a.email ? `${a.email} (${platform})` : `${ctx.t('accounts.noEmail')} (${platform} ${a.account})`;
}

/** The assistant's own module: its commands. */
export const adminModule = defineModule<AdminCommandDeps>({ name: 'admin', commands: ADMIN_COMMANDS });
