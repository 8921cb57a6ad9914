import type { CardRenderer } from '../cards/render.js';
import { translator, type Locale, type MessageKey, type Translate } from '../i18n/index.js';
import type { Outbox } from '../notify/outbox.js';
import type { RoleBook } from '../people/role-book.js';
import type { SchoolDirectory, StaffMember } from '../people/school.js';
import { formatDate, type Option } from '../protocol/answers.js';
import type { Clock, Store } from '../ports.js';
import { studentPseudonym } from '../privacy/collections.js';
import type { OutboundMessage } from '../turn.js';
import { createOrExisting, updateWithRetry } from '../records.js';
import { planJob } from '../reminders/jobs.js';
import { dayIn, zonedTime } from '../time.js';
import { recordText } from '../text/record-text.js';
import { can } from '../permissions.js';
import { mayDecideSanction, mayWork, maySeeFigures, maySeeOverview, sanctionAuthority, type Actor } from './access.js';
import { computeCaseFigures, caseFiguresCsv } from './figures.js';
import {
  bulliesOf,
  nextStep,
  RUNGS_REPORTED_TO_INSPECTIE,
  type Sanction,
  type SanctionDecision,
  type Agreement,
  type BullyingForm,
  type BystanderRole,
  type BullyingCase,
  type CaseStep,
  type SanctionRung,
  type Signal,
  type StepKind,
} from './model.js';

export interface CaseServiceDeps {
  store: Store;
  directory: SchoolDirectory;
  roleBook: RoleBook;
  outbox: Outbox;
  cards: CardRenderer;
  clock: Clock;
  newId: () => string;
}

/** A refusal may carry its own words (what to do instead, and what the person typed, so it is not lost). */
export type CaseResult =
  | { ok: true; said: OutboundMessage[] }
  | { ok: false; reason: 'denied' | 'not-found' | 'invalid'; said?: OutboundMessage[] };

/** A measure as the sanction dialog collected it. */
export interface SanctionInput {
  rung: SanctionRung;
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
 * Bullying cases: signals, protocol steps, agreements, escalation, sanctions. Every method checks
 * the actor's rights, writes with a conditional update, appends to the audit trail and queues
 * the notifications the protocol calls for.
 */
export class CaseService {
  constructor(private readonly deps: CaseServiceDeps) {}

  private get cases() {
    return this.deps.store.collection('bullyingCases');
  }

  private get school() {
    return this.deps.directory.school;
  }

  /** A teacher's signal: a new case, or a new signal on the bullied student's open case. */
  async recordSignal(actor: Actor, input: NewSignal, channel: string, locale: Locale): Promise<CaseResult> {
    const { directory, clock } = this.deps;
    const student = directory.findStudent(input.studentRef);
    if (!student) return { ok: false, reason: 'invalid' };
    const now = clock.now();
    // The signal's id comes first, so that the same report run again (after a failure later in the
    // turn) finds itself: it is neither added twice nor taken for a repetition of itself.
    const signalId = this.deps.newId();
    const signal: Signal = { id: signalId, at: now, byStaffId: actor.staffId, ...input };
    const involved = [input.studentRef, ...input.bullies];
    const isThis = (c: BullyingCase) => c.signals.some((s) => s.id === signalId);

    const all = await this.cases.findBy('schoolId', this.school.id);
    const windowStart = now - this.school.protocol.repetitionWindowDays * 86_400_000;
    const earlier = all.filter(
      (c) =>
        !(isThis(c) && c.signals.length === 1) &&
        c.studentsInvolved.some((s) => involved.includes(s)) &&
        (c.status === 'open' || (c.closedAt !== null && c.closedAt >= windowStart)),
    );
    const repetition = earlier.length > 0;
    // The student now bullied was reported as bullying before, or the other way round.
    const reversed = earlier.some((c) => bulliesOf(c).includes(input.studentRef) || input.bullies.includes(c.studentRef));

    const addTo = (c: BullyingCase): BullyingCase =>
      isThis(c) ? c : { ...c, signals: [...c.signals, signal], studentsInvolved: [...new Set([...c.studentsInvolved, ...input.bullies])] };
    let stored = all.find((c) => c.status === 'open' && c.studentRef === input.studentRef) ?? null;
    if (stored) {
      stored = await this.change(stored.id, addTo);
      if (!stored) return { ok: false, reason: 'not-found' };
    } else {
      const mentor = directory.mentorOf(student);
      const toClz = !mentor || input.scope === 'buiten-klas' || input.severe;
      const owner = toClz ? await this.firstWithRole('clz') : mentor;
      // One open case per student: its id follows from the student (a pseudonym, never the number) and
      // how many cases they had, so two reports at the same moment meet at one id; the one that finds
      // the case already made adds its signal to it.
      const earlierCases = all.filter((c) => c.studentRef === student.ref).length;
      let created: BullyingCase | null = null;
      // An id already taken by a closed or anonymised case: the next number.
      for (let seq = earlierCases + 1; !created; seq++) {
        // Made by another report at the same moment: found, and the signal is added to it below.
        const found = await createOrExisting(this.cases, {
          id: `case-${studentPseudonym(this.school.id, student.ref)}-${seq}`,
          schoolId: this.school.id,
          studentRef: student.ref,
          classId: student.class,
          studentsInvolved: [...new Set(involved)],
          status: 'open',
          stage: toClz ? 'clz' : 'mentor',
          ownerStaffId: owner?.id ?? '',
          createdAt: now,
          closedAt: null,
          signals: [signal],
          steps: [],
          agreements: [],
          sanctions: [],
          escalations: toClz
            ? [{ at: now, byStaffId: actor.staffId, to: 'clz', reason: input.severe ? 'ernstig' : input.scope === 'buiten-klas' ? 'buiten-klas' : 'mentor' }]
            : [],
        });
        if (found.status === 'open' && found.studentRef === student.ref) created = found;
        else if (seq > earlierCases + 20) throw new Error('no free case id');
      }
      stored = isThis(created) ? created : await this.change(created.id, addTo);
      if (!stored) return { ok: false, reason: 'not-found' };
    }
    await this.audit(actor, 'case.signal', stored.id, channel);
    await this.planNudge(stored);

    // Who hears of it: the owner; on a severe incident the CLZ and directie as well.
    const recipients = new Map<string, StaffMember>();
    const owner = directory.staffById(stored.ownerStaffId);
    if (owner) recipients.set(owner.id, owner);
    if (input.severe) for (const d of await this.withRole('directie')) recipients.set(d.id, d);
    const key = `signal:${stored.id}:${stored.signals.length}`;
    for (const person of recipients.values()) {
      if (person.id === actor.staffId) continue;
      await this.notifySignal(`${key}:${person.id}`, person, stored, signal, repetition, reversed);
    }

    const t = translator(locale);
    const note = recordText(t, 'case.magister.signal', {
      date: formatDate(input.date, locale),
      student: stored.studentRef,
      forms: input.forms.map((f) => t(formKey(f))).join(', '),
      where: input.where.toLocaleLowerCase(locale),
    });
    const said: OutboundMessage[] = [
      {
        text: owner
          ? t('case.signal.recorded', { owner: owner.name })
          : t('case.signal.recordedNoOwner'),
      },
    ];
    if (repetition) said.push({ text: t('case.signal.repetitionToReporter') });
    said.push(this.noteCard(t, note));
    return { ok: true, said };
  }

  /** The stage a case is in, or null when it does not exist. */
  async stageOf(caseId: string): Promise<BullyingCase['stage'] | null> {
    return (await this.cases.get(caseId))?.stage ?? null;
  }

  /** "Check again later": the latest agreement's follow-up comes back in a week. */
  async checkAgainLater(actor: Actor, caseId: string): Promise<boolean> {
    const found = await this.cases.get(caseId);
    if (!found || !mayWork(actor, found, this.deps.directory)) return false;
    const agreement = found.agreements.at(-1);
    if (!agreement) return false;
    const now = this.deps.clock.now();
    await planJob(this.deps.store.jobs, 'agreement-followup', {
      // Keyed by the action (an id of this turn's operation), not the clock: a retried click plans it once.
      id: `agreement:${caseId}:${agreement.id}:later-${this.deps.newId()}`,
      payload: { caseId, agreementId: agreement.id, staffId: found.ownerStaffId || actor.staffId },
      dueAt: now + 7 * 86_400_000,
    });
    return true;
  }

  /** A nudge when nothing is recorded on an open case for a while; superseded by any later step or signal. */
  private async planNudge(c: BullyingCase): Promise<void> {
    await planJob(this.deps.store.jobs, 'case-nudge', {
      id: `nudge:${c.id}:${c.steps.length}:${c.signals.length}`,
      payload: { caseId: c.id, staffId: c.ownerStaffId, steps: c.steps.length, signals: c.signals.length },
      dueAt: this.deps.clock.now() + this.school.reminders.nudgeDays * 86_400_000,
    });
  }

  /** Records one protocol step on a case. */
  async recordStep(
    actor: Actor,
    caseId: string,
    kind: StepKind,
    outcome: string,
    notes: Record<string, string>,
    channel: string,
    locale: Locale,
    /** The student a talk was with (the one who bullies, for that talk); the bullied student otherwise. */
    withStudent?: string,
  ): Promise<CaseResult> {
    const found = await this.cases.get(caseId);
    if (!found) return { ok: false, reason: 'not-found' };
    if (!mayWork(actor, found, this.deps.directory)) return this.denied(actor, caseId, channel);
    if (kind === 'gesprek-pester' && withStudent === found.studentRef) {
      return { ok: false, reason: 'invalid', said: [{ text: translator(locale)('case.bully.isVictim', { student: withStudent }) }] };
    }
    const step: CaseStep = {
      at: this.deps.clock.now(),
      byStaffId: actor.staffId,
      kind,
      ...(withStudent ? { studentRef: withStudent } : {}),
      outcome,
      notes,
    };
    // A talk with a student the case does not yet name as bullying adds them.
    const updated = await this.change(caseId, (c) => {
      const withStep = { ...c, steps: [...c.steps, step] };
      return kind === 'gesprek-pester' && withStudent ? withBully(withStep, withStudent) : withStep;
    });
    if (!updated) return { ok: false, reason: 'not-found' };
    await this.audit(actor, `case.step.${kind}`, caseId, channel);
    await this.planNudge(updated);
    const t = translator(locale);
    const said: OutboundMessage[] = [{ text: t('case.step.recorded', { step: t(stepKey(kind)) }) }];
    if (kind === 'terugkoppeling-mentor') {
      const mentor = this.deps.directory.school.classes.find((k) => k.id === updated.classId)?.mentor;
      const person = mentor ? this.deps.directory.staffById(mentor) : null;
      if (person && person.id !== actor.staffId) {
        const pt = translator(this.school.locale);
        await this.deps.outbox.notify(`feedback:${caseId}:${updated.steps.length}:${person.id}`, person.id, {
          text: pt('case.notify.feedback', { student: updated.studentRef, outcome }),
        });
      }
    }
    const about = withStudent ?? updated.studentRef;
    const subject = withStudent ? t('case.magister.student', { student: about }) : t('case.magister.caseOf', { student: about });
    const note = recordText(t, outcome ? 'case.magister.step' : 'case.magister.stepOnly', { step: t(stepKey(kind)), subject, outcome });
    said.push(this.noteCard(t, note));
    said.push(this.nextMessage(updated, t));
    return { ok: true, said };
  }

  /** A SMART agreement from the joint conversation, with the date to check whether bullying stopped. */
  async addAgreement(
    actor: Actor,
    caseId: string,
    what: string,
    dueDate: string,
    channel: string,
    locale: Locale,
    opts: { jointTalk: boolean } = { jointTalk: true },
  ): Promise<CaseResult> {
    const found = await this.cases.get(caseId);
    if (!found) return { ok: false, reason: 'not-found' };
    if (!mayWork(actor, found, this.deps.directory)) return this.denied(actor, caseId, channel);
    const now = this.deps.clock.now();
    const agreement: Agreement = { id: this.deps.newId(), what, dueDate, ownerStaffId: found.ownerStaffId || actor.staffId, createdAt: now };
    const step: CaseStep = { at: now, byStaffId: actor.staffId, kind: 'gezamenlijk-gesprek', outcome: what, notes: { afspraak: what, datum: dueDate } };
    // A second agreement from the same joint conversation does not record the conversation again.
    const talkRecorded = (c: BullyingCase) =>
      c.steps.some((s) => s.kind === 'gezamenlijk-gesprek' && s.byStaffId === actor.staffId && now - s.at < 3 * 3_600_000);
    const updated = await this.change(caseId, (c) => ({
      ...c,
      agreements: [...c.agreements, agreement],
      steps: opts.jointTalk && !talkRecorded(c) ? [...c.steps, step] : c.steps,
    }));
    if (!updated) return { ok: false, reason: 'not-found' };
    // The reminders issue delivers this; the job is stored now so no agreement is forgotten.
    await planJob(this.deps.store.jobs, 'agreement-followup', {
      id: `agreement:${caseId}:${agreement.id}`,
      payload: { caseId, agreementId: agreement.id, staffId: agreement.ownerStaffId },
      dueAt: zonedTime(dueDate, this.school.protocol.reminderTime, this.school.timeZone),
    });
    await this.audit(actor, 'case.agreement', caseId, channel);
    const t = translator(locale);
    return {
      ok: true,
      said: [
        { text: t('case.agreement.recorded', { date: formatDate(dueDate, locale) }) },
        this.noteCard(t, recordText(t, 'case.magister.agreement', { student: updated.studentRef, what, date: formatDate(dueDate, locale) })),
        this.nextMessage(updated, t),
      ],
    };
  }

  /** The mentor hands the case to the CLZ, who gets its history. */
  async escalate(actor: Actor, caseId: string, channel: string, locale: Locale): Promise<CaseResult> {
    const found = await this.cases.get(caseId);
    if (!found) return { ok: false, reason: 'not-found' };
    if (!mayWork(actor, found, this.deps.directory)) return this.denied(actor, caseId, channel);
    const t = translator(locale);
    if (found.stage !== 'mentor') return { ok: true, said: [{ text: t('case.escalate.already') }] };
    const clz = await this.firstWithRole('clz');
    if (!clz) return { ok: true, said: [{ text: t('case.escalate.noClz') }] };
    const now = this.deps.clock.now();
    const updated = await this.change(caseId, (c) =>
      c.stage === 'mentor'
        ? { ...c, stage: 'clz', ownerStaffId: clz.id, escalations: [...c.escalations, { at: now, byStaffId: actor.staffId, to: 'clz', reason: 'herhaling' }] }
        : c,
    );
    if (!updated) return { ok: false, reason: 'not-found' };
    await this.audit(actor, 'case.escalate', caseId, channel);
    const ct = translator(this.school.locale);
    const handedOver = ct('case.notify.escalated', { student: updated.studentRef, cls: updated.classId });
    await this.deps.outbox.notify(`escalate:${caseId}:${updated.escalations.length}:${clz.id}`, clz.id, {
      text: `${handedOver}\n${this.summaryLine(updated, ct)}`,
      card: this.deps.cards.render('notice', {
        title: ct('case.notify.escalatedTitle'),
        text: handedOver,
        actions: [{ title: ct('case.action.open'), flowId: 'zaak', caseId }],
      }),
    });
    return {
      ok: true,
      said: [
        { text: t('case.escalate.done', { clz: clz.name }) },
        this.noteCard(t, recordText(t, 'case.magister.escalated', { student: updated.studentRef })),
      ],
    };
  }

  /**
   * Mentor or CLZ ask the anti-pestcoördinator to think along. The coordinator is told who asks and
   * about which case, not the notes: the case stays with its owner.
   */
  async askCoordinator(actor: Actor, caseId: string, channel: string, locale: Locale): Promise<CaseResult> {
    const found = await this.cases.get(caseId);
    if (!found) return { ok: false, reason: 'not-found' };
    if (!mayWork(actor, found, this.deps.directory)) return this.denied(actor, caseId, channel);
    const t = translator(locale);
    const coordinators = await this.deps.roleBook.staffWithRole('anti-pestcoordinator');
    if (coordinators.length === 0) return { ok: true, said: [{ text: t('case.coordinator.none') }] };
    const asker = this.deps.directory.staffById(actor.staffId);
    const ct = translator(this.school.locale);
    const request = this.deps.newId(); // of this turn's operation: a retried turn asks once
    for (const person of coordinators) {
      await this.deps.outbox.notify(`coordinator:${caseId}:${request}:${person.id}`, person.id, {
        text: ct('case.notify.coordinator', { asker: asker?.name ?? '', student: found.studentRef, cls: found.classId, stage: ct(stageKey(found.stage)) }),
      });
    }
    await this.audit(actor, 'case.ask-coordinator', caseId, channel);
    return { ok: true, said: [{ text: t('case.coordinator.asked', { names: coordinators.map((c) => c.name).join(', ') }) }] };
  }

  async close(actor: Actor, caseId: string, reason: string, channel: string, locale: Locale): Promise<CaseResult> {
    const found = await this.cases.get(caseId);
    if (!found) return { ok: false, reason: 'not-found' };
    if (!mayWork(actor, found, this.deps.directory)) return this.denied(actor, caseId, channel);
    const now = this.deps.clock.now();
    const step: CaseStep = { at: now, byStaffId: actor.staffId, kind: 'magister-notitie', outcome: reason, notes: { afsluiting: reason } };
    const updated = await this.change(caseId, (c) => ({ ...c, status: 'closed', closedAt: now, steps: [...c.steps, step] }));
    if (!updated) return { ok: false, reason: 'not-found' };
    await this.audit(actor, 'case.close', caseId, channel);
    const t = translator(locale);
    return { ok: true, said: [{ text: t('case.closed', { days: this.school.protocol.repetitionWindowDays }) }] };
  }

  /**
   * A rung of the sanctions ladder for one or more students who bully in this case. Directie applies
   * any rung; the CLZ applies the lower rungs and proposes suspension and expulsion to directie; the
   * case's mentor applies the lower rungs after consulting the CLZ. A refusal repeats the typed
   * motivation and says what to do instead.
   */
  async recordSanction(actor: Actor, caseId: string, input: SanctionInput, channel: string, locale: Locale): Promise<CaseResult> {
    const t = translator(locale);
    const found = await this.cases.get(caseId);
    if (!found) return { ok: false, reason: 'not-found' };
    const consulted = input.consultedStaffId
      ? can({ staffId: input.consultedStaffId, roles: await this.deps.roleBook.rolesOf(input.consultedStaffId) }, 'case.consulted')
      : false;
    const authority = sanctionAuthority(actor, found, input.rung, this.deps.directory, consulted);
    const keep = input.motivation ? [{ text: t('case.sanction.keepText', { motivation: input.motivation }) }] : [];
    if (!authority) {
      await this.denied(actor, caseId, channel);
      const instead = mayWork(actor, found, this.deps.directory)
        ? t(!consulted && sanctionAuthority(actor, found, input.rung, this.deps.directory, true) ? 'case.sanction.insteadConsult' : 'case.sanction.insteadClz')
        : t('case.denied');
      return { ok: false, reason: 'denied', said: [{ text: instead }, ...keep] };
    }
    const bullies = bulliesOf(found);
    const students = [...new Set(input.studentRefs)];
    if (students.length === 0 || students.some((ref) => !bullies.includes(ref))) {
      return { ok: false, reason: 'invalid', said: [{ text: t('case.sanction.notABully', { students: bullies.join(', ') || '-' }) }, ...keep] };
    }
    if (input.motivation.trim().length < 10) return { ok: false, reason: 'invalid', said: [{ text: t('case.sanction.motivationShort') }, ...keep] };
    const now = this.deps.clock.now();
    const sanction: Sanction = {
      id: this.deps.newId(),
      at: now,
      rung: input.rung,
      studentRefs: students,
      status: authority === 'apply' ? 'applied' : 'proposed',
      decidedBy: authority === 'apply' ? actor.staffId : '',
      ...(authority === 'propose' ? { proposedBy: actor.staffId } : {}),
      ...(consulted && input.consultedStaffId ? { consultedStaffId: input.consultedStaffId } : {}),
      motivation: input.motivation,
    };
    const raisesToDirectie = authority === 'apply' && input.rung !== 'gesprek-afspraken';
    const updated = await this.change(caseId, (c) => ({
      ...c,
      stage: raisesToDirectie ? 'directie' : c.stage,
      sanctions: [...c.sanctions, sanction],
    }));
    if (!updated) return { ok: false, reason: 'not-found' };
    await this.audit(actor, `case.sanction.${authority === 'apply' ? '' : 'propose.'}${input.rung}`, caseId, channel);
    const rung = t(rungKey(input.rung));
    const studentsText = students.join(', ');
    if (authority === 'propose' || input.rung === 'mt-directie') {
      await this.tellDirectie(actor, updated, sanction, authority === 'propose');
    }
    if (authority === 'propose') {
      return {
        ok: true,
        said: [
          { text: t('case.sanction.proposed', { rung, students: studentsText }) },
          this.noteCard(t, recordText(t, 'case.magister.proposal', { rung, students: studentsText, motivation: input.motivation })),
        ],
      };
    }
    return {
      ok: true,
      said: [
        { text: t('case.sanction.recorded', { rung, students: studentsText }) },
        this.noteCard(t, recordText(t, 'case.magister.sanction', { rung, students: studentsText, motivation: input.motivation })),
      ],
    };
  }

  /**
   * Directie decides on a proposed suspension or expulsion, after hearing the student and the parents.
   * A decision that must be reported to the Inspectie and was not yet, is recorded with that to do.
   */
  async decideSanction(actor: Actor, caseId: string, input: SanctionDecisionInput, channel: string, locale: Locale): Promise<CaseResult> {
    const t = translator(locale);
    const found = await this.cases.get(caseId);
    if (!found) return { ok: false, reason: 'not-found' };
    if (!mayDecideSanction(actor, found, this.deps.directory)) return this.denied(actor, caseId, channel);
    const proposal = found.sanctions.find((x) => x.id === input.sanctionId && x.status === 'proposed');
    if (!proposal) return { ok: false, reason: 'invalid', said: [{ text: t('case.decision.noProposal') }] };
    if (input.outcome === 'decided' && !input.heard) return { ok: false, reason: 'invalid', said: [{ text: t('case.decision.hearFirst') }] };
    const mustReport = input.outcome === 'decided' && RUNGS_REPORTED_TO_INSPECTIE.includes(proposal.rung);
    const inspectie: SanctionDecision['inspectie'] = !mustReport ? (input.outcome === 'decided' && input.inspectie === 'gemeld' ? 'gemeld' : 'niet-nodig') : input.inspectie === 'gemeld' ? 'gemeld' : 'nog-melden';
    const now = this.deps.clock.now();
    const decision: SanctionDecision = { at: now, byStaffId: actor.staffId, outcome: input.outcome, motivation: input.motivation, heard: input.heard, inspectie };
    let changed = false;
    const updated = await this.change(caseId, (c) => {
      changed = false;
      const sanctions = c.sanctions.map((x) => {
        if (x.id !== proposal.id || x.status !== 'proposed') return x;
        changed = true;
        return { ...x, status: input.outcome, decidedBy: actor.staffId, decision };
      });
      return changed ? { ...c, sanctions, stage: input.outcome === 'decided' ? 'directie' : c.stage } : c;
    });
    if (!updated) return { ok: false, reason: 'not-found' };
    if (!changed) return { ok: false, reason: 'invalid', said: [{ text: t('case.decision.noProposal') }] };
    await this.audit(actor, `case.sanction.${input.outcome === 'decided' ? 'decide' : 'decline'}.${proposal.rung}`, caseId, channel);
    const rung = t(rungKey(proposal.rung));
    const students = (proposal.studentRefs ?? []).join(', ');
    const proposer = proposal.proposedBy ? this.deps.directory.staffById(proposal.proposedBy) : null;
    if (proposer && proposer.id !== actor.staffId) {
      const pt = translator(this.school.locale);
      await this.deps.outbox.notify(`sanction-decision:${caseId}:${proposal.id}:${proposer.id}`, proposer.id, {
        text: pt(input.outcome === 'decided' ? 'case.notify.decided' : 'case.notify.declined', { rung: pt(rungKey(proposal.rung)), students, student: updated.studentRef }),
      });
    }
    const said: OutboundMessage[] = [
      { text: t(input.outcome === 'decided' ? 'case.decision.decided' : 'case.decision.declined', { rung, students }) },
    ];
    if (inspectie === 'nog-melden') said.push({ text: t('case.decision.reportInspectie') });
    said.push(this.noteCard(t, recordText(t, input.outcome === 'decided' ? 'case.magister.decided' : 'case.magister.declined', { rung, students, motivation: input.motivation })));
    return { ok: true, said };
  }

  /** Adds a student as one who bullies in this case (after a talk or new information), so a measure can name them. */
  async addBully(actor: Actor, caseId: string, studentRef: string, channel: string, locale: Locale): Promise<CaseResult> {
    const t = translator(locale);
    const found = await this.cases.get(caseId);
    if (!found) return { ok: false, reason: 'not-found' };
    if (!mayWork(actor, found, this.deps.directory)) return this.denied(actor, caseId, channel);
    if (!this.deps.directory.findStudent(studentRef)) return { ok: false, reason: 'invalid' };
    if (studentRef === found.studentRef) return { ok: false, reason: 'invalid', said: [{ text: t('case.bully.isVictim', { student: studentRef }) }] };
    if (bulliesOf(found).includes(studentRef)) return { ok: true, said: [{ text: t('case.bully.already', { student: studentRef }) }] };
    const updated = await this.change(caseId, (c) => withBully(c, studentRef));
    if (!updated) return { ok: false, reason: 'not-found' };
    await this.audit(actor, 'case.add-bully', caseId, channel);
    return { ok: true, said: [{ text: t('case.bully.added', { student: studentRef }) }] };
  }

  /** The students bullying in a case, as options for the measure's "for whom"; none when the person may not work it. */
  async bullyOptions(actor: Actor, caseId: string): Promise<Option[]> {
    const found = await this.cases.get(caseId);
    if (!found || !mayWork(actor, found, this.deps.directory)) return [];
    return bulliesOf(found).map((ref) => {
      const student = this.deps.directory.findStudent(ref);
      return { value: ref, label: student ? `${ref} (${student.class})` : ref };
    });
  }

  /** Proposals waiting for directie's decision on a case, as options. */
  async proposalOptions(actor: Actor, caseId: string, locale: Locale): Promise<Option[]> {
    const found = await this.cases.get(caseId);
    if (!found || !mayDecideSanction(actor, found, this.deps.directory)) return [];
    const t = translator(locale);
    return found.sanctions
      .filter((x) => x.status === 'proposed' && x.id)
      .map((x) => ({
        value: x.id!,
        label: t('case.proposal.label', {
          rung: t(rungKey(x.rung)),
          students: (x.studentRefs ?? []).join(', '),
          by: (x.proposedBy && this.deps.directory.staffById(x.proposedBy)?.name) || '-',
        }),
      }));
  }

  /** The yearly evaluation figures for bullying (counts only), with a CSV. */
  async figuresSaid(actor: Actor, channel: string, locale: Locale): Promise<CaseResult> {
    if (!maySeeFigures(actor)) return this.denied(actor, 'figures', channel);
    const t = translator(locale);
    const all = await this.cases.findBy('schoolId', this.school.id);
    const figures = computeCaseFigures(all, this.school, this.deps.clock.now());
    await this.audit(actor, 'case.figures', 'figures', channel);
    const lines = figures.rows
      .filter((r) => r.schoolYear === figures.schoolYear && r.group === 'totaal')
      .map((r) => t('case.figures.total', { cases: r.counts.cases, open: r.counts.open, closed: r.counts.closed, repetition: r.counts.repetition, clz: r.counts.reachedClz, directie: r.counts.reachedDirectie, stopped: r.counts.stopped }));
    return {
      ok: true,
      said: [
        { text: `${t('case.figures.title', { year: figures.schoolYear })}\n${lines.join('\n') || t('case.figures.none')}` },
        { text: `${t('case.figures.csv')}\n${caseFiguresCsv(figures, locale)}` },
      ],
    };
  }

  private async tellDirectie(actor: Actor, c: BullyingCase, sanction: Sanction, proposal: boolean): Promise<void> {
    const pt = translator(this.school.locale);
    const proposer = this.deps.directory.staffById(actor.staffId);
    const text = pt(proposal ? 'case.notify.proposal' : 'case.notify.mtInvolved', {
      who: proposer?.name ?? '',
      rung: pt(rungKey(sanction.rung)),
      students: (sanction.studentRefs ?? []).join(', '),
      student: c.studentRef,
      cls: c.classId,
    });
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


  /** Where a case stands and what comes next. Audited as a read. */
  async describe(actor: Actor, caseId: string, channel: string, locale: Locale): Promise<CaseResult> {
    const found = await this.cases.get(caseId);
    if (!found) return { ok: false, reason: 'not-found' };
    if (!mayWork(actor, found, this.deps.directory)) return this.denied(actor, caseId, channel);
    await this.audit(actor, 'case.read', caseId, channel);
    const t = translator(locale);
    // Where it stands and what comes next; the whole history is one choice away ("Geschiedenis").
    const lines = [this.summaryLine(found, t)];
    const last = found.steps.at(-1);
    if (last) lines.push(t('case.lastStep', { date: formatDate(dayIn(this.school.timeZone, last.at), locale), step: t(stepKey(last.kind)) }));
    lines.push(this.nextText(found, t));
    return { ok: true, said: [{ text: lines.join('\n') }] };
  }

  /** The whole history of a case: steps, agreements, measures. Audited as a read. */
  async historyOf(actor: Actor, caseId: string, channel: string, locale: Locale): Promise<CaseResult> {
    const found = await this.cases.get(caseId);
    if (!found) return { ok: false, reason: 'not-found' };
    if (!mayWork(actor, found, this.deps.directory)) return this.denied(actor, caseId, channel);
    await this.audit(actor, 'case.read', caseId, channel);
    return { ok: true, said: [{ text: this.history(found, translator(locale), locale) }] };
  }

  /** The open cases this person may work on, as options for a `pick` step. */
  async optionsFor(actor: Actor, locale: Locale): Promise<Option[]> {
    const t = translator(locale);
    const all = await this.cases.findBy('schoolId', this.school.id);
    return all
      .filter((c) => c.status === 'open' && mayWork(actor, c, this.deps.directory))
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((c) => ({ value: c.id, label: `${c.studentRef} (${c.classId}) — ${t(stageKey(c.stage))}` }));
  }

  /** A label for a case this person may see, for prompts; null when they may not. */
  async labelFor(actor: Actor, caseId: string): Promise<string | null> {
    const found = await this.cases.get(caseId);
    if (!found || !mayWork(actor, found, this.deps.directory)) return null;
    return `${found.studentRef} (${found.classId})`;
  }

  /**
   * The signals this person made and whether they were picked up: for a teacher, who sees no
   * notes and no steps, only that the report did not get lost.
   */
  async signalsBy(actor: Actor, channel: string, locale: Locale): Promise<CaseResult> {
    const t = translator(locale);
    const all = await this.cases.findBy('schoolId', this.school.id);
    const lines: string[] = [];
    for (const c of all) {
      for (const signal of c.signals.filter((s) => s.byStaffId === actor.staffId)) {
        const actedOn = c.steps.some((step) => step.at >= signal.at) || c.escalations.some((e) => e.at > signal.at);
        const status = c.status === 'closed' ? 'case.mine.closed' : actedOn ? 'case.mine.actedOn' : 'case.mine.received';
        lines.push(`- ${formatDate(signal.date, locale)} ${c.studentRef}: ${t(status, { stage: t(stageKey(c.stage)) })}`);
        await this.audit(actor, 'case.read-own-signal', c.id, channel);
      }
    }
    if (lines.length === 0) return { ok: true, said: [{ text: t('case.mine.none') }] };
    return { ok: true, said: [{ text: `${t('case.mine.title')}\n${lines.sort().join('\n')}` }] };
  }

  /** Counts of open cases per stage, for the anti-pestcoördinator. No notes, no names. */
  async overview(actor: Actor, channel: string, locale: Locale): Promise<CaseResult> {
    if (!maySeeOverview(actor)) return this.denied(actor, 'overview', channel);
    const t = translator(locale);
    const all = await this.cases.findBy('schoolId', this.school.id);
    const open = all.filter((c) => c.status === 'open');
    const lines = (['mentor', 'clz', 'directie'] as const).map((stage) => `${t(stageKey(stage))}: ${open.filter((c) => c.stage === stage).length}`);
    const closedRecently = all.filter((c) => c.status === 'closed').length;
    await this.audit(actor, 'case.overview', 'overview', channel);
    return { ok: true, said: [{ text: t('case.overview', { open: open.length, closed: closedRecently, stages: lines.join('\n') }) }] };
  }

  private async notifySignal(key: string, person: StaffMember, c: BullyingCase, signal: Signal, repetition: boolean, reversed: boolean): Promise<void> {
    const t = translator(this.school.locale);
    const lines = [
      t(signal.severe ? 'case.notify.severe' : 'case.notify.signal', { student: c.studentRef, cls: c.classId }),
      t('case.notify.details', {
        date: formatDate(signal.date, this.school.locale),
        where: signal.where,
        forms: signal.forms.map((f) => t(formKey(f))).join(', '),
      }),
    ];
    if (signal.bystanders?.length) lines.push(t('case.notify.bystanders', { roles: signal.bystanders.map((r) => t(bystanderKey(r))).join(', ') }));
    if (signal.description) lines.push(signal.description);
    if (repetition) lines.push(t('case.notify.repetition', { days: this.school.protocol.repetitionWindowDays }));
    if (reversed) lines.push(t('case.notify.reversed'));
    const canEscalate = repetition && c.stage === 'mentor';
    // The step that is due, one press away (the first of the CLZ's talks when the CLZ has it).
    const due = nextStep(c);
    const dueKind: StepKind | null = due === 'clz-gesprekken' ? 'gesprek-gepeste' : due;
    const card = this.deps.cards.render('notice', {
      title: t(signal.severe ? 'case.notify.severeTitle' : 'case.notify.title'),
      text: lines.join('\n\n'),
      actions: [
        ...(dueKind && !canEscalate ? [{ title: t('case.action.nextStep', { step: t(stepKey(dueKind)) }), flowId: STEP_FLOWS[dueKind], caseId: c.id, stap: dueKind }] : []),
        { title: t('case.action.open'), flowId: 'zaak', caseId: c.id, stap: '' },
        ...(canEscalate ? [{ title: t('case.action.escalate'), flowId: 'escaleren', caseId: c.id, stap: '' }] : []),
      ],
    });
    await this.deps.outbox.notify(key, person.id, { text: lines.join('\n'), card });
  }

  /** Whose case, where it stands, how many reports. */
  private summaryLine(c: BullyingCase, t: Translate): string {
    return t('case.summary', { student: c.studentRef, cls: c.classId, stage: t(stageKey(c.stage)), signals: c.signals.length });
  }

  private history(c: BullyingCase, t: Translate, locale: Locale = this.school.locale): string {
    const lines = [this.summaryLine(c, t)];
    for (const step of c.steps) lines.push(`- ${formatDate(dayIn(this.school.timeZone, step.at), locale)}: ${t(stepKey(step.kind))}${step.outcome ? ` — ${step.outcome}` : ''}`);
    for (const a of c.agreements) lines.push(`- ${t('case.agreementLine', { what: a.what, date: formatDate(a.dueDate, locale) })}`);
    for (const s of c.sanctions) {
      const who = s.studentRefs?.length ? ` (${s.studentRefs.join(', ')})` : '';
      const status = s.status && s.status !== 'applied' ? ` [${t(sanctionStatusKey(s.status))}]` : '';
      lines.push(`- ${t(rungKey(s.rung))}${who}${status}: ${s.motivation}`);
    }
    return lines.join('\n');
  }

  private nextText(c: BullyingCase, t: Translate): string {
    const next = nextStep(c);
    return next ? t('case.next', { step: t(stepKey(next)) }) : t('case.next.none');
  }

  /**
   * The protocol's next step, one press away: its text, with a button that opens that step for this
   * case (for the CLZ's talks: apart or together), and one that opens the case.
   */
  private nextMessage(c: BullyingCase, t: Translate): OutboundMessage {
    const text = this.nextText(c, t);
    const next = nextStep(c);
    const kinds: StepKind[] = next === 'clz-gesprekken' ? ['gesprek-pester', 'gesprek-gepeste', 'gezamenlijk-gesprek'] : next ? [next] : [];
    if (!kinds.length) return { text };
    const actions = kinds.map((kind) => ({ title: t('case.action.nextStep', { step: t(stepKey(kind)) }), flowId: STEP_FLOWS[kind], caseId: c.id, stap: kind }));
    return { text, card: this.deps.cards.render('next-step', { text, actions }) };
  }

  private noteCard(t: Translate, note: string): OutboundMessage {
    return {
      text: `${t('case.magister.title')}\n${note}`,
      card: this.deps.cards.render('info', { title: t('case.magister.title'), text: note }),
    };
  }

  private change(id: string, apply: (c: BullyingCase) => BullyingCase): Promise<BullyingCase | null> {
    return updateWithRetry(this.cases, id, apply);
  }

  private async denied(actor: Actor, recordId: string, channel: string): Promise<CaseResult> {
    await this.audit(actor, 'case.denied', recordId, channel);
    return { ok: false, reason: 'denied' };
  }

  private async audit(actor: Actor, action: string, recordId: string, channel: string): Promise<void> {
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

  private withRole(role: 'clz' | 'directie'): Promise<StaffMember[]> {
    return this.deps.roleBook.staffWithRole(role);
  }

  private async firstWithRole(role: 'clz' | 'directie'): Promise<StaffMember | null> {
    return (await this.withRole(role))[0] ?? null;
  }
}

/** The dialog that records each protocol step (the short ones share one, told which step it is). */
const STEP_FLOWS: Record<StepKind, string> = {
  'gesprek-gepeste': 'gesprek-gepeste',
  'gesprek-pester': 'gesprek-pester',
  'gezamenlijk-gesprek': 'afspraken',
  'magister-notitie': 'stap-vastleggen',
  'ouders-geinformeerd': 'ouders',
  'uitleg-vervolg': 'stap-vastleggen',
  klassengesprek: 'stap-vastleggen',
  'clz-gesprek': 'stap-vastleggen',
  'hulp-leerlingbegeleider': 'stap-vastleggen',
  'alle-ouders-geinformeerd': 'alle-ouders',
  'terugkoppeling-mentor': 'stap-vastleggen',
  'controle-afspraak': 'afspraak-controle',
};

/** The case with the student recorded as bullying in it (unchanged when they are, or are the bullied student). */
function withBully(c: BullyingCase, studentRef: string): BullyingCase {
  if (studentRef === c.studentRef || bulliesOf(c).includes(studentRef)) return c;
  return { ...c, addedBullies: [...(c.addedBullies ?? []), studentRef], studentsInvolved: [...new Set([...c.studentsInvolved, studentRef])] };
}

// Typed so that a form, step, rung or stage without a catalogue text does not compile.
export const formKey = (form: BullyingForm): MessageKey => `case.form.${form}`;
export const stepKey = (kind: StepKind | 'clz-gesprekken'): MessageKey => `case.step.${kind}`;
export const rungKey = (rung: SanctionRung): MessageKey => `case.rung.${rung}`;
export const bystanderKey = (role: BystanderRole): MessageKey => `case.bystander.${role}`;
export const sanctionStatusKey = (status: 'proposed' | 'decided' | 'declined'): MessageKey => `case.sanction.status.${status}`;
export const stageKey = (stage: BullyingCase['stage']): MessageKey => `case.stage.${stage}`;

