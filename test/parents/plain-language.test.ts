import { describe, expect, it } from 'vitest';
import { en, nl, type PageTexts } from '../../src/channels/parents/texts.js';
import { readability, syllables, withinB1 } from '../../src/core/text/plain-language.js';
import { loadSchoolFile } from '../../src/core/people/school.js';

/** Every string in a page's texts, filled with the demo school's point of contact. */
function allTexts(t: PageTexts): string[] {
  const contact = loadSchoolFile('schools/demo.yaml').parents.contact!;
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v.replace('{name}', contact.name).replace('{role}', contact.role));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk({ info: t.info, form: t.form, result: t.result, infoLink: t.infoLink });
  return out;
}

describe('plain language (B1) for parents and students', () => {
  it.each([
    ['nl', nl],
    ['en', en],
  ] as const)('keeps every %s text of the information page, the form and its answers within the budget', (locale, texts) => {
    const r = readability(allTexts(texts), locale);
    expect(r.averageSentence).toBeLessThanOrEqual(15);
    expect(r.longestSentence).toBeLessThanOrEqual(20);
    expect(r.ease).toBeGreaterThanOrEqual(60);
    expect(r.jargon).toEqual([]);
    expect(withinB1(r)).toBe(true);
  });

  it('would fail a text written the way policy documents are', () => {
    const policy = [
      'De uitzonderingsregel wordt door het multidisciplinaire kernteam getoetst aan de hand van de criteria uit het ontwikkelingsperspectiefplan, waarbij een onderbouwde motivatie van de zorgcoördinator en de betrokken gedragswetenschapper noodzakelijk is.',
    ];
    const r = readability(policy, 'nl');
    expect(r.averageSentence).toBeGreaterThan(15);
    expect(r.ease).toBeLessThan(60);
    expect(r.jargon).toEqual(expect.arrayContaining(['kernteam', 'uitzonderingsregel', 'motivatie']));
    expect(withinB1(r)).toBe(false);
  });

  it('accepts jargon only with an explanation in brackets right after it', () => {
    expect(readability(['Het OPP (het plan van school voor uw kind) is er.'], 'nl').jargon).toEqual([]);
    expect(readability(['Het OPP is er.'], 'nl').jargon).toEqual(['OPP']);
  });

  it('counts Dutch syllables closely enough for a budget', () => {
    expect(syllables('telefoon')).toBe(3);
    expect(syllables('zorgcoördinator')).toBe(6);
    expect(syllables('uitzondering')).toBe(4);
    expect(syllables('kind')).toBe(1);
  });
});
