/**
 * The generic pool on its own: pooling TCP connections to a small line-echo server that this example
 * starts on 127.0.0.1. 20 requests share at most 3 connections; a connection the server closed is
 * caught by the validator and replaced.
 *   pnpm build && pnpm exec tsx examples/generic-pool.ts
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { createPool } from '@rexec/core';

/** An echo server: answers each line with `echo: <line>`. `drop` closes every open socket. */
async function startEchoServer(): Promise<{ port: number; server: Server; drop(): void }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setEncoding('utf8');
    let buffered = '';
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
        socket.write(`echo: ${buffered.slice(0, end)}\n`);
        buffered = buffered.slice(end + 1);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the echo server has no TCP address');
  return { port: address.port, server, drop: () => sockets.forEach((socket) => socket.destroy()) };
}

/** Sends one line on a pooled socket and reads one line back. */
function request(socket: Socket, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let reply = '';
    const onData = (chunk: Buffer): void => {
      reply += chunk.toString('utf8');
      if (!reply.includes('\n')) return;
      socket.off('data', onData);
      socket.off('error', reject);
      resolve(reply.trimEnd());
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(`${line}\n`);
  });
}

const echo = await startEchoServer();
const pool = createPool<Socket>(
  {
    async create() {
      const socket = connect({ host: '127.0.0.1', port: echo.port });
      await once(socket, 'connect');
      return socket;
    },
    async destroy(socket) {
      socket.destroy();
      await Promise.resolve();
    },
    // A connection is usable while the socket is open in both directions.
    validate: (socket) => Promise.resolve(!socket.destroyed && socket.writable && socket.readable),
  },
  // validateAfterIdle: 0 checks every borrow (by default a connection used within 5 s is lent unchecked).
  { target: `echo@127.0.0.1:${echo.port}`, max: 3, acquire: 5000, validateAfterIdle: 0 },
);

const created: string[] = [];
pool.on('connection:create', ({ id }) => created.push(id));
pool.on('connection:destroy', ({ id, reason }) => console.log(`destroyed ${id} (${reason})`));

async function send(line: string): Promise<string> {
  const socket = await pool.acquire();
  try {
    const reply = await request(socket, line);
    await pool.release(socket);
    return reply;
  } catch (error) {
    await pool.destroy(socket, 'error');
    throw error;
  }
}

const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => send(`request ${i + 1}`)));
console.log(`20 requests → ${replies.length} replies (last: "${replies.at(-1) ?? ''}") over ${created.length} connections`);

// The server drops every connection: the validator notices on the next borrow and the pool reconnects.
echo.drop();
await new Promise((resolve) => setTimeout(resolve, 50));
console.log(`after the drop: ${await send('are you there?')}`);

const stats = pool.stats();
console.log(`stats: created ${stats.connectionsCreated}, destroyed ${stats.connectionsDestroyed}, hits ${stats.hits}, misses ${stats.misses}, failed checks ${stats.healthCheckFailures}`);
await pool.drain();
echo.server.close();
console.log(`drained: ${pool.stats().total} connections left`);
