/**
 * The far end of the tunnel workload, run by the parent (which only waits on children meanwhile): a TCP
 * server on 127.0.0.1 that discards what is pushed to it and counts it, or sends the bytes asked for; and the
 * client that pushes or pulls through a tunnel's local port on a child's request. Both ends in the parent
 * keep the tunnel peer's own process (rexec, or ssh -L) doing only the tunnel's work.
 *
 * Wire format, first bytes of a connection: `P` then the bytes, then EOF (the server answers the count and a
 * newline); or `G<decimal count>\n` (the server sends that many bytes and ends).
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { TrafficAnswer, TrafficRequest } from './transfer-types.js';

export type SinkHeader = { readonly mode: 'push' } | { readonly mode: 'pull'; readonly bytes: number };

const MAX_HEADER = 24;
const CHUNK = randomBytes(1024 * 1024);

/** The header at the start of `data`: with the bytes it took, `undefined` while incomplete; throws on anything else. */
export function parseSinkHeader(data: Buffer): { header: SinkHeader; consumed: number } | undefined {
  if (data.length === 0) return undefined;
  const mode = String.fromCharCode(data[0] ?? 0);
  if (mode === 'P') return { header: { mode: 'push' }, consumed: 1 };
  if (mode !== 'G') throw new Error(`bad traffic header byte ${JSON.stringify(mode)}`);
  const end = data.indexOf(0x0a);
  if (end < 0) {
    if (data.length > MAX_HEADER) throw new Error('traffic header too long');
    return undefined;
  }
  const text = data.subarray(1, end).toString('latin1');
  if (!/^\d{1,15}$/.test(text)) throw new Error(`bad traffic byte count ${JSON.stringify(text)}`);
  return { header: { mode: 'pull', bytes: Number(text) }, consumed: end + 1 };
}

/** Writes `bytes` bytes of CHUNK to the socket, waiting for the socket to drain when it asks to. */
async function writeBytes(socket: Socket, bytes: number): Promise<void> {
  for (let left = bytes; left > 0; ) {
    const n = Math.min(left, CHUNK.length);
    left -= n;
    if (!socket.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) await once(socket, 'drain');
  }
}

function serve(socket: Socket): void {
  socket.on('error', () => undefined);
  let pending = Buffer.alloc(0);
  let counted = 0;
  let mode: SinkHeader['mode'] | undefined;
  socket.on('data', (chunk: Buffer) => {
    if (mode === 'push') {
      counted += chunk.length;
      return;
    }
    if (mode === 'pull') return;
    pending = Buffer.concat([pending, chunk]);
    let parsed: ReturnType<typeof parseSinkHeader>;
    try {
      parsed = parseSinkHeader(pending);
    } catch {
      socket.destroy();
      return;
    }
    if (parsed === undefined) return;
    mode = parsed.header.mode;
    if (parsed.header.mode === 'push') counted += pending.length - parsed.consumed;
    else writeBytes(socket, parsed.header.bytes).then(() => socket.end(), () => socket.destroy());
    pending = Buffer.alloc(0);
  });
  // A readiness probe connects and leaves without a header: nothing to answer.
  socket.on('end', () => (mode === 'push' ? socket.end(`${counted}\n`) : mode === undefined ? socket.end() : undefined));
}

/** Pushes `bytes` through 127.0.0.1:port; resolves when the far end reports how many arrived. */
function push(port: number, bytes: number): { done: Promise<number>; socket: Socket } {
  const socket = connect({ host: '127.0.0.1', port });
  const done = (async () => {
    await once(socket, 'connect');
    let reply = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (reply += chunk));
    const ended = once(socket, 'end');
    socket.write('P');
    await writeBytes(socket, bytes);
    socket.end();
    await ended;
    if (!/^\d+\n$/.test(reply)) throw new Error(`the far end answered ${JSON.stringify(reply.slice(0, 40))}, not a byte count`);
    return Number(reply.trim());
  })();
  return { done, socket };
}

/** Asks the far end for `bytes` through 127.0.0.1:port; resolves with how many arrived by EOF. */
function pull(port: number, bytes: number): { done: Promise<number>; socket: Socket } {
  const socket = connect({ host: '127.0.0.1', port });
  const done = (async () => {
    await once(socket, 'connect');
    let counted = 0;
    socket.on('data', (chunk: Buffer) => (counted += chunk.length));
    const ended = once(socket, 'end');
    socket.write(`G${bytes}\n`);
    await ended;
    return counted;
  })();
  return { done, socket };
}

export interface Traffic {
  /** The server's port on 127.0.0.1: where tunnels lead. */
  readonly port: number;
  /** Answers a child's TrafficRequest (runChild's onRequest). */
  readonly handle: (request: unknown) => Promise<TrafficAnswer>;
  readonly close: () => Promise<void>;
}

const isTrafficRequest = (request: unknown): request is TrafficRequest =>
  typeof request === 'object' && request !== null && (request as { action?: unknown }).action === 'tunnel-traffic';

export async function startTraffic(): Promise<Traffic> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    serve(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    handle: async (request) => {
      if (!isTrafficRequest(request)) throw new Error(`not a traffic request: ${JSON.stringify(request).slice(0, 100)}`);
      const started = performance.now();
      const { done, socket } = request.direction === 'up' ? push(request.port, request.bytes) : pull(request.port, request.bytes);
      socket.on('error', () => undefined);
      const failed = new Promise<never>((_resolve, reject) => socket.once('error', reject));
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no end after ${request.timeoutMs} ms`)), request.timeoutMs);
      });
      try {
        const bytes = await Promise.race([done, failed, late]);
        return { ms: performance.now() - started, bytes };
      } finally {
        clearTimeout(timer);
        socket.destroy();
      }
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
