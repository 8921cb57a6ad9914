import { z } from 'zod';

/**
 * Ids Teams sends are printable ASCII (`29:1a…`, `a:1…`, `19:…@thread.tacv2;messageid=…`). botbuilder
 * puts the conversation id in an HTTP header of the reply, where anything else cannot go.
 */
const printableId = (max: number) => z.string().min(1).max(max).regex(/^[\x20-\x7e]+$/, 'expected a printable ASCII id');

/** The parts of a Bot Framework activity Zorgpad reads; everything else passes through untouched. */
const account = z.object({ id: printableId(500), aadObjectId: z.string().max(100).optional(), name: z.string().max(500).optional() }).passthrough();

export const activitySchema = z
  .object({
    type: z.string().min(1).max(100),
    id: printableId(500).optional(),
    name: z.string().max(200).optional(),
    channelId: z.string().min(1).max(100),
    // Where replies are POSTed: an http(s) URL, nothing else.
    serviceUrl: z.string().url().max(2000).regex(/^https?:\/\//i, 'expected an http(s) URL'),
    locale: z.string().max(20).optional(),
    text: z.string().max(10_000).optional(),
    value: z.unknown().optional(),
    replyToId: z.string().max(500).optional(),
    from: account,
    recipient: account,
    conversation: z
      .object({ id: printableId(1000), tenantId: z.string().max(100).optional(), conversationType: z.string().max(50).optional() })
      .passthrough(),
    channelData: z
      .object({
        tenant: z.object({ id: z.string() }).partial().passthrough().optional(),
        channel: z.object({ id: z.string() }).partial().passthrough().optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();

export type InboundActivity = z.infer<typeof activitySchema>;

/** An Action.Execute invoke: what the card sent. */
export const cardActionSchema = z.object({
  action: z.object({ type: z.string(), verb: z.string().max(100).optional(), data: z.unknown() }).passthrough(),
});

/** Loopback hosts: the only serviceUrls accepted when the channel runs without authentication. */
export function isLoopback(serviceUrl: string): boolean {
  const host = new URL(serviceUrl).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1';
}
