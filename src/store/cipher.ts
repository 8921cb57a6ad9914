import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, randomFillSync } from 'node:crypto';
import { AuditPseudonyms } from '../core/privacy/pseudonyms.js';

/** A data key: 32 bytes, named by a short id stored with every value it encrypts. */
export interface DataKey {
  id: string;
  key: Buffer;
}

export function dataKey(base64: string): DataKey {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new Error('a data key must be 32 bytes, base64-encoded');
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 8), key };
}

const PREFIX = 'enc:v1:';

/** What the audit trail's pseudonym key is derived for (HKDF `info`); a new version gives new pseudonyms. */
const PSEUDONYM_INFO = 'zorgpad audit pseudonym v1';

/**
 * The key for the audit trail's student pseudonyms (HMAC-SHA256), derived from a data key with HKDF-SHA256:
 * a separate key, so the data key itself is only ever used for encryption.
 */
export function pseudonymKey(key: DataKey): Buffer {
  return Buffer.from(hkdfSync('sha256', key.key, Buffer.alloc(0), PSEUDONYM_INFO, 32));
}

/**
 * AES-256-GCM for single values. Encrypts with the current key; decrypts with whichever known key
 * the value names, so keys can be rotated without downtime.
 */
export class FieldCipher {
  private readonly byId: Map<string, Buffer>;

  constructor(
    private readonly current: DataKey,
    private readonly previous: DataKey[] = [],
  ) {
    this.byId = new Map([current, ...previous].map((k) => [k.id, k.key]));
  }

  get keyId(): string {
    return this.current.id;
  }

  /** The audit trail's student pseudonyms under keys derived from these data keys (current and previous). */
  auditPseudonyms(): AuditPseudonyms {
    return new AuditPseudonyms(pseudonymKey(this.current), this.previous.filter((k) => k.id !== this.current.id).map(pseudonymKey));
  }

  encrypt(value: unknown): string {
    const iv = nextIv();
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return `${PREFIX}${this.current.id}:${iv.toString('base64')}:${cipher.getAuthTag().toString('base64')}:${body.toString('base64')}`;
  }

  /** Values written before encryption was on (plain JSON) are passed through as they are. */
  decrypt(value: unknown): unknown {
    if (typeof value !== 'string' || !value.startsWith(PREFIX)) return value;
    const [kid, iv, tag, body] = value.slice(PREFIX.length).split(':');
    const key = kid ? this.byId.get(kid) : undefined;
    if (!key || !iv || !tag || body === undefined) throw Object.assign(new Error(`no data key "${kid}" to decrypt a stored value`), { name: 'UnknownDataKeyError' });
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as unknown;
  }

  /** The key id a stored value was encrypted with, or null for a plain value. */
  static keyIdOf(value: unknown): string | null {
    return typeof value === 'string' && value.startsWith(PREFIX) ? (value.slice(PREFIX.length).split(':')[0] ?? null) : null;
  }
}

/** Random bytes for many IVs at once: one call to the system's generator instead of one per value. */
const IV_POOL = Buffer.alloc(12 * 256);
let ivAt = IV_POOL.length;

/** A fresh random 96-bit IV (GCM's nonce), never handed out twice. */
function nextIv(): Buffer {
  if (ivAt === IV_POOL.length) {
    randomFillSync(IV_POOL);
    ivAt = 0;
  }
  // A copy: the pool is refilled in place later.
  const iv = Buffer.from(IV_POOL.subarray(ivAt, ivAt + 12));
  ivAt += 12;
  return iv;
}

export function generateDataKey(): string {
  return randomBytes(32).toString('base64');
}
