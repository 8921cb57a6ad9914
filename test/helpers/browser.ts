import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium; `npx playwright install` cannot download here. */
export const CHROMIUM = '/usr/bin/chromium';

/** Flags that work on this kind of machine (no GPU, no sandbox, no network chatter). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Whether the browser tests run here: yes when Debian Chromium is installed. In CI a missing Chromium
 * is an error, never a skip; elsewhere the run says loudly that the browser tests did not run.
 */
export function browserTestsRun(): boolean {
  const available = chromiumAvailable();
  if (!available && process.env.CI === 'true') throw new Error(`CI=true but ${CHROMIUM} is missing: the browser tests cannot run`);
  if (!available) console.warn(`\n*** Browser tests NOT RUN: ${CHROMIUM} is missing (apt-get install chromium). ***\n`);
  return available;
}

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

/**
 * A headless Chromium with a fresh profile directory, and one page in it. `bypassCSP` lets a test
 * inject the accessibility checker into pages whose content security policy forbids scripts.
 */
export async function launchBrowser(opts: { bypassCSP?: boolean; viewport?: { width: number; height: number } } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const profile = mkdtempSync(join(tmpdir(), 'zorgpad-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: opts.viewport ?? { width: 1000, height: 900 },
    bypassCSP: opts.bypassCSP ?? false,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

/** Types a message in the playground and waits for the bot's answer (my message plus at least one reply). */
export async function typeInPlayground(page: Page, text: string): Promise<void> {
  const before = await page.locator('.msg, .card').count();
  await page.fill('#text', text);
  await page.press('#text', 'Enter');
  await page.waitForFunction((n) => document.querySelectorAll('.msg, .card').length > n + 1, before);
}

/** Runs axe-core (WCAG 2.x A and AA rules) on the page; the violations, with the elements at fault. */
export async function accessibilityViolations(page: Page): Promise<Array<{ id: string; impact: string | null; nodes: string[] }>> {
  await page.addScriptTag({ path: join('node_modules', 'axe-core', 'axe.min.js') });
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
}

/** After a failed test: a screenshot of the page in test-results/, for whoever reads the CI log. */
export async function screenshotIfFailed(test: { task: { name: string; result?: { state?: string } } }, page: Page | undefined): Promise<void> {
  if (test.task.result?.state !== 'fail' || !page) return;
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: `test-results/${test.task.name.replace(/[^a-z0-9]+/gi, '-')}.png`, fullPage: true });
}
