import type { MessageKey, Translate } from '../i18n/index.js';

/**
 * Texts that staff paste into Magister (or another record): full sentences in sentence case, never
 * doubled punctuation. A catalogue template for such a text separates its sentences with `|`, and puts
 * a typed answer only at the end of a sentence, so that whatever the person typed ("Gaat beter.",
 * "Komt het goed?", "Eindelijk!") ends the sentence with its own mark instead of getting a second one.
 */
export function recordText(t: Translate, key: MessageKey, params: Record<string, string | number>): string {
  // Without params the translator returns the template itself, placeholders intact.
  return t(key)
    .split('|')
    .map((part) => sentence(part.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))))
    .filter((part) => part.length > 0)
    .join(' ');
}

/**
 * Typed text quoted inside a sentence ("… de afspraak: "{what}". Is het …"): without its own closing
 * mark, which the sentence after the quote supplies (never `.".`).
 */
export function quoted(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/[.!?…]+$/, '');
}

/** One sentence: trimmed, single spaces, a capital first letter, and one closing mark. */
export function sentence(text: string): string {
  const s = text.replace(/\s+/g, ' ').trim();
  if (!s) return '';
  const capital = s.charAt(0).toLocaleUpperCase('nl') + s.slice(1);
  return /[.!?…]$/.test(capital) ? capital : `${capital}.`;
}
