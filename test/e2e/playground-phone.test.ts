import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { accessibilityViolations, browserTestsRun, launchBrowser, screenshotIfFailed, typeInPlayground } from '../helpers/browser.js';
import { EXCEPTION_REQUEST, SIGNAL } from '../helpers/conversations.js';

const available = browserTestsRun();

/** A phone's width: the narrowest screen the playground is read on. */
const PHONE = { width: 375, height: 740 };

/**
 * The playground on a phone-sized screen and for everyone: nothing scrolls sideways, every button is in
 * view, landmarks for a screen reader, no axe-core violations (fresh, mid-chat, as a kernteam member);
 * texts for Magister, the OPP and a letter copied with one press; the chat shows the answer as it was labelled.
 */
describe.skipIf(!available)('the playground on a phone, with axe-core, copy buttons and echoes (Debian Chromium)', () => {
  let bot: TestApp;
  let browser: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    bot = await startTestApp();
    ({ context: browser, page } = await launchBrowser({ bypassCSP: true, viewport: PHONE }));
    await browser.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: bot.base });
  }, 60_000);

  afterEach((context) => screenshotIfFailed(context, page));

  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
  });

  /** How wide the page is laid out, against the window's width: more means sideways scrolling. */
  const widths = () => page.evaluate(() => ({ page: document.documentElement.scrollWidth, window: window.innerWidth }));

  /** The welcome card's buttons that do not lie wholly inside the window (cut off or off screen). */
  const buttonsOutOfView = () =>
    page.evaluate(() =>
      [...document.querySelectorAll('#welcome .ac-pushButton')]
        .filter((b) => {
          const box = b.getBoundingClientRect();
          const cut = [b, ...b.querySelectorAll('*')].some((e) => e.scrollWidth > e.clientWidth + 1);
          return box.left < 0 || box.right > window.innerWidth || cut;
        })
        .map((b) => b.textContent),
    );

  async function openAs(persona: string): Promise<void> {
    await page.goto(`${bot.base}/playground`);
    await page.selectOption('#persona', persona);
    await page.locator('#welcome .ac-pushButton').first().waitFor();
  }

  it('fits a 375 px wide screen: no sideways scroll, the welcome buttons wrap, the demo clock shows its date from the start', async () => {
    await openAs('m.devries');
    expect(await page.locator('#welcome .ac-pushButton').count()).toBeGreaterThanOrEqual(3);
    expect(await buttonsOutOfView()).toEqual([]);
    expect((await widths()).page).toBeLessThanOrEqual(PHONE.width);
    // The demo clock shows the demo's date before anyone presses "+1 week".
    expect(await page.locator('#clock').textContent()).toMatch(/^\d{2}-\d{2}-\d{4}$/);
    // Landmarks: the page's parts are found by a screen reader.
    expect(await page.locator('header').count()).toBe(1);
    expect(await page.locator('main').count()).toBe(1);
    expect(await page.locator('nav').count()).toBeGreaterThanOrEqual(1);
  });

  it('has no axe-core violations when fresh, in Dutch and English', async () => {
    for (const lang of ['nl', 'en']) {
      await page.goto(`${bot.base}/playground?lang=${lang}`);
      await page.locator('#welcome .ac-pushButton').first().waitFor();
      await expect(accessibilityViolations(page)).resolves.toEqual([]);
      expect((await widths()).page).toBeLessThanOrEqual(PHONE.width);
    }
  });

  it('echoes the answer as labelled on the button or in the list, settles the card with it, and has no axe-core violations mid-chat', async () => {
    await openAs('t.bakker');
    // The first answers typed, up to the yes/no question about images.
    for (const text of SIGNAL.slice(0, SIGNAL.indexOf('nee'))) await typeInPlayground(page, text);
    // This card, not the next one: the card settles in place.
    const question = page.locator('.card').nth((await page.locator('.card').count()) - 1);
    await question.locator('.ac-pushButton', { hasText: /^Nee$/ }).click();
    const mine = page.locator('.msg.me .text').last();
    await expect.poll(() => mine.textContent()).toBe('Nee');
    // The question's card settles with the answer as the button said it.
    await expect.poll(() => question.innerText()).toMatch(/Jouw antwoord: Nee$/);

    // A drop-down sent with "Verstuur": the chat shows the chosen option, not the button.
    await typeInPlayground(page, 'stop');
    await typeInPlayground(page, 'help');
    await page.locator('.card .ac-pushButton', { hasText: 'Pesten' }).last().click();
    await page.locator('.card .ac-pushButton', { hasText: 'Plagen of pesten?' }).last().click();
    await page.locator('.msg .text', { hasText: 'Plagen is een spel tussen gelijken' }).last().waitFor();
    expect(await page.locator('.msg.me .text').allTextContents()).not.toContain('Verstuur');
    expect((await widths()).page).toBeLessThanOrEqual(PHONE.width);
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
  });

  it('echoes the option chosen in a drop-down, not "Verstuur"', async () => {
    await openAs('b.koster');
    await typeInPlayground(page, 'rollen');
    const card = page.locator('.card').last();
    await card.locator('select').selectOption({ label: 'Tessa Bakker' });
    await card.locator('.ac-pushButton', { hasText: 'Verstuur' }).click();
    await page.locator('.card', { hasText: 'Welke rol?' }).locator('select').waitFor();
    expect(await page.locator('.msg.me .text').last().textContent()).toBe('Tessa Bakker');
  });

  it('copies the text for Magister with one press: exactly that text on the clipboard', async () => {
    await openAs('t.bakker');
    await typeInPlayground(page, 'stop');
    for (const text of SIGNAL) await typeInPlayground(page, text);
    const note = page.locator('.card', { hasText: 'Tekst voor Magister' }).last();
    await note.waitFor();
    const shown = await note.locator('.ac-textBlock').nth(1).innerText();
    expect(shown).toMatch(/L1001/);
    await page.evaluate(() => navigator.clipboard.writeText('(leeg)'));
    const button = note.getByRole('button', { name: /^Kopiëren/ });
    await button.click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(shown);
    // The press is confirmed where a screen reader hears it.
    await expect.poll(() => note.locator('[role="status"]').textContent()).toBe('Gekopieerd');
    await expect(accessibilityViolations(page)).resolves.toEqual([]);

    // The mentor's notification: a card under its label, never an empty bubble.
    await page.selectOption('#persona', 'm.devries');
    await page.locator('.card', { hasText: 'Nieuwe melding van pesten' }).waitFor({ timeout: 5000 });
    const bubbles = await page.locator('.msg .text').allTextContents();
    expect(bubbles.filter((text) => text.trim() === '')).toEqual([]);
  });

  it('shows a kernteam member the request beside the chat and in "Wacht op jou" without axe-core violations; the requester copies the Magister and OPP texts of the decision, and the letter to the parents', async () => {
    await bot.say('m.devries', 'stop');
    for (const text of [...EXCEPTION_REQUEST, 'Indienen']) await bot.say('m.devries', text);
    await openAs('a.jansen');
    const request = page.locator('#channel .card', { hasText: 'Aanvraag uitzondering telefoonverbod — L1001' });
    await request.waitFor({ timeout: 5000 });
    await page.locator('#waiting .ac-pushButton').first().waitFor();
    expect((await widths()).page).toBeLessThanOrEqual(PHONE.width);
    await expect(accessibilityViolations(page)).resolves.toEqual([]);

    // Two votes decide; the mentor's notification holds the texts for Magister and the OPP.
    for (const persona of ['a.jansen', 'l.verhoeven']) {
      // (Choosing a persona clears the page: Anouk votes on the card she has.)
      if (persona !== 'a.jansen') await page.selectOption('#persona', persona);
      const card = page.locator('#channel .card', { hasText: 'Aanvraag uitzondering telefoonverbod — L1001' }).last();
      await card.waitFor({ timeout: 5000 });
      await card.locator('textarea').fill('Medisch nodig, goed onderbouwd.');
      await card.locator('.ac-pushButton', { hasText: 'Toekennen' }).click();
      await page.locator('.msg .text', { hasText: /Je stem is vastgelegd/ }).last().waitFor();
      // The chat shows the button pressed.
      expect(await page.locator('.msg.me .text').last().textContent()).toBe('Toekennen');
    }
    await page.selectOption('#persona', 'm.devries');
    const decision = page.locator('.msg', { hasText: 'Tekst voor het OPP' }).last();
    await decision.waitFor({ timeout: 5000 });
    const said = (await decision.locator('.text').textContent())!;
    for (const title of ['Tekst voor Magister/SOMtoday:', 'Tekst voor het OPP (ontwikkelingsperspectiefplan):']) {
      const paragraph = said.split('\n\n').find((p) => p.startsWith(`${title}\n`))!;
      expect(paragraph, said).toBeTruthy();
      await decision.getByRole('button', { name: `Kopiëren: ${title.replace(/:$/, '')}` }).click();
      await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(paragraph.slice(title.length + 1));
    }
    await expect(accessibilityViolations(page)).resolves.toEqual([]);

    // The letter to the parents: the whole draft, as the bot wrote it, in one press.
    for (const text of ['brief aan ouders', 'Een uitzondering voor de telefoon', 'L1001 (1A)', 'Waar de aanvraag staat: ontvangen, het besluit, de pauze of het einde']) {
      await typeInPlayground(page, text);
    }
    const replied = page.waitForResponse((r) => r.url().endsWith('/playground/api/messages'));
    await typeInPlayground(page, 'Nederlands');
    const reply = (await (await replied).json()) as { messages: Array<{ text: string; card?: { body?: Array<{ id?: string }> } }> };
    const letter = reply.messages.find((m) => m.card?.body?.some((b) => b.id === 'copy-text'))?.text;
    expect(letter).toMatch(/^De telefoon in de les[\s\S]*\n\nBeste ouders/);
    await page.evaluate(() => navigator.clipboard.writeText('(leeg)'));
    await page.locator('.card', { hasText: 'Concept van de brief' }).last().getByRole('button', { name: /^Kopiëren/ }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(letter);
    expect((await widths()).page).toBeLessThanOrEqual(PHONE.width);
  });
});
