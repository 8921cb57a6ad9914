/**
 * What people look up about cases: a case as it stands, its history, the cases a person works, the
 * overview, the yearly figures, the proposals waiting for the directie.
 */
import { mayDecideSanction, mayWork, maySeeFigures, maySeeOverview, type Actor } from './access.js';
import { computeCaseFigures } from './figures.js';
import type { CaseCore } from './context.js';
import type { BullyingCase } from './model.js';
import type { CaseRead, FiguresResult, OverviewResult, ProposalRecord } from './results.js';

/** The yearly evaluation figures for bullying (counts only). Audited. */
export async function yearFigures(x: CaseCore, actor: Actor, channel: string): Promise<FiguresResult> {
  if (!maySeeFigures(actor)) return x.denied(actor, 'figures', channel);
  const all = await x.cases.findBy('schoolId', x.school.id);
  const figures = computeCaseFigures(all, x.school, x.deps.clock.now());
  await x.audit(actor, 'case.figures', 'figures', channel);
  return { kind: 'figures', figures };
}

/** A case, to say where it stands and what comes next. Audited as a read. */
export async function describe(x: CaseCore, actor: Actor, caseId: string, channel: string): Promise<CaseRead> {
  return readCase(x, actor, caseId, channel);
}

/** A case, for its whole history: steps, agreements, measures. Audited as a read. */
export async function historyOf(x: CaseCore, actor: Actor, caseId: string, channel: string): Promise<CaseRead> {
  return readCase(x, actor, caseId, channel);
}

async function readCase(x: CaseCore, actor: Actor, caseId: string, channel: string): Promise<CaseRead> {
  const found = await x.cases.get(caseId);
  if (!found) return { kind: 'not-found' };
  if (!mayWork(actor, found, x.deps.directory)) return x.denied(actor, caseId, channel);
  await x.audit(actor, 'case.read', caseId, channel);
  return { kind: 'found', case: found };
}

/** The open cases this person may work on, oldest first. */
export async function openCasesFor(x: CaseCore, actor: Actor): Promise<BullyingCase[]> {
  const all = await x.cases.findBy('schoolId', x.school.id);
  return all.filter((c) => c.status === 'open' && mayWork(actor, c, x.deps.directory)).sort((a, b) => a.createdAt - b.createdAt);
}

/** A case this person may work, for prompts; null when they may not (or it does not exist). */
export async function workableCase(x: CaseCore, actor: Actor, caseId: string): Promise<BullyingCase | null> {
  const found = await x.cases.get(caseId);
  return found && mayWork(actor, found, x.deps.directory) ? found : null;
}

/** Counts of open cases per stage, for the anti-pestcoördinator. No notes, no names. Audited. */
export async function overview(x: CaseCore, actor: Actor, channel: string): Promise<OverviewResult> {
  if (!maySeeOverview(actor)) return x.denied(actor, 'overview', channel);
  const all = await x.cases.findBy('schoolId', x.school.id);
  const open = all.filter((c) => c.status === 'open');
  const byStage = { mentor: 0, clz: 0, directie: 0 };
  for (const c of open) byStage[c.stage]++;
  const closed = all.filter((c) => c.status === 'closed').length;
  await x.audit(actor, 'case.overview', 'overview', channel);
  return { kind: 'overview', open: open.length, closed, byStage };
}

/** Proposed suspensions and expulsions that wait for this person's decision (directie), oldest first. */
export async function proposalsWaiting(x: CaseCore, actor: Actor): Promise<ProposalRecord[]> {
  const all = await x.cases.findBy('status', 'open');
  const waiting: ProposalRecord[] = [];
  for (const c of all) {
    if (c.schoolId !== x.school.id || !mayDecideSanction(actor, c, x.deps.directory)) continue;
    for (const s of c.sanctions) if (s.status === 'proposed') waiting.push({ case: c, proposal: s });
  }
  return waiting.sort((a, b) => a.proposal.at - b.proposal.at);
}
