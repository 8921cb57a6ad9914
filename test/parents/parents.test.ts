import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CollectionName } from '../../src/core/kernel/ports.js';
import { TestClock } from '../helpers/clock.js';
import { buttonData, startTestApp, type PlaygroundReply, type TestApp } from '../helpers/app.js';
import { FILLED } from '../helpers/parents.js';
import { cardProblems } from '../helpers/adaptive-cards.js';

const DAY = 86_400_000;

/** A browser's visit: the form page with its cookie and hidden fields. */
async function openForm(base: string, url: string): Promise<{ status: number; html: string; cookie: string; csrf: string; secret: string }> {
  const res = await fetch(url.replace(/^https?:\/\/[^/]+/, base));
  const html = await res.text();
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  return {
    status: res.status,
    html,
    cookie,
    csrf: /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '',
    secret: /name="t" value="([^"]+)"/.exec(html)?.[1] ?? '',
  };
}


function send(base: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}/ouders/formulier`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

describe('the parents’ form behind a personal link', () => {
  let bot: TestApp;
  let clock: TestClock;
  beforeEach(async () => {
    clock = new TestClock(Date.parse('2026-11-30T10:00:00+01:00'));
    bot = await startTestApp({}, 'sqlite', clock);
  });
  afterEach(async () => {
    await bot.stop();
  });

  /** The mentor asks the bot for a link for L1002 (class 1A, mentor M. de Vries). */
  async function link(persona = 'm.devries', student = 'L1002'): Promise<string> {
    await bot.say(persona, 'formulier voor ouders');
    const reply = await bot.say(persona, student);
    const url = /https?:\/\/\S+\/ouders\/formulier\?t=[A-Za-z0-9_-]+/.exec(reply.texts.join('\n'))?.[0];
    expect(url, reply.texts.join('\n')).toBeTruthy();
    return url!;
  }
  const draftsOf = async (student: string) => (await bot.app.store.collection('exceptionRequests').findBy('studentRef', student)).filter((r) => r.status === 'draft');
  const notesFor = async (staffId: string) => (await bot.app.store.collection('outbox').findBy('staffId', staffId)).map((n) => n.text);

  it('gives the mentor a single-use link that names no student, and puts what the parents send in the mentor’s draft', async () => {
    const url = await link();
    expect(url).not.toMatch(/L1002|1A|B\.M\./);
    const form = await openForm(bot.base, url);
    expect(form.status).toBe(200);
    expect(form.html).toContain('Waarvoor heeft uw kind de telefoon nodig op school?');
    expect(form.html).not.toMatch(/L1002|B\.M\./);
    const done = await send(bot.base, { ...FILLED, t: form.secret, csrf: form.csrf }, { cookie: form.cookie, origin: bot.base });
    expect(done.status).toBe(200);
    const thanks = await done.text();
    expect(thanks).toContain('De school heeft uw antwoorden.');
    // The kernteam's term, from the school file (10 school days in the demo school).
    expect(thanks).toContain('Binnen 10 schooldagen hoort u wat de school besluit.');

    const [draft] = await draftsOf('L1002');
    expect(draft?.requesterStaffId).toBe('m.devries');
    expect(draft?.fromParents).toMatchObject({ need: FILLED.need, studentWords: FILLED.words, documentsWhere: FILLED.where, consent: true });
    expect(draft?.studentWords).toBe(FILLED.words);
    expect(draft?.documents).toEqual({ verwijsbrief: 'aanwezig', opp: 'nvt', diagnose: 'volgt', motivatie: 'aanwezig' });
    expect((await notesFor('m.devries')).join('\n')).toMatch(/De ouders van L1002 hebben het formulier ingevuld/);
    // The details (kernteam and requester only) show what came from the parents, as they wrote it.
    const details = await bot.click('m.devries', { zorgpad: { details: draft!.id } });
    const facts = JSON.stringify(details.messages.map((m) => m.card));
    expect(facts).toContain('van de ouders (30-11-2026)');
    expect(facts).toContain(FILLED.need);
    expect(facts).toContain('Ja, om dit met het kernteam te delen');

    // An access request for the student includes the link (never its secret) and what the parents sent.
    const exported = await bot.say('b.koster', 'gegevens van L1002');
    const data = JSON.parse(exported.texts[1]!) as { parentLinks: Array<{ staffId: string; submission: { need: string } }> };
    expect(data.parentLinks.map((l) => [l.staffId, l.submission.need])).toEqual([['m.devries', FILLED.need]]);
    expect(exported.texts[1]).not.toContain(form.secret);

    // Spent: the page says so, and sending again changes nothing.
    const again = await openForm(bot.base, url);
    expect(again.status).toBe(410);
    expect(again.html).toContain('Deze link is al gebruikt');
    const replay = await send(bot.base, { ...FILLED, need: 'iets anders', t: form.secret, csrf: form.csrf }, { cookie: form.cookie });
    expect(replay.status).toBe(410);
    expect((await draftsOf('L1002'))[0]?.fromParents?.need).toBe(FILLED.need);
  });

  it('gives the link as a card: the link alone to copy, a button that opens it, and the link in the text for clients without cards', async () => {
    await bot.say('m.devries', 'formulier voor ouders');
    const reply = await bot.say('m.devries', 'L1002');
    const message = reply.messages.find((m) => /\/ouders\/formulier\?t=/.test(m.text))!;
    const url = /https?:\/\/\S+\/ouders\/formulier\?t=[A-Za-z0-9_-]+/.exec(message.text)![0];
    const card = message.card as unknown as { body: Array<{ type: string; id?: string; text: string; fontType?: string }>; actions: Array<{ type: string; title: string; url: string }> };
    expect(cardProblems(card)).toEqual([]);
    expect(card.body[0]!.text).toBe('Link voor de ouders van L1002 (kopieer en stuur):');
    // The block to copy holds the link and nothing else (as markdown: its "_" escaped, read back by every host).
    const copy = card.body.find((b) => b.id === 'copy-text')!;
    expect(copy).toMatchObject({ type: 'TextBlock', fontType: 'Monospace' });
    expect(copy.text.replace(/\\(.)/g, '$1')).toBe(url);
    expect(card.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Formulier bekijken', url }]);
    expect((await openForm(bot.base, card.actions[0]!.url)).status).toBe(200);
  });

  it('shows a clear page for an expired link and stores nothing', async () => {
    const url = await link();
    const form = await openForm(bot.base, url);
    clock.t += 15 * DAY;
    const expired = await openForm(bot.base, url);
    expect(expired.status).toBe(410);
    expect(expired.html).toContain('Deze link werkt niet meer');
    const late = await send(bot.base, { ...FILLED, t: form.secret, csrf: form.csrf }, { cookie: form.cookie });
    expect(late.status).toBe(410);
    expect((await draftsOf('L1002'))[0]?.fromParents).toBeUndefined();
  });

  it('shows a clear page for a forged or mistyped link and stores nothing', async () => {
    await link();
    for (const t of ['', 'abc', 'A'.repeat(32), '../../etc/passwd', 'L1002']) {
      const page = await openForm(bot.base, `${bot.base}/ouders/formulier?t=${encodeURIComponent(t)}`);
      expect(page.status).toBe(404);
      expect(page.html).toContain('Deze link klopt niet');
      const forged = await send(bot.base, { ...FILLED, t, csrf: 'x'.repeat(24) }, { cookie: `zp_form=${'x'.repeat(24)}` });
      expect([403, 404, 400]).toContain(forged.status);
    }
    expect((await draftsOf('L1002'))[0]?.fromParents).toBeUndefined();
  });

  it('refuses a post without the form’s cookie, or from another site, and stores nothing', async () => {
    const url = await link();
    const form = await openForm(bot.base, url);
    const noCookie = await send(bot.base, { ...FILLED, t: form.secret, csrf: form.csrf });
    expect(noCookie.status).toBe(403);
    expect(await noCookie.text()).toContain('Er is niets opgeslagen.');
    const otherSite = await send(bot.base, { ...FILLED, t: form.secret, csrf: form.csrf }, { cookie: form.cookie, origin: 'https://evil.example' });
    expect(otherSite.status).toBe(403);
    expect((await draftsOf('L1002'))[0]?.fromParents).toBeUndefined();
    // The link still works afterwards.
    expect((await openForm(bot.base, url)).status).toBe(200);
  });

  it('keeps what was typed and says what is missing', async () => {
    const url = await link();
    const form = await openForm(bot.base, url);
    const partial = await send(bot.base, { t: form.secret, csrf: form.csrf, need: FILLED.need, words: '', 'doc-verwijsbrief': 'aanwezig' }, { cookie: form.cookie });
    expect(partial.status).toBe(422);
    const html = await partial.text();
    expect(html).toContain('Er mist nog iets');
    expect(html).toContain('Schrijf op wat uw kind zelf zegt.');
    expect(html).toContain(FILLED.need.replace(/;/g, ';'));
    expect(html).toMatch(/id="doc-verwijsbrief-aanwezig" name="doc-verwijsbrief" value="aanwezig" checked/);
    expect((await draftsOf('L1002'))[0]?.fromParents).toBeUndefined();
  });

  it('makes links only for the student’s own mentor or the zorgcoördinator', async () => {
    // J. Pietersen mentors 2B, not 1A.
    await bot.say('j.pietersen', 'formulier voor ouders');
    const refused = await bot.say('j.pietersen', 'L1002');
    expect(refused.texts.join('\n')).toMatch(/alleen de mentor van de klas van de leerling of de zorgcoördinator/);
    expect(await bot.app.store.collection('parentLinks').findBy('studentRef', 'L1002')).toEqual([]);
    const url = await link('a.jansen', 'L1002');
    expect(url).toContain('/ouders/formulier?t=');
  });

  it('slows down someone who tries many links, with a page that says to wait', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push((await fetch(`${bot.base}/ouders/formulier?t=${'B'.repeat(31)}${i % 10}`)).status);
    expect(statuses.slice(0, 30).every((s) => s === 404)).toBe(true);
    const wait = await fetch(`${bot.base}/ouders/formulier?t=x`);
    expect(wait.status).toBe(429);
    expect(await wait.text()).toContain('Wacht tien minuten');
  });

  it('loses nothing when the store fails half-way: the answers wait on the link and the parents’ second try finishes them', async () => {
    await bot.stop();
    let failNextDraftWrite = false;
    bot = await startTestApp({}, 'sqlite', clock, {
      wrapStore: (inner) => ({
        ...inner,
        collection: <N extends CollectionName>(name: N) => {
          const base = inner.collection(name);
          if (name !== 'exceptionRequests') return base;
          return {
            ...base,
            update: async (record: Parameters<typeof base.update>[0]) => {
              if (failNextDraftWrite) {
                failNextDraftWrite = false;
                throw new Error('store went away');
              }
              return base.update(record);
            },
          };
        },
      }),
    });
    const url = await link();
    const form = await openForm(bot.base, url);
    failNextDraftWrite = true;
    const failed = await send(bot.base, { ...FILLED, t: form.secret, csrf: form.csrf }, { cookie: form.cookie });
    expect(failed.status).toBe(503);
    expect(await failed.text()).toContain('Ga terug en druk over een paar minuten nog een keer op Versturen.');
    expect((await draftsOf('L1002'))[0]?.fromParents).toBeUndefined();
    const again = await send(bot.base, { ...FILLED, t: form.secret, csrf: form.csrf }, { cookie: form.cookie });
    expect(again.status).toBe(200);
    expect((await draftsOf('L1002'))[0]?.fromParents?.need).toBe(FILLED.need);
    expect((await notesFor('m.devries')).filter((n) => /De ouders van L1002/.test(n))).toHaveLength(1);
  });

  /** Every text and card of a reply, for assertions on what the person is shown. */
  const shown = (reply: PlaygroundReply) => JSON.stringify(reply.messages);

  it('pre-fills the mentor’s continued draft with the parents’ answers, marked, and shows the kernteam both where the mentor changed one', async () => {
    const url = await link();
    const form = await openForm(bot.base, url);
    expect((await send(bot.base, { ...FILLED, t: form.secret, csrf: form.csrf }, { cookie: form.cookie })).status).toBe(200);

    const list = await bot.say('m.devries', 'mijn aanvragen');
    const resumed = await bot.click('m.devries', buttonData(list.messages[0], 'Verder invullen'));
    expect(resumed.texts.at(-1)).toMatch(/^Op welke grond\?/);
    await bot.say('m.devries', 'Medisch');
    // The questions the parents answered are asked with their answer filled in and marked.
    const purpose = await bot.say('m.devries', 'Medische app (bijvoorbeeld glucosemeting)');
    expect(purpose.texts.at(-1)).toContain(`Nu ingevuld: ${FILLED.need} (van de ouders). Typ "ok" om dat te houden`);
    const referral = await bot.say('m.devries', 'ok');
    expect(referral.texts.at(-1)).toMatch(/^Verwijsbrief .*\n+Nu ingevuld: Aanwezig \(van de ouders\)\./s);
    // On the card the parents' choice is the marked button.
    expect(shown(referral)).toContain('"title":"Aanwezig (van de ouders)"');
    expect(shown(referral)).toContain('"title":"Volgt nog"');
    const opp = await bot.say('m.devries', 'ok');
    expect(opp.texts.at(-1)).toContain('Nu ingevuld: Niet van toepassing (van de ouders).');
    expect(shown(opp)).toContain('"title":"Niet van toepassing (van de ouders)"');
    const diagnosis = await bot.say('m.devries', 'ok');
    expect(diagnosis.texts.at(-1)).toContain('Nu ingevuld: Volgt nog (van de ouders).');
    // The mentor changes this one.
    const motivation = await bot.say('m.devries', 'Aanwezig');
    expect(motivation.texts.at(-1)).toContain('Nu ingevuld: Aanwezig (van de ouders).');
    const words = await bot.say('m.devries', 'ok');
    expect(words.texts.at(-1)).toContain(`Nu ingevuld: ${FILLED.words} (van de ouders).`);
    const where = await bot.say('m.devries', 'ok');
    expect(where.texts.at(-1)).toContain(`Nu ingevuld: ${FILLED.where} (van de ouders).`);
    const scope = await bot.say('m.devries', 'ok');
    expect(scope.texts.at(-1)).toMatch(/^Waar geldt de uitzondering\?/);
    expect(shown(scope)).not.toContain('van de ouders');
    for (const answer of ['Ook in toetsweken', 'alle lessen', 'glucose-app, alleen meldingen', 'Meldingen bekijken en er meteen op reageren', '1, 4', '2']) await bot.say('m.devries', answer);
    const submitted = await bot.say('m.devries', 'Indienen');
    expect(submitted.texts[0]).toMatch(/^De aanvraag is ingediend bij het kernteam\./);

    // Kept: the parents' answers as they sent them, and the mentor's in the request.
    const [request] = await bot.app.store.collection('exceptionRequests').findBy('studentRef', 'L1002');
    expect(request).toMatchObject({ status: 'submitted', purposeDetail: FILLED.need, studentWords: FILLED.words, documentsLocation: FILLED.where });
    expect(request!.documents).toEqual({ verwijsbrief: 'aanwezig', opp: 'nvt', diagnose: 'aanwezig', motivatie: 'aanwezig' });
    expect(request!.fromParents?.documents).toEqual({ verwijsbrief: 'aanwezig', opp: 'nvt', diagnose: 'volgt', motivatie: 'aanwezig' });
    // The kernteam's card shows both answers where they differ.
    const inbox = (await (await fetch(`${bot.base}/playground/api/inbox?personaId=a.jansen`)).json()) as { messages: Array<{ channel?: string; card?: unknown }> };
    const card = JSON.stringify(inbox.messages.filter((m) => m.channel === 'kernteam').at(-1)?.card);
    expect(card).toContain('verwijsbrief: aanwezig; OPP of behandelplan: n.v.t.; verklaring diagnose — mentor: aanwezig, ouders: volgt; motivatie leerling: aanwezig');
  });

  it('takes exactly one of two forms sent at once with one link, and tells the other sender theirs was not taken', async () => {
    await bot.stop();
    // The first form's answers are held on their way into the draft, so that the second arrives while
    // the first is still being put there: the moment both senders used to hear "Dank u wel".
    let slow = false;
    bot = await startTestApp({}, 'sqlite', clock, {
      wrapStore: (inner) => ({
        ...inner,
        collection: <N extends CollectionName>(name: N) => {
          const base = inner.collection(name);
          if (name !== 'exceptionRequests') return base;
          return {
            ...base,
            update: async (record: Parameters<typeof base.update>[0]) => {
              if (slow) await new Promise((resolve) => setTimeout(resolve, 300));
              return base.update(record);
            },
          };
        },
      }),
    });
    const url = await link();
    // Two people open the link, each in their own browser; one reads the form in English.
    const dutch = await openForm(bot.base, url);
    const english = await openForm(bot.base, `${url}&lang=en`);
    expect(dutch.csrf).not.toBe(english.csrf);
    const answers = {
      nl: { ...FILLED, need: 'Voor de suikermeter, zegt de moeder.' },
      en: { ...FILLED, need: 'For the glucose app, says the father.', 'doc-opp': 'volgt' },
    };
    slow = true;
    const [fromDutch, fromEnglish] = await Promise.all([
      send(bot.base, { ...answers.nl, t: dutch.secret, csrf: dutch.csrf }, { cookie: dutch.cookie }),
      send(bot.base, { ...answers.en, t: english.secret, csrf: english.csrf, lang: 'en' }, { cookie: english.cookie }),
    ]);
    slow = false;
    const pages = { nl: { status: fromDutch.status, html: await fromDutch.text() }, en: { status: fromEnglish.status, html: await fromEnglish.text() } };
    expect([pages.nl.status, pages.en.status].sort()).toEqual([200, 409]);
    const winner = pages.nl.status === 200 ? 'nl' : 'en';
    const loser = winner === 'nl' ? 'en' : 'nl';
    expect(pages[winner].html).toContain(winner === 'nl' ? 'Dank u wel' : 'Thank you');
    expect(pages[loser].html).toContain(loser === 'nl' ? 'Uw antwoorden zijn niet opgeslagen' : 'Your answers were not saved');
    expect(pages[loser].html).toContain(loser === 'nl' ? 'De school heeft dus niet wat u nu invulde.' : 'So the school does not have what you filled in now.');
    expect(pages[loser].html).not.toMatch(/Dank u wel|Thank you|De school heeft uw antwoorden|The school has your answers/);
    // What is kept is the winner's, once; the mentor is told once.
    const [draft] = await draftsOf('L1002');
    expect(draft?.fromParents?.need).toBe(answers[winner].need);
    expect(draft?.fromParents?.documents.opp).toBe(answers[winner]['doc-opp']);
    const [spent] = await bot.app.store.collection('parentLinks').findBy('studentRef', 'L1002');
    expect(spent?.submission?.need).toBe(answers[winner].need);
    expect((await notesFor('m.devries')).filter((n) => /De ouders van L1002/.test(n))).toHaveLength(1);
    // Sending the losing form again does not change that either.
    const again = loser === 'nl' ? await send(bot.base, { ...answers.nl, t: dutch.secret, csrf: dutch.csrf }, { cookie: dutch.cookie }) : await send(bot.base, { ...answers.en, t: english.secret, csrf: english.csrf, lang: 'en' }, { cookie: english.cookie });
    expect(again.status).toBe(409);
    expect((await draftsOf('L1002'))[0]?.fromParents?.need).toBe(answers[winner].need);
  });

  it('serves the information page without personal data, in Dutch and English', async () => {
    const nl = await fetch(`${bot.base}/info/telefoon-uitzondering`);
    expect(nl.status).toBe(200);
    const html = await nl.text();
    expect(html).toContain('<html lang="nl" dir="ltr">');
    expect(html).toContain('A. Jansen, zorgcoördinator');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/L\d{4}/);
    const en = await (await fetch(`${bot.base}/info/telefoon-uitzondering?lang=en`)).text();
    expect(en).toContain('<html lang="en" dir="ltr">');
    expect(en).toContain('Phones in class: asking for an exception');
    // The decision term is the school file's.
    expect(html).toContain('Binnen 10 schooldagen hoort u wat de school besluit, en waarom.');
    expect(en).toContain('Within 10 school days you hear what the school decides, and why.');
    expect(html).not.toContain('{days}');
  });
});
