import { afterEach, describe, expect, it } from 'vitest';
import type { Inbound } from '../../src/core/app/assistant.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

/**
 * A delivery run again after the process that ran it died between the turn's commit and its reply (the
 * inbox's `rerun`): the person gets the turn's reply, and nothing is done twice.
 */
describe('a turn run again after a crash', () => {
  let bot: TestApp | undefined;
  afterEach(async () => {
    await bot?.stop();
  });

  const inbound = (deliveryId: string, text: string, rerun = false): Inbound => ({
    platform: 'playground',
    tenantId: 'local',
    userId: 't.bakker',
    conversationId: 'personal',
    deliveryId,
    locale: 'nl',
    input: { kind: 'text', text },
    ...(rerun ? { rerun: true } : {}),
  });

  it('says the reply of a turn that was made again, once more, without recording anything twice', async () => {
    bot = await startTestApp();
    const { assistant } = bot.app;
    const report = ['pesten melden', 'Het is pesten', 'L1001', 'L1002', 'geen', 'In de les', 'vandaag', '1', 'Binnen de klas', 'nee', '-'];
    for (const [i, text] of report.entries()) await assistant.handle(inbound(`d${i}`, text));
    const first = await assistant.handle(inbound('d-last', 'ja'));
    expect(first.messages[0]!.text).toMatch(/^Je melding is vastgelegd\./);
    // Slack's own retry of the same delivery: nothing again.
    expect(await assistant.handle(inbound('d-last', 'ja'))).toMatchObject({ duplicate: true, messages: [] });
    // Run again by the inbox after a crash: the same reply, and still one signal on one case.
    const again = await assistant.handle(inbound('d-last', 'ja', true));
    expect(again.duplicate).toBe(false);
    expect(again.messages.map((m) => m.text)).toEqual(first.messages.map((m) => m.text));
    const cases = await bot.app.store.collection('bullyingCases').findBy('studentRef', 'L1001');
    expect(cases).toHaveLength(1);
    expect(cases[0]!.signals).toHaveLength(1);
  });
});
