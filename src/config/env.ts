import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { parseTrustProxy, type TrustProxy } from '../http/client-address.js';

/**
 * The one place that reads the environment. Everything else receives a parsed `Config`.
 * A wrong or missing value stops start-up with one line that names the variable.
 */

const booleanFlag = z
  .enum(['true', 'false', '1', '0'], { message: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1');

const envSchema = z.object({
  NODE_ENV: z
    .enum(['development', 'production', 'test'], { message: 'expected development, production or test' })
    .default('development'),
  PORT: z.coerce
    .number({ message: 'expected a port number' })
    .int('expected a whole port number')
    .min(0, 'expected a port number from 0 to 65535')
    .max(65535, 'expected a port number from 0 to 65535')
    .default(3978),
  HOST: z.string().min(1, 'expected a host name or address').default('127.0.0.1'),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\/.+/, 'expected a mongodb:// or mongodb+srv:// connection string')
    .optional(),
  MONGODB_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,38}$/, 'expected a database name of letters, digits, _ or -')
    .default('zorgpad'),
  /**
   * Whether each conditional write first wins a write claim (needed on FerretDB, whose conditional
   * updates are not atomic) or is one conditional update (MongoDB, Atlas, Cosmos DB). `auto` asks the
   * server (`buildInfo.ferretdbVersion`).
   */
  ZORGPAD_MONGODB_WRITE_CLAIMS: z.enum(['auto', 'on', 'off'], { message: 'expected auto, on or off' }).default('auto'),
  ZORGPAD_DATA_DIR: z.string().min(1, 'expected a directory path').default('./data'),
  ZORGPAD_SCHOOL_FILE: z.string().min(1, 'expected the path of a school file (YAML)').default('./schools/demo.yaml'),
  /** Read the school file again when it changes (false: on SIGHUP only). */
  ZORGPAD_SCHOOL_WATCH: booleanFlag.default(true),
  ZORGPAD_DIALOGS_DIR: z.string().min(1, 'expected a directory path').default('./dialogs'),
  ZORGPAD_CARDS_DIR: z.string().min(1, 'expected a directory path').default('./cards'),
  ZORGPAD_PLAYGROUND: booleanFlag.optional(),
  /** The playground lets anyone act as anyone: in production only with this, on purpose. */
  ZORGPAD_PLAYGROUND_IN_PRODUCTION_ANYONE_CAN_ACT_AS_ANYONE: booleanFlag.optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent'], { message: 'expected debug, info, warn, error or silent' }).default('info'),
  MicrosoftAppId: z.string().uuid({ message: 'expected the bot\'s Microsoft app id (a GUID)' }).optional(),
  MicrosoftAppPassword: z.string().min(1).optional(),
  MicrosoftAppTenantId: z.string().min(1).optional(),
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], { message: 'expected MultiTenant, SingleTenant or UserAssignedMSI' }).optional(),
  TEAMS_ALLOW_UNAUTHENTICATED: booleanFlag.optional(),
  /** The bot's public host name (for the Teams manifest's valid domains and links), e.g. zorgpad.school.nl. */
  ZORGPAD_PUBLIC_HOST: z.string().regex(/^[a-z0-9.-]+$/i, 'expected a host name such as zorgpad.school.nl').optional(),
  /** Which reverse proxies may name the client in X-Forwarded-For: a hop count (1: one proxy on this machine) or their addresses. */
  ZORGPAD_TRUST_PROXY: z
    .string()
    .transform((text, ctx) => {
      const parsed = parseTrustProxy(text);
      if (parsed === 'invalid') {
        ctx.addIssue({ code: 'custom', message: 'expected a number of proxy hops (such as 1) or proxy addresses separated by commas' });
        return z.NEVER;
      }
      return parsed;
    })
    .optional(),
  /** The key that encrypts sensitive fields at rest: 32 bytes, base64. */
  ZORGPAD_DATA_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'expected 32 bytes, base64-encoded (openssl rand -base64 32)')
    // A key of zeros, one repeated byte or a few values is not a secret: random bytes, please.
    .refine((v) => new Set(Buffer.from(v, 'base64')).size >= 16, 'expected 32 random bytes (this key is too regular to be secret; openssl rand -base64 32)')
    .optional(),
  /** Earlier data keys, comma-separated, still needed to read values written before a rotation. */
  ZORGPAD_DATA_KEYS_PREVIOUS: z
    .string()
    .refine((v) => v.split(',').every((k) => Buffer.from(k.trim(), 'base64').length === 32), 'expected comma-separated 32-byte base64 keys')
    .optional(),
  /** How many worker processes `npm start` runs on the one port (default: one per core). */
  ZORGPAD_WORKERS: z.coerce.number({ message: 'expected a number of workers' }).int('expected a whole number of workers').min(1, 'expected 1 to 64 workers').max(64, 'expected 1 to 64 workers').optional(),
  ZORGPAD_DELIVERY_INTERVAL_MS: z.coerce.number({ message: 'expected milliseconds' }).int().min(50).max(600_000).default(2000),
  ZORGPAD_STOP_GRACE_MS: z.coerce.number({ message: 'expected milliseconds' }).int().min(0).max(600_000).default(10_000),
  /** How long a process holds an acknowledged request before another may take it over (it died). */
  ZORGPAD_INBOX_LEASE_MS: z.coerce.number({ message: 'expected milliseconds' }).int().min(1000).max(600_000).default(30_000),
  /** How often each process looks for acknowledged requests nobody runs. */
  ZORGPAD_INBOX_POLL_MS: z.coerce.number({ message: 'expected milliseconds' }).int().min(20).max(60_000).default(500),
  /** The Slack app's signing secret (Basic Information → App Credentials). */
  SLACK_SIGNING_SECRET: z.string().min(8, 'expected the Slack app\'s signing secret').optional(),
  /** The Slack bot token (OAuth & Permissions → Bot User OAuth Token), xoxb-…. */
  SLACK_BOT_TOKEN: z.string().regex(/^xoxb-/, 'expected a bot token starting with xoxb-').optional(),
  /** Where the Slack Web API is; tests point it at a local fake. */
  SLACK_API_URL: z.string().url({ message: 'expected a URL such as https://slack.com/api/' }).optional(),
  /** Development and tests only: where inbound Teams tokens' signing keys are published. */
  TEAMS_OPENID_METADATA_URL: z.string().url({ message: 'expected a URL' }).optional(),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  nodeEnv: Env['NODE_ENV'];
  port: number;
  host: string;
  store: { kind: 'sqlite'; dataDir: string } | { kind: 'mongodb'; uri: string; dbName: string; writeClaims: 'auto' | 'on' | 'off' };
  schoolFile: string;
  /** Read the school file (and its translations) again when it changes; SIGHUP reads it either way. */
  schoolWatch: boolean;
  dialogsDir: string;
  cardsDir: string;
  /** The playground lets anyone act as any persona, so it is off in production unless switched on. */
  playground: boolean;
  logLevel: Env['LOG_LEVEL'];
  teams: TeamsConfig;
  slack: SlackConfig;
  /** How often notifications are delivered to the channels. */
  deliveryIntervalMs: number;
  /** On SIGTERM: how long the work in hand (requests, acknowledged Slack turns, a delivery round) may take to finish. */
  stopGraceMs: number;
  /** The inbox (core/inbox): how long a claim holds, and how often every process looks for entries nobody runs. */
  inbox: { leaseMs: number; pollMs: number };
  /** Worker processes sharing the port and the store (`ZORGPAD_WORKERS`, default one per core). */
  workers: number;
  publicHost: string | undefined;
  /** Which proxies may name the client (`ZORGPAD_TRUST_PROXY`); null: none, X-Forwarded-For is ignored. */
  trustProxy: TrustProxy;
  /** Data keys; without one (development only) a key is generated next to the data. */
  dataKey: string | undefined;
  previousDataKeys: string[];
}

/** The Teams channel: off without credentials, authenticated with them, open only on request in development. */
export type TeamsConfig =
  | { mode: 'off' }
  | { mode: 'unauthenticated' }
  | {
      mode: 'authenticated';
      appId: string;
      appPassword: string | undefined;
      tenantId: string | undefined;
      appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
      openIdMetadataUrl: string | undefined;
    };

/** The Slack channel: on with a signing secret and a bot token, off without. */
export type SlackConfig = { mode: 'off' } | { mode: 'on'; signingSecret: string; botToken: string; apiUrl: string };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses an environment object into a Config, or throws a ConfigError with a one-line message. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const relevant: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') relevant[key] = value;
  }
  const result = envSchema.safeParse(relevant);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    const given = relevant[variable];
    const shown = given === undefined ? 'not set' : `got "${given.length > 40 ? `${given.slice(0, 40)}…` : given}"`;
    throw new ConfigError(`Configuration error: ${variable}: ${issue.message} (${shown})`);
  }
  const e = result.data;
  const production = e.NODE_ENV === 'production';
  if (production && e.TEAMS_ALLOW_UNAUTHENTICATED) {
    throw new ConfigError('Configuration error: TEAMS_ALLOW_UNAUTHENTICATED: not allowed when NODE_ENV=production');
  }
  if (production && e.TEAMS_OPENID_METADATA_URL) {
    throw new ConfigError('Configuration error: TEAMS_OPENID_METADATA_URL: only for development and tests, not allowed when NODE_ENV=production');
  }
  if (production && e.ZORGPAD_PLAYGROUND && !e.ZORGPAD_PLAYGROUND_IN_PRODUCTION_ANYONE_CAN_ACT_AS_ANYONE) {
    throw new ConfigError(
      'Configuration error: ZORGPAD_PLAYGROUND: not allowed when NODE_ENV=production (anyone could act as any staff member); set ZORGPAD_PLAYGROUND_IN_PRODUCTION_ANYONE_CAN_ACT_AS_ANYONE=true as well if you really mean it',
    );
  }
  if (production && !e.ZORGPAD_DATA_KEY) {
    throw new ConfigError('Configuration error: ZORGPAD_DATA_KEY: expected 32 bytes, base64-encoded, in production (not set)');
  }
  if (Boolean(e.SLACK_SIGNING_SECRET) !== Boolean(e.SLACK_BOT_TOKEN)) {
    const missing = e.SLACK_SIGNING_SECRET ? 'SLACK_BOT_TOKEN' : 'SLACK_SIGNING_SECRET';
    throw new ConfigError(`Configuration error: ${missing}: expected both SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN for Slack (not set)`);
  }
  if (production && e.SLACK_API_URL && !e.SLACK_API_URL.startsWith('https://')) {
    throw new ConfigError('Configuration error: SLACK_API_URL: expected an https:// URL when NODE_ENV=production');
  }
  const slack: SlackConfig =
    e.SLACK_SIGNING_SECRET && e.SLACK_BOT_TOKEN
      ? {
          mode: 'on',
          signingSecret: e.SLACK_SIGNING_SECRET,
          botToken: e.SLACK_BOT_TOKEN,
          apiUrl: (e.SLACK_API_URL ?? 'https://slack.com/api/').replace(/\/?$/, '/'),
        }
      : { mode: 'off' };
  const appType = e.MicrosoftAppType ?? 'MultiTenant';
  if (e.MicrosoftAppId && appType !== 'UserAssignedMSI' && !e.MicrosoftAppPassword) {
    throw new ConfigError('Configuration error: MicrosoftAppPassword: expected the bot\'s client secret when MicrosoftAppId is set (not set)');
  }
  if (e.MicrosoftAppId && appType !== 'MultiTenant' && !e.MicrosoftAppTenantId) {
    throw new ConfigError(`Configuration error: MicrosoftAppTenantId: expected the tenant id for MicrosoftAppType=${appType} (not set)`);
  }
  const teams: TeamsConfig = e.MicrosoftAppId
    ? {
        mode: 'authenticated',
        appId: e.MicrosoftAppId,
        appPassword: e.MicrosoftAppPassword,
        tenantId: e.MicrosoftAppTenantId,
        appType,
        openIdMetadataUrl: e.TEAMS_OPENID_METADATA_URL,
      }
    : e.TEAMS_ALLOW_UNAUTHENTICATED
      ? { mode: 'unauthenticated' }
      : { mode: 'off' };
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    store: e.MONGODB_URI
      ? { kind: 'mongodb', uri: e.MONGODB_URI, dbName: e.MONGODB_DB, writeClaims: e.ZORGPAD_MONGODB_WRITE_CLAIMS }
      : { kind: 'sqlite', dataDir: e.ZORGPAD_DATA_DIR },
    schoolFile: e.ZORGPAD_SCHOOL_FILE,
    schoolWatch: e.ZORGPAD_SCHOOL_WATCH,
    dialogsDir: e.ZORGPAD_DIALOGS_DIR,
    cardsDir: e.ZORGPAD_CARDS_DIR,
    playground: e.ZORGPAD_PLAYGROUND ?? e.NODE_ENV !== 'production',
    logLevel: e.LOG_LEVEL,
    teams,
    slack,
    deliveryIntervalMs: e.ZORGPAD_DELIVERY_INTERVAL_MS,
    stopGraceMs: e.ZORGPAD_STOP_GRACE_MS,
    inbox: { leaseMs: e.ZORGPAD_INBOX_LEASE_MS, pollMs: e.ZORGPAD_INBOX_POLL_MS },
    workers: e.ZORGPAD_WORKERS ?? availableParallelism(),
    publicHost: e.ZORGPAD_PUBLIC_HOST,
    trustProxy: e.ZORGPAD_TRUST_PROXY ?? null,
    dataKey: e.ZORGPAD_DATA_KEY,
    previousDataKeys: e.ZORGPAD_DATA_KEYS_PREVIOUS ? e.ZORGPAD_DATA_KEYS_PREVIOUS.split(',').map((k) => k.trim()) : [],
  };
}

/** Reads the process environment. The only `process.env` read in the code base. */
export function loadConfig(): Config {
  return parseConfig(process.env);
}
