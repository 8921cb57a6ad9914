import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { browserTestsRun, launchBrowser, typeInPlayground } from '../helpers/browser.js';

/**
 * The README's "Try it" list, step by step as written, in Debian Chromium: what a newcomer does first.
 * The steps are read from the README, so that the list and this test cannot drift apart.
 */
const README = readFileSync('README.md', 'utf8');
const TRY_IT = README.slice(README.indexOf('Try it:'), README.indexOf('## Commands')).replace(/\s+/g, ' ');

describe.skipIf(!browserTestsRun())("the README's walk-through, as written", () => {
  let bot: TestApp;
  let browser: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    bot = await startTestApp();
    ({ context: browser, page } = await launchBrowser());
    await page.goto(`${bot.base}/playground`);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
  });

  const as = async (persona: string) => {
    await page.selectOption('#persona', persona);
    await page.locator('#welcome .ac-pushButton').first().waitFor();
  };
  const type = (text: string) => typeInPlayground(page, text);
  const press = (label: string) => page.locator('.card .ac-pushButton', { hasText: label }).last().click();

  it('says what it walks through', () => {
    for (const step of ['*Tessa Bakker* (vakdocent) type `pesten melden`', 'open the case from the notification', 'type `mijn zaken`', 'type `uitzondering aanvragen` (student `L1001`)', 'write a motivation in the kernteam card and vote', 'ask `heeft L1001 een uitzondering?`', 'press **+1 week**', 'record the review from its button']) {
      expect(TRY_IT, step).toContain(step);
    }
  });

  it('as Tessa: pesten melden; as Marloes: open the case from the notification; as Selin and Henk: mijn zaken', async () => {
    await as('t.bakker');
    await type('pesten melden');
    await press('Het is pesten');
    for (const text of ['L1001', 'L1002', 'geen', 'In de les', 'vandaag']) await type(text);
    for (const text of ['2', 'Binnen de klas', 'nee', 'Tijdens de les uitgelachen.']) await type(text);
    await press('Ja');
    await page.locator('.msg .text, .card', { hasText: 'Je melding is vastgelegd' }).first().waitFor();

    await as('m.devries');
    const notice = page.locator('.card', { hasText: 'Nieuwe melding van pesten' });
    await notice.waitFor({ timeout: 5000 });
    await notice.locator('.ac-pushButton', { hasText: 'Zaak openen' }).click();
    await page.locator('.msg .text', { hasText: 'Zaak rond L1001 (1A)' }).waitFor();

    for (const persona of ['s.yilmaz', 'h.smit']) {
      await as(persona);
      await type('mijn zaken');
      await page.locator('.card', { hasText: 'Welke zaak wil je bekijken?' }).last().waitFor();
      expect(await page.locator('.card', { hasText: 'Welke zaak wil je bekijken?' }).last().textContent()).toContain('L1001 (1A)');
    }
  });

  it('as Marloes: uitzondering aanvragen for L1001; as Anouk and Lotte: a motivation and a vote on the kernteam card; as Tessa: heeft L1001 een uitzondering?', async () => {
    await as('m.devries');
    for (const text of ['uitzondering aanvragen', 'L1001', 'Medisch', '2', 'Glucosesensor', '1', '3', '1', '2', '-', 'dossier in Magister', '1', 'alle lessen', 'glucose-app', '1', '1, 4', '2']) {
      await type(text);
    }
    await press('Indienen');
    await page.locator('.msg .text', { hasText: 'De aanvraag is ingediend bij het kernteam' }).waitFor();

    for (const [persona, motivation] of [['a.jansen', 'Medisch nodig, goed onderbouwd.'], ['l.verhoeven', 'Akkoord, alleen meldingen.']] as const) {
      await as(persona);
      // The kernteam channel, beside the chat.
      const card = page.locator('#channel .card', { hasText: 'Aanvraag uitzondering telefoonverbod — L1001' }).last();
      await card.waitFor({ timeout: 5000 });
      await card.locator('textarea').fill(motivation);
      await card.locator('.ac-pushButton', { hasText: 'Toekennen' }).click();
      await page.locator('.msg .text', { hasText: /Je stem is vastgelegd/ }).waitFor();
    }

    await as('t.bakker');
    await type('heeft L1001 een uitzondering?');
    const answer = page.locator('.msg .text', { hasText: 'L1001 (1A) heeft een uitzondering op het telefoonverbod' }).last();
    await answer.waitFor();
    expect(await answer.textContent()).not.toMatch(/medisch|Glucosesensor|glucose-app/i);
  });

  it('as Marloes: +1 week until the review reminder arrives, and the review recorded from its button', async () => {
    await as('m.devries');
    const reminder = page.locator('.card', { hasText: 'Evaluatie uitzondering telefoonverbod' });
    for (let week = 1; week <= 14 && (await reminder.count()) === 0; week++) {
      const shown = await page.locator('#clock').textContent();
      await page.locator('#forward').click();
      await page.waitForFunction((before) => document.getElementById('clock')?.textContent !== before, shown);
      await reminder.first().waitFor({ timeout: 1500 }).catch(() => undefined);
    }
    await reminder.first().locator('.ac-pushButton', { hasText: 'Evaluatie vastleggen' }).click();
    await page.locator('.card', { hasText: 'Zijn ouders en leerling gehoord?' }).waitFor();
    for (const label of ['Ja', 'Ja', 'Ja']) await press(label);
    await type('-');
    await press('Voortzetten');
    await page.locator('.msg .text', { hasText: /^De evaluatie is vastgelegd/ }).waitFor();
  });
});
