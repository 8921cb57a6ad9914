import type { CardRenderer } from '../../core/cards/render.js';
import { can } from '../../core/permissions.js';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { z } from 'zod';
import type { Assistant } from '../../core/app/assistant.js';
import { waitingCard } from '../../core/app/home.js';
import { parseCardSubmit, type CardAction } from '../../core/cards/submit.js';
import { translator, type Locale } from '../../core/i18n/index.js';
import { COUNT_NAMES, figuresCsv } from '../../core/exceptions/figures.js';
import { countKey, KERNTEAM_CHANNEL, type ExceptionCore } from '../../core/exceptions/service.js';
import { figures as exceptionFigures } from '../../core/exceptions/listings.js';
import { Outbox } from '../../core/notify/outbox.js';
import type { RoleBook } from '../../core/people/role-book.js';
import { nextAllowed } from '../../core/reminders/calendar.js';
import type { Scheduler } from '../../core/reminders/scheduler.js';
import type { AdjustableClock } from '../../demo-clock.js';
import type { SchoolDirectory } from '../../core/people/school.js';
import type { Store } from '../../core/kernel/ports.js';
import type { Input } from '../../core/protocol/engine.js';
import { HttpError, readJson, sendJson, type HttpServer } from '../../http/server.js';
import { playgroundPage, type Persona } from './page.js';

/** The persona id that stands for someone the school does not know (a student, a stranger). */
export const UNKNOWN_PERSONA = 'onbekend';

const messageSchema = z
  .strictObject({
    personaId: z.string().min(1).max(100),
    locale: z.enum(['nl', 'en']),
    deliveryId: z.string().min(8).max(100),
    text: z.string().min(1).max(4000).optional(),
    card: z.unknown().optional(),
  })
  .refine((m) => (m.text === undefined) !== (m.card === undefined), { message: 'expected either text or card' });

/**
 * A local web page to talk to the bot as any persona of the school file, with cards rendered by the
 * official Adaptive Cards renderer. Development only: anyone who reaches it can act as anyone.
 */
export interface PlaygroundDeps {
  assistant: Assistant;
  directory: SchoolDirectory;
  outbox: Outbox;
  roleBook: RoleBook;
  exceptions: ExceptionCore;
  clock: AdjustableClock;
  scheduler: Scheduler;
  cards: CardRenderer;
  /** Which kernteam posts each member was shown (idempotency keys), alike for every worker. */
  store: Store;
}

export function mountPlayground(http: HttpServer, deps: PlaygroundDeps): void {
  const { assistant, directory, outbox, roleBook, exceptions, clock, scheduler, cards, store } = deps;
  const require = createRequire(import.meta.url);
  const rendererScript = readFileSync(require.resolve('adaptivecards/dist/adaptivecards.min.js'));

  http.route('GET', '/playground', (_req, res, url) => {
    const locale: Locale = url.searchParams.get('lang') === 'en' ? 'en' : 'nl';
    const html = playgroundPage(locale, personas(directory, locale), { now: clock.now(), timeZone: directory.school.timeZone });
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'",
      'cache-control': 'no-store',
    });
    res.end(html);
  });

  http.route('GET', '/playground/adaptivecards.js', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'max-age=3600' });
    res.end(rendererScript);
  });

  http.route('GET', '/playground/api/personas', (_req, res, url) => {
    const locale: Locale = url.searchParams.get('lang') === 'en' ? 'en' : 'nl';
    sendJson(res, 200, personas(directory, locale));
  });

  http.route('POST', '/playground/api/messages', async (req, res) => {
    const parsed = messageSchema.safeParse(await readJson(req));
    if (!parsed.success) throw new HttpError(400, translator('nl')('error.badRequest'));
    const message = parsed.data;
    let input: Input | CardAction | null;
    if (message.text !== undefined) input = { kind: 'text', text: message.text };
    else input = parseCardSubmit(message.card);
    if (!input) throw new HttpError(400, translator(message.locale)('error.badRequest'));
    const reply = await assistant.handle({
      platform: 'playground',
      tenantId: 'local',
      userId: message.personaId,
      conversationId: 'playground',
      deliveryId: message.deliveryId,
      locale: message.locale,
      input,
    });
    sendJson(res, 200, reply);
  });

  // A welcome for the chosen persona: who they are here and what they can start (their roles decide).
  http.route('GET', '/playground/api/welcome', async (_req, res, url) => {
    const personaId = z.string().min(1).max(100).safeParse(url.searchParams.get('personaId'));
    if (!personaId.success) throw new HttpError(400, translator('nl')('error.badRequest'));
    const locale: Locale = url.searchParams.get('lang') === 'en' ? 'en' : 'nl';
    const t = translator(locale);
    const overview = await assistant.overview('playground', personaId.data, locale);
    const person = directory.staffById(personaId.data);
    const text = overview && person ? t('playground.welcome', { name: person.name }) : t('access.unknown');
    const actions = (overview?.procedures ?? []).map((p) => ({ title: p.label, flowId: (p.data as { zorgpad: { start: string } }).zorgpad.start }));
    // What waits for this persona, read from the store: the same after a reload.
    const waiting = overview?.waiting.length ? waitingCard(cards, t, overview.waiting) : null;
    sendJson(res, 200, { card: cards.render('offer', { text, actions }), waiting });
  });

  // The playground is where notifications land locally: the page asks for a persona's new ones.
  // Posts to the kernteam channel are shown to every kernteam member once, whichever worker answers
  // (remembered in the store, as a key claimed once).
  http.route('GET', '/playground/api/inbox', async (_req, res, url) => {
    const personaId = z.string().min(1).max(100).safeParse(url.searchParams.get('personaId'));
    if (!personaId.success) throw new HttpError(400, translator('nl')('error.badRequest'));
    const delivered = [];
    for (const pending of await outbox.pendingFor(personaId.data)) {
      const item = outbox.prepared(pending);
      // With its key, and the key of the message it takes the place of (an update), as the channel's posts.
      if (await outbox.markDelivered(item, 'playground')) delivered.push({ text: item.text, card: Outbox.card(item), key: item.id, replaces: item.replaces });
    }
    if (await isKernteamMember(personaId.data)) {
      for (const item of await outbox.pendingFor(KERNTEAM_CHANNEL)) {
        if (!(await store.idempotency.claim(`playground:shown:${item.id}:${personaId.data}`, clock.now()))) continue;
        delivered.push({ text: item.text, card: Outbox.card(item), channel: 'kernteam', key: item.id, replaces: item.replaces });
      }
    }
    sendJson(res, 200, { messages: delivered });
  });

  // The demo clock: move time forward to see reminders arrive (the playground is development only).
  http.route('POST', '/playground/api/clock', async (req, res) => {
    const body = z.strictObject({ days: z.number().int().min(1).max(365) }).safeParse(await readJson(req));
    if (!body.success) throw new HttpError(400, translator('nl')('error.badRequest'));
    clock.advance(body.data.days * 86_400_000);
    // Land in school hours, so that what is due can go out.
    clock.advance(nextAllowed(clock.now(), scheduler.hours) - clock.now());
    await scheduler.tick();
    sendJson(res, 200, { now: new Date(clock.now()).toISOString() });
  });

  // The figures as a CSV download, for those who may see them.
  http.route('GET', '/playground/api/figures.csv', async (_req, res, url) => {
    const personaId = z.string().min(1).max(100).safeParse(url.searchParams.get('personaId'));
    const staff = personaId.success ? directory.staffById(personaId.data) : null;
    if (!staff) throw new HttpError(400, translator('nl')('error.badRequest'));
    const figures = await exceptionFigures(exceptions, { staffId: staff.id, roles: await roleBook.rolesOf(staff.id) }, 'playground');
    if (!figures) throw new HttpError(403, translator('nl')('exception.denied'));
    const t = translator(directory.school.locale);
    const header = {
      year: t('exception.figures.schoolYear'),
      group: t('exception.figures.group'),
      ...Object.fromEntries(COUNT_NAMES.map((n) => [n, t(countKey(n))])),
    } as Parameters<typeof figuresCsv>[1];
    res.writeHead(200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="uitzonderingen-${figures.schoolYear}.csv"`,
    });
    res.end(figuresCsv(figures, header));
  });

  async function isKernteamMember(staffId: string): Promise<boolean> {
    if (!directory.staffById(staffId)) return false;
    return can({ staffId, roles: await roleBook.rolesOf(staffId) }, 'exception.vote', { kernteamRoles: directory.school.kernteam.roles });
  }
}

function personas(directory: SchoolDirectory, locale: Locale): Persona[] {
  const t = translator(locale);
  return [
    ...directory.staff.map((s) => ({
      id: s.id,
      label: `${s.name} — ${s.roles.map((r) => t(`role.${r}`)).join(', ')}`,
    })),
    { id: UNKNOWN_PERSONA, label: t('playground.unknownPersona') },
  ];
}
