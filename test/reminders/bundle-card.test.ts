import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CardRenderer } from '../../src/core/cards/render.js';
import { Outbox } from '../../src/core/notify/outbox.js';
import { RoleBook } from '../../src/core/people/role-book.js';
import { loadSchoolFile, SchoolDirectory } from '../../src/core/people/school.js';
import type { Store } from '../../src/core/kernel/ports.js';
import { Scheduler } from '../../src/core/reminders/scheduler.js';
import { createLogger } from '../../src/log/logger.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { cardProblems } from '../helpers/adaptive-cards.js';

const directory = new SchoolDirectory(loadSchoolFile('schools/demo.yaml'));
const cards = CardRenderer.load('cards');

/** Every text a card shows (text blocks, facts, buttons), in order. */
function textsOf(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(textsOf);
  if (!node || typeof node !== 'object') return [];
  const o = node as Record<string, unknown>;
  const own = (o.type === 'TextBlock' && typeof o.text === 'string') || (typeof o.type === 'string' && o.type.startsWith('Action.') && typeof o.title === 'string') ? [String(o.text ?? o.title)] : [];
  return [...own, ...Object.entries(o).flatMap(([key, value]) => (key === 'fallback' || key === 'data' ? [] : textsOf(value)))];
}

describe('the reminder bundle card', () => {
  let dir: string;
  let store: Store;
  let outbox: Outbox;
  let scheduler: Scheduler;
  // Thursday 26 November 2026, 10:00 in Amsterdam: school hours.
  const clock = { t: Date.parse('2026-11-26T10:00:00+01:00'), now() { return this.t; } };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'zorgpad-bundle-card-'));
    store = openSqliteStore(dir);
    outbox = new Outbox(store, 'demo', clock);
    scheduler = new Scheduler({ store, directory, roleBook: new RoleBook(store, directory, clock), outbox, cards, clock, log: createLogger('silent'), owner: 'p' });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const notice = (i: number, title: string) =>
    store.jobs.schedule({ id: `n${i}`, kind: 'notice', payload: { staffId: 'm.devries', title, text: `Herinnering ${i}` }, dueAt: clock.t - 1000 });
  async function shown(): Promise<{ text: string; card: unknown }> {
    expect(await scheduler.tick()).toBeGreaterThan(0);
    const [bundle] = await store.collection('outbox').findBy('staffId', 'm.devries');
    const prepared = outbox.prepared(bundle!);
    const card = JSON.parse(prepared.cardJson!) as unknown;
    expect(cardProblems(card)).toEqual([]);
    return { text: prepared.text, card };
  }

  it('shows the title of a single reminder once, above its text', async () => {
    await notice(1, 'Evaluatie plannen');
    const { text, card } = await shown();
    expect(textsOf(card)).toEqual(['Evaluatie plannen', 'Herinnering 1']);
    expect(text).toBe('Evaluatie plannen\n- Herinnering 1');
  });

  it('shows the bundle\'s heading once and each reminder\'s title once', async () => {
    await notice(1, 'Evaluatie plannen');
    await notice(2, 'Afspraak controleren');
    const { card } = await shown();
    expect(textsOf(card)).toEqual(['2 herinneringen voor vandaag', 'Evaluatie plannen', 'Herinnering 1', 'Afspraak controleren', 'Herinnering 2']);
  });
});
