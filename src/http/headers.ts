import type { IncomingMessage } from 'node:http';

/** Headers a worker trusts only from its own front (with the token the front was started with). */
export const FRONT_TOKEN_HEADER = 'x-zorgpad-front';
export const CLIENT_ADDRESS_HEADER = 'x-zorgpad-client';
/** Set by the front on a Slack event it has acknowledged itself: the worker answers when the turn is done. */
export const ACKNOWLEDGED_HEADER = 'x-zorgpad-acknowledged';

/** A request header's (first) value. */
export function firstHeader(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
