import { en } from './en.js';
import { nl, type MessageKey } from './nl.js';
import type { Localized } from '../protocol/schema.js';

export type Locale = 'nl' | 'en';
export const LOCALES: readonly Locale[] = ['nl', 'en'];
export type { MessageKey };

const catalogues: Record<Locale, Record<MessageKey, string>> = { nl, en };

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** Returns the translator for a locale; `{name}` placeholders are filled from params. */
export function translator(locale: Locale): Translate {
  const catalogue = catalogues[locale];
  return (key, params) => fill(catalogue[key], params);
}

/** Picks the locale's text of a dialog-file text and fills its placeholders. */
export function localize(text: Localized, locale: Locale, params?: Record<string, string | number>): string {
  return fill(text[locale], params);
}

function fill(template: string, params?: Record<string, string | number>): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
