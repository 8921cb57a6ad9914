import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/** The Slack app manifest a school's IT person pastes into api.slack.com. */
describe('Slack app manifest', () => {
  const manifest = parse(readFileSync('manifests/slack/manifest.yml', 'utf8')) as {
    features: { app_home: Record<string, boolean>; slash_commands: Array<{ command: string; url: string; usage_hint: string }> };
    oauth_config: { scopes: { bot: string[] } };
    settings: { event_subscriptions: { request_url: string; bot_events: string[] }; interactivity: { is_enabled: boolean; request_url: string }; socket_mode_enabled: boolean };
  };

  it('points the command, events and interactivity at the one /slack/events URL', () => {
    const urls = [
      ...manifest.features.slash_commands.map((c) => c.url),
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
    ];
    expect(new Set(urls)).toEqual(new Set(['https://zorgpad.example.nl/slack/events']));
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it('offers /zorgpad with the subcommands the bot understands', () => {
    const [command] = manifest.features.slash_commands;
    expect(command?.command).toBe('/zorgpad');
    for (const sub of ['pesten', 'cyberpesten', 'uitzondering', 'mijn zaken', 'help']) expect(command?.usage_hint).toContain(sub);
  });

  it('asks for the least scopes and the events the bot listens to, with the App Home on', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(['chat:write', 'commands', 'im:history', 'im:write', 'users:read', 'users:read.email']);
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual(['app_home_opened', 'message.im']);
    expect(manifest.features.app_home).toMatchObject({ home_tab_enabled: true, messages_tab_enabled: true });
  });
});
