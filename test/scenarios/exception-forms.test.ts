import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { cardProblems } from '../helpers/adaptive-cards.js';
import { buttonData, startTestApp, type PlaygroundReply, type TestApp } from '../helpers/app.js';
import { blockText, FakeSlack, slackHeaders, type Block } from '../helpers/fake-slack.js';
import { fillParentsForm, parentsLink } from '../helpers/parents-form.js';
import { FILLED } from '../helpers/parents.js';
import { installPersonal, personalConversation, personalMessage, cardAction, startTeamsTest, type TeamsTest } from '../helpers/teams.js';
import type { FakeConnector } from '../helpers/fake-connector.js';

/**
 * The exception request with its three forms: at most six turns from "uitzondering aanvragen" to the
 * submission, with every field sent at once from a card (the playground, Teams) or a window (Slack), and
 * every field kept in the request. A form with a wrong field changes nothing, and says so in Dutch.
 */

/** What the three forms are filled in with, by field key (as a card sends them: values, comma-separated). */
const FORMS = {
  'grond-doel': { grond: 'medisch', doel: 'medische-app', doelToelichting: 'Diabetes type 1; sensor stuurt waarden naar de telefoon' },
  documenten: {
    doc_verwijsbrief: 'aanwezig',
    doc_opp: 'nvt',
    doc_diagnose: 'aanwezig',
    doc_motivatie: 'volgt',
    woordenLeerling: 'Als mijn suiker zakt moet ik het meteen zien',
    bewaarplaats: 'dossier in Magister',
  },
  afspraken: { reikwijdte: 'lessen,ook-toetsen', wanneer: 'alle', apps: 'glucose-app, alleen meldingen en waarden', functies: 'meldingen', aanpak: 'zichtbaar,contactpersoon', soort: 'structureel' },
} as const;
type FormId = keyof typeof FORMS;

/** The card data a form's send button carries, with its inputs filled in as the card sends them. */
function filled(send: unknown, fields: Record<string, string>): Record<string, unknown> {
  return { ...(send as object), ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [`field.${k}`, v])) };
}

type Card = { body?: unknown[]; actions?: Array<{ title?: string; data?: { zorgpad?: { stepId?: string; form?: boolean } } }> };

/** The form card among a reply's messages (its send button says `form: true`), and which form it is. */
function formCard(messages: Array<{ card?: unknown }>): { card: Card; stepId: string; send: unknown } | undefined {
  for (const m of messages) {
    const card = m.card as Card | undefined;
    const send = card?.actions?.[0]?.data;
    if (send?.zorgpad?.form === true) return { card: card!, stepId: send.zorgpad.stepId!, send };
  }
  return undefined;
}

/** The inputs of a card, by id, with what they show filled in. */
function inputs(card: Card): Record<string, { label: string; value: string }> {
  const found: Record<string, { label: string; value: string }> = {};
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const e = node as Record<string, unknown>;
      if (typeof e.type === 'string' && e.type.startsWith('Input.')) found[String(e.id)] = { label: String(e.label), value: String(e.value ?? '') };
      for (const v of Object.values(e)) if (v && typeof v === 'object') walk(v);
    }
  };
  walk(card.body);
  return found;
}

/** Every field of the request as the record keeps it. */
const EXPECTED_RECORD = {
  status: 'submitted',
  studentRef: 'L1001',
  ground: 'medisch',
  purpose: 'medische-app',
  purposeDetail: FORMS['grond-doel'].doelToelichting,
  documents: { verwijsbrief: 'aanwezig', opp: 'nvt', diagnose: 'aanwezig', motivatie: 'volgt' },
  studentWords: FORMS.documenten.woordenLeerling,
  documentsLocation: 'dossier in Magister',
  scope: 'lessen',
  scopes: ['lessen', 'ook-toetsen'],
  subjects: ['alle'],
  apps: FORMS.afspraken.apps,
  functions: ['meldingen'],
  teacherActions: ['zichtbaar', 'contactpersoon'],
  kind: 'structureel',
};

describe('the exception request in forms, in the playground', () => {
  let bot: TestApp;
  beforeEach(async () => {
    bot = await startTestApp();
  });
  afterEach(() => bot.stop());

  const requests = () => bot.app.store.collection('exceptionRequests').findBy('requesterStaffId', 'm.devries');

  it('completes in six turns from "uitzondering aanvragen" to the submission, each form on one card, and keeps every field', async () => {
    let turns = 0;
    const say = (text: string) => (turns++, bot.say('m.devries', text));
    const click = (data: unknown) => (turns++, bot.click('m.devries', data));

    await say('uitzondering aanvragen');
    let reply: PlaygroundReply = await say('L1001');
    for (const id of ['grond-doel', 'documenten', 'afspraken'] as FormId[]) {
      const form = formCard(reply.messages);
      expect(form?.stepId).toBe(id);
      expect(cardProblems(form!.card)).toEqual([]);
      // One card, one input per field, one send button; a person who types gets the first field's question.
      expect(Object.keys(inputs(form!.card))).toEqual(Object.keys(FORMS[id]).map((k) => `field.${k}`));
      expect(form!.card.actions!.map((a) => a.title)).toEqual(['Verstuur']);
      reply = await click(filled(form!.send, FORMS[id]));
      // The form's card settles with what was sent.
      expect(JSON.stringify(reply.settled)).toContain('Jouw antwoord:');
    }
    expect(reply.texts.join('\n')).toMatch(/Wil je de aanvraag nu indienen bij het kernteam\?/);
    const submitted = await click(buttonData(reply.messages.at(-1), 'Indienen'));
    expect(submitted.texts[0]).toMatch(/^De aanvraag is ingediend bij het kernteam\./);
    expect(turns).toBeLessThanOrEqual(6);
    const [request] = await requests();
    expect(request).toMatchObject(EXPECTED_RECORD);
  });

  it('refuses a form with a wrong field: says in Dutch which field, keeps nothing, and shows the form again with what was filled in', async () => {
    await bot.say('m.devries', 'uitzondering aanvragen');
    const asked = await bot.say('m.devries', 'L1001');
    const form = formCard(asked.messages)!;
    const [draftBefore] = await requests();
    const [stateBefore] = await bot.app.store.collection('dialogStates').findBy('schoolId', 'demo');

    const wrong = await bot.click('m.devries', filled(form.send, { grond: 'onzin', doel: 'medische-app', doelToelichting: 'Sensor op de telefoon' }));
    expect(wrong.texts[0]).toMatch(/^Nog niet bewaard: kijk "Op welke grond\?" na\./);
    expect(wrong.texts[0]).toContain('Kies een van de mogelijkheden');
    const again = formCard(wrong.messages)!;
    expect(again.stepId).toBe('grond-doel');
    expect(inputs(again.card)['field.doelToelichting']!.value).toBe('Sensor op de telefoon');
    expect(inputs(again.card)['field.doel']!.value).toBe('medische-app');
    expect(JSON.stringify(again.card)).toContain('Nog niet bewaard');
    expect(wrong.settled).toBeUndefined();
    // Nothing kept: the draft and the dialog are as they were.
    const [draftAfter] = await requests();
    expect(draftAfter).toEqual(draftBefore);
    const [stateAfter] = await bot.app.store.collection('dialogStates').findBy('schoolId', 'demo');
    expect(stateAfter!.stepId).toBe(stateBefore!.stepId);
    expect(stateAfter!.answers).toEqual(stateBefore!.answers);

    // A required field left empty is named too; the others, right, are not kept either.
    const empty = await bot.click('m.devries', filled(form.send, { grond: 'medisch', doel: '', doelToelichting: '' }));
    expect(empty.texts[0]).toMatch(/^Nog niet bewaard: kijk "Waarvoor heeft de leerling de telefoon nodig\?" na\./);
    expect((await requests())[0]!.ground).toBe(draftBefore?.ground ?? null);

    // Put right, it goes on to the next form.
    const right = await bot.click('m.devries', filled(again.send, FORMS['grond-doel']));
    expect(formCard(right.messages)?.stepId).toBe('documenten');
    expect((await requests())[0]).toMatchObject({ ground: 'medisch', purpose: 'medische-app' });
  });

  it('still asks the fields one by one to a person who types, and takes the form card for the rest', async () => {
    await bot.say('m.devries', 'uitzondering aanvragen');
    const asked = await bot.say('m.devries', 'L1001');
    expect(asked.texts.at(-1)).toMatch(/^Op welke grond\?/);
    const doel = await bot.say('m.devries', 'Medisch');
    expect(doel.texts.at(-1)).toMatch(/^Waarvoor heeft de leerling de telefoon nodig\?/);
    // The form card still works after a field was typed: all its fields are sent and kept together.
    const form = formCard(asked.messages)!;
    const next = await bot.click('m.devries', filled(form.send, { ...FORMS['grond-doel'], grond: 'psychisch' }));
    expect(formCard(next.messages)?.stepId).toBe('documenten');
    expect((await requests())[0]).toMatchObject({ ground: 'psychisch', purpose: 'medische-app' });
  });
});

describe('the exception request in forms, with what the parents sent', () => {
  let bot: TestApp;
  beforeEach(async () => {
    bot = await startTestApp();
  });
  afterEach(() => bot.stop());

  it('fills the form cards in with the parents’ answers, marked "van de ouders", and sending them keeps them as the mentor’s', async () => {
    await bot.say('m.devries', 'formulier voor ouders');
    const url = parentsLink((await bot.say('m.devries', 'L1002')).texts);
    expect(await fillParentsForm(bot.base, url, {})).toBe(200);
    const list = await bot.say('m.devries', 'mijn aanvragen');
    const resumed = await bot.click('m.devries', buttonData(list.messages[0], 'Verder invullen'));

    const first = formCard(resumed.messages)!;
    expect(first.stepId).toBe('grond-doel');
    const purpose = inputs(first.card)['field.doelToelichting']!;
    expect(purpose).toEqual({ label: expect.stringMatching(/^Toelichting op het doel .*\(van de ouders\)$/), value: FILLED.need });
    // Typed, the first field not yet the mentor's own is asked.
    expect(resumed.texts.at(-1)).toMatch(/^Op welke grond\?/);

    const documents = await bot.click('m.devries', filled(first.send, { grond: 'medisch', doel: 'medische-app', doelToelichting: FILLED.need }));
    const second = formCard(documents.messages)!;
    expect(second.stepId).toBe('documenten');
    const shown = inputs(second.card);
    expect(shown['field.doc_verwijsbrief']).toEqual({ label: expect.stringContaining('(van de ouders)'), value: 'aanwezig' });
    expect(shown['field.doc_diagnose']!.value).toBe('volgt');
    expect(shown['field.woordenLeerling']!.value).toBe(FILLED.words);
    expect(shown['field.bewaarplaats']!.value).toBe(FILLED.where);
    // The parents' choice is the marked one, on the card as on a question of its own.
    expect(JSON.stringify(second.card)).toContain('"title":"Aanwezig (van de ouders)"');
    expect(JSON.stringify(second.card)).toContain('"title":"Volgt nog (van de ouders)"');

    const values = Object.fromEntries(Object.entries(shown).map(([id, input]) => [id.replace(/^field\./, ''), input.value]));
    const third = await bot.click('m.devries', filled(second.send, { ...values, doc_diagnose: 'aanwezig' }));
    expect(formCard(third.messages)?.stepId).toBe('afspraken');
    expect(JSON.stringify(third.messages)).not.toContain('van de ouders');
    const [draft] = (await bot.app.store.collection('exceptionRequests').findBy('studentRef', 'L1002')).filter((r) => r.status === 'draft');
    expect(draft).toMatchObject({ purposeDetail: FILLED.need, studentWords: FILLED.words, documentsLocation: FILLED.where });
    expect(draft!.documents).toEqual({ verwijsbrief: 'aanwezig', opp: 'nvt', diagnose: 'aanwezig', motivatie: 'aanwezig' });
  });
});

describe('the exception request in forms, in Teams', () => {
  let teams: TeamsTest;
  let connector: FakeConnector;
  beforeEach(async () => {
    teams = await startTeamsTest();
    ({ connector } = teams);
  });
  afterEach(() => teams.stop());

  const chat = personalConversation('m.devries');
  const lastForm = () => formCard(connector.to(chat).map((s) => ({ card: s.activity.attachments?.[0]?.content })).reverse());

  it('completes in six turns with Action.Execute carrying every input, and refuses a wrong form without keeping anything', async () => {
    await teams.post(installPersonal(connector.url, 'm.devries'));
    let turns = 0;
    const type = async (text: string) => {
      turns++;
      expect((await teams.post(personalMessage(connector.url, 'm.devries', text))).status).toBe(200);
    };
    const execute = async (data: unknown) => {
      turns++;
      const res = await teams.post(cardAction(connector.url, 'm.devries', chat, 'zorgpad.answer', data));
      expect(res.status).toBe(200);
      return (await res.json()) as { type: string; value: unknown };
    };
    await type('uitzondering aanvragen');
    await type('L1001');

    // A wrong form: the invoke says so, nothing is kept, the form comes again with what was filled in.
    const first = lastForm()!;
    const sent = connector.to(chat).length;
    const refused = await teams.post(cardAction(connector.url, 'm.devries', chat, 'zorgpad.answer', filled(first.send, { grond: 'medisch', doel: 'medische-app', doelToelichting: 'x'.repeat(501) })));
    const refusal = (await refused.json()) as { type: string; value: string };
    expect(refusal.value).toMatch(/^Nog niet bewaard: kijk "Toelichting op het doel/);
    expect(refusal.value).toContain('501 tekens');
    expect(connector.to(chat).length).toBeGreaterThan(sent);
    expect(inputs(lastForm()!.card)['field.grond']!.value).toBe('medisch');
    const [draft] = await teams.bot.app.store.collection('exceptionRequests').findBy('requesterStaffId', 'm.devries');
    expect(draft?.ground ?? null).toBeNull();

    for (const id of ['grond-doel', 'documenten', 'afspraken'] as FormId[]) {
      const form = lastForm()!;
      expect(form.stepId).toBe(id);
      expect(cardProblems(form.card)).toEqual([]);
      // As Teams sends it: the action's data with every input merged in.
      const answer = await execute(filled(form.send, FORMS[id]));
      expect(answer.type).toBe('application/vnd.microsoft.card.adaptive');
      expect(JSON.stringify(answer.value)).toContain('Jouw antwoord:');
    }
    const question = connector.to(chat).at(-1)!.activity.attachments![0]!.content as { actions: Array<{ title: string; verb: string; data: unknown }> };
    const submit = question.actions.find((a) => a.title === 'Indienen')!;
    await execute(submit.data);
    expect(turns).toBeLessThanOrEqual(6);
    expect(connector.texts(chat).join('\n')).toMatch(/De aanvraag is ingediend bij het kernteam\./);
    const [request] = await teams.bot.app.store.collection('exceptionRequests').findBy('requesterStaffId', 'm.devries');
    expect(request).toMatchObject(EXPECTED_RECORD);
  });
});

describe('the exception request in forms, in Slack', () => {
  const SECRET = 'test-signing-secret-0123456789';
  const TEAM = 'TDEMO';
  const DEVRIES = 'UDEMO0003';
  let slack: FakeSlack;
  let bot: TestApp;
  beforeEach(async () => {
    slack = await new FakeSlack().start();
    bot = await startTestApp({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: slack.url, ZORGPAD_DELIVERY_INTERVAL_MS: '100' });
  });
  afterEach(async () => {
    await bot.stop();
    await slack.stop();
  });

  const interact = (payload: unknown) => {
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return fetch(`${bot.base}/slack/events`, { method: 'POST', headers: slackHeaders(SECRET, body, 'application/x-www-form-urlencoded'), body });
  };
  type View = { blocks: Block[]; private_metadata?: string; submit?: unknown };
  const updates = () => slack.of('views.update');
  const viewOf = (call: { args: { view?: unknown } }) => call.args.view as View;

  /** Slack's `view.state.values` for a form: one block per field (its block and action id the input's id). */
  function stateOf(view: View, fields: Record<string, string>) {
    const values: Record<string, Record<string, unknown>> = {};
    for (const block of view.blocks.filter((b) => b.type === 'input')) {
      const id = String(block.block_id);
      const element = block.element as { type: string; action_id: string };
      const value = fields[id.replace(/^field\./, '')] ?? '';
      if (element.type === 'plain_text_input') values[id] = { [element.action_id]: { type: element.type, value } };
      else if (element.type === 'multi_static_select') values[id] = { [element.action_id]: { type: element.type, selected_options: value.split(',').filter(Boolean).map((v) => ({ value: v })) } };
      else values[id] = { [element.action_id]: { type: element.type, selected_option: value ? { value } : null } };
    }
    return { values };
  }

  it('completes in six turns in one window per form (view_submission with every input), and returns a wrong field beside it', async () => {
    let turns = 0;
    const submitView = async (view: View, viewId: string, state: unknown) => {
      turns++;
      return interact({ type: 'view_submission', user: { id: DEVRIES }, team: { id: TEAM }, view: { id: viewId, callback_id: 'zorgpad.dialog', private_metadata: view.private_metadata, state } });
    };
    // 1: the procedure in a window.
    turns++;
    const body = new URLSearchParams({ command: '/zorgpad', text: 'uitzondering', user_id: DEVRIES, team_id: TEAM, trigger_id: `trig-${randomUUID()}`, channel_id: 'DDEMO0003' }).toString();
    await fetch(`${bot.base}/slack/events`, { method: 'POST', headers: slackHeaders(SECRET, body, 'application/x-www-form-urlencoded'), body });
    const student = await slack.until((calls) => calls.find((c) => c.method === 'views.update' && /Voor welke leerling\?/.test(blockText(viewOf(c).blocks))));
    const viewId = String(student.args.view_id);
    // 2: the student number.
    await submitView(viewOf(student), viewId, { values: { answer: { answer: { type: 'plain_text_input', value: 'L1001' } } } });
    let window = await slack.until(() => updates().find((c) => /Grond en doel/.test(blockText(viewOf(c).blocks))));

    // A wrong field: answered at once, beside that field; nothing kept, no turn.
    const seen = updates().length;
    const refused = await interact({
      type: 'view_submission',
      user: { id: DEVRIES },
      team: { id: TEAM },
      view: { id: viewId, callback_id: 'zorgpad.dialog', private_metadata: viewOf(window).private_metadata, state: stateOf(viewOf(window), { grond: 'medisch', doel: 'medische-app', doelToelichting: 'x'.repeat(501) }) },
    });
    expect(refused.status).toBe(200);
    const errors = (await refused.json()) as { response_action: string; errors: Record<string, string> };
    expect(errors.response_action).toBe('errors');
    expect(Object.keys(errors.errors)).toEqual(['field.doelToelichting']);
    expect(errors.errors['field.doelToelichting']).toMatch(/501 tekens/);
    await bot.app.idle();
    expect(updates().length).toBe(seen);
    const [draft] = await bot.app.store.collection('exceptionRequests').findBy('requesterStaffId', 'm.devries');
    expect(draft?.ground ?? null).toBeNull();

    // 3-5: the three forms, each sent whole from its window.
    for (const [id, next] of [['grond-doel', /Documenten en de woorden van de leerling/], ['documenten', /Wat er in de les mag/], ['afspraken', /Wil je de aanvraag nu indienen/]] as Array<[FormId, RegExp]>) {
      const view = viewOf(window);
      expect(view.blocks.filter((b) => b.type === 'input').map((b) => b.block_id)).toEqual(Object.keys(FORMS[id]).map((k) => `field.${k}`));
      expect(view.submit).toBeDefined();
      const before = updates().length;
      const res = await submitView(view, viewId, stateOf(view, FORMS[id]));
      expect(res.status).toBe(200);
      window = await slack.until(() => updates().slice(before).find((c) => next.test(blockText(viewOf(c).blocks))));
    }
    // 6: "Indienen", a button in the window.
    const submitted = updates().length;
    const indienen = viewOf(window).blocks.flatMap((b) => b.elements ?? []).find((e) => (e.text as { text?: string } | undefined)?.text === 'Indienen')!;
    turns++;
    await interact({
      type: 'block_actions',
      user: { id: DEVRIES },
      team: { id: TEAM },
      trigger_id: `trig-${randomUUID()}`,
      container: { type: 'view', view_id: viewId },
      view: { id: viewId, type: 'modal', callback_id: 'zorgpad.dialog', state: { values: {} } },
      actions: [{ action_id: indienen.action_id, value: indienen.value, action_ts: '1' }],
    });
    await slack.until(() => updates().slice(submitted).find((c) => /De aanvraag is ingediend bij het kernteam/.test(blockText(viewOf(c).blocks))));
    expect(turns).toBeLessThanOrEqual(6);
    const [request] = await bot.app.store.collection('exceptionRequests').findBy('requesterStaffId', 'm.devries');
    expect(request).toMatchObject(EXPECTED_RECORD);
  });

  it('offers a form typed in direct messages in a window, filled in with what is known', async () => {
    const dm = async (text: string) => {
      const body = JSON.stringify({ type: 'event_callback', team_id: TEAM, event_id: `Ev${randomUUID()}`, event: { type: 'message', user: DEVRIES, channel: 'DDEMO0003', channel_type: 'im', text } });
      await fetch(`${bot.base}/slack/events`, { method: 'POST', headers: slackHeaders(SECRET, body, 'application/json'), body });
      await bot.app.idle();
    };
    await dm('uitzondering aanvragen');
    await dm('L1001');
    await dm('Medisch');
    const posted = slack.of('chat.postMessage').filter((c) => /Grond en doel/.test(blockText(c.args.blocks as Block[] | undefined)));
    const message = posted.at(-1)!;
    const button = (message.args.blocks as Block[]).flatMap((b) => b.elements ?? []).find((e) => (e.text as { text?: string } | undefined)?.text === 'Invullen in een venster')!;
    expect(button).toBeDefined();
    const trigger = `trig-${randomUUID()}`;
    await interact({
      type: 'block_actions',
      user: { id: DEVRIES },
      team: { id: TEAM },
      trigger_id: trigger,
      container: { type: 'message', channel_id: 'DDEMO0003', message_ts: message.result?.ts },
      channel: { id: 'DDEMO0003' },
      actions: [{ action_id: button.action_id, value: button.value, type: 'button' }],
    });
    await slack.until((calls) => calls.find((c) => c.method === 'views.open' && c.args.trigger_id === trigger));
    const window = await slack.until(() => updates().find((c) => /Grond en doel/.test(blockText(viewOf(c).blocks))));
    const grond = viewOf(window).blocks.find((b) => b.block_id === 'field.grond')!;
    // What was typed is filled in.
    expect((grond.element as { initial_option?: { value: string } }).initial_option?.value).toBe('medisch');
  });
});
