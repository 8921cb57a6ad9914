import { z } from 'zod';
import type { CaseResult, CaseService } from '../cases/service.js';
import type { OutboundMessage } from '../turn.js';
import type { CardRenderer } from '../cards/render.js';
import type { ExceptionResult, ExceptionService } from '../exceptions/service.js';
import type { PrivacyService } from '../privacy/service.js';
import { can } from '../permissions.js';
import type { Outbox } from '../notify/outbox.js';
import type { Scheduler } from '../reminders/scheduler.js';
import { BULLYING_FORMS, BYSTANDER_ROLES, SANCTION_RUNGS, STEP_KINDS } from '../cases/model.js';
import type { Locale, MessageKey, Translate } from '../i18n/index.js';
import { formatDate } from '../protocol/answers.js';
import { dayIn } from '../time.js';
import type { RoleBook } from '../people/role-book.js';
import { roleSchema, type Role } from '../people/roles.js';
import type { SchoolDirectory, StaffMember } from '../people/school.js';
import type { Answer } from '../protocol/answers.js';

/** What a domain command gets to work with. Commands check permissions themselves. */
export interface CommandContext {
  actor: StaffMember;
  roles: ReadonlySet<Role>;
  answers: Record<string, Answer>;
  args: Record<string, string>;
  channel: string;
  locale: Locale;
  t: Translate;
}

export interface CommandDeps {
  directory: SchoolDirectory;
  roleBook: RoleBook;
  cases: CaseService;
  exceptions: ExceptionService;
  cards: CardRenderer;
  scheduler: Scheduler;
  outbox: Outbox;
  privacy: PrivacyService;
}

/** A command returns what to say to the person who ran it. */
export type CommandHandler = (ctx: CommandContext) => Promise<OutboundMessage[]>;

/** The command names dialog files may use; checked when the dialogs are loaded. */
export const COMMAND_NAMES: ReadonlySet<string> = new Set([
  'assign-role',
  'record-signal',
  'record-step',
  'add-agreement',
  'escalate-case',
  'close-case',
  'record-sanction',
  'decide-sanction',
  'add-bully',
  'case-figures',
  'describe-case',
  'case-history',
  'case-overview',
  'my-signals',
  'ask-coordinator',
  'check-request',
  'submit-request',
  'list-requests',
  'exception-check',
  'joint-decision',
  'record-review',
  'plan-review-talk',
  'misuse-signal',
  'misuse-follow-up',
  'exception-figures',
  'handover-reminder',
  'agreement-check',
  'my-reminders',
  'failed-deliveries',
  'student-audit',
  'student-export',
  'student-erase',
]);

export function createCommands(deps: CommandDeps): Map<string, CommandHandler> {
  const { cases } = deps;
  const actorOf = (ctx: CommandContext) => ({ staffId: ctx.actor.id, roles: ctx.roles });
  const caseId = (ctx: CommandContext) => text(ctx.answers.caseId);
  const run = (ctx: CommandContext, result: Promise<CaseResult>) => result.then((r) => caseSaid(r, ctx.t));
  const { exceptions } = deps;
  const runX = (ctx: CommandContext, result: Promise<ExceptionResult>) => result.then((r) => exceptionSaid(r, ctx.t));
  const draftId = (ctx: CommandContext) => text(ctx.answers.draftId);
  const handlers: Array<[string, CommandHandler]> = [
    ['check-request', (ctx) => runX(ctx, exceptions.check(actorOf(ctx), draftId(ctx), ctx.locale))],
    ['submit-request', (ctx) => runX(ctx, exceptions.submit(actorOf(ctx), draftId(ctx), ctx.channel, ctx.locale))],
    ['list-requests', (ctx) => listRequests(deps, ctx)],
    [
      'exception-check',
      (ctx) => runX(ctx, exceptions.functionalAnswer(actorOf(ctx), text(ctx.answers.leerling), ctx.channel, ctx.locale)),
    ],
    [
      'joint-decision',
      async (ctx) => {
        const outcome = z.enum(['granted', 'rejected']).safeParse(ctx.answers.besluit?.value);
        if (!outcome.success) return [{ text: ctx.t('exception.invalid') }];
        return runX(ctx, exceptions.recordJointDecision(actorOf(ctx), text(ctx.answers.requestId), outcome.data, text(ctx.answers.motivatie), ctx.channel, ctx.locale));
      },
    ],
    [
      'handover-reminder',
      async (ctx) => {
        const to = deps.directory.staffById(text(ctx.answers.staff));
        const done = to ? await deps.scheduler.handOver(ctx.actor.id, text(ctx.answers.jobId), to.id) : false;
        return [{ text: done ? ctx.t('reminder.handedOver', { name: to!.name }) : ctx.t('reminder.handOverFailed') }];
      },
    ],
    ['agreement-check', (ctx) => agreementCheck(deps, ctx)],
    ['my-reminders', (ctx) => myReminders(deps, ctx)],
    ['failed-deliveries', (ctx) => failedDeliveries(deps, ctx)],
    [
      'student-audit',
      async (ctx) => {
        const result = await deps.privacy.auditTrail(actorOf(ctx), text(ctx.answers.leerling), ctx.channel);
        if (!result.ok) return [{ text: ctx.t(result.reason === 'denied' ? 'privacy.denied' : 'privacy.notFound') }];
        if (!result.value.length) return [{ text: ctx.t('privacy.audit.none', { student: text(ctx.answers.leerling) }) }];
        const shown = result.value.slice(-20).map((e) => {
          const who = deps.directory.staffById(e.actor)?.name ?? e.actor;
          return `${new Date(e.at).toISOString().slice(0, 16).replace('T', ' ')} — ${who} — ${e.action} — ${e.channel}`;
        });
        return [
          { text: ctx.t('privacy.audit.title', { student: text(ctx.answers.leerling), count: result.value.length }) + '\n' + shown.join('\n') },
          { text: ctx.t('privacy.audit.csv') + '\n' + deps.privacy.auditCsv(result.value) },
        ];
      },
    ],
    [
      'student-export',
      async (ctx) => {
        const result = await deps.privacy.exportStudent(actorOf(ctx), text(ctx.answers.leerling), ctx.channel);
        if (!result.ok) return [{ text: ctx.t(result.reason === 'denied' ? 'privacy.denied' : 'privacy.notFound') }];
        const v = result.value;
        return [
          { text: ctx.t('privacy.export.done', { student: v.studentRef, cases: v.bullyingCases.length, requests: v.exceptionRequests.length, audit: v.audit.length }) },
          { text: JSON.stringify(v, null, 2) },
        ];
      },
    ],
    [
      'student-erase',
      async (ctx) => {
        const result = await deps.privacy.eraseStudent(actorOf(ctx), text(ctx.answers.leerling), ctx.channel);
        if (!result.ok) return [{ text: ctx.t(result.reason === 'denied' ? 'privacy.denied' : 'privacy.notFound') }];
        return [{ text: ctx.t('privacy.erase.done', { student: text(ctx.answers.leerling), cases: result.value.cases, requests: result.value.requests, mentions: result.value.mentions }) }];
      },
    ],
    ['exception-figures', (ctx) => runX(ctx, exceptions.figuresSaid(actorOf(ctx), ctx.channel, ctx.locale))],
    [
      'misuse-signal',
      (ctx) => runX(ctx, exceptions.signalMisuse(actorOf(ctx), text(ctx.answers.leerling), text(ctx.answers.wat), ctx.channel, ctx.locale)),
    ],
    [
      'misuse-follow-up',
      async (ctx) => {
        const kind = z.enum(['conversation', 'support', 'suspend', 'extend', 'resume', 'revoke']).safeParse(ctx.answers.stap?.value);
        if (!kind.success) return [{ text: ctx.t('exception.invalid') }];
        const until = text(ctx.answers.tot) || undefined;
        const note = [ctx.answers.maatregel?.display, text(ctx.answers.notitie)].filter(Boolean).join(': ');
        return runX(
          ctx,
          exceptions.followUpMisuse(actorOf(ctx), text(ctx.answers.requestId), kind.data, note, until, ctx.channel, ctx.locale, text(ctx.answers.intussen)),
        );
      },
    ],
    [
      'record-review',
      async (ctx) => {
        const review = reviewSchema.safeParse({
          effective: ctx.answers.werkt?.value,
          stillNeeded: ctx.answers.nodig?.value,
          adjust: ctx.answers.aanpassen?.value ?? '',
          outcome: ctx.answers.vervolg?.value,
          parentsAndStudentHeard: ctx.answers.gehoord?.value,
        });
        if (!review.success) return [{ text: ctx.t('exception.invalid') }];
        return runX(ctx, exceptions.review(actorOf(ctx), text(ctx.answers.requestId), review.data, ctx.channel, ctx.locale));
      },
    ],
    [
      'plan-review-talk',
      (ctx) => runX(ctx, exceptions.planReviewTalk(actorOf(ctx), text(ctx.answers.requestId), text(ctx.answers.waaromNiet), text(ctx.answers.gesprekDatum), ctx.channel, ctx.locale)),
    ],
    ['assign-role', (ctx) => assignRole(deps, ctx)],
    [
      'record-signal',
      async (ctx) => {
        const signal = signalSchema.safeParse({
          studentRef: ctx.answers.leerling?.value,
          bullies: ctx.answers.pesters?.value ?? [],
          bystanders: asList(ctx.answers.omstanders?.value).filter((r) => r !== 'geen'),
          others: ctx.answers.anderen?.value ?? '',
          where: ctx.answers.waar?.display,
          date: ctx.answers.datum?.value,
          forms: ctx.answers.vormen?.value,
          scope: ctx.answers.reikwijdte?.value,
          severe: ctx.answers.ernstig?.value === true,
          description: ctx.answers.beschrijving?.value ?? '',
        });
        if (!signal.success) return [{ text: ctx.t('case.invalid') }];
        return run(ctx, cases.recordSignal(actorOf(ctx), signal.data, ctx.channel, ctx.locale));
      },
    ],
    [
      'record-step',
      async (ctx) => {
        // A guided flow names its step; the short "record a step" flow takes it from the case menu.
        const kind = z.enum(STEP_KINDS).safeParse(ctx.args.kind ?? ctx.answers.stap?.value);
        if (!kind.success) return [{ text: ctx.t('case.invalid') }];
        // Every answer of the step's guide is kept as a note; the outcome separately.
        const notes = Object.fromEntries(
          Object.entries(ctx.answers)
            // The student a talk was with is kept as the step's student, not as a note.
            .filter(([k]) => k !== 'caseId' && k !== 'uitkomst' && k !== 'stap' && k !== 'pester')
            .map(([k, a]) => [k, a.display]),
        );
        // The talk with the one who bullies names that student; every other step is about the case.
        const withStudent = kind.data === 'gesprek-pester' ? text(ctx.answers.pester) || undefined : undefined;
        return run(ctx, cases.recordStep(actorOf(ctx), caseId(ctx), kind.data, text(ctx.answers.uitkomst), notes, ctx.channel, ctx.locale, withStudent));
      },
    ],
    [
      'add-agreement',
      (ctx) =>
        run(
          ctx,
          cases.addAgreement(actorOf(ctx), caseId(ctx), text(ctx.answers.afspraak), text(ctx.answers.datum), ctx.channel, ctx.locale, {
            // Agreements from the joint conversation record that talk too; "agreements with a date" do not.
            jointTalk: ctx.answers.stap?.value !== 'afspraken',
          }),
        ),
    ],
    ['escalate-case', (ctx) => run(ctx, cases.escalate(actorOf(ctx), caseId(ctx), ctx.channel, ctx.locale))],
    ['close-case', (ctx) => run(ctx, cases.close(actorOf(ctx), caseId(ctx), text(ctx.answers.reden), ctx.channel, ctx.locale))],
    [
      'record-sanction',
      async (ctx) => {
        const input = sanctionSchema.safeParse({
          rung: ctx.answers.trede?.value,
          studentRefs: ctx.answers.leerlingen?.value,
          motivation: text(ctx.answers.motivatie),
          consultedStaffId: text(ctx.answers.overlegMet) || undefined,
        });
        if (!input.success) return [{ text: ctx.t('case.invalid') }];
        return run(ctx, cases.recordSanction(actorOf(ctx), caseId(ctx), input.data, ctx.channel, ctx.locale));
      },
    ],
    [
      'decide-sanction',
      async (ctx) => {
        const input = decisionSchema.safeParse({
          sanctionId: ctx.answers.voorstel?.value,
          outcome: ctx.answers.besluit?.value,
          heard: ctx.answers.gehoord?.value ?? false,
          inspectie: ctx.answers.inspectie?.value ?? 'niet-nodig',
          motivation: text(ctx.answers.motivatie),
        });
        if (!input.success) return [{ text: ctx.t('case.invalid') }];
        return run(ctx, cases.decideSanction(actorOf(ctx), caseId(ctx), input.data, ctx.channel, ctx.locale));
      },
    ],
    ['add-bully', (ctx) => run(ctx, cases.addBully(actorOf(ctx), caseId(ctx), text(ctx.answers.leerling), ctx.channel, ctx.locale))],
    ['case-figures', (ctx) => run(ctx, cases.figuresSaid(actorOf(ctx), ctx.channel, ctx.locale))],
    ['describe-case', (ctx) => run(ctx, cases.describe(actorOf(ctx), caseId(ctx), ctx.channel, ctx.locale))],
    ['case-history', (ctx) => run(ctx, cases.historyOf(actorOf(ctx), caseId(ctx), ctx.channel, ctx.locale))],
    ['case-overview', (ctx) => run(ctx, cases.overview(actorOf(ctx), ctx.channel, ctx.locale))],
    ['ask-coordinator', (ctx) => run(ctx, cases.askCoordinator(actorOf(ctx), caseId(ctx), ctx.channel, ctx.locale))],
    ['my-signals', (ctx) => run(ctx, cases.signalsBy(actorOf(ctx), ctx.channel, ctx.locale))],
  ];
  return new Map(handlers);
}

const sanctionSchema = z.object({
  rung: z.enum(SANCTION_RUNGS),
  studentRefs: z.array(z.string().min(1)).min(1),
  motivation: z.string(),
  consultedStaffId: z.string().optional(),
});

const decisionSchema = z.object({
  sanctionId: z.string().min(1),
  outcome: z.enum(['decided', 'declined']),
  heard: z.boolean(),
  inspectie: z.enum(['gemeld', 'nog-melden', 'niet-nodig']),
  motivation: z.string().min(10),
});

const signalSchema = z.object({
  studentRef: z.string().min(1),
  bullies: z.array(z.string()),
  bystanders: z.array(z.enum(BYSTANDER_ROLES)).default([]),
  others: z.string(),
  where: z.string().min(1),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  forms: z.array(z.enum(BULLYING_FORMS)).min(1),
  scope: z.enum(['klas', 'buiten-klas']),
  severe: z.boolean(),
  description: z.string(),
});

const reviewSchema = z.object({
  effective: z.boolean(),
  stillNeeded: z.boolean(),
  adjust: z.string(),
  outcome: z.enum(['continue', 'end']),
  parentsAndStudentHeard: z.boolean(),
});

function exceptionSaid(result: ExceptionResult, t: Translate): OutboundMessage[] {
  if (result.ok) return result.said;
  const key = { denied: 'exception.denied', 'not-found': 'exception.notFound', invalid: 'exception.invalid', incomplete: 'exception.incomplete' } as const;
  return [{ text: t(key[result.reason]) }];
}

/** The person's requests, each as a card: drafts with a button to go on, the rest with their state. */
async function listRequests({ exceptions, cards }: CommandDeps, ctx: CommandContext): Promise<OutboundMessage[]> {
  const mine = await exceptions.myRequests({ staffId: ctx.actor.id, roles: ctx.roles }, ctx.locale);
  if (mine.length === 0) return [{ text: ctx.t('exception.none') }];
  return mine.map((r) => ({
    text: r.label,
    card: cards.render('request-summary', {
      title: r.label,
      actions: r.isDraft ? [{ title: ctx.t('exception.action.resume'), draftId: r.value }] : [],
    }),
  }));
}

/** The answer to "is het pesten gestopt?": recorded on the case, with the protocol's next step. */
async function agreementCheck({ cases }: CommandDeps, ctx: CommandContext): Promise<OutboundMessage[]> {
  const actor = { staffId: ctx.actor.id, roles: ctx.roles };
  const caseId = text(ctx.answers.caseId);
  const answer = text(ctx.answers.gestopt);
  if (answer === 'later') {
    const planned = await cases.checkAgainLater(actor, caseId);
    return [{ text: ctx.t(planned ? 'reminder.later' : 'case.denied') }];
  }
  const stopped = answer === 'ja';
  const result = await cases.recordStep(actor, caseId, 'controle-afspraak', ctx.t(stopped ? 'case.check.stopped' : 'case.check.notStopped'), { gestopt: stopped ? 'ja' : 'nee' }, ctx.channel, ctx.locale);
  if (!result.ok) return caseSaid(result, ctx.t);
  if (stopped) return [{ text: ctx.t('reminder.stopped') }];
  const escalate = (await cases.stageOf(caseId)) === 'mentor';
  return [{ text: ctx.t('reminder.notStopped', { next: escalate ? ctx.t('reminder.notStopped.escalate') : result.said.at(-1)?.text ?? '' }) }];
}

/** What reminders are coming for this person. */
async function myReminders({ scheduler, directory }: CommandDeps, ctx: CommandContext): Promise<OutboundMessage[]> {
  const jobs = await scheduler.upcoming(ctx.actor.id);
  if (jobs.length === 0) return [{ text: ctx.t('reminder.none') }];
  const tz = directory.school.timeZone;
  const lines = jobs.map((j) => `- ${formatDate(dayIn(tz, j.dueAt), ctx.locale)}: ${ctx.t(jobKindKey(j.kind))}`);
  return [{ text: `${ctx.t('reminder.list.title')}\n${lines.join('\n')}` }];
}

/** For the beheerder: messages that could not be delivered, and to whom. */
async function failedDeliveries({ outbox, directory }: CommandDeps, ctx: CommandContext): Promise<OutboundMessage[]> {
  if (!can({ staffId: ctx.actor.id, roles: ctx.roles }, 'deliveries.failed')) return [{ text: ctx.t('command.denied') }];
  const failed = await outbox.unreachable();
  if (failed.length === 0) return [{ text: ctx.t('reminder.failed.none') }];
  const lines = failed.map((n) => `- ${directory.staffById(n.staffId)?.name ?? n.staffId} (${n.deliveredVia ?? '?'}): ${formatDate(dayIn(directory.school.timeZone, n.createdAt), ctx.locale)}`);
  return [{ text: `${ctx.t('reminder.failed.title')}\n${lines.join('\n')}` }];
}

const JOB_KINDS = [
  'exception-review',
  'exception-review-notice',
  'exception-review-talk',
  'exception-review-missed',
  'exception-reconsider',
  'exception-decision-due',
  'agreement-followup',
  'case-nudge',
  'notice',
] as const;
function jobKindKey(kind: string): MessageKey {
  return (JOB_KINDS as readonly string[]).includes(kind) ? (`reminder.kind.${kind}` as MessageKey) : 'reminder.kind.notice';
}

function asList(value: Answer['value'] | undefined): string[] {
  return Array.isArray(value) ? value : [];
}

function text(answer: Answer | undefined): string {
  return typeof answer?.value === 'string' ? answer.value : '';
}

function caseSaid(result: CaseResult, t: Translate): OutboundMessage[] {
  if (result.ok) return result.said;
  if (result.said) return result.said;
  const key = result.reason === 'denied' ? 'case.denied' : result.reason === 'not-found' ? 'case.notFound' : 'case.invalid';
  return [{ text: t(key) }];
}

async function assignRole({ directory, roleBook }: CommandDeps, ctx: CommandContext): Promise<OutboundMessage[]> {
  const staffId = ctx.answers.staff?.value;
  const role = roleSchema.safeParse(ctx.answers.role?.value);
  const action = ctx.answers.action?.value;
  const grant = action === 'grant' ? true : action === 'revoke' ? false : null;
  const staff = typeof staffId === 'string' ? directory.staffById(staffId) : null;
  if (!staff || !role.success || grant === null) return [{ text: ctx.t('command.failed') }];
  const result = await roleBook.setRole(ctx.actor.id, staff.id, role.data, grant, ctx.channel);
  const params = { staff: staff.name, role: ctx.t(`role.${role.data}`) };
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
}
