import type { Server } from 'node:http';

/** Starts `server` listening; resolves with the port it got (useful with port 0). */
export function listenOn(server: Server, options: { port: number; host: string; exclusive?: boolean }): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : options.port);
    });
  });
}

/** Stops `server`, closing the connections it holds open. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
