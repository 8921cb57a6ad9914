import { isIP } from 'node:net';

/**
 * Which proxies in front of Zorgpad may say who the client is (`ZORGPAD_TRUST_PROXY`): the number of
 * proxy hops nearest to Zorgpad (the reverse proxy on the same machine is 1), or the proxies' own
 * addresses. Without it, `X-Forwarded-For` is never read: anyone can write it.
 */
export type TrustProxy = { hops: number } | { addresses: readonly string[] } | null;

/** Parses `ZORGPAD_TRUST_PROXY`: a hop count, or addresses separated by commas; null when the text is neither. */
export function parseTrustProxy(text: string): TrustProxy | 'invalid' {
  const trimmed = text.trim();
  if (/^\d{1,2}$/.test(trimmed)) return { hops: Number(trimmed) };
  const addresses = trimmed.split(',').map((a) => normalise(a.trim()));
  return addresses.length > 0 && addresses.every((a) => isIP(a) !== 0) ? { addresses } : 'invalid';
}

/**
 * The client's address: the socket's peer, unless that peer is a trusted proxy; then walk back
 * through `X-Forwarded-For` (each proxy appends the address it got the request from) past the trusted
 * proxies to the first address that is not one. With a hop count, the nearest hops are trusted
 * whoever they are (as the count says); with addresses, only those. An entry that is no address
 * (`unknown`, garbage) where the walk needs it gives the socket's peer: one shared limit, never an
 * address the client chose.
 */
export function clientAddressOf(peer: string | undefined, forwardedFor: string | undefined, trust: TrustProxy): string {
  const socket = normalise(peer ?? '?');
  if (!trust || !forwardedFor) return socket;
  // Nearest first: the socket's peer, then the last address in the header, and so on.
  const chain: Array<string | null> = [socket, ...forwardedFor.split(',').map((a) => hopAddress(a.trim())).reverse()];
  let i = 0;
  if ('hops' in trust) i = Math.min(trust.hops, chain.length - 1);
  else while (i < chain.length - 1 && trust.addresses.includes(chain[i] ?? '')) i++;
  return chain.slice(1, i + 1).every((a) => a !== null) ? chain[i]! : socket;
}

/** One X-Forwarded-For entry as an address (a port some proxies add is dropped); null when it is none. */
function hopAddress(entry: string): string | null {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(entry);
  const address = normalise(bracketed?.[1] ?? v4WithPort?.[1] ?? entry);
  return isIP(address) !== 0 ? address : null;
}

/** An IPv4 address as Node reports it on a dual-stack socket (`::ffff:1.2.3.4`) is the plain one. */
function normalise(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}
