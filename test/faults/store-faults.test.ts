import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { startTestApp, type TestApp } from '../helpers/app.js';
import { freePort } from '../helpers/net.js';

/** The first answers of an exception request: after these a draft exists. */
const FIRST_ANSWERS = ['uitzondering aanvragen', 'L1001', 'Medisch', 'Medische app (bijvoorbeeld glucosemeting)'];
const TRY_AGAIN = 'Er ging iets mis aan onze kant. Je antwoorden zijn bewaard; probeer het zo nog eens.';

const FERRETDB = join(homedir(), '.cache', 'zorgpad-ci', 'bin', 'ferretdb');
const ferretAvailable = existsSync(FERRETDB);
if (!ferretAvailable && process.env.CI === 'true') throw new Error('CI=true but the FerretDB binary is missing: the MongoDB fault tests cannot run');
if (!ferretAvailable) console.warn('\n*** MongoDB fault tests NOT RUN: no FerretDB binary (.ci/ferretdb.sh build). ***\n');


/** A FerretDB of our own, so that this test can take it away and bring it back. */
class OwnFerretDb {
  readonly dir = mkdtempSync(join(tmpdir(), 'zorgpad-fault-ferret-'));
  port = 0;
  async start(port?: number): Promise<string> {
    this.port = port ?? (await freePort());
    const run = spawnSync('bash', ['.ci/ferretdb.sh', 'start', String(this.port), this.dir], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`FerretDB did not start: ${run.stderr}`);
    return `mongodb://127.0.0.1:${this.port}/`;
  }
  stop(): void {
    try {
      process.kill(Number(readFileSync(join(this.dir, 'ferretdb.pid'), 'utf8')), 'SIGKILL');
    } catch {
      /* gone already */
    }
  }
}

describe('when the store fails in the middle of a conversation', () => {
  let bot: TestApp | undefined;
  let ferret: OwnFerretDb | undefined;
  afterEach(async () => {
    await bot?.stop().catch(() => undefined);
    ferret?.stop();
    bot = undefined;
    ferret = undefined;
  });

  async function draftAndState(b: TestApp) {
    const [draft] = await b.app.store.collection('exceptionRequests').findBy('requesterStaffId', 'm.devries');
    const [state] = (await b.app.store.collection('dialogStates').findBy('schoolId', 'demo')).filter((s) => s.userKey.includes('m.devries'));
    return { draft, state };
  }

  it('SQLite closed mid-turn: the person is asked to try again, and dialog and draft are intact afterwards', async () => {
    bot = await startTestApp();
    for (const text of FIRST_ANSWERS) await bot.say('m.devries', text);
    const before = await draftAndState(bot);
    expect(before.draft).toMatchObject({ status: 'draft', ground: 'medisch', purpose: 'medische-app' });

    await bot.app.store.close();
    const reply = await bot.say('m.devries', 'Diabetes type 1');
    expect(reply.texts).toEqual([TRY_AGAIN]);

    await bot.restart();
    const after = await draftAndState(bot);
    expect(after.draft).toEqual(before.draft);
    expect(after.state?.stepId).toBe(before.state?.stepId);
    // The same answer now goes through, from where the dialog was.
    const retried = await bot.say('m.devries', 'Diabetes type 1');
    expect(retried.texts.join('\n')).not.toContain(TRY_AGAIN);
    const [draft] = await bot.app.store.collection('exceptionRequests').findBy('requesterStaffId', 'm.devries');
    expect(draft?.purposeDetail).toBe('Diabetes type 1');
  }, 60_000);

  it.skipIf(!ferretAvailable)('MongoDB (FerretDB) stopped mid-scenario: try again, nothing half-written, and on with the same dialog once it is back', async () => {
    ferret = new OwnFerretDb();
    const uri = await ferret.start();
    bot = await startTestApp({ MONGODB_URI: uri, MONGODB_DB: 'zorgpad_fault' });
    for (const text of FIRST_ANSWERS) await bot.say('m.devries', text);
    const before = await draftAndState(bot);
    expect(before.draft?.status).toBe('draft');

    ferret.stop();
    const reply = await bot.say('m.devries', 'Diabetes type 1');
    expect(reply.texts).toEqual([TRY_AGAIN]);

    await ferret.start(ferret.port);
    const after = await draftAndState(bot);
    expect(after.draft).toEqual(before.draft);
    expect(after.state?.stepId).toBe(before.state?.stepId);
    const retried = await bot.say('m.devries', 'Diabetes type 1');
    expect(retried.texts.join('\n')).not.toContain(TRY_AGAIN);
  }, 120_000);

  it('a vote stored just before a crash is on the card at the next refresh (the card shows the stored truth)', async () => {
    bot = await startTestApp();
    for (const text of [...FIRST_ANSWERS, 'Diabetes type 1', 'Aanwezig', 'Niet van toepassing', 'Aanwezig', 'Volgt nog', 'Ik wil mijn waarden zien', 'dossier', 'Ook in toetsweken', 'alle lessen', 'glucose-app', '1', '1, 4', '2', 'Indienen']) {
      await bot.say('m.devries', text);
    }
    const requests = bot.app.store.collection('exceptionRequests');
    const [request] = await requests.findBy('requesterStaffId', 'm.devries');
    expect(request?.status).toBe('submitted');
    // As if the process died right after writing the vote: no card update, no notification.
    await requests.update({ ...request!, votes: [{ staffId: 'a.jansen', role: 'zorgcoordinator', vote: 'approve', motivation: 'Vastgelegd vlak voor de storing.', at: Date.now() }] });
    await bot.restart();
    const refreshed = await bot.click('l.verhoeven', { zorgpad: { refresh: request!.id } });
    expect(JSON.stringify(refreshed.card)).toContain('Vastgelegd vlak voor de storing.');
  }, 60_000);
});
