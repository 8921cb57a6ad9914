import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { quiet, startTestApp, testStores, type TestApp } from '../helpers/app.js';
import { EXCEPTION_REQUEST, SIGNAL } from '../helpers/conversations.js';
import { blockText, buttons, FakeSlack, slackDms, slackHeaders, type Block } from '../helpers/fake-slack.js';

const SECRET = 'test-signing-secret-0123456789';
const TEAM = 'TDEMO';
const USERS = { bakker: 'UDEMO0001', devries: 'UDEMO0003', jansen: 'UDEMO0007', verhoeven: 'UDEMO0008', koster: 'UDEMO0010' } as const;
const KERNTEAM_CHANNEL = 'CDEMOKERN';
const dmChannel = (user: string) => `D${user.slice(1)}`;

describe.each(testStores())('Slack channel over real HTTP (%s store)', (store) => {
  let slack: FakeSlack;
  let bot: TestApp;

  beforeEach(async () => {
    slack = await new FakeSlack().start();
    bot = await startTestApp(
      { SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: slack.url, ZORGPAD_DELIVERY_INTERVAL_MS: '100' },
      store,
    );
  });
  afterEach(async () => {
    await bot.stop();
    await slack.stop();
  });

  async function send(body: string, contentType: string, headers: Record<string, string> = {}, timestamp?: number): Promise<Response> {
    return fetch(`${bot.base}/slack/events`, { method: 'POST', headers: { ...slackHeaders(SECRET, body, contentType, timestamp), ...headers }, body });
  }
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const sendForm = (fields: Record<string, string>, headers?: Record<string, string>, timestamp?: number) =>
    send(form(fields), 'application/x-www-form-urlencoded', headers, timestamp);
  const interact = (payload: unknown) => sendForm({ payload: JSON.stringify(payload) });

  const command = (user: string, text: string) =>
    sendForm({ command: '/zorgpad', text, user_id: user, team_id: TEAM, trigger_id: `trig-${randomUUID()}`, channel_id: dmChannel(user) });

  function dmEvent(user: string, text: string, eventId = `Ev${randomUUID()}`) {
    return JSON.stringify({ type: 'event_callback', team_id: TEAM, event_id: eventId, event: { type: 'message', user, channel: dmChannel(user), channel_type: 'im', text } });
  }

  const postsTo = (channel: string) => slack.of('chat.postMessage').filter((c) => c.args.channel === channel);

  /** Types a message in the person's DM with Zorgpad and waits for the bot's answer there (the whole turn). */
  const { dm, conversation } = slackDms({ bot: () => bot, slack: () => slack, secret: SECRET });

  const REQUEST = [...EXCEPTION_REQUEST, 'Indienen'];

  it('answers Slack\'s URL check with the challenge', async () => {
    const res = await send(JSON.stringify({ type: 'url_verification', challenge: 'abc123', token: 'x' }), 'application/json');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'abc123' });
  });

  it('rejects a bad signature, a stale and a future timestamp with 401, and stores nothing', async () => {
    const body = form({ command: '/zorgpad', text: 'pesten', user_id: USERS.bakker, team_id: TEAM, trigger_id: 'trig-1' });
    const wrong = await fetch(`${bot.base}/slack/events`, {
      method: 'POST',
      headers: { ...slackHeaders('another-secret-123456', body, 'application/x-www-form-urlencoded') },
      body,
    });
    expect(wrong.status).toBe(401);
    const now = Math.floor(Date.now() / 1000);
    expect((await sendForm(Object.fromEntries(new URLSearchParams(body)), {}, now - 6 * 60)).status).toBe(401);
    expect((await sendForm(Object.fromEntries(new URLSearchParams(body)), {}, now + 6 * 60)).status).toBe(401);
    const unsigned = await fetch(`${bot.base}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(unsigned.status).toBe(401);
    // A body changed after signing is refused too.
    const signed = slackHeaders(SECRET, body, 'application/x-www-form-urlencoded');
    const tampered = await fetch(`${bot.base}/slack/events`, { method: 'POST', headers: signed, body: body.replace('pesten', 'uitzondering') });
    expect(tampered.status).toBe(401);
    // A signature of the wrong form (another version, cut short, not hex) is refused, not an error.
    const good = signed['x-slack-signature']!;
    for (const signature of [good.replace('v0=', 'v1='), good.slice(0, -2), `${good.slice(0, -1)}z`, 'v0=']) {
      const odd = await fetch(`${bot.base}/slack/events`, { method: 'POST', headers: { ...signed, 'x-slack-signature': signature }, body });
      expect(odd.status).toBe(401);
    }

    // Whatever those requests set going has finished: then nothing was sent, nothing stored.
    await quiet(bot.app);
    expect(slack.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
    expect(await bot.app.store.collection('dialogStates').findBy('schoolId', 'demo')).toEqual([]);
  });

  it('refuses a signed body that is not a Slack payload with 400, and a well-signed stranger gets a friendly answer', async () => {
    expect((await send('{"hello":1}', 'application/json')).status).toBe(400);
    expect((await send('not json', 'application/json')).status).toBe(400);
    const stranger = await dm('UNOBODY01', 'help');
    expect(stranger[0]?.args.text).toMatch(/medewerker|beheerder/i);
  });

  it('starts a procedure typed in a DM at an open question, or asked for with /zorgpad over an open window; the parked dialog comes back with its answers', async () => {
    // Direct messages: a trigger at a student question starts the report; the request waits.
    await conversation(USERS.devries, ['uitzondering aanvragen', 'L1001']);
    const report = await dm(USERS.devries, 'pesten melden');
    expect(String(report.at(-1)!.args.text)).toMatch(/^Je wilt pesten melden\./);
    const stopped = await dm(USERS.devries, 'stop');
    expect(stopped.map((c) => `${c.args.text}\n${blockText(c.args.blocks as Block[])}`).join('\n')).toMatch(/Je was nog bezig met "Uitzondering telefoonverbod aanvragen"/);
    const back = await dm(USERS.devries, 'verder');
    // The request's first form, its first field the question typed text answers.
    expect(String(back.at(-1)!.args.text)).toMatch(/^Grond en doel\nOp welke grond\?/);
    // Answering it by typing settles that question's message in place: the answer, no buttons.
    await dm(USERS.devries, 'Medisch');
    const settled = await slack.until((calls) => calls.find((c) => c.method === 'chat.update' && c.args.ts === back.at(-1)!.result?.ts));
    expect(blockText(settled.args.blocks as Block[])).toMatch(/Op welke grond\?[\s\S]*Jouw antwoord: Medisch/);
    expect(buttons(settled.args.blocks as Block[])).toEqual([]);

    // A window: /zorgpad uitzondering answered up to its second question and left open; /zorgpad pesten
    // starts the report in a new window; afterwards "verder" brings the request back with its answers.
    await command(USERS.jansen, 'uitzondering');
    const first = await slack.until((calls) => calls.find((c) => c.method === 'views.update' && /Voor welke leerling\?/.test(blockText((c.args.view as { blocks: Block[] }).blocks))));
    const firstView = first.args.view as { private_metadata: string };
    await interact({
      type: 'view_submission',
      user: { id: USERS.jansen },
      team: { id: TEAM },
      view: { id: first.args.view_id, callback_id: 'zorgpad.dialog', private_metadata: firstView.private_metadata, state: { values: { answer: { answer: { type: 'plain_text_input', value: 'L1001' } } } } },
    });
    await slack.until((calls) => calls.find((c) => c.method === 'views.update' && /Op welke grond\?/.test(blockText((c.args.view as { blocks: Block[] }).blocks))));
    await command(USERS.jansen, 'pesten');
    const window = await slack.until((calls) =>
      calls.find((c) => c.method === 'views.update' && (c.args.view as { title: { text: string } }).title.text === 'Pesten melden'),
    );
    expect(blockText((window.args.view as { blocks: Block[] }).blocks)).toMatch(/Je wilt pesten melden/);
    const offered = await dm(USERS.jansen, 'stop');
    expect(offered.map((c) => blockText(c.args.blocks as Block[])).join('\n')).toMatch(/Je was nog bezig met "Uitzondering telefoonverbod aanvragen"/);
    const resumed = await dm(USERS.jansen, 'verder');
    expect(String(resumed.at(-1)!.args.text)).toMatch(/^Grond en doel\nOp welke grond\?/);
    const [draft] = await bot.app.store.collection('exceptionRequests').findBy('requesterStaffId', 'a.jansen');
    expect(draft?.studentRef).toBe('L1001');
  });

  it('parks the dialog of a window that is closed (view_closed): "pesten melden" typed next in the DM starts a new report', async () => {
    await command(USERS.bakker, 'pesten');
    type Shown = { notify_on_close?: boolean; callback_id: string; private_metadata?: string; blocks: Block[] };
    const first = await slack.until((calls) => calls.find((c) => c.method === 'views.update' && buttons((c.args.view as Shown).blocks).some((b) => b.text === 'Het is pesten')));
    const firstView = first.args.view as Shown;
    // Slack is to say when a dialog's window is closed.
    expect(firstView.notify_on_close).toBe(true);
    const choice = buttons(firstView.blocks).find((b) => b.text === 'Het is pesten')!;
    await interact({
      type: 'block_actions',
      user: { id: USERS.bakker },
      team: { id: TEAM },
      trigger_id: `trig-${randomUUID()}`,
      container: { type: 'view', view_id: first.args.view_id },
      view: { id: first.args.view_id, type: 'modal', callback_id: 'zorgpad.dialog', state: { values: {} } },
      actions: [{ action_id: choice.action_id, value: choice.value, action_ts: '1' }],
    });
    const student = await slack.until((calls) => calls.find((c) => c.method === 'views.update' && /Welke leerling wordt gepest\?/.test(blockText((c.args.view as Shown).blocks))));
    const shown = student.args.view as Shown;
    expect(shown.notify_on_close).toBe(true);

    // The person closes the window at the student question, as Slack reports it.
    const closed = await interact({
      type: 'view_closed',
      team: { id: TEAM, domain: 'demo' },
      user: { id: USERS.bakker, name: 't.bakker', team_id: TEAM },
      api_app_id: 'AZORGPAD',
      is_cleared: false,
      view: { id: student.args.view_id, type: 'modal', callback_id: shown.callback_id, private_metadata: shown.private_metadata, state: { values: {} } },
    });
    expect(closed.status).toBe(200);
    const told = await slack.until(() => postsTo(USERS.bakker).find((c) => /venster van "Pesten melden" gesloten/.test(String(c.args.text))));
    expect(String(told.args.text)).toMatch(/typ "verder"/);
    // Kept in the durable inbox, like every interaction that makes a turn.
    const entries = await bot.app.store.collection('inbox').findBy('schoolId', 'demo');
    expect(entries.some((e) => e.id.startsWith('slack:closed:'))).toBe(true);

    // Typed next in the DM: a new report, not an answer to the student question the window showed.
    const report = await dm(USERS.bakker, 'pesten melden');
    const said = report.map((c) => `${c.args.text}\n${blockText(c.args.blocks as Block[])}`).join('\n');
    expect(String(report[0]!.args.text)).toMatch(/^Je wilt pesten melden\./);
    expect(said).not.toMatch(/geen leerling|opnieuw/);
    const [state] = await bot.app.store.collection('dialogStates').findBy('schoolId', 'demo');
    expect(state).toMatchObject({ flowId: 'pesten-melden', stepId: 'zeker', answers: {} });
  });

  it('says in a finished window that it can be closed and how to go on', async () => {
    await command(USERS.bakker, 'cyberpesten');
    const first = await slack.until((calls) => calls.find((c) => c.method === 'views.update'));
    expect((first.args.view as { title: { text: string } }).title.text).toBe('Advies bij cyberpesten');
    await command(USERS.bakker, 'help');
    const update = await slack.until((calls) => calls.filter((c) => c.method === 'views.update').at(1));
    // A menu still asks something: no closing line yet.
    expect(blockText((update.args.view as { blocks: Block[] }).blocks)).not.toMatch(/je kunt het sluiten/);
    const stopped = await command(USERS.bakker, 'stop');
    expect(stopped.status).toBe(200);
    const last = await slack.until((calls) => calls.filter((c) => c.method === 'views.update').at(2));
    expect(blockText((last.args.view as { blocks: Block[] }).blocks)).toMatch(/Klaar in dit venster; je kunt het sluiten\./);
  });

  it('opens a modal for /zorgpad pesten at once and fills it with the first question', async () => {
    const res = await command(USERS.bakker, 'pesten');
    expect(res.status).toBe(200);
    const open = await slack.until((calls) => calls.find((c) => c.method === 'views.open'));
    expect(open.args.trigger_id).toMatch(/^trig-/);
    const update = await slack.until((calls) => calls.find((c) => c.method === 'views.update'));
    const view = update.args.view as { type: string; blocks: Block[]; callback_id: string; title: { text: string } };
    expect(view.type).toBe('modal');
    // The window is named after the procedure (within Slack's 24 characters).
    expect(view.title.text).toBe('Pesten melden');
    expect(blockText(view.blocks)).toMatch(/plagen|pesten/i);
    expect(buttons(view.blocks).map((b) => b.text)).toContain('Het is pesten');

    // Clicking a choice in the modal answers it and shows the next question in the same modal.
    const choice = buttons(view.blocks).find((b) => b.text === 'Het is pesten')!;
    const clicked = await interact({
      type: 'block_actions',
      user: { id: USERS.bakker },
      team: { id: TEAM },
      trigger_id: 'trig-click-1',
      container: { type: 'view', view_id: update.args.view_id },
      view: { id: update.args.view_id, type: 'modal', callback_id: 'zorgpad.dialog', state: { values: {} } },
      actions: [{ action_id: choice.action_id, value: choice.value, action_ts: '1' }],
    });
    expect(clicked.status).toBe(200);
    const next = await slack.until((calls) => {
      const updates = calls.filter((c) => c.method === 'views.update' && blockText((c.args.view as { blocks: Block[] }).blocks).match(/leerling/i));
      return updates.at(-1);
    });
    const nextView = next.args.view as { blocks: Block[]; submit?: { text: string }; private_metadata?: string };
    // A typed answer: an input with the modal's Submit button.
    expect(nextView.blocks.some((b) => b.type === 'input')).toBe(true);
    expect(nextView.submit?.text).toBe('Verstuur');

    const answered = await interact({
      type: 'view_submission',
      user: { id: USERS.bakker },
      team: { id: TEAM },
      view: {
        id: update.args.view_id,
        callback_id: 'zorgpad.dialog',
        private_metadata: nextView.private_metadata,
        state: { values: { answer: { answer: { type: 'plain_text_input', value: 'L1001' } } } },
      },
    });
    expect(answered.status).toBe(200);
    expect(await answered.json()).toMatchObject({ response_action: 'update' });
    await slack.until((calls) => calls.some((c) => c.method === 'views.update' && blockText((c.args.view as { blocks: Block[] }).blocks).match(/Wie pest\?/)));
  });

  it('takes a bullying signal in direct messages and tells the class mentor by DM', async () => {
    const done = await conversation(USERS.bakker, SIGNAL);
    expect(done.map((c) => c.args.text).join('\n')).toMatch(/Je melding is vastgelegd/);
    const toMentor = await slack.until((calls) => calls.find((c) => c.method === 'chat.postMessage' && c.args.channel === USERS.devries));
    expect(`${toMentor.args.text}\n${blockText(toMentor.args.blocks as Block[])}`).toMatch(/L1001/);
    const [stored] = await bot.app.store.collection('bullyingCases').findBy('studentRef', 'L1001');
    expect(stored).toMatchObject({ ownerStaffId: 'm.devries', status: 'open' });

    // The mentor opens the case from the button in that DM; the answer comes in the same DM.
    const open = buttons(toMentor.args.blocks as Block[]).find((b) => b.text === 'Zaak openen')!;
    const mentorDm = toMentor.result!.channel as string;
    const before = postsTo(mentorDm).length;
    const click = await interact({
      type: 'block_actions',
      user: { id: USERS.devries },
      team: { id: TEAM },
      trigger_id: `trig-${randomUUID()}`,
      container: { type: 'message', channel_id: mentorDm, message_ts: toMentor.result!.ts },
      channel: { id: mentorDm },
      actions: [{ action_id: open.action_id, value: open.value, action_ts: '2' }],
    });
    expect(click.status).toBe(200);
    // The reply is two messages (where the case stands, then the question); wait for the question.
    const answer = await slack.until(() => postsTo(mentorDm).slice(before).find((c) => /Wat wil je vastleggen of doen\?/.test(String(c.args.text))));
    expect(blockText(answer.args.blocks as Block[])).toContain('Gesprek met de gepeste leerling');
  });

  it('gives the text for Magister as preformatted text, and the parents’ form link as a link button with the link to copy', async () => {
    const done = await conversation(USERS.bakker, SIGNAL);
    const note = done.find((c) => String(c.args.text).startsWith('Tekst voor Magister'))!;
    const blocks = note.args.blocks as Block[];
    expect(blocks[0]).toMatchObject({ type: 'header', text: { text: 'Tekst voor Magister (kopieer en plak):' } });
    // A code block holding exactly the text: a triple click selects it, and only it.
    const code = blocks.map((b) => b.text?.text ?? '').find((t) => t.startsWith('```'))!;
    expect(code).toMatch(/^```Op \d\d-\d\d-\d{4} is via Zorgpad pesten gemeld rond leerling L1001\. [^`]*```$/);
    expect(String(note.args.text)).toContain(code.slice(3, -3));

    await dm(USERS.devries, 'formulier voor ouders');
    const reply = await dm(USERS.devries, 'L1002');
    const message = reply.find((c) => /\/ouders\/formulier\?t=/.test(String(c.args.text)))!;
    const url = /https?:\/\/\S+\/ouders\/formulier\?t=[A-Za-z0-9_-]+/.exec(String(message.args.text))![0];
    const linkButtons = (message.args.blocks as Block[]).flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []));
    expect(linkButtons).toEqual([{ type: 'button', action_id: 'zp.url.0', text: { type: 'plain_text', text: 'Formulier bekijken', emoji: true }, url }]);
    expect((message.args.blocks as Block[]).map((b) => b.text?.text)).toContain(`\`\`\`${url}\`\`\``);
    // Pressing a link button: Slack opens the link and tells the app, which has nothing to do.
    const before = postsTo(message.result!.channel as string).length;
    const click = await interact({
      type: 'block_actions',
      user: { id: USERS.devries },
      team: { id: TEAM },
      trigger_id: `trig-${randomUUID()}`,
      container: { type: 'message', channel_id: message.result!.channel, message_ts: message.result!.ts },
      channel: { id: message.result!.channel },
      actions: [{ action_id: 'zp.url.0', action_ts: '3' }],
    });
    expect(click.status).toBe(200);
    await bot.app.idle();
    expect(postsTo(message.result!.channel as string).length).toBe(before);
  });

  it('delivers to people it can reach even when many older messages wait for people it cannot', async () => {
    // Sixty messages for people without a Slack account, older than anything else.
    for (let i = 0; i < 60; i++) await bot.app.outbox.notify(`stuck-${i}`, `x.zonder-slack-${i}`, { text: 'Wacht op een kanaal.' });
    await conversation(USERS.bakker, SIGNAL);
    const toMentor = await slack.until((calls) => calls.find((c) => c.method === 'chat.postMessage' && c.args.channel === USERS.devries));
    expect(String(toMentor.args.text)).toMatch(/L1001/);
    // The ones nobody can deliver are still there, untouched.
    expect((await bot.app.outbox.get('stuck-0'))?.status).toBe('pending');
  });

  it('sends a typed answer from a question message in DM with its Send button', async () => {
    const question = (await dm(USERS.bakker, 'pesten melden')).at(-1)!;
    const pesten = buttons(question.args.blocks as Block[]).find((b) => b.text === 'Het is pesten')!;
    const clickIn = async (button: { action_id: string; value: string }, values: Record<string, unknown>, expected: RegExp) => {
      const before = postsTo(dmChannel(USERS.bakker)).length;
      const res = await interact({
        type: 'block_actions',
        user: { id: USERS.bakker },
        team: { id: TEAM },
        trigger_id: `trig-${randomUUID()}`,
        container: { type: 'message', channel_id: dmChannel(USERS.bakker), message_ts: '1' },
        state: { values },
        actions: [{ action_id: button.action_id, value: button.value, action_ts: String(Math.random()) }],
      });
      expect(res.status).toBe(200);
      return slack.until(() => postsTo(dmChannel(USERS.bakker)).slice(before).find((c) => expected.test(`${c.args.text}\n${blockText(c.args.blocks as Block[])}`)));
    };
    const next = await clickIn(pesten, {}, /Welke leerling/);
    const blocks = next.args.blocks as Block[];
    expect(blocks.some((b) => b.type === 'input')).toBe(true);
    const send = buttons(blocks).find((b) => b.text === 'Verstuur')!;
    const after = await clickIn(send, { answer: { answer: { type: 'plain_text_input', value: 'L1001' } } }, /Wie pest\?/);
    expect(blockText(after.args.blocks as Block[])).toMatch(/Wie pest\?/);
    // Each answered question message was settled in place (the message the button was on): its answer, no buttons.
    const settled = slack.of('chat.update').filter((c) => c.args.channel === dmChannel(USERS.bakker) && c.args.ts === '1');
    expect(settled.map((c) => blockText(c.args.blocks as Block[]))).toEqual([
      expect.stringMatching(/Je wilt pesten melden[\s\S]*Jouw antwoord: Het is pesten/),
      expect.stringMatching(/Welke leerling wordt gepest\?[\s\S]*Jouw antwoord: L1001 \(1A\)/),
    ]);
    expect(settled.every((c) => buttons(c.args.blocks as Block[]).length === 0)).toBe(true);
  });

  it('processes a retried event once, and acknowledges the retry', async () => {
    const eventId = `Ev${randomUUID()}`;
    const first = await send(dmEvent(USERS.bakker, 'help', eventId), 'application/json');
    expect(first.status).toBe(200);
    await slack.until(() => postsTo(dmChannel(USERS.bakker)).length > 0);
    const retry = await send(dmEvent(USERS.bakker, 'help', eventId), 'application/json', { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    expect(retry.status).toBe(200);
    // The retry's turn, had it run one, and what it woke have finished.
    await quiet(bot.app);
    expect(postsTo(dmChannel(USERS.bakker))).toHaveLength(1);
  });

  it('posts the exception request to the kernteam channel, updates it after each vote and replaces it with the outcome', async () => {
    await conversation(USERS.devries, REQUEST);
    const [request] = await bot.app.store.collection('exceptionRequests').findBy('requesterStaffId', 'm.devries');
    expect(request?.status).toBe('submitted');

    const card = await slack.until((calls) => calls.find((c) => c.method === 'chat.postMessage' && c.args.channel === KERNTEAM_CHANNEL));
    const blocks = card.args.blocks as Block[];
    expect(blockText(blocks)).toMatch(/L1001/);
    // Categories only: the typed explanation never reaches the channel.
    expect(JSON.stringify(card.args)).not.toMatch(/suiker|Diabetes/);
    // In the channel the vote asks for its motivation in a modal; no input in the message itself.
    expect(blocks.some((b) => b.type === 'input')).toBe(false);
    const approve = buttons(blocks).find((b) => b.text === 'Toekennen')!;

    const vote = async (user: string, motivation: string) => {
      const opens = slack.of('views.open').length;
      const click = await interact({
        type: 'block_actions',
        user: { id: user },
        team: { id: TEAM },
        trigger_id: `trig-${randomUUID()}`,
        container: { type: 'message', channel_id: KERNTEAM_CHANNEL, message_ts: card.result?.ts },
        channel: { id: KERNTEAM_CHANNEL },
        message: { ts: '1700000000.000001' },
        actions: [{ action_id: approve.action_id, value: approve.value, action_ts: String(Date.now()) }],
      });
      expect(click.status).toBe(200);
      const modal = await slack.until(() => slack.of('views.open').length > opens && slack.of('views.open').at(-1));
      const view = modal.args.view as { callback_id: string; private_metadata: string; blocks: Block[] };
      expect(view.callback_id).toBe('zorgpad.vote');
      return interact({
        type: 'view_submission',
        user: { id: user },
        team: { id: TEAM },
        view: { id: `V-${randomUUID()}`, callback_id: view.callback_id, private_metadata: view.private_metadata, state: { values: { motivation: { motivation: { type: 'plain_text_input', value: motivation } } } } },
      });
    };

    // Too short a motivation keeps the modal open with a message, and records nothing.
    const short = await vote(USERS.jansen, 'ok');
    expect(await short.json()).toMatchObject({ response_action: 'errors', errors: { motivation: expect.stringMatching(/motivatie/i) } });

    expect((await vote(USERS.jansen, 'Medisch noodzakelijk, verwijsbrief aanwezig.')).status).toBe(200);
    const updated = await slack.until((calls) => calls.find((c) => c.method === 'chat.update' && c.args.channel === KERNTEAM_CHANNEL));
    expect(updated.args.ts).toBe(card.result?.ts);
    expect(blockText(updated.args.blocks as Block[])).toMatch(/Medisch noodzakelijk/);
    expect(buttons(updated.args.blocks as Block[]).map((b) => b.text)).toContain('Toekennen');
    await slack.until(() => postsTo(USERS.jansen).length > 0);

    expect((await vote(USERS.verhoeven, 'Eens; evalueren na zes weken.')).status).toBe(200);
    const outcome = await slack.until((calls) =>
      calls.find((c) => c.method === 'chat.update' && c.args.channel === KERNTEAM_CHANNEL && buttons(c.args.blocks as Block[]).length === 0),
    );
    expect(outcome.args.ts).toBe(card.result?.ts);
    expect(blockText(outcome.args.blocks as Block[])).toMatch(/toegekend/i);
    const decided = (await bot.app.store.collection('exceptionRequests').get(request!.id))!;
    expect(decided.status).toBe('granted');
    expect(decided.votes).toHaveLength(2);
    // The requester hears the decision by DM.
    await slack.until(() => postsTo(USERS.devries).some((c) => /toegekend/i.test(String(c.args.text))));
  });

  it('shows the procedures and the person\'s drafts on the App Home tab', async () => {
    await conversation(USERS.devries, REQUEST.slice(0, 4));
    const res = await send(
      JSON.stringify({ type: 'event_callback', team_id: TEAM, event_id: `Ev${randomUUID()}`, event: { type: 'app_home_opened', user: USERS.devries, tab: 'home' } }),
      'application/json',
    );
    expect(res.status).toBe(200);
    const published = await slack.until((calls) => calls.find((c) => c.method === 'views.publish'));
    expect(published.args.user_id).toBe(USERS.devries);
    const view = published.args.view as { type: string; blocks: Block[] };
    expect(view.type).toBe('home');
    expect(buttons(view.blocks).map((b) => b.text)).toEqual(expect.arrayContaining(['Pesten melden', 'Advies bij cyberpesten', 'Uitzondering telefoonverbod aanvragen', 'Openen']));
    expect(blockText(view.blocks)).toMatch(/L1001 — concept/);
    // What waits for her comes first, with a button that opens it.
    const text = blockText(view.blocks);
    expect(text.indexOf('Wacht op jou')).toBeLessThan(text.indexOf('Pesten melden'));
    expect(text).toMatch(/Aanvraag afmaken voor L1001/);
    const waitingButton = buttons(view.blocks).find((b) => b.value.length > 0 && b.text === 'Openen');
    expect(waitingButton).toBeDefined();
  });

  it('waits for Slack\'s Retry-After on 429 and then delivers through the outbox', async () => {
    slack.rateLimitedChannels.set(USERS.devries, 1);
    await conversation(USERS.bakker, SIGNAL);
    const delivered = await slack.until((calls) => calls.find((c) => c.method === 'chat.postMessage' && c.args.channel === USERS.devries), 15_000);
    const limited = slack.calls.find((c) => c.method === 'chat.postMessage:429' && c.args.channel === USERS.devries);
    expect(limited).toBeDefined();
    // Retry-After: 1 second.
    expect(delivered.at - limited!.at).toBeGreaterThanOrEqual(950);
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === USERS.devries)).toHaveLength(1);
  });

  it('marks a person Slack cannot reach and tells the beheerder once', async () => {
    slack.missingChannels.add(USERS.devries);
    await conversation(USERS.bakker, SIGNAL);
    const told = await slack.until((calls) => calls.find((c) => c.method === 'chat.postMessage' && c.args.channel === USERS.koster));
    expect(told.args.text).toMatch(/Marloes de Vries is via Slack niet te bereiken/);
    const unreachable = await bot.app.outbox.unreachable();
    expect(unreachable.map((n) => n.staffId)).toContain('m.devries');
  });
});
