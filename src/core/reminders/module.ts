/** Reminders as a module of the assistant: what is coming, snoozing one, handing one over. */
import { z } from 'zod';
import { commandsFor, textAnswer, type CommandContext } from '../app/command.js';
import { defineAction, defineModule, defineStart, type ActionPayload } from '../app/registry.js';
import type { SchoolDirectory } from '../people/school.js';
import type { JobStore } from '../kernel/ports.js';
import { formatDate } from '../protocol/answers.js';
import { dayIn } from '../kernel/time.js';
import type { OutboundMessage } from '../turn.js';
import { reminderKindKey } from './jobs.js';
import type { Scheduler } from './scheduler.js';

/** What the module works with. */
export interface ReminderModuleDeps {
  scheduler: Scheduler;
  jobs: JobStore;
  directory: SchoolDirectory;
}
const defineCommand = commandsFor<ReminderModuleDeps>();

const jobIdText = z.string().min(1).max(300);

/** A reminder's "later" button: a week on; only the person it was for may. */
const snooze = defineAction({
  name: 'snooze',
  payload: z.object({ snooze: jobIdText }),
  handle: async ({ scheduler }: ReminderModuleDeps, { actor, t }, a) => {
    const done = await scheduler.snooze(actor.staffId, a.snooze);
    return { messages: [{ text: t(done ? 'reminder.snoozed' : 'reminder.snoozeFailed') }] };
  },
});

declare module '../cards/submit.js' {
  interface CardActions {
    snooze: ActionPayload<typeof snooze>;
  }
}

/** A button about a reminder (hand it over): only for the person it is for. A parked dialog of its flow goes on. */
const aboutJob = defineStart({
  name: 'jobId',
  payload: z.object({ jobId: jobIdText }),
  fresh: false,
  guard: async ({ jobs }: ReminderModuleDeps, { actor }, start, given) => {
    const job = await jobs.get(given.jobId!);
    return job?.payload.staffId === actor.staffId ? start : null;
  },
});

export const REMINDER_COMMANDS = [
  defineCommand('handover-reminder', { staff: textAnswer, jobId: textAnswer }, async ({ directory, scheduler }, ctx, a) => {
    const to = directory.staffById(a.staff.value);
    const done = to ? await scheduler.handOver(ctx.actor.id, a.jobId.value, to.id) : false;
    return [{ text: done ? ctx.t('reminder.handedOver', { name: to!.name }) : ctx.t('reminder.handOverFailed') }];
  }),
  defineCommand('my-reminders', {}, (deps, ctx) => myReminders(deps, ctx)),
];

/** What reminders are coming for this person. */
async function myReminders({ scheduler, directory }: ReminderModuleDeps, ctx: CommandContext): Promise<OutboundMessage[]> {
  const jobs = await scheduler.upcoming(ctx.actor.id);
  if (jobs.length === 0) return [{ text: ctx.t('reminder.none') }];
  const tz = directory.school.timeZone;
  const lines = jobs.map((j) => `- ${formatDate(dayIn(tz, j.dueAt), ctx.locale)}: ${ctx.t(reminderKindKey(j.kind))}`);
  return [{ text: `${ctx.t('reminder.list.title')}\n${lines.join('\n')}` }];
}

export const remindersModule = defineModule<ReminderModuleDeps>({ name: 'reminders', commands: REMINDER_COMMANDS, actions: [snooze], starts: [aboutJob] });
