import { createConnection, createServer, type Socket } from 'node:net';

export interface CutProxy {
  readonly endpoint: string;
  /** Resets every open connection and every new one, as an endpoint that went away (a restart). */
  cut(): void;
  /** Passes connections through again. */
  restore(): void;
  close(): Promise<void>;
}

/** A loopback TCP proxy to `target` whose traffic can be cut off and restored: an outage on demand. */
export async function cutProxy(target: URL): Promise<CutProxy> {
  const sockets = new Set<Socket>();
  let cut = false;
  const track = (socket: Socket): Socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    return socket;
  };
  const server = createServer((client) => {
    track(client);
    if (cut) {
      client.resetAndDestroy();
      return;
    }
    const upstream = track(createConnection(Number(target.port), target.hostname));
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no port');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    cut() {
      cut = true;
      for (const socket of sockets) socket.resetAndDestroy();
    },
    restore() {
      cut = false;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
