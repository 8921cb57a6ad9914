import { parseFlowFiles } from '../../src/core/protocol/loader.js';
import { handle, IDLE, type DialogState, type Effect, type EngineContext, type Input } from '../../src/core/protocol/engine.js';
import type { Role } from '../../src/core/people/roles.js';

/** A flow that uses every step type, for engine tests. */
export const SAMPLE_FLOW = `
id: proef
title: { nl: Proef, en: Trial }
triggers: { nl: [proef], en: [trial] }
roles: staff
start: naam
steps:
  naam:
    type: text
    key: naam
    prompt: { nl: Wat is er gebeurd?, en: What happened? }
    help: { nl: Beschrijf wat je zag., en: Describe what you saw. }
    maxLength: 20
    next: leerling
  leerling:
    type: student
    key: leerling
    prompt: { nl: Welke leerling?, en: Which student? }
    next: vorm
  vorm:
    type: choice
    key: vormen
    multiple: true
    prompt: { nl: Welke vormen?, en: Which forms? }
    options:
      - { value: woorden, label: { nl: Woorden, en: Words } }
      - { value: fysiek, label: { nl: Lichamelijk, en: Physical } }
      - { value: uitsluiten, label: { nl: Uitsluiten, en: Exclusion } }
    next: rol-check
  rol-check:
    type: branch
    cases:
      - { when: { role: mentor }, goto: datum }
    otherwise: extra
  datum:
    type: date
    key: datum
    notBefore: today
    prompt: { nl: Wanneer is de afspraak?, en: When is the agreement? }
    next: extra
  extra:
    type: text
    key: extra
    optional: true
    prompt: { nl: Nog iets?, en: Anything else? }
    next: ernstig
  ernstig:
    type: yesno
    key: ernstig
    prompt: { nl: "Is het ernstig, {naam}?", en: "Is it serious, {naam}?" }
    yes: opslaan
    no: klaar
  opslaan:
    type: command
    command: assign-role
    next: samenvatting
  samenvatting:
    type: card
    template: info
    texts:
      title: { nl: Samenvatting, en: Summary }
      text: { nl: "Gebeurd: {naam}", en: "Happened: {naam}" }
    next: klaar
  klaar:
    type: end
    text: { nl: "Vastgelegd: {vormen}.", en: "Recorded: {vormen}." }
`;

export const MENU_FLOW = `
id: menu
title: { nl: Menu, en: Menu }
triggers: { nl: [], en: [] }
roles: staff
start: kies
steps:
  kies:
    type: choice
    key: keuze
    prompt: { nl: Kies., en: Choose. }
    options:
      - { value: proef, label: { nl: Proef, en: Trial }, flow: proef }
      - { value: beheer, label: { nl: Beheer, en: Admin }, flow: beheer }
      - { value: weg, label: { nl: Bestaat niet, en: Missing }, flow: bestaat-niet }
`;

export const ADMIN_FLOW = `
id: beheer
title: { nl: Beheer, en: Admin }
triggers: { nl: [beheer], en: [admin] }
roles: [beheerder]
start: klaar
steps:
  klaar: { type: end, text: { nl: Beheerd., en: Administered. } }
`;

/** The commands and card templates the sample dialogs may refer to. */
export const KNOWN = { commands: new Map<string, readonly string[]>([['assign-role', []]]), cards: new Set(['info']) };

export const { flows } = parseFlowFiles(
  [
    { name: 'proef.yaml', text: SAMPLE_FLOW },
    { name: 'menu.yaml', text: MENU_FLOW },
    { name: 'beheer.yaml', text: ADMIN_FLOW },
  ],
  KNOWN,
);

export function context(roles: Role[] = ['vakdocent'], locale: 'nl' | 'en' = 'nl'): EngineContext {
  return {
    flows,
    roles: new Set(roles),
    locale,
    today: '2026-11-26',
    studentExample: 'L1001',
    findStudent: (text) => (text.toUpperCase() === 'L1001' ? { ref: 'L1001', display: 'L1001 (1A)' } : null),
    staffOptions: () => [{ value: 'm.devries', label: 'Marloes de Vries' }],
    sources: {
      myCases: [{ value: 'case-1', label: 'L1001 (1A) — mentor' }],
      // Lists about a record are keyed by the record; with no answer yet the key ends in ":".
      'caseBullies:': [{ value: 'L1003', label: 'L1003 (1A)' }],
      'sanctionProposals:': [{ value: 's-1', label: 'schorsing van één dag voor L1003 (voorstel van Selin Yilmaz)' }],
      clzStaff: [{ value: 's.yilmaz', label: 'Selin Yilmaz' }],
      'classSubjects:': [{ value: 'alle', label: 'Alle lessen' }, { value: 'wiskunde', label: 'wiskunde' }],
    },
  };
}

/** Feeds typed texts one after another and returns the last outcome plus every effect. */
export function converse(texts: string[], ctx = context(), start: DialogState = IDLE) {
  let state = start;
  const all: Effect[][] = [];
  for (const text of texts) {
    const input: Input = { kind: 'text', text };
    const outcome = handle(state, input, ctx);
    state = outcome.state;
    all.push(outcome.effects);
  }
  return { state, effects: all, last: all.at(-1) ?? [] };
}

export function said(effects: Effect[]): string[] {
  return effects.flatMap((e) => (e.kind === 'say' ? [e.text] : e.kind === 'ask' ? [e.question.prompt] : []));
}
