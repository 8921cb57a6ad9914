/**
 * What a CommonMark parser (Teams' markdown, markdown-it) would read as markup in a text: inline
 * markup characters without a backslash before them, and lines that start a heading, a quote, a rule,
 * a setext underline or a list other than the kept "- " and "1. " lists.
 */
export function liveMarkup(text: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') i++; // this and the next character are an escape (or a literal backslash before a letter)
    else if ('[]*_~`<>{}|'.includes(c)) found.push(c);
    else if (c === '&' && /^&#?[0-9A-Za-z]+;/.test(text.slice(i))) found.push('&entity;');
  }
  for (const line of text.split(/\r\n|\r|\n/)) {
    const rest = line.replace(/^[ \t]*/, '');
    if (/^[-=][-= \t]*$/.test(rest)) found.push(`rule: ${line}`);
    const afterLists = rest.replace(/^(?:(?:-|\d{1,9}\.)[ \t]+(?=\S))*/, '');
    if (/^(?:#|\+(?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)|[-=][-= \t]*$)/.test(afterLists)) found.push(`line: ${line}`);
  }
  return found;
}
