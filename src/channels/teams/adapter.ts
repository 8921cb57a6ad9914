import {
  AuthenticationConstants,
  BotFrameworkAuthentication,
  ConnectorFactory,
  JwtTokenValidation,
  type AuthenticateRequestResult,
  type ClaimsIdentity,
  type ConnectorClient,
  type UserTokenClient,
} from 'botframework-connector';
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
  if (config.mode === 'unauthenticated') return new TeamsAdapter(new ReusedClients(new ConfigurationBotFrameworkAuthentication({})));
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
  return new TeamsAdapter(new ReusedClients(new ConfigurationBotFrameworkAuthentication(options)));
}

/** How many service URLs' clients are kept (Teams uses a handful of regional ones). */
const MAX_CLIENTS = 64;

/**
 * botbuilder's authentication with its clients made once: CloudAdapter asks for a new connector client
 * and a new user-token client (each a full HTTP pipeline) on every turn, which the profile showed as a
 * tenth of a card refresh. One bot, one app id: a client per service URL and audience serves every
 * turn (its credentials fetch and renew their own tokens). Authentication itself is unchanged.
 */
class ReusedClients extends BotFrameworkAuthentication {
  private readonly connectors = new Map<string, Promise<ConnectorClient>>();
  private readonly userTokens = new Map<string, Promise<UserTokenClient>>();

  constructor(private readonly inner: BotFrameworkAuthentication) {
    super();
  }

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await this.inner.authenticateRequest(activity, authHeader);
    return result.connectorFactory ? { ...result, connectorFactory: this.reused(result.connectorFactory) } : result;
  }

  override async authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    const result = await this.inner.authenticateStreamingRequest(authHeader, channelIdHeader);
    return result.connectorFactory ? { ...result, connectorFactory: this.reused(result.connectorFactory) } : result;
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.reused(this.inner.createConnectorFactory(claimsIdentity));
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    const key = JwtTokenValidation.getAppIdFromClaims(claimsIdentity.claims) ?? '';
    return remembered(this.userTokens, key, () => this.inner.createUserTokenClient(claimsIdentity));
  }

  override createBotFrameworkClient() {
    return this.inner.createBotFrameworkClient();
  }

  override getOriginatingAudience(): string {
    return this.inner.getOriginatingAudience();
  }

  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.inner.authenticateChannelRequest(authHeader);
  }

  private reused(factory: ConnectorFactory): ConnectorFactory {
    const connectors = this.connectors;
    return new (class extends ConnectorFactory {
      create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
        return remembered(connectors, `${serviceUrl}|${audience ?? ''}`, () => factory.create(serviceUrl, audience));
      }
    })();
  }
}

/** The value under `key`, made once; a failed one is forgotten, so the next turn tries again. */
function remembered<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  const found = cache.get(key);
  if (found) return found;
  if (cache.size >= MAX_CLIENTS) cache.clear();
  const made = make();
  cache.set(key, made);
  made.catch(() => cache.delete(key));
  return made;
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
