/**
 * The bullying protocol as a module of the assistant: its commands, the buttons about a case, its pick
 * lists, and what it puts on a home screen (proposals waiting for a decision, my cases, the procedures).
 */
import { z } from 'zod';
import { defineHomeList, defineModule, definePick, defineStart, defineWaiting } from '../app/registry.js';
import { translator, type Locale } from '../i18n/index.js';
import { can } from '../permissions.js';
import type { RoleBook } from '../people/role-book.js';
import type { Answer, Option } from '../protocol/answers.js';
import type { Actor } from '../turn.js';
import { CASE_COMMANDS } from './commands.js';
import type { CaseCore } from './context.js';
import { openCasesFor, proposalsWaiting, workableCase } from './listings.js';
import { STEP_KINDS, type StepKind } from './model.js';
import { caseBullies, openProposals, rungChoices } from './sanctions.js';
import { stepKey } from './presentation/case-text.js';
import { caseLabel, openCaseOptions, waitingProposalOptions } from './presentation/listings.js';
import { bullyOptions, proposalOptions, rungOptions } from './presentation/sanctions.js';

/** What the module works with. */
export interface CaseModuleDeps {
  cases: CaseCore;
  roleBook: RoleBook;
}

/** A protocol step's name, as the case menu shows it (capitalised). */
export function stepLabel(kind: StepKind, locale: Locale): string {
  const text = translator(locale)(stepKey(kind));
  return text.charAt(0).toLocaleUpperCase(locale) + text.slice(1);
}

/**
 * A button that opens a flow about a case carries only the case id (and, for a "next step" button, the
 * protocol step it opens); the label shown in prompts comes from the store. Refused when this person may
 * not work the case.
 */
const aboutCase = defineStart({
  name: 'caseId',
  payload: z.object({
    caseId: z.string().min(1).max(100),
    /**
     * The protocol step a "next step" button opens (its label is filled in here). Cards whose buttons open
     * no particular step leave it empty (or unfilled): then it is simply not there.
     */
    stap: z
      .string()
      .max(100)
      .optional()
      .transform((v) => ((STEP_KINDS as readonly string[]).includes(v ?? '') ? (v as StepKind) : undefined)),
  }),
  guard: async ({ cases }: CaseModuleDeps, { actor, locale }, start, given) => {
    const caseId = given.caseId!;
    const found = await workableCase(cases, actor, caseId);
    if (!found) return null;
    const answers: Record<string, Answer> = { ...start.answers, caseId: { value: caseId, display: caseLabel(found) } };
    if (given.stap) answers.stap = { value: given.stap, display: stepLabel(given.stap, locale) };
    return { ...start, answers };
  },
});

/** The cases a person works, for `pick` steps and home screens; none for roles that do not work cases. */
async function caseOptions(cases: CaseCore, actor: Actor, locale: Locale): Promise<Option[]> {
  return can(actor, 'case.list') ? openCaseOptions(await openCasesFor(cases, actor), locale) : [];
}

/** Proposed measures for this person to decide ("wacht op jou"), after the votes and the agenda, before the reviews. */
const proposals = defineWaiting({
  name: 'proposals',
  rank: 30,
  load: async ({ cases }: CaseModuleDeps, { actor, locale }) =>
    waitingProposalOptions(await proposalsWaiting(cases, actor), locale).map((p) => ({ label: p.label, data: { zorgpad: { start: 'sanctie-besluit', caseId: p.value } } })),
});

/** The cases this person works, first on the App Home. */
const myCases = defineHomeList({
  name: 'case',
  rank: 10,
  title: 'slack.home.cases',
  load: async ({ cases }: CaseModuleDeps, { actor, locale }) =>
    (await caseOptions(cases, actor, locale)).map((c) => ({ label: c.label, data: { zorgpad: { start: 'zaak', caseId: c.value } } })),
});

export const casesModule = defineModule<CaseModuleDeps>({
  name: 'cases',
  commands: CASE_COMMANDS,
  starts: [aboutCase],
  waiting: [proposals],
  homeLists: [myCases],
  home: ['pesten-melden', 'cyberpesten'],
  picks: [
    definePick('myCases', ({ cases }: CaseModuleDeps, { actor, locale }) => caseOptions(cases, actor, locale)),
    definePick('caseBullies', async ({ cases }: CaseModuleDeps, { actor }, caseId) => bullyOptions(await caseBullies(cases, actor, caseId))),
    definePick('sanctionProposals', async ({ cases }: CaseModuleDeps, { actor, locale }, caseId) =>
      proposalOptions(cases, await openProposals(cases, actor, caseId), locale),
    ),
    // The rungs of the case's own ladder (the protocol version it was opened under) this person can complete.
    definePick('caseRungs', async ({ cases }: CaseModuleDeps, { actor, locale }, caseId) => rungOptions(await rungChoices(cases, actor, caseId), locale)),
    // Whom a mentor consulted before a measure.
    definePick('clzStaff', async ({ roleBook }: CaseModuleDeps) => (await roleBook.staffWithRole('clz')).map((s) => ({ value: s.id, label: s.name }))),
  ],
});
