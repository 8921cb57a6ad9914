import { afterEach, describe, expect, it } from 'vitest';


import { startTestApp, testStores, type PlaygroundReply, type TestApp, type TestStore } from '../helpers/app.js';
import { conversation, EXCEPTION_REQUEST, SIGNAL } from '../helpers/conversations.js';
import { WriteFaults } from '../helpers/faulty-store.js';

/**
 * A turn commits once. For each scenario the last step is run with the store failing its n-th write,
 * for every n the step makes; the person is asked to try again, sends the same again (after a restart
 * in the crash variant), and afterwards everything is there once: nothing they gave is lost, nothing is
 * recorded or announced twice, and they get the same answer as without the failure.
 */
const TRY_AGAIN = 'Er ging iets mis aan onze kant. Je antwoorden zijn bewaard; probeer het zo nog eens.';

interface Scenario {
  name: string;
  /** Everything before the step under test. */
  setup(bot: TestApp): Promise<void>;
  /** The step under test: what the person sends. */
  step(bot: TestApp): Promise<PlaygroundReply>;
  /** What must hold afterwards, exactly once. */
  check(bot: TestApp): Promise<void>;
}

const cases = (bot: TestApp) => bot.app.store.collection('bullyingCases');
const requests = (bot: TestApp) => bot.app.store.collection('exceptionRequests');
const outbox = async (bot: TestApp) => (await bot.app.store.collection('outbox').findBy('schoolId', 'demo'));

/** A kernteam member presses "Toekennen" on the request's card, with a motivation (the card's data). */
async function vote(bot: TestApp, persona: string, motivation: string): Promise<PlaygroundReply> {
  const [request] = await requests(bot).findBy('studentRef', 'L1001');
  return bot.click(persona, { zorgpad: { vote: 'approve', requestId: request!.id }, motivation });
}

const report: Scenario = {
  name: 'a teacher\'s report',
  setup: (bot) => conversation(bot, 't.bakker', SIGNAL.slice(0, -1)).then(() => undefined),
  step: (bot) => bot.say('t.bakker', 'ja'),
  async check(bot) {
    const found = await cases(bot).findBy('studentRef', 'L1001');
    expect(found).toHaveLength(1);
    expect(found[0]!.signals).toHaveLength(1);
    const toMentor = (await outbox(bot)).filter((n) => n.staffId === 'm.devries' && n.id.startsWith('signal:'));
    expect(toMentor).toHaveLength(1);
  },
};

const mentorStep: Scenario = {
  name: 'a mentor\'s step',
  async setup(bot) {
    await conversation(bot, 't.bakker', SIGNAL);
    await conversation(bot, 'm.devries', ['mijn zaken', '1', 'Ouders geïnformeerd', 'Telefonisch', 'vandaag']);
  },
  step: (bot) => bot.say('m.devries', 'Moeder gebeld; zij herkent het.'),
  async check(bot) {
    const [c] = await cases(bot).findBy('studentRef', 'L1001');
    expect(c!.steps.filter((s) => s.kind === 'ouders-geinformeerd')).toHaveLength(1);
    expect(c!.steps[0]!.outcome).toBe('Moeder gebeld; zij herkent het.');
  },
};

const submission: Scenario = {
  name: 'a request submitted',
  setup: (bot) => conversation(bot, 'm.devries', EXCEPTION_REQUEST).then(() => undefined),
  step: (bot) => bot.say('m.devries', 'Indienen'),
  async check(bot) {
    const found = await requests(bot).findBy('studentRef', 'L1001');
    expect(found).toHaveLength(1);
    expect(found[0]!.status).toBe('submitted');
    expect(await bot.app.store.collection('outbox').get(`kernteam:${found[0]!.id}`)).not.toBeNull();
    expect(await bot.app.store.jobs.get(`decision-due:${found[0]!.id}:a.jansen`)).not.toBeNull();
  },
};

const firstVote: Scenario = {
  name: 'a kernteam vote',
  setup: (bot) => conversation(bot, 'm.devries', [...EXCEPTION_REQUEST, 'Indienen']).then(() => undefined),
  step: (bot) => vote(bot, 'a.jansen', 'Medisch nodig, goed onderbouwd.'),
  async check(bot) {
    const [r] = await requests(bot).findBy('studentRef', 'L1001');
    expect(r!.votes.map((v) => v.staffId)).toEqual(['a.jansen']);
    expect(await bot.app.store.collection('outbox').get(`kernteam-update:${r!.id}:${r!.version}`)).not.toBeNull();
  },
};

const decision: Scenario = {
  name: 'the deciding vote',
  async setup(bot) {
    await conversation(bot, 'm.devries', [...EXCEPTION_REQUEST, 'Indienen']);
    await vote(bot, 'a.jansen', 'Medisch nodig, goed onderbouwd.');
  },
  step: (bot) => vote(bot, 'l.verhoeven', 'Akkoord, alleen meldingen.'),
  async check(bot) {
    const [r] = await requests(bot).findBy('studentRef', 'L1001');
    expect(r!.status).toBe('granted');
    expect(r!.votes.map((v) => v.staffId)).toEqual(['a.jansen', 'l.verhoeven']);
    const items = await outbox(bot);
    for (const teacher of ['t.bakker', 'r.elmoussaoui', 'p.vandam']) {
      expect(items.filter((n) => n.staffId === teacher && n.id.startsWith(`signal:${r!.id}:granted`)), teacher).toHaveLength(1);
    }
    expect(items.filter((n) => n.id === `decision:${r!.id}:m.devries`)).toHaveLength(1);
    expect(await bot.app.store.jobs.get(`review:${r!.id}:${r!.reviewDue}`)).not.toBeNull();
  },
};

const SCENARIOS = [report, mentorStep, submission, firstVote, decision];

/** Starts the bot with counting writes; deliveries and reminders do not run by themselves meanwhile. */
async function start(faults: WriteFaults, store: TestStore): Promise<TestApp> {
  return startTestApp({ ZORGPAD_DELIVERY_INTERVAL_MS: '600000' }, store, undefined, { wrapStore: (s) => faults.wrap(s) });
}

describe.each(testStores())('one turn, one commit (%s store)', (store) => {
  let bot: TestApp | undefined;
  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
  });

  describe.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', (_name, scenario) => {
    it('loses nothing and doubles nothing when the store fails at any one of its writes, or the process dies there', async () => {
      // Without failures: how many writes the step makes, and what the person is told.
      const faults = new WriteFaults();
      bot = await start(faults, store);
      await scenario.setup(bot);
      faults.arm(null);
      const expected = await scenario.step(bot);
      const writes = faults.count;
      expect(writes).toBeGreaterThan(1);
      await scenario.check(bot);
      await bot.stop();
      bot = undefined;

      for (let n = 1; n <= writes; n++) {
        const crash = n % 2 === 0; // every other point: the process dies there and starts again
        const run = new WriteFaults();
        bot = await start(run, store);
        await scenario.setup(bot);
        run.arm(n);
        const failed = await scenario.step(bot);
        expect(failed.texts, `write ${n} of ${writes}: ${run.log.join(', ')}`).toEqual([TRY_AGAIN]);
        run.arm(null);
        if (crash) await bot.restart();
        const retried = await scenario.step(bot);
        expect(retried.texts, `after a failure at write ${n} (${run.log.at(-1)})`).toEqual(expected.texts);
        await scenario.check(bot);
        await bot.stop();
        bot = undefined;
      }
    }, 600_000);
  });
});
