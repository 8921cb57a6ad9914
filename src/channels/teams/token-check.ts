import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { AuthenticationConstants, ToBotFromBotOrEmulatorTokenValidationParameters } from 'botframework-connector';
import type { TeamsConfig } from '../../config/env.js';

/** How long published signing keys are used before they are fetched again (botbuilder: a day). */
const KEYS_FOR_MS = 24 * 3_600_000;
/** An unknown key id fetches the keys again, at most this often. */
const REFETCH_AFTER_MS = 5 * 60_000;

const openIdSchema = z.object({ jwks_uri: z.string().url() });
const keysSchema = z.object({ keys: z.array(z.looseObject({ kid: z.string().optional() })) });

/** The signing keys one OpenID endpoint publishes, by key id, fetched when needed. */
class PublishedKeys {
  private keys = new Map<string, KeyObject>();
  private fetchedAt = 0;
  private fetching: Promise<void> | null = null;

  constructor(private readonly metadataUrl: string) {}

  async key(kid: string): Promise<KeyObject | null> {
    const age = Date.now() - this.fetchedAt;
    if (age > KEYS_FOR_MS || (!this.keys.has(kid) && age > REFETCH_AFTER_MS)) await this.refresh();
    return this.keys.get(kid) ?? null;
  }

  private refresh(): Promise<void> {
    this.fetching ??= this.fetchKeys().finally(() => (this.fetching = null));
    return this.fetching;
  }

  private async fetchKeys(): Promise<void> {
    try {
      const meta = openIdSchema.parse(await (await fetch(this.metadataUrl)).json());
      const published = keysSchema.parse(await (await fetch(meta.jwks_uri)).json());
      const keys = new Map<string, KeyObject>();
      for (const jwk of published.keys) {
        if (!jwk.kid) continue;
        try {
          keys.set(jwk.kid, createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }));
        } catch {
          // A key this process cannot read is left to botbuilder.
        }
      }
      this.keys = keys;
    } catch {
      // Unreachable or unreadable: keep what we had; botbuilder decides on its own.
    }
    this.fetchedAt = Date.now();
  }
}

/**
 * A first look at an inbound Bot Framework token, before botbuilder's own check. botbuilder prints every
 * token whose signature or lifetime fails to the console (a stack trace and the published key), outside
 * the JSON-line log. This check verifies signature and lifetime the same way (the same published keys,
 * issuers, algorithms and five minutes of clock tolerance), so such a token is refused here with one log
 * line and botbuilder only sees tokens it will not print about. It only refuses what botbuilder would
 * refuse; anything it cannot judge (an unknown issuer or key, keys it cannot fetch) goes on to botbuilder,
 * which stays the authority (audience, serviceUrl, endorsements).
 */
export class TokenPrecheck {
  private readonly byIssuer = new Map<string, { keys: PublishedKeys; issuers: string[] }>();

  constructor(config: Extract<TeamsConfig, { mode: 'authenticated' }>) {
    // One set of keys per endpoint: with a configured endpoint (tests) both kinds of token read the same.
    const endpoints = new Map<string, PublishedKeys>();
    const add = (metadataUrl: string, issuers: string[]) => {
      const keys = endpoints.get(metadataUrl) ?? new PublishedKeys(metadataUrl);
      endpoints.set(metadataUrl, keys);
      for (const issuer of issuers) this.byIssuer.set(issuer, { keys, issuers });
    };
    add(config.openIdMetadataUrl ?? AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl, [AuthenticationConstants.ToBotFromChannelTokenIssuer]);
    const tenant = config.tenantId ? [`https://sts.windows.net/${config.tenantId}/`, `https://login.microsoftonline.com/${config.tenantId}/v2.0`] : [];
    add(config.openIdMetadataUrl ?? AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl, [...(ToBotFromBotOrEmulatorTokenValidationParameters.issuer as string[]), ...tenant]);
  }

  /** False when the token certainly fails botbuilder's signature and lifetime check; true otherwise. */
  async passes(authHeader: string): Promise<boolean> {
    const [scheme, token] = authHeader.split(' ');
    if (scheme !== 'Bearer' || !token) return true;
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.payload !== 'object' || !decoded.header.kid) return true;
    const source = this.byIssuer.get(decoded.payload.iss ?? '');
    if (!source) return true;
    const key = await source.keys.key(decoded.header.kid);
    if (!key) return true;
    try {
      jwt.verify(token, key, {
        issuer: source.issuers as [string, ...string[]],
        clockTolerance: 5 * 60,
        algorithms: AuthenticationConstants.AllowedSigningAlgorithms as jwt.Algorithm[],
      });
      return true;
    } catch {
      return false;
    }
  }
}
