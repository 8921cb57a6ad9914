/** The rights of students as a module of the assistant: the audit trail, the export and the erasure, asked for in chat. */
import { actorOf, commandsFor, textAnswer } from '../app/command.js';
import { defineModule } from '../app/registry.js';
import type { SchoolDirectory } from '../people/school.js';
import type { PrivacyService } from './service.js';

/** What the module works with. */
export interface PrivacyModuleDeps {
  privacy: PrivacyService;
  directory: SchoolDirectory;
}
const defineCommand = commandsFor<PrivacyModuleDeps>();

/** The audit trail about a student, what is kept about them, and their erasure (directie, beheerder). */
export const PRIVACY_COMMANDS = [
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
    if (!result.ok && result.reason !== 'incomplete') return [{ text: ctx.t(result.reason === 'denied' ? 'privacy.denied' : 'privacy.notFound') }];
    const { cases, requests, mentions, unchanged } = result.value;
    // Incomplete: what could not be written is among the lines below, and erasing again finishes it.
    const done = { text: ctx.t(result.ok ? 'privacy.erase.done' : 'privacy.erase.incomplete', { student: a.leerling.value, cases, requests, mentions }) };
    // Where the student may still be named but the text could not safely be changed: the beheerder looks.
    return unchanged.length ? [done, { text: [ctx.t('privacy.erase.unchanged'), ...unchanged.map((line) => `- ${line}`)].join('\n') }] : [done];
  }),
];

export const privacyModule = defineModule<PrivacyModuleDeps>({ name: 'privacy', commands: PRIVACY_COMMANDS });
