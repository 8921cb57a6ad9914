/**
 * The sanctions ladder: the built-in one (the protocol's), a school's own (protocol.yaml, checked by
 * src/core/protocol/school-protocol.ts), and the one a case keeps. A case keeps the ladder of the
 * protocol version it was opened under; older records follow the built-in ladder.
 *
 * What the law fixes is not the school's to change, and is taken from model.ts here, whatever a ladder
 * says: suspension and expulsion are decided by the directie (the CLZ proposes), and a longer suspension
 * and an expulsion are reported to the Inspectie.
 */
import { createHash } from 'node:crypto';
import type { Locale } from '../i18n/index.js';
import {
  RUNGS_FOR_MANAGEMENT,
  RUNGS_REPORTED_TO_INSPECTIE,
  SANCTION_RUNGS,
  type BullyingCase,
  type CaseProtocol,
  type LadderRung,
  type SanctionRung,
} from './model.js';

/** The protocol's own ladder, with the labels the dialog and the catalogue used before schools had their own. */
export const DEFAULT_LADDER: readonly LadderRung[] = [
  {
    id: 'gesprek-afspraken',
    label: { nl: 'gesprek met afspraken', en: 'conversation with agreements' },
    option: { nl: 'Gesprek met duidelijke afspraken', en: 'Conversation with clear agreements' },
    appliedBy: ['clz', 'mentor'],
  },
  {
    id: 'mt-directie',
    label: { nl: 'MT/directie ingeschakeld', en: 'management involved' },
    option: { nl: 'Directie inschakelen (geweld, bedreiging)', en: 'Involve management (violence, threats)' },
    appliedBy: ['clz', 'mentor'],
  },
  {
    id: 'schorsing-dag',
    label: { nl: 'schorsing van één dag', en: 'one-day suspension' },
    option: { nl: 'Schorsing van één dag', en: 'One-day suspension' },
    proposal: { nl: 'Schorsing van één dag voorstellen', en: 'Propose a one-day suspension' },
    appliedBy: [],
    decidedBy: 'directie',
    inspectie: false,
  },
  {
    id: 'schorsing-lang',
    label: { nl: 'langere schorsing', en: 'longer suspension' },
    option: { nl: 'Langere schorsing', en: 'Longer suspension' },
    proposal: { nl: 'Langere schorsing voorstellen', en: 'Propose a longer suspension' },
    appliedBy: [],
    decidedBy: 'directie',
    inspectie: true,
  },
  {
    id: 'verwijdering',
    label: { nl: 'verwijdering van school (procedure via de Inspectie)', en: 'expulsion from school (procedure via the Inspectorate)' },
    option: { nl: 'Verwijdering van school (via de Inspectie)', en: 'Expulsion from school (via the Inspectorate)' },
    proposal: { nl: 'Verwijdering van school voorstellen', en: 'Propose expulsion from school' },
    appliedBy: [],
    decidedBy: 'directie',
    inspectie: true,
  },
];

export function isKnownRung(id: string): id is SanctionRung {
  return (SANCTION_RUNGS as readonly string[]).includes(id);
}

/** Suspension and expulsion: the directie decides (the CLZ proposes), by law. */
export function decidedByDirectie(id: string): boolean {
  return isKnownRung(id) && RUNGS_FOR_MANAGEMENT.includes(id);
}

/** A decision on this rung is reported to the Inspectie, by law. */
export function reportedToInspectie(id: string): boolean {
  return isKnownRung(id) && RUNGS_REPORTED_TO_INSPECTIE.includes(id);
}

/** Applying this rung involves the directie (it is told, with the reasons); the case stays where it is. */
export function involvesDirectie(id: string): boolean {
  return id === 'mt-directie';
}

/** A rung with what the law fixes put back, whatever was stored or written. */
export function lawful(rung: LadderRung): LadderRung {
  if (!decidedByDirectie(rung.id)) {
    const { decidedBy: _d, inspectie: _i, ...rest } = rung;
    return { ...rest, appliedBy: rung.appliedBy.includes('clz') ? rung.appliedBy : ['clz', ...rung.appliedBy] };
  }
  return { ...rung, appliedBy: [], decidedBy: 'directie', inspectie: reportedToInspectie(rung.id) };
}

/** The version of a protocol: a short hash of what it fixes for a case (the ladder, and the terms it was started under). */
export function protocolVersion(ladder: readonly LadderRung[], terms: unknown = {}): string {
  return createHash('sha256').update(JSON.stringify({ ladder, terms })).digest('hex').slice(0, 12);
}

/** The built-in protocol, for a school without its own and for cases opened before schools had their own. */
export const DEFAULT_PROTOCOL: CaseProtocol = { version: protocolVersion(DEFAULT_LADDER), ladder: [...DEFAULT_LADDER] };

/** The ladder a case follows: the one it was opened under (built-in for older records), with the law put back. */
export function ladderOf(c: Pick<BullyingCase, 'protocol'> | null | undefined): LadderRung[] {
  return (c?.protocol?.ladder ?? DEFAULT_LADDER).map(lawful);
}

/** A rung of the case's ladder by id. */
export function rungOf(c: Pick<BullyingCase, 'protocol'> | null | undefined, id: string): LadderRung | undefined {
  return ladderOf(c).find((r) => r.id === id);
}

/**
 * How a rung is named in sentences, in a language: from the case's ladder; a rung no longer in it (a
 * record from before a change) by the built-in ladder, or by its id.
 */
export function rungName(c: Pick<BullyingCase, 'protocol'> | null | undefined, id: string, locale: Locale): string {
  const rung = rungOf(c, id) ?? DEFAULT_LADDER.find((r) => r.id === id);
  return rung ? rung.label[locale] : id;
}
