import { createServer } from 'node:net';

/**
 * A TCP port free on 127.0.0.1 right now: listen on port 0, read the port, close. Another process may
 * still take it before the emulator binds; `startEmulator` retries with a new port when that happens.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close(() => reject(new Error(`unexpected listen address ${String(address)}`)));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}
