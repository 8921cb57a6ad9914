import { describe, expect, it } from 'vitest';
import { handle, IDLE } from '../../src/core/protocol/engine.js';
import { parseFlowFiles } from '../../src/core/protocol/loader.js';
import { ADMIN_FLOW, context, converse, KNOWN, MENU_FLOW, said, SAMPLE_FLOW } from '../helpers/engine.js';

describe('protocol engine', () => {
  it('starts a flow by its trigger word and asks the first question', () => {
    const { state, last } = converse(['Proef']);
    expect(state).toMatchObject({ flowId: 'proef', stepId: 'naam' });
    expect(said(last)).toEqual(['Wat is er gebeurd?']);
  });

  it('says it does not understand an unknown word when no dialog is active', () => {
    const { state, last } = converse(['hallo']);
    expect(state).toEqual(IDLE);
    expect(said(last)[0]).toMatch(/help/);
  });

  it('opens the menu on "help" with only the options this person may start', () => {
    const teacher = converse(['help']);
    expect(teacher.last[0]).toMatchObject({ kind: 'ask', question: { options: [{ value: 'proef', label: 'Proef' }] } });
    const admin = converse(['help'], context(['beheerder']));
    const options = admin.last[0]?.kind === 'ask' ? admin.last[0].question.options.map((o) => o.value) : [];
    expect(options).toEqual(['proef', 'beheer']);
  });

  it('refuses to start a flow the person has no role for, and says which role it needs', () => {
    const { state, last } = converse(['beheer']);
    expect(state).toEqual(IDLE);
    expect(said(last)[0]).toContain('beheerder');
  });

  it('does not let a hidden menu option be typed in by number', () => {
    const { state, last } = converse(['help', '2']);
    expect(state).toMatchObject({ flowId: 'menu', stepId: 'kies' });
    expect(said(last)[0]).toMatch(/Kies een van de mogelijkheden/);
  });

  it('walks a whole flow: text, student, multiple choice, role branch, date, skip, yes/no, command, card, end', () => {
    const mentor = context(['mentor']);
    const { state, effects } = converse(
      ['proef', 'Uitgescholden', 'l1001', '1, 3', '01-12-2026', '-', 'ja'],
      mentor,
    );
    expect(state).toEqual(IDLE);
    const last = effects.at(-1)!;
    expect(last[0]).toMatchObject({
      kind: 'command',
      name: 'assign-role',
      answers: {
        naam: { value: 'Uitgescholden' },
        leerling: { value: 'L1001', display: 'L1001 (1A)' },
        vormen: { value: ['woorden', 'uitsluiten'], display: 'Woorden, Uitsluiten' },
        datum: { value: '2026-12-01', display: '01-12-2026' },
        ernstig: { value: true },
      },
    });
    expect(last[1]).toMatchObject({ kind: 'card', template: 'info', data: { title: 'Samenvatting', text: 'Gebeurd: Uitgescholden' } });
    expect(said(last)).toEqual(['Vastgelegd: Woorden, Uitsluiten.']);
    expect(said(effects[5]!)).toEqual(['Is het ernstig, Uitgescholden?']);
  });

  it('skips the date question for someone who is not a mentor (branch on role)', () => {
    const { state } = converse(['proef', 'Geduwd', 'L1001', '2']);
    expect(state.stepId).toBe('extra');
  });

  it('keeps the dialog on its step with a clear message when the answer is not valid', () => {
    const mentor = context(['mentor']);
    const cases: Array<[string[], RegExp]> = [
      [['proef', 'x'.repeat(21)], /te lang \(21 tekens\)\. Het maximum is 20/],
      [['proef', 'a', 'Z9999'], /geen leerling met "Z9999".*L1001/],
      [['proef', 'a', 'L1001', '7'], /Kies een van de mogelijkheden/],
      [['proef', 'a', 'L1001', '1', '31-02-2026'], /geen datum die ik herken. Typ bijvoorbeeld "morgen".*03-12-2026/],
      [['proef', 'a', 'L1001', '1', '25-11-2026'], /in het verleden/],
      [['proef', 'a', 'L1001', '1', 'morgen', '-', 'misschien'], /"ja" of "nee"/],
    ];
    for (const [texts, message] of cases) {
      const before = converse(texts.slice(0, -1), mentor).state;
      const after = converse(texts, mentor);
      expect(after.state).toEqual(before);
      expect(said(after.last)[0]).toMatch(message);
      expect(after.last.at(-1)?.kind).toBe('ask');
    }
  });

  it('goes back one question on "terug" and keeps earlier answers', () => {
    const { state, last } = converse(['proef', 'Gescholden', 'terug']);
    expect(state).toMatchObject({ stepId: 'naam', answers: { naam: { value: 'Gescholden' } } });
    expect(said(last)).toEqual(['Wat is er gebeurd?']);
    const atStart = converse(['proef', 'terug']);
    expect(atStart.state.stepId).toBe('naam');
    expect(said(atStart.last)[0]).toMatch(/eerste vraag/);
  });

  it('restarts the flow on "opnieuw" and forgets its answers', () => {
    const { state, last } = converse(['proef', 'Gescholden', 'opnieuw']);
    expect(state).toEqual({ flowId: 'proef', stepId: 'naam', answers: {}, history: [] });
    expect(said(last)).toEqual(['We beginnen opnieuw bij de eerste vraag.', 'Wat is er gebeurd?']);
  });

  it('stops on "stop" and explains how to continue', () => {
    const { state, last } = converse(['proef', 'Gescholden', 'stop']);
    expect(state).toEqual(IDLE);
    expect(said(last)[0]).toMatch(/^Gestopt/);
  });

  it('answers "help" inside a flow with the step help and stays on the step', () => {
    const { state, last } = converse(['proef', 'help']);
    expect(state.stepId).toBe('naam');
    expect(said(last)).toEqual(['Beschrijf wat je zag.', expect.stringMatching(/terug.*opnieuw.*stop/), 'Wat is er gebeurd?']);
  });

  it('understands the English words and speaks English', () => {
    const { state, last } = converse(['trial', 'Pushed', 'back'], context(['vakdocent'], 'en'));
    expect(state.stepId).toBe('naam');
    expect(said(last)).toEqual(['What happened?']);
    expect(said(converse(['cancel'], context(['vakdocent'], 'en')).last)[0]).toMatch(/no conversation/);
  });

  it('accepts a card answer for the current step and refuses one for an earlier step', () => {
    const ctx = context();
    const atName = converse(['proef']).state;
    const ok = handle(atName, { kind: 'answer', flowId: 'proef', stepId: 'naam', value: 'Via kaart' }, ctx);
    expect(ok.state.stepId).toBe('leerling');
    const stale = handle(ok.state, { kind: 'answer', flowId: 'proef', stepId: 'naam', value: 'Nog eens' }, ctx);
    expect(stale.state).toEqual(ok.state);
    expect(said(stale.effects)).toEqual([expect.stringMatching(/eerdere vraag/), 'Welke leerling?']);
  });

  it('starts a flow from an old menu card even when another dialog is active', () => {
    const ctx = context();
    const inFlow = converse(['proef', 'Iets']).state;
    const outcome = handle(inFlow, { kind: 'answer', flowId: 'menu', stepId: 'kies', value: 'proef' }, ctx);
    expect(outcome.state).toMatchObject({ flowId: 'proef', stepId: 'naam', answers: {} });
    // The old menu card settles with the option chosen; the question that was open closes.
    expect(outcome.stale).toEqual({ prompt: 'Kies.', answer: 'Proef' });
    expect(outcome.closed).toEqual({ prompt: 'Welke leerling?' });
  });

  it('closes the open question, unanswered, on stop, terug, opnieuw, another procedure and its own trigger (which starts it afresh)', () => {
    const ctx = context(['beheerder']);
    const atStudent = converse(['proef', 'Gescholden']).state;
    for (const word of ['stop', 'terug', 'opnieuw', 'beheer', 'proef']) {
      expect(handle(atStudent, { kind: 'text', text: word }, ctx).closed).toEqual({ prompt: 'Welke leerling?' });
    }
    // The open dialog's own trigger, not an answer to its question: the dialog starts afresh, said so.
    const again = handle(atStudent, { kind: 'text', text: 'proef' }, ctx);
    expect(again.state).toMatchObject({ flowId: 'proef', stepId: 'naam', answers: {} });
    expect(said(again.effects)).toEqual(['We beginnen opnieuw bij de eerste vraag.', 'Wat is er gebeurd?']);
    // An answer, help, and a wrong answer leave the question open.
    for (const text of ['L1001', 'help', 'Z9999']) expect(handle(atStudent, { kind: 'text', text }, ctx).closed).toBeUndefined();
    // Stop or back on the question's card close it just the same.
    expect(handle(atStudent, { kind: 'answer', flowId: 'proef', stepId: 'leerling', value: 'zorgpad:terug' }, ctx).closed).toEqual({ prompt: 'Welke leerling?' });
  });

  it('answers a button of a question no longer open with one message, and closes that card', () => {
    const ctx = context();
    const stopped = converse(['proef', 'Gescholden', 'stop']).state;
    const late = handle(stopped, { kind: 'answer', flowId: 'proef', stepId: 'leerling', value: 'L1001' }, ctx);
    expect(late.state).toEqual(IDLE);
    expect(said(late.effects)).toEqual(['Die vraag is gesloten. Typ "help" voor het menu.']);
    // Its prompt needs answers that are gone: the card is named after its procedure instead.
    const ernstig = handle(stopped, { kind: 'answer', flowId: 'proef', stepId: 'ernstig', value: 'ja' }, ctx);
    expect(ernstig.stale).toEqual({ prompt: 'Proef' });
    expect(late.stale).toEqual({ prompt: 'Welke leerling?' });
  });

  it('parks the dialog whose window was closed, only when the window showed the open question', () => {
    const ctx = context();
    const atStudent = converse(['proef', 'Gescholden']).state;
    const closed = handle(atStudent, { kind: 'close', flowId: 'proef', stepId: 'leerling' }, ctx);
    expect(closed.state).toMatchObject({ flowId: null, stepId: null, parked: { flowId: 'proef', stepId: 'leerling', answers: { naam: { value: 'Gescholden' } } } });
    expect(said(closed.effects)).toEqual(['Je hebt het venster van "Proef" gesloten. Je antwoorden staan nog klaar: typ "verder" om door te gaan.']);
    // What is typed next is not taken for an answer; "verder" brings the question back.
    expect(said(handle(closed.state, { kind: 'text', text: 'L1001' }, ctx).effects)[0]).toMatch(/^Dat herken ik niet/);
    expect(handle(closed.state, { kind: 'text', text: 'verder' }, ctx).state).toMatchObject({ flowId: 'proef', stepId: 'leerling' });
    // Starting the same procedure afresh lets go of the parked one.
    const afresh = handle(closed.state, { kind: 'text', text: 'proef' }, ctx).state;
    expect(afresh).toMatchObject({ flowId: 'proef', stepId: 'naam' });
    expect(afresh.parked ?? null).toBeNull();
    // A window of a question already answered elsewhere changes nothing; nor does one before anything was answered.
    const stale = handle(atStudent, { kind: 'close', flowId: 'proef', stepId: 'naam' }, ctx);
    expect(stale).toEqual({ state: atStudent, effects: [] });
    const fresh = handle(converse(['proef']).state, { kind: 'close', flowId: 'proef', stepId: 'naam' }, ctx);
    expect(fresh.state).toEqual(IDLE);
    expect(fresh.effects).toEqual([]);
  });

  it('understands a procedure\'s title and its menu label typed as shown, but never a control word', () => {
    const DECISION = `
id: besluit
title: { nl: Besluit vastleggen, en: Record a decision }
triggers: { nl: [besluit], en: [decision] }
roles: staff
start: klaar
steps:
  klaar: { type: end, text: { nl: Besluit vastgelegd., en: Decision recorded. } }
`;
    const MENU = MENU_FLOW.replace('      - { value: weg,', '      - { value: besluit, label: { nl: Het besluit van het overleg, en: The meeting decision }, flow: besluit }\n      - { value: weg,');
    const { flows } = parseFlowFiles(
      [
        { name: 'proef.yaml', text: SAMPLE_FLOW },
        { name: 'menu.yaml', text: MENU },
        { name: 'beheer.yaml', text: ADMIN_FLOW },
        { name: 'besluit.yaml', text: DECISION },
      ],
      KNOWN,
    );
    const ctx = { ...context(), flows };
    for (const text of ['Besluit vastleggen', 'besluit  vastleggen.', 'Record a decision', 'het besluit van het overleg']) {
      expect(said(handle(IDLE, { kind: 'text', text }, ctx).effects)).toEqual(['Besluit vastgelegd.']);
    }
    // At an open question too, where it is no answer.
    const atStudent = converse(['proef', 'Gescholden'], ctx).state;
    expect(said(handle(atStudent, { kind: 'text', text: 'Besluit vastleggen' }, ctx).effects)).toEqual(['Besluit vastgelegd.']);
    // "Menu" is the menu's title, and a word that asks for help at a question.
    const help = handle(atStudent, { kind: 'text', text: 'Menu' }, ctx);
    expect(help.state.stepId).toBe('leerling');
    expect(help.closed).toBeUndefined();
  });

  it('starts afresh when the saved step no longer exists in the dialog files', () => {
    const { state, last } = converse(['help'], context(), { flowId: 'proef', stepId: 'verdwenen', answers: {}, history: [] });
    expect(state).toMatchObject({ flowId: 'menu' });
    expect(last[0]?.kind).toBe('ask');
  });
});

describe('answers as people type them', () => {
  const mentor = context(['mentor']);
  const toSerious = ['proef', 'Uitgescholden', 'l1001', '1, 3', '01-12-2026', '-'];
  /** The answer the yes/no question takes from the typed text: yes runs the command, no ends the flow. */
  const seriousAnswer = (typed: string, ctx = mentor) => {
    const outcome = handle(converse(toSerious, ctx).state, { kind: 'text', text: typed }, ctx);
    const command = outcome.effects.find((e) => e.kind === 'command');
    if (command?.kind === 'command') return command.answers.ernstig;
    return outcome.answered ? { value: false, display: outcome.answered.answer } : undefined;
  };

  it('takes "1" for "1. Ja" and "2" for "2. Nee" at a yes/no question, as the numbered list shows them', () => {
    const ask = converse(toSerious, mentor).last.find((e) => e.kind === 'ask');
    expect(ask?.kind === 'ask' && ask.question.options.map((o, i) => `${i + 1}. ${o.label}`)).toEqual(['1. Ja', '2. Nee']);
    expect(seriousAnswer('1')).toMatchObject({ value: true, display: 'ja' });
    expect(seriousAnswer('2')).toMatchObject({ value: false });
    for (const typed of ['1. Ja', '1.', ' JA ', 'Ja.', 'ja!']) expect(seriousAnswer(typed), typed).toMatchObject({ value: true });
    expect(seriousAnswer('1', context(['mentor'], 'en'))).toMatchObject({ value: true, display: 'yes' });
    // A number that is not shown, or a numbered line whose label is the other option, is not an answer.
    for (const typed of ['3', '1. Nee']) {
      const after = converse([...toSerious, typed], mentor);
      expect(after.state.stepId, typed).toBe('ernstig');
      expect(said(after.last)[0]).toMatch(/"ja" of "nee"/);
    }
  });

  it('matches typed labels in any case and without the spaces and punctuation around them', () => {
    const picked = (typed: string) => converse(['proef', 'Uitgescholden', 'l1001', typed], mentor).state.answers.vormen;
    expect(picked('uitsluiten.')).toMatchObject({ value: ['uitsluiten'] });
    expect(picked('  WOORDEN ,  "Uitsluiten"  ')).toMatchObject({ value: ['woorden', 'uitsluiten'] });
    expect(picked('3. Uitsluiten')).toMatchObject({ value: ['uitsluiten'] });
    expect(picked('woorden?!, 2')).toMatchObject({ value: ['woorden', 'fysiek'] });
    expect(picked('uitsluit')).toBeUndefined();
  });
});
