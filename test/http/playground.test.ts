import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buttonData, startTestApp, testStores, type TestApp } from '../helpers/app.js';

describe.each(testStores())('the bot through the playground HTTP API (%s store)', (store) => {
  let bot: TestApp;
  beforeEach(async () => {
    bot = await startTestApp({}, store);
  });
  afterEach(async () => {
    await bot.stop();
  });

  it('answers /healthz with the store in use', async () => {
    const res = await fetch(`${bot.base}/healthz`);
    // Without workers (one process) there is no worker number; the process id tells processes apart; the
    // school file's version is a hash (which version each process runs, without personal data).
    const body = (await res.json()) as { pid: number };
    expect(body).toEqual({ status: 'ok', store, worker: 0, pid: expect.any(Number), schoolVersion: expect.stringMatching(/^[\w-]{12}$/) });
    expect(body.pid).toBe(process.pid);
  });

  it('shows a teacher the menu on "help", as a card with buttons', async () => {
    const reply = await bot.say('t.bakker', 'help');
    expect(reply.texts).toEqual(['Waarmee kan ik je helpen?\n1. Wacht op jou\n2. Pesten\n3. Telefoon in de les\n4. Mijn herinneringen']);
    const bullying = await bot.click('t.bakker', buttonData(reply.messages[0], 'Pesten'));
    expect(bullying.texts).toEqual(['Wat wil je doen?\n1. Pesten melden\n2. Advies bij cyberpesten\n3. Plagen of pesten?\n4. Mijn meldingen']);
    expect(reply.messages[0]!.card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
  });

  it('walks a teacher from the menu card through "plagen of pesten" to the end', async () => {
    const menu = await bot.say('t.bakker', 'help');
    const bullying = await bot.click('t.bakker', buttonData(menu.messages[0], 'Pesten'));
    const intro = await bot.click('t.bakker', buttonData(bullying.messages[0], 'Plagen of pesten?'));
    expect(intro.texts[0]).toMatch(/^Plagen is een spel tussen gelijken/);
    expect(intro.texts.at(-1)).toMatch(/signalen/);
    const signs = await bot.click('t.bakker', buttonData(intro.messages.at(-1), 'Ja'));
    expect(signs.texts[0]).toMatch(/^Signalen van pesten\nLet op een leerling die:/);
    expect(signs.messages[0]!.card).toMatchObject({ body: [{ text: 'Signalen van pesten' }, { text: expect.stringContaining('slecht slaapt') }] });
    const done = await bot.click('t.bakker', buttonData(signs.messages.at(-1), 'Klaar'));
    expect(done.texts).toEqual(['Goed. Typ "help" als je later nog iets nodig hebt.']);
  });

  it('lets the beheerder give a colleague a role in chat, which takes effect at once', async () => {
    expect((await bot.say('t.bakker', 'rollen')).texts[0]).toMatch(/alleen voor: beheerder/);

    await bot.say('b.koster', 'rollen');
    await bot.say('b.koster', 'Tessa Bakker');
    const action = await bot.say('b.koster', 'beheerder');
    expect(action.texts[0]).toMatch(/^Wat wil je doen met de rol Beheerder voor Tessa Bakker\?/);
    await bot.say('b.koster', 'toekennen');
    const done = await bot.say('b.koster', 'ja');
    expect(done.texts).toEqual(['Tessa Bakker heeft nu de rol beheerder.']);

    expect((await bot.say('t.bakker', 'rollen')).texts[0]).toMatch(/^Om welke collega gaat het\?\n1\. Anouk Jansen/);
    const audit = await bot.app.store.audit.forRecord('roleAssignment', 'demo:t.bakker');
    expect(audit).toMatchObject([{ actor: 'b.koster', action: 'role.grant', channel: 'playground' }]);
  });

  it('checks the role again on the server when the change is confirmed', async () => {
    for (const text of ['rollen', 'Tessa Bakker', 'beheerder', 'toekennen', 'ja']) await bot.say('b.koster', text);
    // Tessa, now beheerder, prepares to make herself CLZ …
    for (const text of ['rollen', 'Tessa Bakker', 'clz', 'toekennen']) await bot.say('t.bakker', text);
    // … but loses the beheerder role before she confirms.
    for (const text of ['rollen', 'Tessa Bakker', 'beheerder', 'intrekken', 'ja']) await bot.say('b.koster', text);
    const confirm = await bot.say('t.bakker', 'ja');
    expect(confirm.texts).toEqual(['Dat mag je niet doen met jouw rollen. Er is niets veranderd.']);
    expect([...(await bot.app.roleBook.rolesOf('t.bakker'))]).toEqual(['vakdocent']);
  });

  it('gives someone the school does not know only an explanation of how to get access', async () => {
    for (const text of ['help', 'rollen', 'plagen', '1']) {
      const reply = await bot.say('onbekend', text);
      expect(reply.texts).toEqual([expect.stringMatching(/^Zorgpad is er alleen voor medewerkers van de school/)]);
      expect(reply.messages[0]!.card).toBeUndefined();
    }
    expect(await bot.app.store.collection('dialogStates').findBy('userKey', 'playground|local|onbekend|playground')).toEqual([]);
  });

  it('resumes a dialog where it was after a restart', async () => {
    await bot.say('m.devries', 'plagen');
    await bot.restart();
    const reply = await bot.say('m.devries', 'ja');
    expect(reply.texts[0]).toContain('Let op een leerling die');
  });

  it('handles a retried delivery once', async () => {
    await bot.say('m.devries', 'plagen');
    const first = await bot.say('m.devries', 'ja', { deliveryId: 'delivery-0001' });
    const again = await bot.say('m.devries', 'ja', { deliveryId: 'delivery-0001' });
    expect(first.texts[0]).toContain('Let op een leerling die');
    expect(again).toMatchObject({ duplicate: true, messages: [] });
    // Still at the step after the yes/no: a new "ja" is not a valid choice there.
    expect((await bot.say('m.devries', 'ja')).texts[0]).toMatch(/Kies een van de mogelijkheden/);
  });

  it('refuses malformed requests with 4xx and leaves the dialog where it was', async () => {
    await bot.say('m.devries', 'plagen');
    const cases: Array<[unknown, number]> = [
      ['{not json', 400],
      [{ personaId: 'm.devries', locale: 'nl', deliveryId: 'x' }, 400],
      [{ personaId: 'm.devries', locale: 'fr', deliveryId: 'delivery-1', text: 'ja' }, 400],
      [{ personaId: 'm.devries', locale: 'nl', deliveryId: 'delivery-2', text: 'ja', card: {} }, 400],
      [{ personaId: 'm.devries', locale: 'nl', deliveryId: 'delivery-3', card: { zorgpad: 'ja' } }, 400],
      [{ personaId: 'm.devries', locale: 'nl', deliveryId: 'delivery-4', text: 'x'.repeat(70_000) }, 413],
    ];
    for (const [body, status] of cases) {
      const res = await bot.post(body);
      expect(res.status).toBe(status);
      expect(((await res.json()) as { error: string }).error).toBeTruthy();
    }
    expect((await bot.say('m.devries', 'ja')).texts[0]).toContain('Let op een leerling die');
  });

  it('speaks English when the person picks English', async () => {
    const reply = await bot.say('m.devries', 'help', { locale: 'en' });
    expect(reply.texts[0]).toBe('What can I help you with?\n1. Waiting for you\n2. Bullying\n3. Phones in class\n4. My reminders');
    const phones = await bot.say('m.devries', '3', { locale: 'en' });
    expect(phones.texts[0]).toBe(
      'What would you like to do?\n1. Does a student have an exception?\n2. Report possible misuse\n3. Request an exception\n4. How is an exception requested?\n5. Form for parents\n6. My requests\n7. Review an exception\n8. Follow up misuse',
    );
  });
});

describe('the playground welcome', () => {
  it('greets each persona with what their roles let them start, and a stranger with how to get access', async () => {
    const bot = await startTestApp();
    try {
      const welcome = async (persona: string) =>
        (await (await fetch(`${bot.base}/playground/api/welcome?personaId=${persona}`)).json()) as { card: { body: Array<{ text: string }>; actions?: Array<{ title: string; data: unknown }> } };
      const mentor = await welcome('m.devries');
      expect(mentor.card.body[0]!.text).toMatch(/^Welkom, Marloes de Vries\./);
      expect(mentor.card.actions!.map((a) => a.title)).toEqual(['Pesten melden', 'Advies bij cyberpesten', 'Uitzondering telefoonverbod aanvragen']);
      const teacher = await welcome('t.bakker');
      expect(teacher.card.actions!.map((a) => a.title)).toEqual(['Pesten melden', 'Advies bij cyberpesten']);
      // Its buttons start the procedure.
      const started = await bot.click('t.bakker', teacher.card.actions![0]!.data);
      expect(started.texts[0]).toMatch(/^Je wilt pesten melden\./);
      expect((await welcome('onbekend')).card.body[0]!.text).toMatch(/^Zorgpad is er alleen voor medewerkers/);
    } finally {
      await bot.stop();
    }
  });
});
