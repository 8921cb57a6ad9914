import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../src/core/app/assistant.js';
import type { ExceptionRequest } from '../../src/core/exceptions/model.js';
import { buttonData, startTestApp, type TestApp } from '../helpers/app.js';
import { playground } from '../helpers/conversations.js';
import { TestClock } from '../helpers/clock.js';

/** Reminders as the people receive them, with the clock moved by the test. */
/** The buttons of a reminder card's first reminder (in its ActionSet, wherever the template puts it). */
function reminderActions(card: unknown): Array<{ title: string; data: unknown }> {
  const found: Array<{ title: string; data: unknown }>[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as { type?: string; actions?: Array<{ title: string; data: unknown }> };
      if (o.type === 'ActionSet' && o.actions) found.push(o.actions);
      for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
    }
  };
  walk((card as { body?: unknown } | undefined)?.body);
  if (!found[0]) throw new Error(`no buttons in ${JSON.stringify(card)}`);
  return found[0];
}

describe('reminders', () => {
  let bot: TestApp;
  let clock: TestClock;

  beforeEach(async () => {
    // Monday 30 November 2026, 10:00 in Amsterdam.
    clock = new TestClock(Date.parse('2026-11-30T10:00:00+01:00'));
    bot = await startTestApp({ ZORGPAD_DELIVERY_INTERVAL_MS: '600000' }, 'sqlite', clock);
  });
  afterEach(async () => {
    await bot.stop();
  });

  /** The inbox: the person's own messages (the kernteam channel's left out), every card checked with the official parser. */
  const { conversation: say, inbox } = playground(() => bot, { checkInboxCards: true, personalInbox: true });

  /** Moves the clock and lets the scheduler run, as every process does on its interval. */
  async function at(iso: string): Promise<number> {
    clock.set(iso);
    return bot.app.scheduler.tick();
  }

  /** A structural exception for L1001, granted today: review due in ten weeks (Monday 8 February 2027). */
  async function grantedException(): Promise<ExceptionRequest> {
    await say('m.devries', [
      'uitzondering aanvragen', 'L1001', '1', '2', '-', '1', '3', '1', '2', '-', 'dossier in Magister', '1', 'alle lessen', 'glucose-app', '1', '1, 4', '2', 'Indienen',
    ]);
    const res = await fetch(`${bot.base}/playground/api/inbox?personaId=a.jansen`);
    const card = ((await res.json()) as { messages: OutboundMessage[] }).messages.find((m) => m.card)!;
    for (const persona of ['a.jansen', 'l.verhoeven']) await bot.click(persona, { ...(buttonData(card, 'Toekennen') as object), motivation: 'Akkoord.' });
    const [request] = await bot.app.store.collection('exceptionRequests').findBy('studentRef', 'L1001');
    expect(request).toMatchObject({ status: 'granted', reviewDue: '2027-02-08' });
    await inbox('m.devries');
    return request!;
  }

  it('sends the review reminder on its day in school hours, and lets the mentor record the review from it', async () => {
    await grantedException();
    // Ten school days before the due date: plan the conversation with student and parents.
    expect(await at('2027-01-22T12:00:00+01:00')).toBe(0);
    expect(await at('2027-01-25T08:45:00+01:00')).toBe(1);
    const [notice] = await inbox('m.devries');
    expect(notice!.text).toBe(
      'Evaluatie plannen\n- De uitzondering voor L1001 moet uiterlijk 08-02-2027 geëvalueerd worden. Plan nu het gesprek met leerling en ouders (over 10 schooldagen is de uiterste datum).',
    );
    expect(await at('2027-02-05T12:00:00+01:00')).toBe(0); // Friday before: not due
    expect(await at('2027-02-08T07:00:00+01:00')).toBe(0); // due 08:30
    expect(await at('2027-02-08T08:45:00+01:00')).toBe(1);
    const [reminder] = await inbox('m.devries');
    expect(reminder!.text).toMatch(/^Evaluatie uitzondering telefoonverbod\n- De uitzondering voor L1001 moet uiterlijk 08-02-2027 geëvalueerd worden/);
    expect(reminder!.text).toMatch(/elke 2-3 maanden en minstens elk semester/);

    const started = await bot.click('m.devries', buttonData({ text: '', card: { actions: reminderActions(reminder!.card) } as never }, 'Evaluatie vastleggen'));
    expect(started.texts).toEqual(['Zijn ouders en leerling gehoord?\n1. Ja\n2. Nee']);
    const done = await say('m.devries', ['ja', 'ja', 'ja', '-', 'Voortzetten']);
    expect(done.texts[0]).toMatch(/^De evaluatie is vastgelegd\. De uitzondering loopt door; de volgende evaluatie is uiterlijk 19-04-2027\./);
    // Reviewed in time: a week later the zorgcoördinator is not told anything.
    expect(await at('2027-02-15T09:00:00+01:00')).toBe(0);
    expect(await inbox('a.jansen')).toEqual([]);
  });

  it('holds a reminder due after hours until the next school morning, and tells the zorgcoördinator a week after a missed review', async () => {
    const request = await grantedException();
    await at('2027-01-25T09:00:00+01:00'); // the first reminder, to plan the conversation
    await inbox('m.devries');
    expect(await at('2027-02-06T10:00:00+01:00')).toBe(0); // Saturday, and not due yet
    expect(await at('2027-02-08T18:00:00+01:00')).toBe(0); // due, but after hours
    expect(await inbox('m.devries')).toEqual([]);
    expect(await at('2027-02-09T07:59:00+01:00')).toBe(0);
    expect(await at('2027-02-09T08:00:00+01:00')).toBe(1);
    expect((await inbox('m.devries'))[0]!.text).toMatch(/^Evaluatie uitzondering telefoonverbod/);

    // Not reviewed: a week after the due date the zorgcoördinator hears of it; the exception stays active.
    expect(await at('2027-02-12T16:00:00+01:00')).toBe(0);
    expect(await at('2027-02-15T08:00:00+01:00')).toBe(1);
    expect((await inbox('a.jansen')).map((m) => m.text)).toEqual([
      'Evaluatie te laat\n- De evaluatie van de uitzondering voor L1001 had uiterlijk 08-02-2027 moeten plaatsvinden. De uitzondering blijft gelden tot er geëvalueerd is.',
    ]);
    expect((await bot.app.store.collection('exceptionRequests').get(request.id))!.status).toBe('granted');
    expect((await say('m.devries', ['mijn aanvragen'])).texts[0]).toMatch(/evaluatie te laat \(de uitzondering blijft gelden\)/);
  });

  it('snoozes a reminder for a week, and hands one over to the zorgcoördinator', async () => {
    await grantedException();
    await at('2027-01-25T09:00:00+01:00');
    await inbox('m.devries');
    await at('2027-02-08T09:00:00+01:00');
    const [reminder] = await inbox('m.devries');
    const actions = reminderActions(reminder!.card);
    const snooze = actions.find((a) => a.title === 'Over een week')!.data;
    expect((await bot.click('m.devries', snooze)).texts).toEqual(['Goed, ik herinner je er over een week weer aan.']);
    expect((await bot.click('t.bakker', snooze)).texts[0]).toMatch(/kan ik niet uitstellen/);
    expect(await at('2027-02-12T09:00:00+01:00')).toBe(0);
    expect(await at('2027-02-15T09:00:00+01:00')).toBeGreaterThanOrEqual(1);
    expect((await inbox('m.devries')).map((m) => m.text.split('\n')[0])).toContain('Evaluatie uitzondering telefoonverbod');

    const handOver = actions.find((a) => a.title === 'Overdragen')!.data;
    await bot.click('m.devries', handOver);
    expect((await say('m.devries', ['Anouk Jansen'])).texts).toEqual(['Anouk Jansen krijgt deze herinnering nu.']);
    await at('2027-02-15T10:00:00+01:00');
    expect((await inbox('a.jansen')).map((m) => m.text)).toContainEqual(expect.stringMatching(/De uitzondering voor L1001 moet uiterlijk/));
  });

  it('asks on the agreed date whether the bullying stopped, and proposes the CLZ when it did not', async () => {
    await say('t.bakker', ['pesten melden', '1', 'L1001', 'L1002', 'geen', '1', 'vandaag', '2', '1', 'nee', '-', 'ja']);
    await say('m.devries', ['mijn zaken', '1', 'Gezamenlijk gesprek en afspraken', 'L1002 laat L1001 met rust in en buiten de les.', '14-12-2026', 'nee']);
    await inbox('m.devries');
    expect(await at('2026-12-14T08:00:00+01:00')).toBe(0); // due 08:30
    expect(await at('2026-12-14T08:31:00+01:00')).toBe(1);
    const [reminder] = await inbox('m.devries');
    // The typed agreement's own full stop does not end up inside the quote before the next sentence.
    expect(reminder!.text).toMatch(/Vandaag controleer je de afspraak rond L1001: "L1002 laat L1001 met rust in en buiten de les"\. Is het pesten gestopt\?/);
    expect(reminder!.text).not.toContain('."');
    const actions = reminderActions(reminder!.card);
    const asked = await bot.click('m.devries', actions.find((a) => a.title === 'Antwoorden')!.data);
    expect(asked.texts[0]).toMatch(/^Is het pesten rond L1001 \(1A\) gestopt\?/);
    const answer = await say('m.devries', ['Nee']);
    expect(answer.texts).toEqual([
      'Vastgelegd: het pesten is niet gestopt. Volgens het protocol meld je herhaling bij de CLZ: kies in de zaak "Herhaling — naar de CLZ".',
    ]);
  });

  it('nudges the owner of a case without a step for 14 days, and bundles reminders due together', async () => {
    await say('t.bakker', ['pesten melden', '1', 'L2001', 'L2002', 'geen', '1', 'vandaag', '2', '1', 'nee', '-', 'ja']);
    await bot.app.store.jobs.schedule({ id: 'notice-1', kind: 'notice', payload: { staffId: 'j.pietersen', title: 'Ouderavond', text: 'Ouderavond 2B donderdag.' }, dueAt: Date.parse('2026-12-14T10:00:00+01:00') });
    await inbox('j.pietersen');
    expect(await at('2026-12-13T12:00:00+01:00')).toBe(0); // Sunday, and not yet 14 days
    expect(await at('2026-12-14T10:05:00+01:00')).toBe(2);
    const messages = await inbox('j.pietersen');
    expect(messages).toHaveLength(1);
    const lines = messages[0]!.text.split('\n');
    expect(lines[0]).toBe('2 herinneringen voor vandaag');
    expect(lines.slice(1).sort()).toEqual([
      '- In de zaak rond L2001 is al 14 dagen geen stap vastgelegd. Hoe staat het ervoor?',
      '- Ouderavond 2B donderdag.',
    ]);
  });

  it('lists what is coming in "mijn herinneringen"', async () => {
    await grantedException();
    const list = await say('m.devries', ['mijn herinneringen']);
    expect(list.texts[0]).toBe('Wat er voor je klaarstaat:\n- 25-01-2027: evaluatie plannen\n- 08-02-2027: evaluatie van een uitzondering');
    expect((await say('t.bakker', ['mijn herinneringen'])).texts).toEqual(['Er staan geen herinneringen voor je klaar.']);
  });

  it('lets a newcomer move the playground\'s demo clock on until the review reminder arrives, and record the review from it', async () => {
    await grantedException();
    let reminder: OutboundMessage | undefined;
    for (let week = 0; week < 15 && !reminder; week++) {
      const res = await fetch(`${bot.base}/playground/api/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ days: 7 }) });
      expect(res.status).toBe(200);
      reminder = (await inbox('m.devries')).find((m) => m.text.startsWith('Evaluatie uitzondering telefoonverbod'));
    }
    expect(reminder).toBeDefined();
    const actions = reminderActions(reminder!.card);
    await bot.click('m.devries', actions.find((a) => a.title === 'Evaluatie vastleggen')!.data);
    expect((await say('m.devries', ['ja', 'ja', 'ja', '-', 'Voortzetten'])).texts[0]).toMatch(/^De evaluatie is vastgelegd/);
    expect((await fetch(`${bot.base}/playground/api/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"days": 0}' })).status).toBe(400);
  });
});
