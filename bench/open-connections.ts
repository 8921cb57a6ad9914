import { Agent, request } from 'node:http';

/** What one request of a load looks like (the `setupRequest` result of the other runs). */
export interface LoadRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** Sends one request over `agent`'s connections; resolves with its status (0 when it failed or timed out). */
function sender(base: string, agent: Agent): (r: LoadRequest) => Promise<number> {
  const url = new URL(base);
  return (r) =>
    new Promise((resolve) => {
      const req = request(
        { host: url.hostname, port: url.port, agent, method: r.method ?? 'GET', path: r.path ?? '/', headers: { ...r.headers, ...(r.body ? { 'content-length': Buffer.byteLength(r.body) } : {}) } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.setTimeout(30_000, () => req.destroy());
      req.on('error', () => resolve(0));
      req.end(r.body);
    });
}

export interface ClosedLoopResult {
  requests: number;
  reqPerSec: number;
  latency: { p50: number; p99: number; p999: number };
  errors: number;
  /** How long opening the connections took (not measured as latency). */
  openedInMs: number;
}

/**
 * `connections` clients, each sending its next request as soon as its answer arrives, over connections
 * that are all open before the clock starts: the latency is the server's answer, not the load tool's or
 * the kernel's connection set-up. (autocannon opens its connections while it measures; on this machine
 * part of 200 connections then come up one to several seconds late, on a bare Node server too, and
 * their first requests landed in the p99 of every target alike.)
 */
/**
 * Requests at a fixed rate, one every 1/`rate` s, each on a free keep-alive connection (a new one when
 * none is free): neither side builds a backlog, so what the latency shows is one request's own way
 * through. (autocannon's `overallRate` sends each second's share back to back at the start of the
 * second: 40 requests at once, whose turns then queue behind each other in a server that acknowledges
 * first.) Resolves when every request sent has its answer; the errors are the answers that were not 2xx.
 */
export async function pacedLoop(base: string, next: () => LoadRequest, rate: number, seconds: number): Promise<{ requests: number; errors: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 64 });
  const send = sender(base, agent);
  try {
    const pending: Array<Promise<number>> = [];
    const start = performance.now();
    const total = Math.round(rate * seconds);
    for (let i = 0; i < total; i++) {
      // The i-th request leaves at start + i/rate, whatever the answers before it did.
      const wait = start + (i * 1000) / rate - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      pending.push(send(next()));
    }
    const statuses = await Promise.all(pending);
    return { requests: total, errors: statuses.filter((s) => s < 200 || s >= 300).length };
  } finally {
    agent.destroy();
  }
}

export async function closedLoop(base: string, next: () => LoadRequest, connections: number, seconds: number): Promise<ClosedLoopResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  const send = sender(base, agent);
  try {
    // Every connection opened (and used once) before the clock starts.
    const t0 = performance.now();
    await Promise.all(Array.from({ length: connections }, () => send(next())));
    const openedInMs = performance.now() - t0;
    const samples: number[] = [];
    let errors = 0;
    const start = performance.now();
    const end = start + seconds * 1000;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < end) {
          const r = next();
          const t = performance.now();
          const status = await send(r);
          samples.push(performance.now() - t);
          if (status < 200 || status >= 300) errors++;
        }
      }),
    );
    const elapsed = (performance.now() - start) / 1000;
    samples.sort((a, b) => a - b);
    const at = (p: number) => (samples.length ? samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]! : NaN);
    return { requests: samples.length, reqPerSec: samples.length / elapsed, latency: { p50: at(0.5), p99: at(0.99), p999: at(0.999) }, errors, openedInMs };
  } finally {
    agent.destroy();
  }
}
