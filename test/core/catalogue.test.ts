import { readdirSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_STATES, GROUNDS, KINDS, PURPOSES, SCOPES } from '../../src/core/exceptions/model.js';
import { LOCALES, translator, type MessageKey } from '../../src/core/i18n/index.js';
import { en } from '../../src/core/i18n/en.js';
import { nl } from '../../src/core/i18n/nl.js';

describe('message catalogues', () => {
  it('has a text in both languages for every stored exception value', () => {
    const keys = [
      ...GROUNDS.map((v) => `exception.ground.${v}`),
      ...PURPOSES.map((v) => `exception.purpose.${v}`),
      ...SCOPES.map((v) => `exception.scope.${v}`),
      ...KINDS.map((v) => `exception.kind.${v}`),
      ...DOCUMENT_STATES.map((v) => `exception.docState.${v}`),
    ];
    for (const locale of LOCALES) {
      const t = translator(locale);
      for (const key of keys) expect(t(key as MessageKey), `${locale} ${key}`).toEqual(expect.any(String));
    }
  });

  it('has the same placeholders in Dutch and English', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(nl) as MessageKey[]) {
      expect(placeholders(en[key]), key).toEqual(placeholders(nl[key]));
    }
  });
});

describe('one term per concept', () => {
  /** Terms we do not use, with the one we use instead. */
  const AVOID: Array<[RegExp, string]> = [
    [/\bsancties?\b/i, 'maatregel'],
    [/verkennend/i, 'informatief gesprek'],
    [/gesprek door de CLZ/i, 'gezamenlijk gesprek, of het gesprek met één leerling'],
  ];

  /** Every Dutch text the bot can say: the catalogue and the dialog files' `nl` texts. */
  function dutchTexts(): Array<[string, string]> {
    const out: Array<[string, string]> = Object.entries(nl).map(([key, text]) => [`nl.ts ${key}`, text]);
    const walk = (node: unknown, where: string): void => {
      if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${where}[${i}]`));
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === 'nl' && typeof v === 'string') out.push([where, v]);
          else walk(v, `${where}.${k}`);
        }
      }
    };
    for (const file of readdirSync('dialogs').filter((f) => f.endsWith('.yaml'))) walk(parseYaml(readFileSync(`dialogs/${file}`, 'utf8')), file);
    return out;
  }

  it.each(AVOID.map(([pattern, instead]) => [String(pattern), pattern, instead] as const))('says %s nowhere', (_name, pattern, instead) => {
    const found = dutchTexts().filter(([, text]) => pattern.test(text)).map(([where]) => where);
    expect(found, `use "${instead}"`).toEqual([]);
  });
});
