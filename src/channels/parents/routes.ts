import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { DOCUMENT_STATES, DOCUMENTS } from '../../core/exceptions/model.js';
import type { ParentService } from '../../core/parents/service.js';
import { FORM_PATH } from '../../core/parents/service.js';
import { LETTER_PATH, type LetterService } from '../../core/parents/letter-service.js';
import type { SchoolDirectory } from '../../core/people/school.js';
import type { Logger, Store } from '../../core/kernel/ports.js';
import { countInWindow } from '../../core/kernel/transient.js';
import { clientAddress, HttpError, readBody, type HttpServer } from '../../http/server.js';
import { formPage, infoPage, letterLinkPage, resultPage, type FormErrors, type FormValues, type LanguageLinks, type ResultKind } from './pages.js';
import { LETTER_LINK_TEXTS, PageLanguages, staffLanguage, type PageTexts } from './texts.js';

export const INFO_PATH = '/info/telefoon-uitzondering';
const CSRF_COOKIE = 'zp_form';
/** Form requests per address: this many in this window, then a "please wait" page. */
const RATE = { max: 30, windowMs: 10 * 60_000 };

export interface ParentsDeps {
  parents: ParentService;
  letters: LetterService;
  directory: SchoolDirectory;
  /** Cookies marked Secure (the school's public host is HTTPS). */
  secureCookies: boolean;
  /** The school's public host: a form posted from it is from here, also when a proxy rewrote Host. */
  publicHost?: string;
  /** Dutch, English and the school's own human translations. */
  languages?: PageLanguages;
  log: Logger;
  /** Where the request counts live (shared by the worker processes). */
  store: Store;
}

const docState = z.enum(DOCUMENT_STATES).optional();

/** What the form sends (application/x-www-form-urlencoded); anything else is refused. */
const formSchema = z.strictObject({
  t: z.string().max(100),
  csrf: z.string().max(100),
  lang: z.string().regex(/^[a-z]{2,3}$/).optional(),
  need: z.string().max(1000).default(''),
  words: z.string().max(1000).default(''),
  where: z.string().max(300).default(''),
  consent: z.literal('ja').optional(),
  'doc-verwijsbrief': docState,
  'doc-opp': docState,
  'doc-diagnose': docState,
  'doc-motivatie': docState,
});

/**
 * The parents' pages: the information page (public, no personal data, no JavaScript) and the form
 * behind a personal link. The form is protected against cross-site posting (a cookie and a hidden
 * field that must match, and the Origin when the browser sends one), rate-limited per address, and
 * sent with no-store, no-referrer and a strict content security policy.
 */
export function mountParents(http: HttpServer, deps: ParentsDeps): void {
  // The school file as last read (it can be read again while Zorgpad runs; which pages exist is fixed at start).
  const school = () => deps.directory.school;
  const infoOn = school().parents.infoPage;
  const languages = deps.languages ?? new PageLanguages();
  const textsFor = (lang: string | null | undefined) => languages.get(lang);
  const linksTo = (t: PageTexts, href: (code: string) => string): LanguageLinks => languages.others(t.lang).map((l) => ({ ...l, href: href(l.code) }));
  // Counted in the store, so that the limit holds whichever worker process answers; the address only as a hash.
  const limited = async (req: IncomingMessage): Promise<boolean> => {
    const address = createHash('sha256').update(clientAddress(req)).digest('base64url');
    return (await countInWindow(deps.store, `parents:${address}`, RATE.windowMs, Date.now())) > RATE.max;
  };

  // A letter's PDF, for the member of staff who took it: the link works once, for an hour. Otherwise a
  // page in their language says why (410: used or past its hour; 404: a link Zorgpad never made).
  http.route('GET', LETTER_PATH, async (req, res, url) => {
    if (await limited(req)) throw new HttpError(429, 'too many requests');
    const secret = url.searchParams.get('t') ?? '';
    const found = await deps.letters.download(secret);
    if (!found.ok) {
      const t = LETTER_LINK_TEXTS[staffLanguage(url.searchParams.get('lang'), req.headers['accept-language'], school().locale === 'en' ? 'en' : 'nl')];
      const other = t.lang === 'nl' ? LETTER_LINK_TEXTS.en : LETTER_LINK_TEXTS.nl;
      const languages = [{ code: other.lang, name: other.langName, href: `${LETTER_PATH}?t=${encodeURIComponent(secret)}&lang=${other.lang}` }];
      return send(res, found.reason === 'unknown' ? 404 : 410, letterLinkPage(t, school(), found.reason, languages));
    }
    res.writeHead(200, {
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="${found.name}"`,
      'content-length': found.pdf.byteLength,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    res.end(Buffer.from(found.pdf));
  });

  if (infoOn) {
    http.route('GET', INFO_PATH, (_req, res, url) => {
      const t = textsFor(url.searchParams.get('lang'));
      send(res, 200, infoPage(t, school(), linksTo(t, (code) => `${INFO_PATH}?lang=${code}`)));
    });
  }
  if (!school().parents.forms) return;

  const infoHref = (t: PageTexts) => (infoOn ? `${INFO_PATH}?lang=${t.lang}` : null);
  const result = (res: ServerResponse, status: number, t: PageTexts, kind: ResultKind) =>
    send(res, status, resultPage(t, school(), kind, linksTo(t, (code) => (infoOn ? `${INFO_PATH}?lang=${code}` : `${FORM_PATH}?lang=${code}`)), infoHref(t)));
  const formLinks = (t: PageTexts, secret: string) => linksTo(t, (code) => `${FORM_PATH}?t=${encodeURIComponent(secret)}&lang=${code}`);
  // taken: another form was sent with this link first (409: these answers conflict with the ones kept).
  const refusal = { unknown: 404, used: 410, expired: 410, taken: 409 } as const;

  http.route('GET', FORM_PATH, async (req, res, url) => {
    const t = textsFor(url.searchParams.get('lang'));
    if (await limited(req)) return result(res, 429, t, 'busy');
    const secret = url.searchParams.get('t') ?? '';
    const state = await deps.parents.open(secret);
    if (!state.ok) return result(res, refusal[state.reason], t, state.reason);
    const csrf = randomBytes(18).toString('base64url');
    res.setHeader('set-cookie', `${CSRF_COOKIE}=${csrf}; Path=${FORM_PATH}; HttpOnly; SameSite=Strict${deps.secureCookies ? '; Secure' : ''}`);
    send(res, 200, formPage(t, school(), { action: FORM_PATH, secret, csrf, infoHref: infoHref(t) ?? FORM_PATH, languages: formLinks(t, secret) }));
  });

  http.route('POST', FORM_PATH, async (req, res) => {
    if (await limited(req)) return result(res, 429, textsFor(null), 'busy');
    if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) throw new HttpError(415, 'expected a form');
    const raw = Object.fromEntries(new URLSearchParams((await readBody(req, 32 * 1024)).toString('utf8')));
    const parsed = formSchema.safeParse(raw);
    const t = textsFor(parsed.success ? (parsed.data.lang ?? null) : typeof raw.lang === 'string' ? raw.lang : null);
    if (!parsed.success) {
      deps.log.warn('parents.bad-form', {});
      return result(res, 400, t, 'csrf');
    }
    const form = parsed.data;
    if (!sameOrigin(req, deps.publicHost) || !csrfMatches(req, form.csrf)) {
      deps.log.warn('parents.csrf', {});
      return result(res, 403, t, 'csrf');
    }
    const values: FormValues = {
      need: form.need.trim(),
      words: form.words.trim(),
      where: form.where.trim(),
      consent: form.consent === 'ja',
      documents: Object.fromEntries(DOCUMENTS.flatMap((d) => (form[`doc-${d}`] ? [[d, form[`doc-${d}`]!]] : []))),
    };
    const errors: FormErrors = {};
    if (values.need.length < 3) errors.need = true;
    if (values.words.length < 3) errors.words = true;
    if (!values.consent) errors.consent = true;
    if (DOCUMENTS.some((d) => !values.documents[d])) errors.documents = true;
    if (Object.keys(errors).length) {
      // The link must still work before the form is shown again.
      const state = await deps.parents.open(form.t);
      if (!state.ok) return result(res, refusal[state.reason], t, state.reason);
      return send(res, 422, formPage(t, school(), { action: FORM_PATH, secret: form.t, csrf: form.csrf, infoHref: infoHref(t) ?? FORM_PATH, languages: formLinks(t, form.t), values, errors }));
    }
    let state;
    try {
      // The form's token tells this form from another one sent with the same link at the same time.
      state = await deps.parents.submit(form.t, { need: values.need, studentWords: values.words, documents: values.documents, documentsWhere: values.where, consent: true }, form.csrf);
    } catch (error) {
      // The store failed: either nothing was kept, or the answers are kept on the link and the next try finishes them.
      deps.log.error('parents.submit-failed', { error: error instanceof Error ? error.name : 'unknown' });
      return result(res, 503, t, 'error');
    }
    if (!state.ok) return result(res, refusal[state.reason], t, state.reason);
    deps.log.info('parents.form-sent', {});
    res.setHeader('set-cookie', `${CSRF_COOKIE}=; Path=${FORM_PATH}; Max-Age=0; HttpOnly; SameSite=Strict${deps.secureCookies ? '; Secure' : ''}`);
    result(res, 200, t, 'done');
  });
}

/** The hidden field equals the cookie set with the form (a page on another site can set neither). */
function csrfMatches(req: IncomingMessage, field: string): boolean {
  const cookie = String(req.headers.cookie ?? '')
    .split(/;\s*/)
    .find((c) => c.startsWith(`${CSRF_COOKIE}=`))
    ?.slice(CSRF_COOKIE.length + 1);
  if (!cookie || !field) return false;
  const a = Buffer.from(cookie);
  const b = Buffer.from(field);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A browser that says where the form came from must say it came from here: this Host, or the school's
 * public host over HTTPS (a reverse proxy, nginx by default, passes its upstream's name as Host).
 */
function sameOrigin(req: IncomingMessage, publicHost: string | undefined): boolean {
  const origin = req.headers.origin;
  if (!origin || origin === 'null') return origin === undefined;
  try {
    const url = new URL(origin);
    if (publicHost && url.protocol === 'https:' && url.host.toLowerCase() === publicHost.toLowerCase()) return true;
    return url.host === req.headers.host;
  } catch {
    return false;
  }
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    // same-origin: the link's secret never leaves in a Referer, and the browser still names the Origin of the form's post.
    'referrer-policy': 'same-origin',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  });
  res.end(html);
}
