import { DOCUMENT_STATES, DOCUMENTS } from '../../core/exceptions/model.js';
import type { SchoolFile as School } from '../../core/people/school.js';
import { TAKEN_FALLBACK, type LetterLinkTexts, type PageTexts } from './texts.js';

/** HTML-escaped text. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const fill = (text: string, values: Record<string, string>) => text.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? '');
const paragraphs = (lines: string[]) => lines.map((l) => `<p>${esc(l)}</p>`).join('\n');

/** Small pictograms for the steps; decorative (the step's words carry the meaning). */
const ICONS = [
  '<path d="M6 8h28a4 4 0 0 1 4 4v14a4 4 0 0 1-4 4H18l-8 7v-7H6a4 4 0 0 1-4-4V12a4 4 0 0 1 4-4z"/>',
  '<path d="M10 4h16l8 8v26H10z"/><path d="M15 18h14M15 24h14M15 30h9"/>',
  '<circle cx="20" cy="20" r="16"/><path d="M12 20l6 6 11-12"/>',
  '<path d="M32 14a14 14 0 1 0 2 10"/><path d="M33 5v9h-9"/>',
];
const icon = (i: number) =>
  `<svg aria-hidden="true" focusable="false" width="40" height="40" viewBox="0 0 40 40" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round">${ICONS[i % ICONS.length]}</svg>`;

const STYLE = `
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:1.125rem;line-height:1.6;color:#1b1b1b;background:#fff}
header,main,footer{max-width:42rem;margin:0 auto;padding:1rem}
header{display:flex;justify-content:space-between;align-items:center;gap:1rem;border-bottom:1px solid #c8c8c8}
h1{font-size:1.6rem;line-height:1.3}h2{font-size:1.3rem;margin-top:2rem}
a{color:#0b4f9c}a:focus,button:focus,input:focus,textarea:focus{outline:3px solid #b35900;outline-offset:2px}
ol.steps{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:1rem}
ol.steps li{border:1px solid #c8c8c8;border-radius:.5rem;padding:.75rem;color:#0b4f9c}
ol.steps li span,ol.steps li p{color:#1b1b1b}ol.steps strong{display:block;color:#1b1b1b}
label,legend{font-weight:600;display:block}p.hint{margin:.2rem 0 .4rem;color:#444}
textarea,input[type=text]{width:100%;box-sizing:border-box;font:inherit;padding:.5rem;border:2px solid #555;border-radius:.3rem}
fieldset{border:1px solid #c8c8c8;border-radius:.4rem;margin:1rem 0;padding:.5rem 1rem}
fieldset fieldset{border:none;padding:0;margin:.5rem 0}
.choice{display:flex;gap:.5rem;align-items:center;font-weight:400}
input[type=radio],input[type=checkbox]{width:1.3rem;height:1.3rem}
button{font:inherit;font-weight:600;background:#0b4f9c;color:#fff;border:none;border-radius:.3rem;padding:.7rem 1.5rem;margin:1rem 0}
.errors{border:3px solid #a4000f;padding:.5rem 1rem;border-radius:.4rem}.error{color:#a4000f;font-weight:600}
`;

/** One whole page: header with the school's name and the language switch, the content, the contact. */
/** The other languages of a page, each with the address of this page in it. */
export type LanguageLinks = Array<{ code: string; name: string; href: string }>;

function page(t: PageTexts, school: School, title: string, body: string, languages: LanguageLinks): string {
  return shell({ lang: t.lang, dir: t.dir ?? 'ltr', navLabel: t.langName }, school, title, body, languages, contact(t, school));
}

function shell(t: { lang: string; dir: 'ltr' | 'rtl'; navLabel: string }, school: School, title: string, body: string, languages: LanguageLinks, footer: string): string {
  const links = languages.map((l) => `<a href="${esc(l.href)}" lang="${esc(l.code)}" hreflang="${esc(l.code)}">${esc(l.name)}</a>`).join(' ');
  return `<!doctype html>
<html lang="${esc(t.lang)}" dir="${t.dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${esc(title)} | ${esc(school.name)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><span>${esc(school.name)}</span><nav aria-label="${esc(t.navLabel)}">${links}</nav></header>
<main>
${body}
</main>
${footer}
</body>
</html>`;
}

function contact(t: PageTexts, school: School): string {
  const c = school.parents.contact;
  if (!c) return `<footer><h2>${esc(t.info.contactTitle)}</h2><p>${esc(t.info.contactNone)}</p></footer>`;
  const lines = [`<p>${esc(fill(t.info.contact, { name: c.name, role: c.role }))}</p>`];
  if (c.email) lines.push(`<p>${esc(t.info.email)}: <a href="mailto:${esc(c.email)}">${esc(c.email)}</a></p>`);
  if (c.phone) lines.push(`<p>${esc(t.info.phone)}: <a href="tel:${esc(c.phone.replace(/\s/g, ''))}">${esc(c.phone)}</a></p>`);
  return `<footer><h2>${esc(t.info.contactTitle)}</h2>${lines.join('')}</footer>`;
}

/** The public information page about the exception rule. */
export function infoPage(t: PageTexts, school: School, languages: LanguageLinks): string {
  const i = t.info;
  const steps = i.steps.map((s, n) => `<li>${icon(n)}<strong>${n + 1}. ${esc(s.title)}</strong><span>${esc(withTerm(s.text, school))}</span></li>`).join('');
  const body = `<h1>${esc(i.title)}</h1>
${paragraphs(i.intro)}
<h2>${esc(i.whoTitle)}</h2>
${paragraphs(i.who)}
<h2>${esc(i.stepsTitle)}</h2>
<ol class="steps">${steps}</ol>
<h2>${esc(i.checklistTitle)}</h2>
<ul>${i.checklist.map((c) => `<li>${esc(c)}</li>`).join('')}</ul>
<p>${esc(i.checklistNote)}</p>
<h2>${esc(i.privacyTitle)}</h2>
${paragraphs(i.privacy)}`;
  return page(t, school, i.title, body, languages);
}

export interface FormValues {
  need: string;
  words: string;
  documents: Partial<Record<(typeof DOCUMENTS)[number], (typeof DOCUMENT_STATES)[number]>>;
  where: string;
  consent: boolean;
}

export type FormErrors = Partial<Record<'need' | 'words' | 'consent' | 'documents', true>>;

/** The form for parents and their child; with what they typed and what is missing when it comes back. */
export function formPage(
  t: PageTexts,
  school: School,
  opts: { action: string; secret: string; csrf: string; infoHref: string; languages: LanguageLinks; values?: FormValues; errors?: FormErrors },
): string {
  const f = t.form;
  const v = opts.values ?? { need: '', words: '', documents: {}, where: '', consent: false };
  const errors = opts.errors ?? {};
  const errorIds = Object.keys(errors) as Array<keyof FormErrors>;
  const described = (id: string, error: boolean) => `aria-describedby="${id}-hint${error ? ` ${id}-error` : ''}"${error ? ' aria-invalid="true"' : ''}`;
  const errorLine = (id: keyof FormErrors) => (errors[id] ? `<p class="error" id="${id}-error">${esc(f.errors[id])}</p>` : '');
  const summary = errorIds.length
    ? `<div class="errors" role="alert"><h2>${esc(f.errorsTitle)}</h2><ul>${errorIds.map((id) => `<li><a href="#${id === 'documents' ? 'doc-verwijsbrief-aanwezig' : id}">${esc(f.errors[id])}</a></li>`).join('')}</ul></div>`
    : '';
  const docs = DOCUMENTS.map(
    (d) => `<fieldset><legend>${esc(f.documents[d])}</legend>${DOCUMENT_STATES.map(
      (s) => `<label class="choice" for="doc-${d}-${s}"><input type="radio" id="doc-${d}-${s}" name="doc-${d}" value="${s}"${v.documents[d] === s ? ' checked' : ''}${s === 'aanwezig' ? ' required' : ''}> ${esc(f.states[s])}</label>`,
    ).join('')}</fieldset>`,
  ).join('');
  const body = `<h1>${esc(f.title)}</h1>
${summary}
${paragraphs(f.intro)}
<p><a href="${esc(opts.infoHref)}">${esc(t.infoLink)}</a></p>
<form method="post" action="${esc(opts.action)}" novalidate>
<input type="hidden" name="t" value="${esc(opts.secret)}">
<input type="hidden" name="csrf" value="${esc(opts.csrf)}">
<input type="hidden" name="lang" value="${esc(t.lang)}">
<p><label for="need">${esc(f.need.label)}</label></p>
<p class="hint" id="need-hint">${esc(f.need.hint)}</p>
${errorLine('need')}
<textarea id="need" name="need" rows="4" maxlength="1000" required ${described('need', !!errors.need)}>${esc(v.need)}</textarea>
<p><label for="words">${esc(f.words.label)}</label></p>
<p class="hint" id="words-hint">${esc(f.words.hint)}</p>
${errorLine('words')}
<textarea id="words" name="words" rows="4" maxlength="1000" required ${described('words', !!errors.words)}>${esc(v.words)}</textarea>
<fieldset${errors.documents ? ' aria-invalid="true"' : ''} aria-describedby="documents-hint"><legend>${esc(f.documentsTitle)}</legend>
<p class="hint" id="documents-hint">${esc(f.documentsHint)}</p>
${errorLine('documents')}
${docs}
</fieldset>
<p><label for="where">${esc(f.where.label)} <span>${esc(f.optional)}</span></label></p>
<p class="hint" id="where-hint">${esc(f.where.hint)}</p>
<input type="text" id="where" name="where" maxlength="300" value="${esc(v.where)}" aria-describedby="where-hint">
${errorLine('consent')}
<p><label class="choice" for="consent"><input type="checkbox" id="consent" name="consent" value="ja" required${v.consent ? ' checked' : ''}${errors.consent ? ' aria-invalid="true" aria-describedby="consent-error"' : ''}> ${esc(f.consent)}</label></p>
<button type="submit">${esc(f.send)}</button>
</form>`;
  return page(t, school, f.title, body, opts.languages);
}

export type ResultKind = 'done' | 'used' | 'taken' | 'expired' | 'unknown' | 'csrf' | 'busy' | 'error';

/** A short page after sending, or instead of the form when the link cannot be used. */
export function resultPage(t: PageTexts, school: School, kind: ResultKind, languages: LanguageLinks, infoHref: string | null): string {
  const r = t.result;
  // A school's own translation from before the `taken` page was added falls back to the Dutch text.
  const taken = [r.takenTitle ?? TAKEN_FALLBACK.title, r.taken ?? TAKEN_FALLBACK.lines];
  const [title, lines] = { done: [r.doneTitle, r.done], used: [r.usedTitle, r.used], taken, expired: [r.expiredTitle, r.expired], unknown: [r.unknownTitle, r.unknown], csrf: [r.csrfTitle, r.csrf], busy: [r.busyTitle, r.busy], error: [r.errorTitle, r.error] }[kind] as [string, string[]];
  const more = infoHref ? `<p><a href="${esc(infoHref)}">${esc(t.infoLink)}</a></p>` : '';
  return page(t, school, title, `<h1>${esc(title)}</h1>\n${paragraphs(lines.map((line) => withTerm(line, school)))}\n${more}`, languages);
}

/** A text with the school's decision term filled in (`{days}`: the school days the kernteam has to decide). */
function withTerm(text: string, school: School): string {
  return text.replaceAll('{days}', String(school.exceptions.decisionSchoolDays));
}

/**
 * What a letter's PDF link answers when it gives no PDF (used, past its hour, unknown): a page for the
 * member of staff who took the letter, in Dutch or English, that says why and what to do instead.
 */
export function letterLinkPage(t: LetterLinkTexts, school: School, kind: 'used' | 'expired' | 'unknown', languages: LanguageLinks): string {
  const { title, lines } = t[kind];
  return shell({ lang: t.lang, dir: 'ltr', navLabel: t.langName }, school, title, `<h1>${esc(title)}</h1>\n${paragraphs(lines)}`, languages, '');
}
