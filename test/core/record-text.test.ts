import { describe, expect, it } from 'vitest';
import { LOCALES, translator, type MessageKey } from '../../src/core/i18n/index.js';
import { nl } from '../../src/core/i18n/nl.js';
import { recordText } from '../../src/core/text/record-text.js';

/** Placeholders that carry what a person typed; every other placeholder is a label, number or date. */
const TYPED = new Set(['outcome', 'what', 'motivation']);
const LABELS: Record<string, string> = {
  date: '03-12-2026',
  student: 'L1003',
  students: 'L1003, L1001',
  forms: 'woorden en beelden, uitsluiten',
  where: 'in de les',
  step: 'gesprek met de leerling die pest',
  subject: 'met leerling L1003',
  rung: 'schorsing van één dag',
};

/** Every text that goes into Magister: the catalogue's `case.magister.*` templates except the title. */
const TEMPLATES = (Object.keys(nl) as MessageKey[]).filter((k) => k.startsWith('case.magister.') && k !== 'case.magister.title');

describe('texts for Magister', () => {
  it('covers the templates the case service uses', () => {
    expect(TEMPLATES).toEqual(expect.arrayContaining(['case.magister.signal', 'case.magister.step', 'case.magister.sanction', 'case.magister.decided']));
  });

  describe.each(LOCALES)('%s', (locale) => {
    const t = translator(locale);
    it.each(TEMPLATES.flatMap((key) => ['.', '?', '!', ''].map((mark) => [key, mark] as const)))('%s with typed text ending in "%s"', (key, mark) => {
      const params = Object.fromEntries(
        [...t(key).matchAll(/\{(\w+)\}/g)].map(([, name]) => [name!, TYPED.has(name!) ? `het gaat weer wat beter${mark}` : LABELS[name!] ?? 'x']),
      );
      const text = recordText(t, key, params);
      // No doubled marks, whatever the typed text ended with.
      expect(text).not.toMatch(/[.!?]\s*[.!?]/);
      // Full sentences: each starts with a capital (or a digit) and the text ends with a mark.
      for (const sentence of text.split(/(?<=[.!?])\s+(?=\S)/)) expect(sentence, text).toMatch(/^[A-Z0-9ÉÖ]/);
      expect(text).toMatch(/[.!?]$/);
      // A typed text is only ever placed at the end of a sentence, so its own mark closes it.
      for (const part of t(key).split('|')) {
        for (const [, name] of part.matchAll(/\{(\w+)\}/g)) if (TYPED.has(name!)) expect(part.trimEnd().endsWith(`{${name}}`), `${key}: {${name}}`).toBe(true);
      }
    });
  });

  it('keeps a question or exclamation typed by the person', () => {
    const t = translator('nl');
    expect(recordText(t, 'case.magister.sanction', { students: 'L1003', rung: 'gesprek met afspraken', motivation: 'Waarom stopt het niet?' })).toBe(
      'Maatregel voor leerling L1003: gesprek met afspraken. Motivatie: Waarom stopt het niet?',
    );
  });
});
