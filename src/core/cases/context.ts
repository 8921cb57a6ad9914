import type { DomainServices } from '../kernel/services.js';
import type { StaffMember } from '../people/school.js';
import { updateWithRetry } from '../kernel/records.js';
import { planJob } from '../reminders/jobs.js';
import { type Actor } from './access.js';
import { type SanctionDecision, type BullyingCase, type CaseProtocol, type Signal } from './model.js';
import { DEFAULT_PROTOCOL } from './ladder.js';
import type { Denied } from './results.js';

/** What the case operations work with (app.ts gives them to the one CaseCore). */
export interface CaseServiceDeps extends DomainServices {
  /**
   * The school's protocol now (its version and sanctions ladder), given to each new case: the school's
   * own from its folder (src/core/protocol/school-protocol.ts), else the built-in one.
   */
  protocol?: () => CaseProtocol;
}

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
 * Bullying cases: what the operations share. The dependencies, the case records, and what every
 * operation does (refuse and audit the refusal, audit, find the staff with a role, nudge an owner).
 * app.ts makes one; the rest of Zorgpad holds it and calls the operations in the sibling files with it
 * (signals.ts, steps.ts, sanctions.ts, listings.ts), then presentation/ for the words and cards.
 * Every operation checks the actor's rights, writes with a conditional update, appends to the audit
 * trail and queues the notifications the protocol calls for.
 */
export class CaseCore {
  constructor(readonly deps: CaseServiceDeps) {}

  /** The case records. */
  get cases() {
    return this.deps.store.collection('bullyingCases');
  }

  /** The school file. */
  get school() {
    return this.deps.directory.school;
  }

  /** The protocol a case opened now starts under. */
  currentProtocol(): CaseProtocol {
    return this.deps.protocol?.() ?? DEFAULT_PROTOCOL;
  }

  /** Changes a case with a conditional update (retried on a conflict); null when it is gone. */
  change(id: string, apply: (c: BullyingCase) => BullyingCase): Promise<BullyingCase | null> {
    return updateWithRetry(this.cases, id, apply);
  }

  /** Audits a refusal and reports it. */
  async denied(actor: Actor, recordId: string, channel: string): Promise<Denied> {
    await this.audit(actor, 'case.denied', recordId, channel);
    return { kind: 'denied' };
  }

  /** Appends to the audit trail: who did what with which case, through which channel. */
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

  /** The staff who hold a role now. */
  withRole(role: 'clz' | 'directie'): Promise<StaffMember[]> {
    return this.deps.roleBook.staffWithRole(role);
  }

  /** The first staff member with a role (whom a case goes to), if any. */
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
}
