import { can } from '../../permissions.js';
import { roleSchema } from '../../people/roles.js';
import { formatDate } from '../../protocol/answers.js';
import { reminderKindKey } from '../../reminders/jobs.js';
import { dayIn } from '../../time.js';
import type { OutboundMessage } from '../../turn.js';
import { waitingCard, waitingFor } from '../home.js';
import { z } from 'zod';
import { actorOf, answer, defineCommand, textAnswer, type CommandContext, type CommandDeps } from '../command.js';

/** Roles, reminders, deliveries and the rights of students (audit trail, export, erasure). */
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
  defineCommand('handover-reminder', { staff: textAnswer, jobId: textAnswer }, async ({ directory, scheduler }, ctx, a) => {
    const to = directory.staffById(a.staff.value);
    const done = to ? await scheduler.handOver(ctx.actor.id, a.jobId.value, to.id) : false;
    return [{ text: done ? ctx.t('reminder.handedOver', { name: to!.name }) : ctx.t('reminder.handOverFailed') }];
  }),
  defineCommand('my-reminders', {}, (deps, ctx) => myReminders(deps, ctx)),
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
  defineCommand('student-audit', { leerling: textAnswer }, async ({ privacy, directory }, ctx, a) => {
    const student = a.leerling.value;
    const result = await privacy.auditTrail(actorOf(ctx), student, ctx.channel);
    if (!result.ok) return [{ text: ctx.t(result.reason === 'denied' ? 'privacy.denied' : 'privacy.notFound') }];
    if (!result.value.length) return [{ text: ctx.t('privacy.audit.none', { student }) }];
    const shown = result.value.slice(-20).map((e) => {
      const who = directory.staffById(e.actor)?.name ?? e.actor;
      return `${new Date(e.at).toISOString().slice(0, 16).replace('T', ' ')} — ${who} — ${e.action} — ${e.channel}`;
    });
    return [
      { text: ctx.t('privacy.audit.title', { student, count: result.value.length }) + '\n' + shown.join('\n') },
      { text: ctx.t('privacy.audit.csv') + '\n' + privacy.auditCsv(result.value) },
    ];
  }),
  defineCommand('student-export', { leerling: textAnswer }, async ({ privacy }, ctx, a) => {
    const result = await privacy.exportStudent(actorOf(ctx), a.leerling.value, ctx.channel, ctx.locale);
    if (!result.ok) return [{ text: ctx.t(result.reason === 'denied' ? 'privacy.denied' : 'privacy.notFound') }];
    const v = result.value;
    return [
      { text: ctx.t('privacy.export.done', { student: v.studentRef, cases: v.bullyingCases.length, requests: v.exceptionRequests.length, audit: v.audit.length }) },
      { text: JSON.stringify(v, null, 2) },
    ];
  }),
  defineCommand('student-erase', { leerling: textAnswer }, async ({ privacy }, ctx, a) => {
    const result = await privacy.eraseStudent(actorOf(ctx), a.leerling.value, ctx.channel, ctx.locale);
    if (!result.ok) return [{ text: ctx.t(result.reason === 'denied' ? 'privacy.denied' : 'privacy.notFound') }];
    const { cases, requests, mentions, unchanged } = result.value;
    const done = { text: ctx.t('privacy.erase.done', { student: a.leerling.value, cases, requests, mentions }) };
    // Where the student may still be named but the text could not safely be changed: the beheerder looks.
    return unchanged.length ? [done, { text: [ctx.t('privacy.erase.unchanged'), ...unchanged.map((line) => `- ${line}`)].join('\n') }] : [done];
  }),
];

/** What reminders are coming for this person. */
async function myReminders({ scheduler, directory }: CommandDeps, ctx: CommandContext): Promise<OutboundMessage[]> {
  const jobs = await scheduler.upcoming(ctx.actor.id);
  if (jobs.length === 0) return [{ text: ctx.t('reminder.none') }];
  const tz = directory.school.timeZone;
  const lines = jobs.map((j) => `- ${formatDate(dayIn(tz, j.dueAt), ctx.locale)}: ${ctx.t(reminderKindKey(j.kind))}`);
  return [{ text: `${ctx.t('reminder.list.title')}\n${lines.join('\n')}` }];
}

/** Everything that waits for this person, as a card with a button each ("wacht op jou"). */
async function waiting(deps: CommandDeps, ctx: CommandContext): Promise<OutboundMessage[]> {
  const items = await waitingFor(deps, actorOf(ctx), ctx.locale);
  if (items.length === 0) return [{ text: ctx.t('waiting.none') }];
  const text = [ctx.t('waiting.title'), ctx.t('waiting.count', { count: items.length }), ...items.map((item) => `- ${item.label}`)].join('\n');
  return [{ text, card: waitingCard(deps.cards, ctx.t, items) }];
}

/** For the beheerder: messages that could not be delivered, and to whom. */
async function failedDeliveries({ outbox, directory }: CommandDeps, ctx: CommandContext): Promise<OutboundMessage[]> {
  if (!can(actorOf(ctx), 'deliveries.failed')) return [{ text: ctx.t('command.denied') }];
  const failed = await outbox.unreachable();
  if (failed.length === 0) return [{ text: ctx.t('reminder.failed.none') }];
  const lines = failed.map((n) => `- ${directory.staffById(n.staffId)?.name ?? n.staffId} (${n.deliveredVia ?? '?'}): ${formatDate(dayIn(directory.school.timeZone, n.createdAt), ctx.locale)}`);
  return [{ text: `${ctx.t('reminder.failed.title')}\n${lines.join('\n')}` }];
}

/** The accounts nobody matched, numbered as "account koppelen" takes them (most recently seen first). */
async function unknownAccounts({ accounts, directory }: CommandDeps, ctx: CommandContext): Promise<OutboundMessage[]> {
  if (!can(actorOf(ctx), 'accounts.link')) return [{ text: ctx.t('command.denied') }];
  const list = await accounts.unknown();
  if (!list.length) return [{ text: ctx.t('accounts.none') }];
  const tz = directory.school.timeZone;
  const lines = list.map((a, i) => `${i + 1}. ${accountLabel(a, ctx)} — ${ctx.t('accounts.lastSeen', { date: formatDate(dayIn(tz, a.lastSeenAt), ctx.locale) })}`);
  return [{ text: [ctx.t('accounts.title', { count: list.length }), ...lines, '', ctx.t('accounts.howToLink')].join('\n') }];
}

/** An unknown account by its number in the list, its e-mail address or its platform id. */
async function findUnknown(accounts: CommandDeps['accounts'], typed: string) {
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
