import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { FakeConnector } from '../helpers/fake-connector.js';
import { FakeSlack, slackHeaders } from '../helpers/fake-slack.js';
import { TENANT } from '../helpers/teams.js';

const SECRET = 'test-signing-secret-0123456789';
const UNKNOWN = 'Zorgpad is er alleen voor medewerkers van de school.';
const MENU = 'Waarmee kan ik je helpen?';

/**
 * The demo school with e-mail addresses, and a mentor the school file lists by e-mail only (no Teams or
 * Slack id typed by hand), as `npm run school:import` writes it.
 */
function schoolByEmail(dir: string): string {
  const school = parse(readFileSync('schools/demo.yaml', 'utf8')) as { staff: Array<Record<string, unknown>> };
  for (const member of school.staff) member.email = `${String(member.id)}@demo-school.nl`;
  school.staff.push({ id: 'n.nieuw', name: 'Noor Nieuw', email: 'Noor.Nieuw@demo-school.nl', roles: ['vakdocent'] });
  school.staff.push({ id: 'a.later', name: 'Anouk Later', email: 'a.later@demo-school.nl', roles: ['vakdocent'] });
  const file = join(dir, 'school.yaml');
  writeFileSync(file, stringify(school));
  return file;
}

async function accounts(bot: TestApp) {
  return bot.app.store.collection('accounts').findBy('schoolId', 'demo');
}

describe('accounts found by e-mail', () => {
  let dir: string;
  let connector: FakeConnector;
  let slack: FakeSlack;
  let bot: TestApp;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'zorgpad-accounts-'));
    connector = await new FakeConnector().start();
    slack = await new FakeSlack().start();
    bot = await startTestApp({
      ZORGPAD_SCHOOL_FILE: schoolByEmail(dir),
      TEAMS_ALLOW_UNAUTHENTICATED: 'true',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_API_URL: slack.url,
      ZORGPAD_DELIVERY_INTERVAL_MS: '100',
    });
  });
  afterEach(async () => {
    await bot.stop();
    await connector.stop();
    await slack.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A 1:1 Teams message, as Teams sends it, from someone with this Teams user id and Entra object id. */
  async function teamsSays(user: { id: string; aad: string }, text: string): Promise<string[]> {
    const conversation = `a:personal-${user.aad}`;
    const before = connector.to(conversation).length;
    const res = await fetch(`${bot.base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: randomUUID(),
        type: 'message',
        channelId: 'msteams',
        serviceUrl: connector.url,
        timestamp: new Date().toISOString(),
        locale: 'nl-NL',
        text,
        from: { id: user.id, aadObjectId: user.aad, name: 'Iemand' },
        recipient: { id: '28:zorgpad-bot', name: 'Zorgpad' },
        conversation: { id: conversation, conversationType: 'personal', tenantId: TENANT },
        channelData: { tenant: { id: TENANT } },
      }),
    });
    expect(res.status).toBe(200);
    await bot.app.idle();
    return connector.texts(conversation).slice(before);
  }

  async function slackDm(user: string, text: string): Promise<string[]> {
    const channel = `D${user.slice(1)}`;
    const posts = () => slack.of('chat.postMessage').filter((c) => c.args.channel === channel);
    const before = posts().length;
    const body = JSON.stringify({ type: 'event_callback', team_id: 'TDEMO', event_id: `Ev${randomUUID()}`, event: { type: 'message', user, channel, channel_type: 'im', text } });
    const res = await fetch(`${bot.base}/slack/events`, { method: 'POST', headers: slackHeaders(SECRET, body, 'application/json'), body });
    expect(res.status).toBe(200);
    await slack.until(() => posts().length > before);
    await bot.app.idle();
    return posts()
      .slice(before)
      .map((c) => String(c.args.text ?? ''));
  }

  it('Teams: a colleague listed by e-mail only is recognised on the first message, through the member lookup, and the link is stored and audited', async () => {
    connector.members.set('29:noor', { aadObjectId: 'aad-noor', email: 'noor.nieuw@demo-school.nl', userPrincipalName: 'noor.nieuw@demo-school.nl' });
    const first = await teamsSays({ id: '29:noor', aad: 'aad-noor' }, 'help');
    expect(first.join('\n')).toContain(MENU);
    expect(first.join('\n')).not.toContain(UNKNOWN);
    expect(connector.memberLookups).toEqual([['a:personal-aad-noor', '29:noor']]);
    const [link] = await accounts(bot);
    expect(link).toMatchObject({ id: 'teams:aad-noor', staffId: 'n.nieuw', status: 'linked', via: 'email' });
    expect((await bot.app.store.audit.forRecord('account', 'teams:aad-noor')).map((e) => e.action)).toEqual(['account.linked']);
    // Known from now on: no second lookup, and a restart reads the link from the store.
    await teamsSays({ id: '29:noor', aad: 'aad-noor' }, 'help');
    await bot.restart();
    expect((await teamsSays({ id: '29:noor', aad: 'aad-noor' }, 'help')).join('\n')).toContain(MENU);
    expect(connector.memberLookups).toHaveLength(1);
  });

  it('Teams: an unknown address at the school is refused politely and listed for the beheerder, who links it; a stranger leaves nothing', async () => {
    connector.members.set('29:anouk-alias', { aadObjectId: 'aad-alias', userPrincipalName: 'anouk.l@demo-school.nl' });
    const refused = await teamsSays({ id: '29:anouk-alias', aad: 'aad-alias' }, 'help');
    expect(refused.join('\n')).toContain(UNKNOWN);
    // A student or someone from elsewhere in the tenant: refused, and no trace in the store.
    connector.members.set('29:student', { aadObjectId: 'aad-student', userPrincipalName: 'l1001@leerling.demo-school.nl' });
    // A student at the staff's own domain, by student number: no trace either.
    connector.members.set('29:student2', { aadObjectId: 'aad-student2', userPrincipalName: 'L1002@demo-school.nl' });
    expect((await teamsSays({ id: '29:student2', aad: 'aad-student2' }, 'hoi')).join('\n')).toContain(UNKNOWN);
    expect((await teamsSays({ id: '29:student', aad: 'aad-student' }, 'hoi')).join('\n')).toContain(UNKNOWN);
    expect((await teamsSays({ id: '29:nobody', aad: 'aad-nobody' }, 'hoi')).join('\n')).toContain(UNKNOWN);
    expect((await accounts(bot)).map((a) => a.id)).toEqual(['teams:aad-alias']);

    // Only the beheerder sees the list.
    expect((await bot.say('m.devries', 'onbekende accounts')).texts.join('\n')).not.toContain('anouk.l@demo-school.nl');
    const list = (await bot.say('b.koster', 'onbekende accounts')).texts.join('\n');
    expect(list).toContain('1. anouk.l@demo-school.nl (Teams)');
    await bot.say('b.koster', 'account koppelen');
    await bot.say('b.koster', '1');
    const confirm = await bot.say('b.koster', 'Anouk Later');
    expect(confirm.texts.join('\n')).toContain('Anouk Later');
    expect((await bot.say('b.koster', 'ja')).texts.join('\n')).toContain('anouk.l@demo-school.nl (Teams) is gekoppeld aan Anouk Later');
    expect((await bot.app.store.audit.forRecord('account', 'teams:aad-alias')).map((e) => [e.action, e.actor])).toEqual([['account.linked-by-beheerder', 'b.koster']]);
    expect((await bot.say('b.koster', 'onbekende accounts')).texts.join('\n')).toContain('geen onbekende accounts');
    // Her next message is hers.
    expect((await teamsSays({ id: '29:anouk-alias', aad: 'aad-alias' }, 'help')).join('\n')).toContain(MENU);
  });

  it('Teams: trusts only the sign-in name (UPN) of a member of the organisation: an e-mail attribute alone, a guest or an external account is refused and not linked', async () => {
    // Another organisation's administrator can set a user's e-mail attribute to any address.
    connector.members.set('29:forged', { aadObjectId: 'aad-forged', email: 'h.smit@demo-school.nl', userPrincipalName: 'h.smit@evil.example' });
    connector.members.set('29:mailonly', { aadObjectId: 'aad-mailonly', email: 'h.smit@demo-school.nl' });
    connector.members.set('29:guest', { aadObjectId: 'aad-guest', userPrincipalName: 'h.smit@demo-school.nl', userRole: 'guest' } as never);
    connector.members.set('29:ext', { aadObjectId: 'aad-ext', userPrincipalName: 'h.smit_demo-school.nl#EXT#@other.onmicrosoft.com' });
    for (const [id, aad] of [['29:forged', 'aad-forged'], ['29:mailonly', 'aad-mailonly'], ['29:guest', 'aad-guest'], ['29:ext', 'aad-ext']] as const) {
      expect((await teamsSays({ id, aad }, 'help')).join('\n'), id).toContain(UNKNOWN);
    }
    expect((await accounts(bot)).filter((a) => a.status === 'linked')).toEqual([]);
  });

  it('refuses to link when the beheerder names an account that is not on the list, and changes nothing', async () => {
    await bot.say('b.koster', 'account koppelen');
    await bot.say('b.koster', '7');
    await bot.say('b.koster', 'Anouk Later');
    expect((await bot.say('b.koster', 'ja')).texts.join('\n')).toContain('Ik vind geen onbekend account "7"');
    expect(await accounts(bot)).toEqual([]);
  });

  it('Slack: a colleague listed by e-mail only is recognised on the first DM through users.info, and later messages reach her in Slack', async () => {
    slack.users.set('UNOOR', { email: 'Noor.Nieuw@demo-school.nl' });
    const first = await slackDm('UNOOR', 'help');
    expect(first.join('\n')).toContain(MENU);
    expect(slack.of('users.info').map((c) => c.args.user)).toEqual(['UNOOR']);
    expect((await accounts(bot))[0]).toMatchObject({ id: 'slack:UNOOR', staffId: 'n.nieuw', status: 'linked' });
    // A notification for her (a reminder planned for now) goes to her Slack DM.
    await bot.app.store.jobs.schedule({ id: `notice:${randomUUID()}`, kind: 'notice', payload: { staffId: 'n.nieuw', title: 'Test', text: 'Een bericht voor Noor' }, dueAt: Date.now() - 1000 });
    await bot.app.scheduler.tick();
    await slack.until(() => slack.of('chat.postMessage').some((c) => c.args.channel === 'UNOOR' || c.args.channel === 'DNOOR'), 10_000);
  });

  it('Slack: someone whose profile has no school address is refused and leaves nothing', async () => {
    slack.users.set('USTRANGER', { email: 'iemand@example.com' });
    expect((await slackDm('USTRANGER', 'help')).join('\n')).toContain(UNKNOWN);
    expect(await accounts(bot)).toEqual([]);
  });
});
