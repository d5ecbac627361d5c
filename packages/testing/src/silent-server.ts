import { createServer, type AddressInfo, type Socket } from 'node:net';
import { requireLoopback } from './loopback.js';

export interface SilentServerOptions {
  /** Where to listen (on a free port); a loopback address only. Default `127.0.0.1`. */
  readonly listenHost?: string;
}

export interface SilentServer {
  readonly host: string;
  readonly port: number;
  /** Connections accepted since the start. */
  readonly accepted: number;
  /** Connections open now. */
  readonly connections: number;
  /** Bytes received from clients (read and dropped). */
  readonly bytesReceived: number;
  /** Stops listening and destroys every open connection. Idempotent. */
  close(): Promise<void>;
}

/**
 * A TCP server that accepts and never speaks: it never writes a byte (no SSH banner), so an SSH client
 * waits for its handshake until its own timeout. It reads and drops what clients send, so a client's
 * close is seen and its socket ends (that FIN is the only thing it ever sends).
 */
export async function startSilentServer(options: SilentServerOptions = {}): Promise<SilentServer> {
  const listenHost = options.listenHost ?? '127.0.0.1';
  requireLoopback('startSilentServer: listenHost', listenHost);
  const sockets = new Set<Socket>();
  let accepted = 0;
  let bytesReceived = 0;
  const server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => (bytesReceived += chunk.length));
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, listenHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    host: listenHost,
    port,
    get accepted() {
      return accepted;
    },
    get connections() {
      return sockets.size;
    },
    get bytesReceived() {
      return bytesReceived;
    },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
