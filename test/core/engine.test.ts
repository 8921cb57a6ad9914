import { describe, expect, it } from 'vitest';
import { handle, IDLE } from '../../src/core/protocol/engine.js';
import { context, converse, said } from '../helpers/engine.js';

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
  });

  it('starts afresh when the saved step no longer exists in the dialog files', () => {
    const { state, last } = converse(['help'], context(), { flowId: 'proef', stepId: 'verdwenen', answers: {}, history: [] });
    expect(state).toMatchObject({ flowId: 'menu' });
    expect(last[0]?.kind).toBe('ask');
  });
});
