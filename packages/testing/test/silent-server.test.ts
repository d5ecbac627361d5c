import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSilentServer, testHost, type SilentServer } from '../src/index.js';
import { waitFor, within } from './ssh2-connection.js';

let server: SilentServer;
const sockets: Socket[] = [];

beforeAll(async () => {
  server = await startSilentServer();
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await server.close();
});

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    sockets.push(socket);
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('startSilentServer', () => {
  it('accepts a connection and never sends a byte, whatever the client says', async () => {
    const before = server.accepted;
    const socket = await open(server.port);
    let received = 0;
    socket.on('data', (chunk: Buffer) => (received += chunk.length));
    expect(await waitFor(() => server.accepted === before + 1, 2000)).toBe(true);
    expect(server.connections).toBe(1);
    socket.write('SSH-2.0-probe\r\n');
    await sleep(300);
    expect(received).toBe(0);
    expect(server.bytesReceived).toBe('SSH-2.0-probe\r\n'.length);
    socket.end();
    expect(await waitFor(() => server.connections === 0, 2000)).toBe(true);
    expect(received).toBe(0);
  });

  it('makes an SSH client time out in its handshake', async () => {
    const host = testHost();
    const client = new ssh2.Client();
    const started = performance.now();
    const outcome = new Promise<string>((resolve) => {
      client.once('ready', () => resolve('ready'));
      client.on('error', (error) => resolve(error.message)); // 'on': a second error follows the close
    });
    client.connect({ host: server.host, port: server.port, username: host.username, privateKey: host.privateKey, readyTimeout: 300 });
    expect(await within(3000, outcome, 'the handshake timeout')).toMatch(/Timed out while waiting for handshake/);
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    client.destroy();
  });

  it('close() stops listening and closes what is open; listens on loopback only', async () => {
    const other = await startSilentServer();
    const socket = await open(other.port);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    expect(await waitFor(() => other.connections === 1, 2000)).toBe(true);
    await other.close();
    await within(1000, closed, 'the client close after close()');
    await expect(open(other.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await other.close(); // idempotent
    await expect(startSilentServer({ listenHost: '0.0.0.0' })).rejects.toThrow(/loopback/);
  });
});
