import { describe, expect, it } from 'vitest';
import { en } from '../../src/core/i18n/en.js';
import { nl } from '../../src/core/i18n/nl.js';
import { translator, type MessageKey } from '../../src/core/i18n/index.js';
import { composeLetter, LETTER_KINDS } from '../../src/core/parents/letters.js';

/** A sample for a placeholder, as the code passes it: dates as dates, typed text without its closing mark (`quoted()`). */
function sample(name: string): string {
  if (/date|until|day|decided|due/i.test(name)) return '14-02-2027';
  if (/count|days|n$|number|total|weeks|parts|open|closed/i.test(name)) return '3';
  return 'iets getypt';
}

/**
 * Every text Zorgpad says or writes (notices, Magister and OPP texts, letters), filled with sample values:
 * no `.".`, no doubled or stray marks, nothing left unfilled, no empty noun after "om" or "about".
 */
describe.each([
  ['nl', nl],
  ['en', en],
] as const)('the %s texts, filled in', (locale, catalogue) => {
  const t = translator(locale);
  const keys = Object.keys(catalogue) as MessageKey[];

  it('read as finished sentences', () => {
    const problems: string[] = [];
    for (const key of keys) {
      const params = Object.fromEntries([...catalogue[key].matchAll(/\{(\w+)\}/g)].map(([, name]) => [name!, sample(name!)]));
      const text = t(key, params);
      const checks: Array<[RegExp, string]> = [
        [/\."\./, '.".'],
        [/(?<![.…])\.\.(?!\.)/, 'two full stops'],
        [/ [.,;:!?]/, 'a space before a mark'],
        [/[,;:]\s*[.!?]/, 'a mark before a full stop'],
        [/\{\w+\}/, 'an unfilled placeholder'],
        [/\b(om|about)\s*[.(]/, 'nothing after "om"/"about"'],
        [/[^ \n] {2,}[^ ]/, 'two spaces'],
      ];
      for (const [pattern, what] of checks) if (pattern.test(text)) problems.push(`${key}: ${what}: ${text}`);
    }
    expect(problems).toEqual([]);
  });

  it('writes every letter to parents as finished sentences, each date once', () => {
    const problems: string[] = [];
    for (const kind of LETTER_KINDS) {
      const { subject, text } = composeLetter(
        kind,
        { student: 'A.K.', school: 'Het Lekpoort College', staff: 'Marloes de Vries', contact: 'A. Jansen (zorgcoördinator)', applicant: 'mentor', ground: 'medisch', reason: 'iets getypt', allowed: ['meldingen bekijken'], where: 'in de les', date: '14-02-2027', days: '10' },
        locale,
      );
      const all = `${subject}\n${text}`;
      if (/\."\.|(?<![.…])\.\.(?!\.)| [.,;:!?]|\{\w+\}|\b(om|about)\s*[.(]/.test(all)) problems.push(`${kind}: ${all}`);
      if ((all.match(/14-02-2027/g) ?? []).length > 1) problems.push(`${kind}: the date twice`);
      if (/(^|\n)[^\n]*: -(\.|$)/m.test(text)) problems.push(`${kind}: an empty field`);
    }
    expect(problems).toEqual([]);
  });

  it('has the same keys and placeholders in both languages', () => {
    for (const key of keys) {
      const names = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map(([, name]) => name).sort();
      expect(names(en[key]), key).toEqual(names(nl[key]));
    }
  });
});
