import type { CardRenderer } from '../cards/render.js';
import { translator } from '../i18n/index.js';
import type { Outbox } from '../notify/outbox.js';
import type { RoleBook } from '../people/role-book.js';
import type { SchoolDirectory, StaffMember } from '../people/school.js';
import type { Clock, Store } from '../kernel/ports.js';
import type { OutboundMessage } from '../turn.js';
import { updateWithRetry } from '../kernel/records.js';
import { planJob } from '../reminders/jobs.js';
import { type Actor } from './access.js';
import { type Sanction, type SanctionDecision, type BullyingCase, type CaseProtocol, type Signal } from './model.js';
import { proposalReasons } from './presentation.js';
import { DEFAULT_PROTOCOL, rungName } from './ladder.js';
import { quoted } from '../text/record-text.js';

export interface CaseServiceDeps {
  store: Store;
  directory: SchoolDirectory;
  roleBook: RoleBook;
  outbox: Outbox;
  cards: CardRenderer;
  clock: Clock;
  newId: () => string;
  /**
   * The school's protocol now (its version and sanctions ladder), given to each new case: the school's
   * own from its folder (src/core/protocol/school-protocol.ts), else the built-in one.
   */
  protocol?: () => CaseProtocol;
}

/** A refusal may carry its own words (what to do instead, and what the person typed, so it is not lost). */
export type CaseResult =
  | { ok: true; said: OutboundMessage[] }
  | { ok: false; reason: 'denied' | 'not-found' | 'invalid'; said?: OutboundMessage[] };

/** A measure as the sanction dialog collected it. */
export interface SanctionInput {
  /** A rung of the case's ladder (a known rung or the school's own rung's id). */
  rung: string;
  studentRefs: string[];
  motivation: string;
  /** The CLZ a mentor consulted (required for a mentor). */
  consultedStaffId?: string;
}

/** The directie's decision on a proposal, as the decision dialog collected it. */
export interface SanctionDecisionInput {
  sanctionId: string;
  outcome: 'decided' | 'declined';
  heard: boolean;
  inspectie: SanctionDecision['inspectie'];
  motivation: string;
}

/** What the signal dialog collected: a signal, before it is stamped, about one bullied student. */
export type NewSignal = Omit<Signal, 'id' | 'at' | 'byStaffId'> & { studentRef: string };

/**
 * What the parts of the case service share: the dependencies, the case records, and what every part
 * does (refuse with the person's words kept, audit, find the staff with a role, nudge an owner, tell
 * directie). The parts are the sibling files (signals, steps, sanctions, listings, presentation);
 * service.ts puts them behind one class.
 */
export class CaseCore {
  constructor(readonly deps: CaseServiceDeps) {}

  get cases() {
    return this.deps.store.collection('bullyingCases');
  }

  get school() {
    return this.deps.directory.school;
  }

  /** The protocol a case opened now starts under. */
  currentProtocol(): CaseProtocol {
    return this.deps.protocol?.() ?? DEFAULT_PROTOCOL;
  }

  change(id: string, apply: (c: BullyingCase) => BullyingCase): Promise<BullyingCase | null> {
    return updateWithRetry(this.cases, id, apply);
  }

  async denied(actor: Actor, recordId: string, channel: string): Promise<CaseResult> {
    await this.audit(actor, 'case.denied', recordId, channel);
    return { ok: false, reason: 'denied' };
  }

  async audit(actor: Actor, action: string, recordId: string, channel: string): Promise<void> {
    await this.deps.store.audit.append({
      at: this.deps.clock.now(),
      schoolId: this.school.id,
      actor: actor.staffId,
      action,
      recordKind: 'bullyingCase',
      recordId,
      channel,
    });
  }

  withRole(role: 'clz' | 'directie'): Promise<StaffMember[]> {
    return this.deps.roleBook.staffWithRole(role);
  }

  async firstWithRole(role: 'clz' | 'directie'): Promise<StaffMember | null> {
    return (await this.withRole(role))[0] ?? null;
  }

  /** A nudge when nothing is recorded on an open case for a while; superseded by any later step or signal. */
  async planNudge(c: BullyingCase): Promise<void> {
    await planJob(this.deps.store.jobs, 'case-nudge', {
      id: `nudge:${c.id}:${c.steps.length}:${c.signals.length}`,
      payload: { caseId: c.id, staffId: c.ownerStaffId, steps: c.steps.length, signals: c.signals.length },
      dueAt: this.deps.clock.now() + this.school.reminders.nudgeDays * 86_400_000,
    });
  }

  async tellDirectie(actor: Actor, c: BullyingCase, sanction: Sanction, proposal: boolean): Promise<void> {
    const pt = translator(this.school.locale);
    const proposer = this.deps.directory.staffById(actor.staffId);
    const owner = this.deps.directory.staffById(c.ownerStaffId);
    const notice = pt(proposal ? 'case.notify.proposal' : 'case.notify.mtInvolved', {
      who: proposer?.name ?? '',
      rung: rungName(c, sanction.rung, this.school.locale),
      students: (sanction.studentRefs ?? []).join(', '),
      student: c.studentRef,
      cls: c.classId,
      owner: owner?.name ?? '-',
    });
    // The reasons go with it: the directie decides, or steps in, with them in front of it.
    const text = `${notice}\n\n${proposalReasons(this, c, sanction, pt, this.school.locale)}`;
    for (const person of await this.withRole('directie')) {
      if (person.id === actor.staffId) continue;
      const card = this.deps.cards.render('notice', {
        title: pt(proposal ? 'case.notify.proposalTitle' : 'case.notify.mtTitle'),
        text,
        actions: [
          proposal
            ? { title: pt('case.action.decide'), flowId: 'sanctie-besluit', caseId: c.id }
            : { title: pt('case.action.open'), flowId: 'zaak', caseId: c.id },
        ],
      });
      await this.deps.outbox.notify(`sanction:${c.id}:${sanction.id}:${person.id}`, person.id, { text, card });
    }
  }

  /** Tells the CLZ a mentor consulted that a measure was recorded after consulting them, with its motivation. */
  async tellConsulted(actor: Actor, c: BullyingCase, sanction: Sanction): Promise<void> {
    const clz = sanction.consultedStaffId ? this.deps.directory.staffById(sanction.consultedStaffId) : null;
    if (!clz) return;
    const pt = translator(this.school.locale);
    const text = pt('case.notify.consulted', {
      who: this.deps.directory.staffById(actor.staffId)?.name ?? '',
      rung: rungName(c, sanction.rung, this.school.locale),
      students: (sanction.studentRefs ?? []).join(', '),
      student: c.studentRef,
      cls: c.classId,
      motivation: quoted(sanction.motivation),
    });
    const card = this.deps.cards.render('notice', {
      title: pt('case.notify.consultedTitle'),
      text,
      actions: [{ title: pt('case.action.open'), flowId: 'zaak', caseId: c.id }],
    });
    await this.deps.outbox.notify(`consulted:${c.id}:${sanction.id}:${clz.id}`, clz.id, { text, card });
  }
}
