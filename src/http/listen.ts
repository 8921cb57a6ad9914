import type { Server } from 'node:http';
import type { Background } from '../core/kernel/background.js';

/** Starts `server` listening; resolves with the port it got (useful with port 0). */
export function listenOn(server: Server, options: { port: number; host: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : options.port);
    });
  });
}

/**
 * Takes no new connections on `server` and waits (at most `graceMs`) until `inHand` has nothing
 * running; the connections still open are left to `closeServer`. False when something was still running.
 */
export function drainServer(server: Server, inHand: Background, graceMs: number): Promise<boolean> {
  server.close();
  server.closeIdleConnections();
  return inHand.idle(graceMs);
}

/** Stops `server`, closing the connections it holds open. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
