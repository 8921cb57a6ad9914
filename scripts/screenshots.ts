/**
 * `npm run screenshots`: starts Zorgpad on a fresh embedded store, drives the playground in Debian
 * Chromium as staff would, and saves pictures of two key cards for the README under docs/screenshots/:
 * the kernteam card with a first vote, and the summary card of the cyberbullying advice.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from '../src/app.js';
import { parseConfig } from '../src/config/env.js';
import { createLogger } from '../src/log/logger.js';
import { chromiumAvailable, CHROMIUM, launchBrowser, typeInPlayground } from '../test/helpers/browser.js';

const OUT = 'docs/screenshots';

async function main(): Promise<void> {
  if (!chromiumAvailable()) throw new Error(`${CHROMIUM} is missing (apt-get install chromium)`);
  const dataDir = mkdtempSync(join(tmpdir(), 'zorgpad-screens-'));
  const app = await startApp(parseConfig({ PORT: '0', HOST: '127.0.0.1', ZORGPAD_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), createLogger('silent'));
  const { context, page } = await launchBrowser();
  try {
    mkdirSync(OUT, { recursive: true });
    const base = `http://127.0.0.1:${app.port}/playground`;

    // A mentor asks an exception; a zorgcoördinator votes in the card.
    await page.goto(base);
    await page.selectOption('#persona', 'm.devries');
    for (const text of ['uitzondering aanvragen', 'L1001', '1', '2', 'Glucosesensor', '1', '3', '1', '2', '-', 'dossier in Magister', '2', 'alle lessen', 'glucose-app', '1', '1, 4', '2']) {
      await typeInPlayground(page, text);
    }
    await page.locator('.card .ac-pushButton', { hasText: 'Indienen' }).click();
    await page.locator('.msg .text', { hasText: 'De aanvraag is ingediend' }).waitFor();
    await page.selectOption('#persona', 'a.jansen');
    const card = page.locator('.card', { hasText: 'Aanvraag uitzondering telefoonverbod — L1001' }).last();
    await card.waitFor({ timeout: 5000 });
    await card.locator('textarea').fill('Medisch nodig; verwijsbrief en OPP aanwezig.');
    await card.locator('.ac-pushButton', { hasText: 'Toekennen' }).click();
    await page.locator('.msg .text', { hasText: /Je stem is vastgelegd/ }).waitFor();
    await card.screenshot({ path: join(OUT, 'kernteam-card.png') });

    // A teacher asks advice about abusive messages on WhatsApp.
    await page.selectOption('#persona', 't.bakker');
    for (const text of ['cyberpesten', '1', 'WhatsApp', 'Nee', 'nee']) await typeInPlayground(page, text);
    const summary = page.locator('.card', { hasText: 'Samenvatting om te bewaren' }).last();
    await summary.waitFor({ timeout: 5000 });
    await summary.screenshot({ path: join(OUT, 'cyberbullying-summary.png') });
    console.log(`saved ${join(OUT, 'kernteam-card.png')} and ${join(OUT, 'cyberbullying-summary.png')}`);
  } finally {
    await context.close();
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`screenshots failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
