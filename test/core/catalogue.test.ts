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
