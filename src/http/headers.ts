import type { IncomingMessage } from 'node:http';

/** A request header's (first) value. */
export function firstHeader(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
