import { FILLED } from './parents.js';

/**
 * The parents fill in the form behind a personal link, as a browser does: open the page (its cookie and
 * hidden fields), then post the form. `url` may name another host (the school's public URL): the
 * request goes to `base`. Resolves with the response's status.
 */
export async function fillParentsForm(base: string, url: string, fields: Partial<Record<keyof typeof FILLED, string>>): Promise<number> {
  const page = await fetch(url.replace(/^https?:\/\/[^/]+/, base));
  const html = await page.text();
  const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0]!;
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const t = /name="t" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const res = await fetch(`${base}/ouders/formulier`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, origin: base },
    body: new URLSearchParams({ ...FILLED, ...fields, t, csrf }).toString(),
  });
  await res.text();
  return res.status;
}

/** The parents' link in a reply's texts. */
export function parentsLink(texts: string[]): string {
  const url = /https?:\/\/\S+\/ouders\/formulier\?t=[A-Za-z0-9_-]+/.exec(texts.join('\n'))?.[0];
  if (!url) throw new Error(`no parents' link in: ${texts.join('\n')}`);
  return url;
}

/** What a parent typed to make the kernteam's card show a link, bold text, a heading and a mention. */
export const MARKDOWN_FROM_PARENTS = {
  need: '[x](https://example.com)',
  words: '**vet**',
  where: '# Klik <at>Anouk Jansen</at>',
};
