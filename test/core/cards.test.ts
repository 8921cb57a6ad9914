import { describe, expect, it } from 'vitest';
import { CardRenderer } from '../../src/core/cards/render.js';
import { parseCardSubmit } from '../../src/core/cards/submit.js';
import { IDLE, questionFor } from '../../src/core/protocol/engine.js';
import { loadFlows } from '../../src/core/protocol/loader.js';
import { cardProblems } from '../helpers/adaptive-cards.js';
import { context } from '../helpers/engine.js';
import { everyCard } from '../helpers/every-card.js';
import { shippedReferences } from '../helpers/shipped.js';

const cards = CardRenderer.load('cards');
const { flows: shipped } = loadFlows('dialogs', shippedReferences());

describe('cards', () => {
  it('finds problems when there are some (the checker works)', () => {
    expect(cardProblems({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'Input.Text' }] })).not.toEqual([]);
  });

  const all = everyCard();

  it('renders a card for every question and card step of every dialog', () => {
    expect(all.length).toBeGreaterThan(20);
    expect(all.map((c) => c.name)).toContain('plagen-of-pesten/signalen/en');
  });

  it.each(all.map((c) => [c.name, c.card]))('%s is a valid Adaptive Card 1.5', (_name, card) => {
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    expect(cardProblems(card)).toEqual([]);
  });

  it('uses buttons for short single choices and a drop-down for long or multiple ones', () => {
    // A teacher's bullying menu: only what a teacher may start, as buttons.
    const menuFlow = shipped.get('menu-pesten')!;
    const teacher = { ...context(['vakdocent']), flows: shipped };
    const menu = cards.question(questionFor(menuFlow, 'kies', menuFlow.steps.kies as never, IDLE, teacher), 'nl') as unknown as {
      actions: Array<{ type: string; title: string }>;
    };
    expect(menu.actions.map((a) => [a.type, a.title])).toEqual([
      ['Action.Execute', 'Pesten melden'],
      ['Action.Execute', 'Advies bij cyberpesten'],
      ['Action.Execute', 'Plagen of pesten?'],
      ['Action.Execute', 'Mijn meldingen'],
    ]);
    // Everyone's phone menu (all roles) is longer and becomes a drop-down.
    const full = all.find((c) => c.name === 'menu-telefoon/kies/nl')!.card as { body: Array<{ type: string }> };
    expect(full.body[0]!.type).toBe('Input.ChoiceSet');
    const roles = all.find((c) => c.name === 'rollen/rol/nl')!.card as { body: Array<{ type: string; choices?: unknown[] }> };
    expect(roles.body[0]).toMatchObject({ type: 'Input.ChoiceSet', isMultiSelect: false });
    expect(roles.body[0]!.choices).toHaveLength(8);
    const multiple = all.find((c) => c.name === 'proef/vorm/nl')!.card as { body: Array<{ isMultiSelect?: boolean }> };
    expect(multiple.body[0]!.isMultiSelect).toBe(true);
  });

  it('offers a skip button only on optional text questions', () => {
    const optional = all.find((c) => c.name === 'proef/extra/nl')!.card as { actions: Array<{ title: string }> };
    const required = all.find((c) => c.name === 'proef/naam/nl')!.card as { actions: Array<{ title: string }> };
    expect(optional.actions.map((a) => a.title)).toEqual(['Verstuur', 'Overslaan']);
    expect(required.actions.map((a) => a.title)).toEqual(['Verstuur']);
  });

  it('turns what a card sends back into the same input as typing', () => {
    expect(parseCardSubmit({ zorgpad: { flowId: 'menu', stepId: 'kies', value: 'plagen' } })).toEqual({
      kind: 'answer',
      flowId: 'menu',
      stepId: 'kies',
      value: 'plagen',
    });
    expect(parseCardSubmit({ zorgpad: { flowId: 'p', stepId: 's' }, answer: 'woorden,fysiek' })).toMatchObject({ value: 'woorden,fysiek' });
    expect(parseCardSubmit({ zorgpad: { flowId: 'p', stepId: 's' } })).toBeNull();
    expect(parseCardSubmit({ something: 'else' })).toBeNull();
    expect(parseCardSubmit('nonsense')).toBeNull();
  });
});

describe('texts to copy and links', () => {
  it('puts a text to copy alone in a monospace block and links on Action.OpenUrl, as valid Adaptive Cards 1.5', () => {
    const copy = cards.copyText('Tekst voor Magister (kopieer en plak):', 'Op 30-11-2026 is *iets* gemeld.', { links: [{ title: 'Open', url: 'https://zorgpad.example/a?t=1' }] });
    expect(cardProblems(copy)).toEqual([]);
    // The title as the first block, the text as the second: what a copy button next to it copies.
    expect(copy.body).toEqual([
      { type: 'TextBlock', text: 'Tekst voor Magister (kopieer en plak):', weight: 'Bolder', size: 'Medium', wrap: true },
      { type: 'TextBlock', id: 'copy-text', text: 'Op 30-11-2026 is \\*iets\\* gemeld.', fontType: 'Monospace', wrap: true },
    ]);
    expect(copy.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Open', url: 'https://zorgpad.example/a?t=1' }]);
    const withNote = cards.copyText('T', 'x', { note: 'Let op.' });
    expect((withNote.body as unknown[]).at(-1)).toMatchObject({ type: 'TextBlock', text: 'Let op.', isSubtle: true });
    const link = cards.links('Download de brief:\nhttps://zorgpad.example/b?t=2', [{ title: 'Brief downloaden (PDF)', url: 'https://zorgpad.example/b?t=2' }]);
    expect(cardProblems(link)).toEqual([]);
    expect(link.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Brief downloaden (PDF)', url: 'https://zorgpad.example/b?t=2' }]);
  });
});

describe('card rendering cache', () => {
  it('gives every caller its own copy of a card rendered before', () => {
    const renderer = CardRenderer.load('cards');
    const first = renderer.render('info', { title: 'Titel', text: 'Tekst' });
    (first.body as Array<{ text: string }>)[0]!.text = 'veranderd';
    const second = renderer.render('info', { title: 'Titel', text: 'Tekst' });
    expect((second.body as Array<{ text: string }>)[0]!.text).toBe('Titel');
    expect(renderer.render('info', { title: 'Ander', text: 'Tekst' }).body).not.toEqual(second.body);
  });
});
