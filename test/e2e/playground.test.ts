import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { browserTestsRun, launchBrowser, screenshotIfFailed, typeInPlayground } from '../helpers/browser.js';
import { fillParentsForm, MARKDOWN_FROM_PARENTS, parentsLink } from '../helpers/parents-form.js';

const available = browserTestsRun();

describe.skipIf(!available)('the playground in a real browser (Debian Chromium)', () => {
  let bot: TestApp;
  let browser: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    bot = await startTestApp();
    ({ context: browser, page } = await launchBrowser());
  }, 60_000);

  // A screenshot of the page when a test fails, for the CI log reader.
  afterEach((context) => screenshotIfFailed(context, page));

  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
  });

  it('says it is a demo and lists the personas of the school file', async () => {
    await page.goto(`${bot.base}/playground`);
    await expect(page.locator('.notice').textContent()).resolves.toMatch(/^Demo: /);
    const personas = await page.locator('#persona option').allTextContents();
    expect(personas).toContain('Marloes de Vries — mentor, vakdocent');
    expect(personas.at(-1)).toBe('Onbekende gebruiker (geen medewerker)');
  });

  it('chats as a persona and works the rendered card buttons', async () => {
    await page.goto(`${bot.base}/playground`);
    await page.selectOption('#persona', 't.bakker');
    await page.fill('#text', 'help');
    await page.press('#text', 'Enter');
    // The menu arrives as an Adaptive Card rendered by the official renderer.
    await page.locator('.card .ac-pushButton', { hasText: 'Pesten' }).click();
    await page.locator('.card .ac-pushButton', { hasText: 'Plagen of pesten?' }).click();
    await page.locator('.msg .text', { hasText: 'Plagen is een spel tussen gelijken' }).waitFor();
    await expect(page.locator('.msg .text', { hasText: 'Plagen is een spel tussen gelijken' }).count()).resolves.toBe(1);
    await page.locator('.card .ac-pushButton', { hasText: 'Ja' }).last().click();
    await page.locator('.card', { hasText: 'Let op een leerling die' }).waitFor();
  });

  it('fills in and sends a card form (drop-down) for the beheerder', async () => {
    await page.goto(`${bot.base}/playground`);
    await page.selectOption('#persona', 'b.koster');
    await page.fill('#text', 'rollen');
    await page.press('#text', 'Enter');
    const card = page.locator('.card').last();
    await card.locator('select').selectOption({ label: 'Tessa Bakker' });
    await card.locator('.ac-pushButton', { hasText: 'Verstuur' }).click();
    await page.locator('.card', { hasText: 'Welke rol?' }).locator('select').waitFor();
  });

  it('carries a teacher\'s signal to the mentor, who opens the case from the notification card', async () => {
    await page.goto(`${bot.base}/playground`);
    await page.selectOption('#persona', 't.bakker');
    const type = (text: string) => typeInPlayground(page, text);
    for (const text of ['pesten melden', '1', 'L1001', 'L1002', 'geen', '1', 'vandaag', '2', '1', 'nee', '-', 'ja']) await type(text);
    await page.locator('.card', { hasText: 'Tekst voor Magister' }).waitFor();

    await page.selectOption('#persona', 'm.devries');
    const notice = page.locator('.card', { hasText: 'Nieuwe melding van pesten' });
    await notice.waitFor({ timeout: 5000 });
    await notice.locator('.ac-pushButton', { hasText: 'Zaak openen' }).click();
    await page.locator('.msg .text', { hasText: 'Volgende stap volgens het protocol: gesprek met de gepeste leerling.' }).waitFor();
    await page.locator('.card').last().locator('select').selectOption({ label: 'Gesprek met de gepeste leerling' });
    await page.locator('.card').last().locator('.ac-pushButton', { hasText: 'Verstuur' }).click();
    await page.locator('.card', { hasText: 'Herkent de leerling dat hij of zij gepest wordt?' }).waitFor();
  });

  it('files an exception request as a mentor and decides it as two kernteam members, one from "Wacht op jou" after a reload, one in the rendered card', async () => {
    await page.goto(`${bot.base}/playground`);
    await page.selectOption('#persona', 'm.devries');
    const type = (text: string) => typeInPlayground(page, text);
    // Marloes may still be in the conversation of an earlier test: stop it first.
    for (const text of [
      'stop', 'uitzondering aanvragen', 'L1001', '1', '2', 'Glucosesensor', '1', '3', '1', '2', '-', 'dossier in Magister', '2',
      'alle lessen', 'glucose-app', '1', '1, 4', '2',
    ]) await type(text);
    await page.locator('.card .ac-pushButton', { hasText: 'Indienen' }).click();
    await page.locator('.msg .text', { hasText: 'De aanvraag is ingediend bij het kernteam' }).waitFor();

    // Anouk comes back later (a reload): the request waits for her vote in "Wacht op jou", and she votes from there.
    await page.reload();
    await page.selectOption('#persona', 'a.jansen');
    const waiting = page.locator('#waiting');
    await waiting.locator('.ac-textBlock', { hasText: /^Stem uitbrengen: aanvraag voor L1001 \(1A\)/ }).waitFor({ timeout: 5000 });
    await waiting.locator('.ac-pushButton', { hasText: 'Openen' }).click();
    const opened = waiting.locator('.ac-adaptiveCard', { hasText: 'Aanvraag uitzondering telefoonverbod — L1001' });
    await opened.waitFor({ timeout: 5000 });
    await opened.locator('textarea').fill('Medisch nodig, goed onderbouwd.');
    await opened.locator('.ac-pushButton', { hasText: 'Toekennen' }).click();
    await page.locator('.msg .text', { hasText: /Je stem is vastgelegd/ }).waitFor();
    // Reloaded again, nothing waits for her any more.
    await page.reload();
    await page.selectOption('#persona', 'a.jansen');
    await page.locator('#welcome .ac-adaptiveCard').waitFor();
    expect(await waiting.locator('.ac-textBlock', { hasText: 'Stem uitbrengen' }).count()).toBe(0);

    for (const [persona, motivation] of [['l.verhoeven', 'Akkoord, alleen meldingen.']] as const) {
      await page.selectOption('#persona', persona);
      const card = page.locator('.card', { hasText: 'Aanvraag uitzondering telefoonverbod — L1001' }).last();
      await card.waitFor({ timeout: 5000 });
      await card.locator('textarea').fill(motivation);
      await card.locator('.ac-pushButton', { hasText: 'Toekennen' }).click();
      await page.locator('.msg .text', { hasText: /Je stem is vastgelegd/ }).waitFor();
    }
    // The clicked card now shows the outcome, without buttons.
    const outcome = page.locator('.card', { hasText: 'Besluit over L1001: toegekend' }).first();
    await outcome.waitFor();
    expect(await outcome.locator('.ac-pushButton').count()).toBe(0);

    // A subject teacher gets the discreet signal, without the ground.
    await page.selectOption('#persona', 't.bakker');
    const signal = page.locator('.msg .text', { hasText: 'L1001 (1A) heeft een uitzondering op het telefoonverbod' });
    await signal.waitFor({ timeout: 5000 });
    expect(await signal.textContent()).not.toMatch(/medisch|Glucosesensor|glucose-app/i);
  });

  it('brings the review reminder to the mentor once the demo clock has moved on, and starts the review from it', async () => {
    await page.goto(`${bot.base}/playground`);
    await page.selectOption('#persona', 'm.devries');
    const reminder = page.locator('.card', { hasText: 'Evaluatie uitzondering telefoonverbod' });
    // The review is due some weeks after the decision; a week per click, as a person would.
    for (let week = 1; week <= 14 && (await reminder.count()) === 0; week++) {
      const shown = await page.locator('#clock').textContent();
      await page.locator('#forward').click();
      await page.waitForFunction((before) => document.getElementById('clock')?.textContent !== before, shown);
      await reminder.first().waitFor({ timeout: 1500 }).catch(() => undefined);
    }
    await reminder.first().waitFor({ timeout: 3000 });
    expect(await reminder.first().textContent()).toMatch(/L1001/);
    await reminder.first().locator('.ac-pushButton', { hasText: 'Evaluatie vastleggen' }).click();
    await page.locator('.card', { hasText: 'Zijn ouders en leerling gehoord?' }).waitFor();
  });

  it('shows what parents typed in the kernteam\'s details card as they typed it: no link, no bold, no backslashes', async () => {
    await bot.say('m.devries', 'stop');
    await bot.say('m.devries', 'formulier voor ouders');
    const url = parentsLink((await bot.say('m.devries', 'L1002')).texts);
    expect(await fillParentsForm(bot.base, url, MARKDOWN_FROM_PARENTS)).toBe(200);
    const draft = (await bot.app.store.collection('exceptionRequests').findBy('studentRef', 'L1002')).at(-1)!;
    await page.goto(`${bot.base}/playground`);
    await page.selectOption('#persona', 'l.verhoeven');
    // The Details button of the kernteam card sends this.
    await page.evaluate((id) => (globalThis as unknown as { send(body: unknown, shown: string): Promise<void> }).send({ card: { zorgpad: { details: id } } }, 'Details'), draft.id);
    const card = page.locator('.card', { hasText: 'Details van de aanvraag voor L1002' }).last();
    await card.waitFor();
    expect(await card.locator('a, strong, em, b, i, h1, h2, li').count()).toBe(0);
    const text = await card.innerText();
    for (const typed of Object.values(MARKDOWN_FROM_PARENTS)) expect(text).toContain(typed);
    expect(text).not.toContain('\\');
  });

  it('closes a question abandoned with Stop: its card keeps the question, says it is closed and has no buttons', async () => {
    await page.goto(`${bot.base}/playground`);
    await page.selectOption('#persona', 'r.elmoussaoui');
    await typeInPlayground(page, 'pesten melden');
    const question = page.locator('.card').last();
    await question.locator('.ac-pushButton').first().waitFor();
    const prompt = (await question.innerText()).split('\n')[0]!;
    await typeInPlayground(page, 'stop');
    const closed = page.locator('.card', { hasText: 'Deze vraag is gesloten.' });
    await closed.waitFor();
    expect(await closed.innerText()).toContain(prompt);
    expect(await closed.locator('.ac-pushButton').count()).toBe(0);
  });

  it('switches the page to English', async () => {
    await page.goto(`${bot.base}/playground?lang=en`);
    await expect(page.locator('#composer button').textContent()).resolves.toBe('Send');
    await page.selectOption('#persona', 't.bakker');
    await page.fill('#text', 'help');
    await page.press('#text', 'Enter');
    await page.locator('.card .ac-pushButton', { hasText: 'Phones in class' }).waitFor();
  });
});
