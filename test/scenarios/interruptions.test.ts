import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { buttonData, startTestApp, type PlaygroundReply, type TestApp } from '../helpers/app.js';
import { conversation, playground } from '../helpers/conversations.js';

/**
 * Commands that always work: a procedure's trigger typed at any kind of open question starts it, the
 * open dialog is parked with its answers, and offered again when the other procedure ends.
 */
describe('interruptions', () => {
  let bot: TestApp;
  beforeEach(async () => {
    bot = await startTestApp();
  });
  afterEach(async () => {
    await bot.stop();
  });

  const { conversation: say, inbox } = playground(() => bot);
  const REPORT_REST = ['Het is pesten', 'L1002', 'L1003', 'geen', 'In de les', 'vandaag', '1', 'Binnen de klas', 'nee', '-', 'ja'];

  it('starts a procedure typed at the menu (the README walk-through: help, then "pesten melden")', async () => {
    expect((await bot.say('t.bakker', 'help')).texts[0]).toMatch(/^Waarmee kan ik je helpen\?/);
    const started = await bot.say('t.bakker', 'pesten melden');
    expect(started.texts[0]).toMatch(/^Je wilt pesten melden\./);
    // A menu is not kept for later.
    const done = await say('t.bakker', REPORT_REST);
    expect(done.texts.join('\n')).not.toMatch(/Je was nog bezig/);
  });

  it.each([
    ['a choice', ['uitzondering aanvragen', 'L1001'], 'Op welke grond?'],
    ['a student number', ['pesten melden', 'Het is pesten', 'L1001'], 'Wie pest?'],
    ['a date', ['pesten melden', 'Het is pesten', 'L1001', 'L1002', 'geen', 'In de les'], 'Wanneer gebeurde het'],
    ['a free text', ['uitzondering aanvragen', 'L1001', 'Medisch', 'Medische app (bijvoorbeeld glucosemeting)'], 'Licht het doel kort toe'],
  ] as const)('starts "mijn zaken" typed at %s, parks the dialog and brings it back with its answers', async (_kind, before, question) => {
    await bot.say('m.devries', 'pesten melden'); // (a report first, so that "mijn zaken" has a case) …
    await say('m.devries', REPORT_REST.map((t) => (t === 'L1002' ? 'L1001' : t === 'L1003' ? 'L1002' : t)));
    const asked = await say('m.devries', before);
    expect(asked.texts.at(-1)).toContain(question);
    const [stateBefore] = await bot.app.store.collection('dialogStates').findBy('schoolId', 'demo');

    const other = await bot.say('m.devries', 'mijn zaken');
    expect(other.texts.at(-1)).toMatch(/^Welke zaak wil je bekijken\?/);
    const stop = await bot.say('m.devries', 'stop');
    // The other procedure ended: the parked one is offered, with a button.
    expect(stop.texts.join('\n')).toMatch(/Je was nog bezig met "(Uitzondering telefoonverbod aanvragen|Pesten melden)"\. Je antwoorden staan nog klaar/);
    const offer = stop.messages.find((m) => m.card && /Je was nog bezig/.test(m.text));
    const resumed = await bot.click('m.devries', buttonData(offer, `Verder met ${/Pesten melden/.test(offer!.text) ? 'Pesten melden' : 'Uitzondering telefoonverbod aanvragen'}`));
    expect(resumed.texts[0]).toMatch(/^We gaan verder met "/);
    expect(resumed.texts.at(-1)).toContain(question);
    const [after] = await bot.app.store.collection('dialogStates').findBy('schoolId', 'demo');
    expect(after!.answers).toEqual(stateBefore!.answers);
    expect(after!.stepId).toBe(stateBefore!.stepId);
  });

  it('opens a button about a case afresh for that case, even when the same procedure is parked with answers', async () => {
    await say('t.bakker', ['pesten melden', ...REPORT_REST]);
    const [notice] = await inbox('m.devries');
    const talk = buttonData(notice, 'Nu: gesprek met de gepeste leerling');
    expect((await bot.click('m.devries', talk)).texts.at(-1)).toBe('Herkent de leerling dat hij of zij gepest wordt?');
    const next = (await bot.say('m.devries', 'ja')).texts.at(-1);
    await bot.say('m.devries', 'mijn zaken'); // parks the talk, with its first answer
    const again = await bot.click('m.devries', talk);
    expect(again.texts.join('\n')).not.toMatch(/We gaan verder met/);
    expect(again.texts.at(-1)).not.toBe(next);
    expect(again.texts.at(-1)).toBe('Herkent de leerling dat hij of zij gepest wordt?');
  });

  it('takes a one-word trigger typed at a free-text question as the answer, a two-word one as a command', async () => {
    await say('m.devries', ['uitzondering aanvragen', 'L1001', 'Medisch', 'Medische app (bijvoorbeeld glucosemeting)']);
    const answered = await bot.say('m.devries', 'uitzondering');
    expect(answered.texts.at(-1)).toMatch(/^Verwijsbrief/);
    const [draft] = await bot.app.store.collection('exceptionRequests').findBy('requesterStaffId', 'm.devries');
    expect(draft!.purposeDetail).toBe('uitzondering');
    const interrupted = await bot.say('m.devries', 'pesten melden');
    expect(interrupted.texts[0]).toMatch(/^Je wilt pesten melden\./);
    // Typing "verder" after the report brings the request back.
    await say('m.devries', REPORT_REST.map((t) => (t === 'L1002' ? 'L1001' : t === 'L1003' ? 'L1002' : t)));
    const back = await bot.say('m.devries', 'verder');
    expect(back.texts[0]).toBe('We gaan verder met "Uitzondering telefoonverbod aanvragen", waar je was:');
    expect(back.texts.at(-1)).toMatch(/^Verwijsbrief/);
  });

  it('drops the parked dialog on "stop" when nothing else is open', async () => {
    await say('m.devries', ['uitzondering aanvragen', 'L1001']);
    await bot.say('m.devries', 'pesten melden');
    await bot.say('m.devries', 'stop');
    expect((await bot.say('m.devries', 'stop')).texts).toEqual(['Goed, dat laten we rusten. Typ "help" als je iets anders wilt doen.']);
    expect((await bot.say('m.devries', 'verder')).texts[0]).toMatch(/^Dat herken ik niet/);
  });
});

describe('abandoned questions close, and a dialog\'s own trigger starts it afresh', () => {
  let bot: TestApp;
  beforeEach(async () => {
    bot = await startTestApp();
  });
  afterEach(async () => {
    await bot.stop();
  });
  type Card = { body: Array<{ type: string; text?: string; actions?: Array<{ title: string; data: unknown }> }>; actions?: unknown[] };
  const controls = (reply: PlaygroundReply) => (reply.messages.at(-1)!.card as unknown as Card).body.find((b) => b.type === 'ActionSet')!.actions!;

  it('settles a question left with Terug as closed, without buttons, for the page to put in its card\'s place', async () => {
    await bot.say('t.bakker', 'pesten melden');
    const asked = await bot.say('t.bakker', 'Het is pesten');
    const back = await bot.click('t.bakker', controls(asked).find((a) => a.title === 'Terug')!.data);
    const settled = back.settled as unknown as Card;
    expect(settled.body.map((b) => b.text)).toEqual(['Welke leerling wordt gepest? Typ het leerlingnummer.', 'Deze vraag is gesloten.']);
    expect(JSON.stringify(settled)).not.toMatch(/Action\./);
    expect(back.texts.at(-1)).toMatch(/^Je wilt pesten melden\./);
    // Typed, the same: the last question's card closes.
    const typed = await bot.say('t.bakker', 'stop');
    expect((typed.settled as unknown as Card).body.map((b) => b.text)).toEqual([expect.stringMatching(/^Je wilt pesten melden\./), 'Deze vraag is gesloten.']);
    // A button of a card whose question is closed: that card closes too, with one message.
    const late = await bot.click('t.bakker', { ...(buttonData(asked.messages.at(-1), 'Verstuur') as object), answer: 'L1001' });
    expect(late.texts).toEqual(['Die vraag is gesloten. Typ "help" voor het menu.']);
    expect((late.settled as unknown as Card).body.map((b) => b.text)).toEqual(['Welke leerling wordt gepest? Typ het leerlingnummer.', 'Deze vraag is gesloten.']);
  });

  it('starts the open dialog afresh when its own trigger is typed, and a procedure by its title or menu label', async () => {
    await conversation(bot, 't.bakker', ['pesten melden', 'Het is pesten']);
    const again = await bot.say('t.bakker', 'pesten melden');
    expect(again.texts[0]).toBe('We beginnen opnieuw bij de eerste vraag.');
    expect(again.texts.at(-1)).toMatch(/^Je wilt pesten melden\./);
    expect((again.settled as unknown as Card).body.at(-1)!.text).toBe('Deze vraag is gesloten.');
    for (const text of ['Kernteambesluit vastleggen', 'kernteambesluit vastleggen']) {
      expect((await bot.say('a.jansen', text)).texts).toEqual(['Er staan geen aanvragen op de agenda.']);
    }
    expect((await bot.say('m.devries', 'Uitzondering telefoonverbod aanvragen')).texts.at(-1)).toMatch(/^Voor welke leerling/);
  });
});

describe('back, stop and help on every question', () => {
  it('are buttons on the question card that work like the words, without filling in the question', async () => {
    const bot = await startTestApp();
    try {
      await bot.say('t.bakker', 'pesten melden');
      const asked = await bot.say('t.bakker', 'Het is pesten');
      const question = asked.messages.at(-1)!;
      const controls = (question.card!.body as Array<{ type: string; actions?: Array<{ title: string; data: unknown }> }>).find((b) => b.type === 'ActionSet')!.actions!;
      expect(controls.map((a) => a.title)).toEqual(['Terug', 'Stop', 'Help']);
      const help = await bot.click('t.bakker', controls[2]!.data);
      expect(help.texts.join('\n')).toMatch(/Je kunt altijd typen: "terug"/);
      const back = await bot.click('t.bakker', controls[0]!.data);
      expect(back.texts.at(-1)).toMatch(/^Je wilt pesten melden\./);
      const again = await bot.say('t.bakker', 'Het is pesten');
      const stopButton = (again.messages.at(-1)!.card!.body as Array<{ type: string; actions?: Array<{ title: string; data: unknown }> }>).find((b) => b.type === 'ActionSet')!.actions![1]!;
      expect((await bot.click('t.bakker', stopButton.data)).texts).toEqual(['Gestopt. Typ "help" als je iets anders wilt doen.']);
    } finally {
      await bot.stop();
    }
  });
});
