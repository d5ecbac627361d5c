/** Helpers of the tunnel tests: echo servers (TCP and Unix socket) and a line client. */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface EchoServer {
  readonly port: number;
  readonly path: string | undefined;
  /** Connections accepted so far. */
  readonly accepted: number;
  close(): Promise<void>;
}

/** Echoes every byte back; on the client's EOF, ends its side too (so half-close is visible). */
export async function startEchoServer(where: { port?: number; path?: string } = {}): Promise<EchoServer> {
  let accepted = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (where.path !== undefined) server.listen(where.path, resolve);
    else server.listen(where.port ?? 0, '127.0.0.1', resolve);
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    path: where.path,
    get accepted() {
      return accepted;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A client that sends a line and waits for it to come back, `rounds` times, then ends and waits for the close. */
/** How long one echo round may take before it fails. */
const ROUND_TIMEOUT_MS = 3000;

export async function echoRounds(port: number, rounds: number, tag: string): Promise<string[]> {
  const socket = connect({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const replies: string[] = [];
  let buffered = '';
  let waiting: ((line: string) => void) | undefined;
  const lines: string[] = [];
  socket.on('data', (data: Buffer) => {
    buffered += data.toString('utf8');
    let at = buffered.indexOf('\n');
    while (at >= 0) {
      const line = buffered.slice(0, at);
      buffered = buffered.slice(at + 1);
      if (waiting !== undefined) {
        const resolve = waiting;
        waiting = undefined;
        resolve(line);
      } else lines.push(line);
      at = buffered.indexOf('\n');
    }
  });
  const closed = new Promise<void>((resolve, reject) => {
    socket.once('close', () => resolve());
    socket.once('error', reject);
  });
  closed.catch(() => undefined); // awaited below on success; a failed round must not leave it unhandled
  // A reply that never comes (the socket closed, or a stale listener took the connection) fails the round
  // instead of hanging: callers retry with eventually().
  let failRound: ((error: Error) => void) | undefined;
  socket.once('close', () => failRound?.(new Error(`echo connection to port ${port} closed after ${replies.length} of ${rounds} replies`)));
  try {
    for (let i = 0; i < rounds; i++) {
      socket.write(`${tag} ${i}\n`);
      const queued = lines.shift();
      replies.push(
        queued ??
          (await new Promise<string>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no echo reply on port ${port} within ${ROUND_TIMEOUT_MS} ms`)), ROUND_TIMEOUT_MS);
            failRound = reject;
            waiting = (line) => {
              clearTimeout(timer);
              resolve(line);
            };
          })),
      );
    }
  } catch (error) {
    socket.destroy();
    throw error;
  }
  failRound = undefined;
  socket.end();
  await closed;
  return replies;
}

/** Resolves when a TCP connect to `port` is refused (nothing listens), rejects when it is accepted. */
export function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}
