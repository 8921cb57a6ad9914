import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { loadSchoolFile } from '../../src/core/people/school.js';
import { startTestApp, type TestApp } from './app.js';
import { FakeConnector } from './fake-connector.js';

const school = loadSchoolFile('schools/demo.yaml');
export const TENANT = '00000000-0000-4000-8000-00000000aaaa';
export const BOT = { id: '28:zorgpad-bot', name: 'Zorgpad' };
export const KERNTEAM_CHANNEL = school.kernteam.teamsChannel!;

/** A staff member's Teams account in the demo school. */
export function account(staffId: string): { id: string; aadObjectId: string; name: string } {
  const member = school.staff.find((s) => s.id === staffId)!;
  return { id: `29:${staffId}`, aadObjectId: member.identities.teams!, name: member.name };
}

export const personalConversation = (staffId: string) => `a:personal-${staffId}`;

/** The shapes Teams sends, as recorded from the service, with our fake connector as serviceUrl. */
export function personalMessage(serviceUrl: string, staffId: string, text: string) {
  return base(serviceUrl, staffId, { type: 'message', text, conversation: { id: personalConversation(staffId), conversationType: 'personal', tenantId: TENANT } });
}

export function personalSubmit(serviceUrl: string, staffId: string, value: unknown) {
  return base(serviceUrl, staffId, { type: 'message', value, conversation: { id: personalConversation(staffId), conversationType: 'personal', tenantId: TENANT } });
}

export function installPersonal(serviceUrl: string, staffId: string) {
  return base(serviceUrl, staffId, { type: 'installationUpdate', action: 'add', conversation: { id: personalConversation(staffId), conversationType: 'personal', tenantId: TENANT } });
}

export function channelConversationUpdate(serviceUrl: string, staffId: string) {
  return base(serviceUrl, staffId, {
    type: 'conversationUpdate',
    membersAdded: [BOT],
    conversation: { id: KERNTEAM_CHANNEL, conversationType: 'channel', isGroup: true, tenantId: TENANT },
    channelData: { tenant: { id: TENANT }, team: { id: KERNTEAM_CHANNEL }, channel: { id: KERNTEAM_CHANNEL }, eventType: 'teamMemberAdded' },
  });
}

export function channelMention(serviceUrl: string, staffId: string, text: string) {
  return base(serviceUrl, staffId, {
    type: 'message',
    text: `<at>Zorgpad</at> ${text}`,
    entities: [{ type: 'mention', text: '<at>Zorgpad</at>', mentioned: BOT }],
    conversation: { id: `${KERNTEAM_CHANNEL};messageid=1700000000000`, conversationType: 'channel', isGroup: true, tenantId: TENANT },
    channelData: { tenant: { id: TENANT }, channel: { id: KERNTEAM_CHANNEL } },
  });
}

/** `adaptiveCard/action` from a card in the kernteam channel or a personal chat. */
export function cardAction(serviceUrl: string, staffId: string, conversationId: string, verb: string, data: unknown) {
  return base(serviceUrl, staffId, {
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
    conversation: { id: conversationId, conversationType: conversationId.startsWith('19:') ? 'channel' : 'personal', tenantId: TENANT },
    channelData: { tenant: { id: TENANT }, ...(conversationId.startsWith('19:') ? { channel: { id: KERNTEAM_CHANNEL } } : {}) },
  });
}

function base(serviceUrl: string, staffId: string, fields: Record<string, unknown>) {
  return {
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl,
    timestamp: new Date().toISOString(),
    locale: 'nl-NL',
    from: account(staffId),
    recipient: BOT,
    channelData: { tenant: { id: TENANT } },
    ...fields,
  };
}

/** The bot with its Teams channel in development mode (playground off) and a fake connector on loopback. */
export interface TeamsTest {
  bot: TestApp;
  connector: FakeConnector;
  /** Posts an activity to /api/messages as Teams does. */
  post(activity: unknown): Promise<Response>;
  /** Sends 1:1 messages as `staffId` one by one, each answered in the personal chat before the next. */
  say(staffId: string, texts: readonly string[]): Promise<void>;
  stop(): Promise<void>;
}

export async function startTeamsTest(deliveryIntervalMs = '100'): Promise<TeamsTest> {
  const connector = await new FakeConnector().start();
  const bot = await startTestApp({ TEAMS_ALLOW_UNAUTHENTICATED: 'true', ZORGPAD_DELIVERY_INTERVAL_MS: deliveryIntervalMs, ZORGPAD_PLAYGROUND: 'false' });
  const post = (activity: unknown) => fetch(`${bot.base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
  return {
    bot,
    connector,
    post,
    async say(staffId, texts) {
      for (const text of texts) {
        const before = connector.to(personalConversation(staffId)).length;
        expect((await post(personalMessage(connector.url, staffId, text))).status).toBe(200);
        expect(connector.to(personalConversation(staffId)).length, text).toBeGreaterThan(before);
      }
    },
    async stop() {
      await bot.stop();
      await connector.stop();
    },
  };
}
