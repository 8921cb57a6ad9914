import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { accessibilityViolations, browserTestsRun, launchBrowser, screenshotIfFailed, typeInPlayground } from '../helpers/browser.js';

const available = browserTestsRun();

describe.skipIf(!available)('the parents’ pages in a real browser (Debian Chromium)', () => {
  let bot: TestApp;
  let browser: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    bot = await startTestApp();
    // A phone-sized window: the pages are read on phones.
    ({ context: browser, page } = await launchBrowser({ bypassCSP: true, viewport: { width: 390, height: 844 } }));
  }, 60_000);

  afterEach((context) => screenshotIfFailed(context, page));

  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
  });

  /** Presses Tab until the element with this id has the focus (keyboard only, as a person would). */
  async function tabTo(id: string): Promise<void> {
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate(() => document.activeElement?.id)) === id) return;
    }
    throw new Error(`Tab never reached #${id}`);
  }

  it('has no accessibility violations on the information page, in Dutch and English', async () => {
    for (const lang of ['nl', 'en']) {
      await page.goto(`${bot.base}/info/telefoon-uitzondering?lang=${lang}`);
      await expect(accessibilityViolations(page)).resolves.toEqual([]);
    }
    // No sideways scrolling on a phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  });

  it('lets a mentor ask for a link in the playground, and parents fill in the form with the keyboard alone', async () => {
    await page.setViewportSize({ width: 1000, height: 900 });
    await page.goto(`${bot.base}/playground`);
    await page.selectOption('#persona', 'm.devries');
    await typeInPlayground(page, 'formulier voor ouders');
    await typeInPlayground(page, 'L1002');
    // The link comes as a card: the link alone to copy, and a button that opens it.
    const said = (await page.locator('.msg .text, .card').allInnerTexts()).join('\n');
    const link = /http:\/\/\S+\/ouders\/formulier\?t=[A-Za-z0-9_-]+/.exec(said)?.[0];
    expect(link, said).toBeTruthy();
    // Its button opens the form in a new tab, as Teams and Slack do.
    const [opened] = await Promise.all([page.context().waitForEvent('page'), page.locator('.card .ac-pushButton', { hasText: 'Formulier bekijken' }).last().click()]);
    await opened.waitForLoadState();
    expect(opened.url()).toBe(link);
    await opened.close();

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(link!);
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
    await tabTo('need');
    await page.keyboard.type('Voor de app die haar suiker meet.');
    await tabTo('words');
    await page.keyboard.type('Dan hoef ik niet naar de gang.');
    // A group of radio buttons: Tab goes to the group, Space picks, arrows move to the next choice.
    await tabTo('doc-verwijsbrief-aanwezig');
    await page.keyboard.press('Space');
    await tabTo('doc-opp-aanwezig');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await tabTo('doc-diagnose-aanwezig');
    await page.keyboard.press('ArrowDown');
    await tabTo('doc-motivatie-aanwezig');
    await page.keyboard.press('Space');
    await tabTo('where');
    await page.keyboard.type('Bij de huisarts.');
    await tabTo('consent');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Versturen');
    await page.keyboard.press('Enter');
    await page.locator('h1', { hasText: 'Dank u wel' }).waitFor();
    await expect(accessibilityViolations(page)).resolves.toEqual([]);

    const [draft] = (await bot.app.store.collection('exceptionRequests').findBy('studentRef', 'L1002')).filter((r) => r.status === 'draft');
    expect(draft?.requesterStaffId).toBe('m.devries');
    expect(draft?.fromParents).toMatchObject({
      need: 'Voor de app die haar suiker meet.',
      studentWords: 'Dan hoef ik niet naar de gang.',
      documentsWhere: 'Bij de huisarts.',
      documents: { verwijsbrief: 'aanwezig', opp: 'nvt', diagnose: 'volgt', motivatie: 'aanwezig' },
    });

    // The link is spent.
    await page.goto(link!);
    await page.locator('h1', { hasText: 'Deze link is al gebruikt' }).waitFor();
  });

  it('says what is missing in a way a screen reader announces, without accessibility violations', async () => {
    await bot.say('a.jansen', 'formulier voor ouders');
    const reply = await bot.say('a.jansen', 'L2001');
    const link = /http:\/\/\S+\/ouders\/formulier\?t=[A-Za-z0-9_-]+/.exec(reply.texts.join('\n'))![0];
    await page.goto(link);
    await tabTo('need');
    await page.keyboard.type('Voor de app.');
    await tabTo('consent');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.locator('[role="alert"] h2', { hasText: 'Er mist nog iets' }).waitFor();
    expect(await page.inputValue('#need')).toBe('Voor de app.');
    expect(await page.getAttribute('#words', 'aria-invalid')).toBe('true');
    await expect(accessibilityViolations(page)).resolves.toEqual([]);
  });
});
