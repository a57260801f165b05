import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface StallingProxyOptions {
  /** How many connections, first to last, stall; default every one. */
  readonly stall?: number;
  /** Where the connections that do not stall are passed through to. */
  readonly target?: URL;
  /** A stalling connection still passes its requests to `target`: only the answers are lost. */
  readonly forwardStalled?: boolean;
}

export interface StallingProxy {
  readonly endpoint: string;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/**
 * A loopback TCP proxy whose first connections are accepted and then never answered (a
 * half-open connection, as a vanished peer or a stalled port forward leaves it), and whose
 * later connections are passed through to `target`.
 */
export async function stallingProxy({ stall = Infinity, target, forwardStalled = false }: StallingProxyOptions = {}): Promise<StallingProxy> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const upstream = (url: URL): Socket => {
    const socket = createConnection(Number(url.port), url.hostname);
    track(socket);
    return socket;
  };
  const server: Server = createServer((socket) => {
    connections += 1;
    track(socket);
    const stalls = connections <= stall;
    if (target === undefined || (stalls && !forwardStalled)) {
      socket.resume();
      return;
    }
    const server = upstream(target);
    socket.pipe(server);
    if (stalls) server.resume();
    else server.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no port');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    connections: () => connections,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
