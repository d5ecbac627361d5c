import { createServer, connect, type AddressInfo, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startDelayProxy, type DelayProxy } from './delay-proxy.js';

let echo: Server | undefined;
let proxy: DelayProxy | undefined;

afterEach(async () => {
  await proxy?.close();
  await new Promise((resolve) => (echo ? echo.close(resolve) : resolve(undefined)));
  proxy = undefined;
  echo = undefined;
});

const startEcho = async (): Promise<number> => {
  echo = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo?.listen(0, '127.0.0.1', resolve));
  return (echo.address() as AddressInfo).port;
};

describe('startDelayProxy', () => {
  it('listens on 127.0.0.1 and carries every byte both ways, in order', async () => {
    proxy = await startDelayProxy({ targetPort: await startEcho(), oneWayDelayMs: 1 });
    expect(proxy.host).toBe('127.0.0.1');
    const payload = Buffer.alloc(512 * 1024);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7) % 251;
    const received = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const socket = connect({ host: '127.0.0.1', port: proxy?.port ?? 0 });
      socket.on('error', reject);
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        if (chunks.reduce((n, c) => n + c.length, 0) >= payload.length) {
          socket.end();
          resolve(Buffer.concat(chunks));
        }
      });
      // Many small writes, as an SSH client makes them.
      for (let at = 0; at < payload.length; at += 1000) socket.write(payload.subarray(at, at + 1000));
    });
    expect(received.equals(payload)).toBe(true);
  });

  it('forwards the client closing its side to the server', async () => {
    const ended = new Promise<void>((resolve) => {
      echo = createServer((socket) => socket.on('end', resolve).resume());
    });
    await new Promise<void>((resolve) => echo?.listen(0, '127.0.0.1', resolve));
    proxy = await startDelayProxy({ targetPort: (echo?.address() as AddressInfo).port, oneWayDelayMs: 1 });
    const socket = connect({ host: '127.0.0.1', port: proxy.port }, () => socket.end('bye'));
    await ended;
  });
});
