/**
 * Card text as Adaptive Cards markdown. TextBlock texts and FactSet titles and values are markdown in
 * Teams (and in any host with a markdown processor): `[Klik hier](https://…)` becomes a link, `**x**`
 * bold, `# x` a heading, `<at>x</at>` looks like a mention. Every such text a card carries is filled
 * from data, and much of that data is what people typed: parents in the form, motivations, notes,
 * descriptions, a student's words. So the renderer treats every one of them as plain text and escapes
 * it here, with CommonMark backslash escapes (which Teams' markdown reads as the character itself).
 *
 * Kept as markdown: line breaks, and list lines that start with "- " or "1. ", the one piece of
 * markdown Zorgpad's own texts use (advice, case summaries, criteria) and one that cannot hide a link,
 * impersonate or notify anybody. What follows a kept list marker is escaped like any other line.
 *
 * Channels that do not read markdown undo the escapes with `unescapeMarkdown` (Slack's Block Kit
 * translation, the playground), so that they show exactly what was typed.
 */

/** Characters that start or end inline markup (emphasis, code, links, images, autolinks, HTML, mentions, tables, `{{DATE()}}`). */
const INLINE = /[\\`*_~[\]<>{}|]/g;
/** "&amp;" and "&#42;" are entities in markdown: escape the "&" so that they show as typed. */
const ENTITY = /&(?=#?[0-9A-Za-z]+;)/g;
/** A list marker Zorgpad's texts use, kept: "- " or "12. " followed by text. */
const LIST_MARKER = /^(?:-|\d{1,9}\.)[ \t]+(?=\S)/;

/** A backslash escape as CommonMark reads it: a backslash before any ASCII punctuation character. */
export const ESCAPED_CHARACTER = /\\([!-/:-@[-`{-~])/g;

/** A text as Adaptive Cards markdown that shows as the text itself, with list lines kept. */
export function escapeMarkdown(text: string): string {
  const inline = text.replace(INLINE, '\\$&').replace(ENTITY, '\\&');
  return inline.split(/(\r\n|\r|\n)/).map((part, i) => (i % 2 === 1 ? part : escapeLineStart(part))).join('');
}

/** Block markup at the start of a line: headings, list markers other than the kept ones, setext and thematic-break lines. */
function escapeLineStart(line: string): string {
  const indent = /^[ \t]*/.exec(line)![0];
  let rest = line.slice(indent.length);
  // "---", "===", "- - -", a lone "-": a heading's underline or a rule, never a list.
  if (/^[-=][-= \t]*$/.test(rest)) return `${indent}\\${rest}`;
  let kept = indent;
  for (let marker = LIST_MARKER.exec(rest); marker; marker = LIST_MARKER.exec(rest)) {
    kept += marker[0];
    rest = rest.slice(marker[0].length);
  }
  if (/^[-=][-= \t]*$/.test(rest) || /^#|^\+(?=[ \t]|$)/.test(rest)) return `${kept}\\${rest}`;
  const numbered = /^(\d{1,9})([.)])(?=[ \t]|$)/.exec(rest);
  if (numbered) return `${kept}${numbered[1]}\\${rest.slice(numbered[1]!.length)}`;
  return kept + rest;
}

/** Card markdown back to the text it shows: the escapes read, nothing else changed. */
export function unescapeMarkdown(text: string): string {
  return text.replace(ESCAPED_CHARACTER, '$1');
}

type Json = Record<string, unknown>;

/**
 * Applies `fn` to every text of a card that hosts read as markdown: TextBlock texts and FactSet titles
 * and values, wherever they are (containers, columns, fallbacks). Action titles, input labels, choices
 * and data are not markdown and are left alone. Changes the card in place.
 */
export function mapCardTexts<T>(card: T, fn: (text: string) => string): T {
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const element = node as Json;
    if (element.type === 'TextBlock' && typeof element.text === 'string') element.text = fn(element.text);
    if (element.type === 'FactSet' && Array.isArray(element.facts)) {
      for (const fact of element.facts as Json[]) {
        if (!fact || typeof fact !== 'object') continue;
        if (typeof fact.title === 'string') fact.title = fn(fact.title);
        if (typeof fact.value === 'string') fact.value = fn(fact.value);
      }
    }
    for (const [key, value] of Object.entries(element)) if (key !== 'facts' && value && typeof value === 'object') walk(value);
  };
  walk(card);
  return card;
}
