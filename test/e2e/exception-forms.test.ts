import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { browserTestsRun, launchBrowser, screenshotIfFailed, typeInPlayground } from '../helpers/browser.js';

const available = browserTestsRun();

/**
 * A mentor asks a phone-ban exception in the playground, as a person would: the procedure's name and the
 * student number typed, then three form cards filled in and sent, then "Indienen": six turns in all.
 */
describe.skipIf(!available)('the exception request in forms, in Chromium', () => {
  let bot: TestApp;
  let browser: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    bot = await startTestApp();
    ({ context: browser, page } = await launchBrowser());
  }, 60_000);
  afterEach((context) => screenshotIfFailed(context, page));
  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
  });

  /** The form card with this title, once it has arrived. */
  async function form(title: string): Promise<Locator> {
    const card = page.locator('.card', { has: page.locator('.ac-textBlock', { hasText: title }) }).last();
    await card.locator('.ac-pushButton', { hasText: 'Verstuur' }).waitFor();
    return card;
  }
  async function choose(card: Locator, ...labels: string[]): Promise<void> {
    for (const label of labels) await card.getByLabel(label, { exact: true }).check();
  }
  let turns = 0;
  async function send(card: Locator): Promise<void> {
    turns++;
    await card.locator('.ac-pushButton', { hasText: 'Verstuur' }).click();
    // The card settles in place with what was sent.
    await page.locator('.card', { hasText: 'Jouw antwoord:' }).nth(turns - 3).waitFor();
  }

  it('completes the request in at most six turns, filling in the form cards', async () => {
    await page.goto(`${bot.base}/playground`);
    await page.selectOption('#persona', 'm.devries');
    turns++;
    await typeInPlayground(page, 'uitzondering aanvragen');
    turns++;
    await typeInPlayground(page, 'L1001');

    const first = await form('Grond en doel');
    await choose(first, 'Medisch', 'Medische app (bijvoorbeeld glucosemeting)');
    await first.getByLabel(/Toelichting op het doel/).fill('Diabetes type 1; sensor stuurt waarden naar de telefoon');
    await send(first);

    const documents = await form('Documenten en de woorden van de leerling');
    // The four documents' state: one choice per document (its radio buttons named after its field).
    for (const [name, state] of [['verwijsbrief', 'Aanwezig'], ['opp', 'Niet van toepassing'], ['diagnose', 'Aanwezig'], ['motivatie', 'Volgt nog']] as const) {
      await documents.locator(`input[type=radio][name="field.doc_${name}"][aria-label="${state}"]`).check();
    }
    await documents.getByLabel(/De woorden van de leerling/).fill('Als mijn suiker zakt moet ik het meteen zien');
    await documents.getByLabel(/Waar zijn de documenten te vinden/).fill('dossier in Magister');
    await send(documents);

    const allowed = await form('Wat er in de les mag');
    await choose(allowed, 'In de lessen', 'Ook in toetsweken', 'Alle lessen', 'Meldingen bekijken en er meteen op reageren', 'De telefoon mag zichtbaar op tafel liggen');
    await allowed.getByLabel(/Welke apps of functies/).fill('glucose-app, alleen meldingen en waarden');
    await allowed.getByLabel(/^Structureel/).check();
    await send(allowed);

    turns++;
    await page.locator('.card .ac-pushButton', { hasText: 'Indienen' }).last().click();
    await page.locator('.msg .text', { hasText: 'De aanvraag is ingediend bij het kernteam.' }).waitFor();
    expect(turns).toBeLessThanOrEqual(6);

    const [request] = await bot.app.store.collection('exceptionRequests').findBy('requesterStaffId', 'm.devries');
    expect(request).toMatchObject({
      status: 'submitted',
      ground: 'medisch',
      purpose: 'medische-app',
      documents: { verwijsbrief: 'aanwezig', opp: 'nvt', diagnose: 'aanwezig', motivatie: 'volgt' },
      documentsLocation: 'dossier in Magister',
      scopes: ['lessen', 'ook-toetsen'],
      subjects: ['alle'],
      functions: ['meldingen'],
      teacherActions: ['zichtbaar'],
      kind: 'structureel',
    });
  });
});
