/**
 * A TCP proxy on 127.0.0.1 that delays every byte by `oneWayDelayMs` in each direction, so a host
 * behind it is `2 × oneWayDelayMs` of round trip away. Written in Node so that no root is needed.
 * Both of its sockets have TCP_NODELAY on, so the proxy adds no batching of its own; the client's
 * own socket options still decide how the client's bytes reach the proxy.
 */
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { pipeWithDelay } from './delay-queue.js';

export interface DelayProxy {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Stops listening and destroys every open connection. */
  close(): Promise<void>;
}

export interface DelayProxyOptions {
  readonly targetPort: number;
  readonly oneWayDelayMs: number;
}

export async function startDelayProxy(options: DelayProxyOptions): Promise<DelayProxy> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: options.targetPort });
    for (const socket of [client, upstream]) {
      track(socket);
      socket.setNoDelay(true);
    }
    pipeWithDelay(client, upstream, options.oneWayDelayMs);
    pipeWithDelay(upstream, client, options.oneWayDelayMs);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
