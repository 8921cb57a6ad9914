import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSlack, slackHeaders } from '../helpers/fake-slack.js';
import { call, startZorgpad, storeSettled } from '../helpers/zorgpad-process.js';

const SECRET = 'test-signing-secret-0123456789';
const USERS = ['UDEMO0001', 'UDEMO0002', 'UDEMO0004', 'UDEMO0005', 'UDEMO0006', 'UDEMO0007', 'UDEMO0008', 'UDEMO0010'];
/** Every "help" turn ends by asking this. */
const QUESTION = 'Waarmee kan ik je helpen?';

const post = async (port: number, body: string) => (await call(port, 'POST', '/slack/events', body, slackHeaders(SECRET, body, 'application/json'))).status;

/**
 * A deploy or restart sends SIGTERM. Slack was told "received" for every event it sent, and will not
 * send them again: `npm start` finishes the turns in hand (within the grace period) and leaves the rest
 * in the inbox, where the next start (or another process) finds them.
 */
describe.each([1, 2])('stopping with acknowledged Slack events in hand (%i worker(s))', (workers) => {
  let slack: FakeSlack;
  let data: string;

  beforeEach(async () => {
    slack = await new FakeSlack().start();
    data = mkdtempSync(join(tmpdir(), 'zorgpad-stop-'));
  });

  afterEach(async () => {
    await slack.stop();
    rmSync(data, { recursive: true, force: true });
  });

  const start = (env: Record<string, string>, port?: number) =>
    startZorgpad(workers, { ZORGPAD_DATA_DIR: data, SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: slack.url, ...env }, { port });

  const helpEvents = (perUser: number) =>
    USERS.flatMap((user) =>
      Array.from({ length: perUser }, () =>
        JSON.stringify({ type: 'event_callback', team_id: 'TDEMO', event_id: `Ev${randomUUID()}`, event: { type: 'message', user, channel: `D${user.slice(1)}`, channel_type: 'im', text: 'help' } }),
      ),
    );

  it('finishes the turns in hand, gives the rest back to the inbox and exits cleanly; the next start answers them, each once', async () => {
    const first = await start({ ZORGPAD_STOP_GRACE_MS: '60000' });
    // Slack answers slowly, so most turns are still running or waiting their turn when the stop comes.
    slack.delayMs = 250;
    const events = helpEvents(5);
    const statuses = await Promise.all(events.map((body) => post(first.port, body)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    const answeredBeforeStop = slack.of('chat.postMessage').filter((c) => c.args.text === QUESTION).length;
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    // Most of the work was still in hand at the stop: otherwise this test would show nothing.
    expect(answeredBeforeStop).toBeLessThan(events.length / 2);
    expect(first.out.errors).not.toContain('stopping.unfinished');

    slack.delayMs = 0;
    const second = await start({}, first.port);
    const answered = () => slack.of('chat.postMessage').filter((c) => c.args.text === QUESTION);
    await slack.until(() => answered().length >= events.length, 30_000);
    // Nothing left in the store that could answer one again: no inbox entry open, no reply waiting.
    await storeSettled(data, { outboxFor: 'everyone' });
    for (const user of USERS) expect(answered().filter((c) => c.args.channel === `D${user.slice(1)}`)).toHaveLength(5);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 120_000);

  it('does not wait longer than ZORGPAD_STOP_GRACE_MS when Slack does not answer, and logs how much was left', async () => {
    const { port, child, out, exited } = await start({ ZORGPAD_STOP_GRACE_MS: '500' });
    // Slack hangs: every call would take a minute (the Web API client gives up after 10 s).
    slack.delayMs = 60_000;
    const statuses = await Promise.all(helpEvents(1).map((body) => post(port, body)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    const stopped = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // The wait is bounded by the grace period, not by Slack.
    expect(Date.now() - stopped).toBeLessThan(8_000);
    expect(out.errors).toMatch(/"event":"stopping.unfinished".*"running":[1-9]/);
  }, 60_000);
});
