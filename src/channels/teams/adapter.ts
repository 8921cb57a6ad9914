import { AuthenticationConstants } from 'botframework-connector';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import type { TeamsConfig } from '../../config/env.js';

/**
 * The Bot Framework adapter. With an app id every inbound request must carry a valid token; without
 * one (allowed only by TEAMS_ALLOW_UNAUTHENTICATED outside production) botbuilder checks nothing,
 * so the routes accept loopback serviceUrls only.
 */
export function createAdapter(config: Exclude<TeamsConfig, { mode: 'off' }>): TeamsAdapter {
  if (config.mode === 'unauthenticated') return new TeamsAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const options: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: config.appId,
    MicrosoftAppPassword: config.appPassword,
    MicrosoftAppTenantId: config.tenantId,
    MicrosoftAppType: config.appType,
  };
  if (config.openIdMetadataUrl) {
    // Tests publish their own signing keys; every other value stays the public cloud's.
    Object.assign(options, {
      ToBotFromChannelOpenIdMetadataUrl: config.openIdMetadataUrl,
      ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
      ToChannelFromBotLoginUrl: `${AuthenticationConstants.ToChannelFromBotLoginUrlPrefix}botframework.com`,
      ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
      OAuthUrl: AuthenticationConstants.OAuthUrl,
      ToBotFromEmulatorOpenIdMetadataUrl: config.openIdMetadataUrl,
      CallerId: 'urn:botframework:azure',
    });
  }
  return new TeamsAdapter(new ConfigurationBotFrameworkAuthentication(options));
}

/**
 * CloudAdapter with its authenticated turn exposed, so that our own HTTP server parses the body
 * (zod) and answers errors itself instead of botbuilder writing them to the console.
 */
export class TeamsAdapter extends CloudAdapter {
  run(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }
}
