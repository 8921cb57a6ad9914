import type { CardAction } from '../cards/submit.js';
import type { Locale } from '../i18n/index.js';
import type { Platform } from '../people/school.js';
import type { Input } from '../protocol/engine.js';

/** One message from a person, as every channel hands it to the core. */
export interface Inbound {
  platform: Platform;
  /** Teams tenant, Slack workspace, or `local` for the playground. */
  tenantId: string;
  /** The person's platform account (Entra object id, Slack user id, playground staff id). */
  userId: string;
  conversationId: string;
  /** The platform's id for this delivery; a second delivery with the same id changes nothing. */
  deliveryId?: string;
  /**
   * This delivery runs again because the process that ran it may have died before its reply went out
   * (the inbox): when its turn was made, its reply is given again (its commands, as operations, change
   * nothing a second time) instead of nothing.
   */
  rerun?: boolean;
  locale?: Locale;
  input: Input | CardAction;
}
