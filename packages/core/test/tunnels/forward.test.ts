/**
 * `remote.forward()` against the harness sshd (docs/tunnels.md): a local listener whose connections each ride
 * a direct-tcpip (or direct-streamlocal) channel of a pooled connection, each one a lease of the pool.
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { testHost } from '@rexec/testing';
import type { ClientChannel } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { $, ConfigError, PoolClosedError, TunnelError } from '../../src/index.js';
import { newCounters, splice } from '../../src/ssh/tunnels/tunnel-counters.js';
import { record, targetOf } from '../ssh-pool/support.js';
import { tempDir } from '../support/temp-dir.js';
import { echoRounds, refused, startEchoServer, type EchoServer } from './support.js';

const host = testHost();
let echo: EchoServer;
beforeAll(async () => {
  echo = await startEchoServer();
});
afterAll(async () => {
  await echo.close();
});

describe('window of a forwarded connection', () => {
  it("is given back as the data is taken, as OpenSSH does (ssh2 alone waits until half of it is used): 6 MiB arrive whole", async () => {
    const total = 6 * 1024 * 1024;
    const source = createServer((socket) => {
      socket.on('error', () => undefined);
      socket.end(Buffer.alloc(total, 7));
    });
    await new Promise<void>((resolve) => source.listen(0, '127.0.0.1', resolve));
    // The local pair the tunnel joins to the channel: `near` is the tunnel's side, `far` the client's.
    const pair = createServer();
    await new Promise<void>((resolve) => pair.listen(0, '127.0.0.1', resolve));
    const remote = $.ssh(targetOf(host));
    const conn = await remote.acquire();
    try {
      const channel = await new Promise<ClientChannel>((resolve, reject) =>
        conn.client.forwardOut('127.0.0.1', 0, '127.0.0.1', (source.address() as AddressInfo).port, (error, opened) => (error ? reject(error) : resolve(opened))),
      );
      const accepted = new Promise<Socket>((resolve) => pair.once('connection', resolve));
      const far = connect((pair.address() as AddressInfo).port, '127.0.0.1');
      const near = await accepted;
      const windows: number[] = [];
      const done = new Promise<void>((resolve) => splice(near, channel, newCounters(), resolve));
      // Registered after splice's own listener: sees the window as splice left it.
      channel.on('data', () => windows.push((channel as unknown as { incoming: { window: number } }).incoming.window));
      let received = 0;
      far.on('data', (data: Buffer) => (received += data.length));
      await new Promise((resolve) => far.once('end', resolve));
      far.destroy();
      await done;
      expect(received).toBe(total);
      expect(windows.length).toBeGreaterThan(100);
      // Never more than three packets and one more short of the full 2 MiB (ssh2 alone lets it fall to 1 MiB).
      expect(Math.min(...windows)).toBeGreaterThanOrEqual(2 * 1024 * 1024 - 4 * 32 * 1024);
    } finally {
      await remote.release(conn);
      await remote.closePool();
      source.close();
      pair.close();
    }
  });
});

describe('forward to a TCP port', () => {
  it('1,000 round trips through 50 concurrent connections; each connection a lease, past the budget they wait in the queue', async () => {
    // 2 connections × 8 channels: 16 forwarded connections at once, the other 34 wait their turn.
    const remote = $.ssh(targetOf(host), { pool: { max: 2, maxChannels: 8 } });
    try {
      const tunnel = await remote.forward({ remoteHost: '127.0.0.1', remotePort: echo.port });
      expect(tunnel.localPort).toBeGreaterThan(0);
      expect(tunnel.localHost).toBe('127.0.0.1');
      let peakLeases = 0;
      let peakWaiting = 0;
      const watch = setInterval(() => {
        const stats = remote.getPoolStats();
        peakLeases = Math.max(peakLeases, stats.leases);
        peakWaiting = Math.max(peakWaiting, stats.waiting);
      }, 2);
      const acquired = record(remote, 'connection:acquire');
      // 50 connections at once are ordinary for a tunnel: no "possible memory leak" warning on the user's stderr.
      const warnings: string[] = [];
      const onWarning = (warning: Error): void => void warnings.push(warning.name);
      process.on('warning', onWarning);
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => echoRounds(tunnel.localPort, 20, `client-${i}`))).finally(() =>
        process.off('warning', onWarning),
      );
      clearInterval(watch);
      expect(warnings).toEqual([]);
      for (const [i, replies] of results.entries()) expect(replies).toEqual(Array.from({ length: 20 }, (_, round) => `client-${i} ${round}`));
      const stats = tunnel.stats();
      expect(stats).toMatchObject({ open: 0, total: 50, refused: 0, failed: 0 });
      const bytes = results.flat().reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
      expect(stats.bytesToRemote).toBe(bytes);
      expect(stats.bytesToLocal).toBe(bytes);
      expect(acquired.length).toBe(50);
      expect(peakLeases).toBeLessThanOrEqual(16);
      expect(peakLeases).toBeGreaterThan(1);
      expect(peakWaiting).toBeGreaterThan(0);
      expect(remote.getPoolStats().connectionsCreated).toBeLessThanOrEqual(2);
      expect(remote.getPoolStats().leases).toBe(0);
      await tunnel.close();
      expect(tunnel.closed).toBe(true);
      expect(await refused(tunnel.localPort)).toBe(true);
    } finally {
      await remote.closePool();
    }
  }, 30_000);

  it('half-close passes through: the client ends, the echo still comes back, then the server ends', async () => {
    const remote = $.ssh(targetOf(host));
    try {
      const tunnel = await remote.forward({ remoteHost: '127.0.0.1', remotePort: echo.port }, { localPort: 0 });
      const socket = connect({ host: '127.0.0.1', port: tunnel.localPort, allowHalfOpen: true });
      const chunks: Buffer[] = [];
      socket.on('data', (data: Buffer) => chunks.push(data));
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.end('sent before EOF');
      await new Promise((resolve) => socket.once('end', resolve));
      expect(Buffer.concat(chunks).toString()).toBe('sent before EOF');
      socket.destroy();
      await tunnel.close();
    } finally {
      await remote.closePool();
    }
  });

  it('maxConnections: one more connection is refused with a TunnelError (max-connections) through onError', async () => {
    const remote = $.ssh(targetOf(host));
    try {
      const errors: TunnelError[] = [];
      const tunnel = await remote.forward({ remoteHost: '127.0.0.1', remotePort: echo.port }, { maxConnections: 2, onError: (error) => errors.push(error) });
      const open = [connect({ host: '127.0.0.1', port: tunnel.localPort }), connect({ host: '127.0.0.1', port: tunnel.localPort })];
      for (const socket of open) {
        socket.write('hi\n');
        await new Promise((resolve) => socket.once('data', resolve));
      }
      const third = connect({ host: '127.0.0.1', port: tunnel.localPort });
      third.on('error', () => undefined);
      await new Promise((resolve) => third.once('close', resolve));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(TunnelError);
      expect(errors[0]).toMatchObject({ code: 'ERR_TUNNEL', problem: 'max-connections', retryable: true });
      expect(errors[0]?.message).toMatch(/maxConnections/);
      expect(tunnel.stats()).toMatchObject({ open: 2, total: 2, refused: 1 });
      for (const socket of open) socket.destroy();
      await tunnel.close();
      expect(tunnel.stats().open).toBe(0);
    } finally {
      await remote.closePool();
    }
  });

  it('a full pool queue: connections past it fail with no-channel, not hang', async () => {
    const remote = $.ssh(targetOf(host), { pool: { max: 1, maxChannels: 1, queueSize: 1, queueTimeout: 500 } });
    try {
      const errors: TunnelError[] = [];
      const tunnel = await remote.forward({ remoteHost: '127.0.0.1', remotePort: echo.port }, { onError: (error) => errors.push(error) });
      const sockets = Array.from({ length: 4 }, () => {
        const socket = connect({ host: '127.0.0.1', port: tunnel.localPort });
        socket.on('error', () => undefined);
        return socket;
      });
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      // One carried, one waited and timed out (500 ms), two refused at once (queueSize 1).
      expect(errors.length).toBe(3);
      expect(errors.every((error) => error.problem === 'no-channel')).toBe(true);
      expect(tunnel.stats()).toMatchObject({ open: 1, total: 4, failed: 3 });
      for (const socket of sockets) socket.destroy();
      await tunnel.close();
    } finally {
      await remote.closePool();
    }
  });

  it('nothing listens at the far end: the connection is closed and onError gets open-failed', async () => {
    const remote = $.ssh(targetOf(host));
    try {
      const free = createServer();
      await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
      const port = (free.address() as AddressInfo).port;
      await new Promise((resolve) => free.close(resolve));
      const errors: TunnelError[] = [];
      const tunnel = await remote.forward({ remoteHost: '127.0.0.1', remotePort: port }, { onError: (error) => errors.push(error) });
      const socket = connect({ host: '127.0.0.1', port: tunnel.localPort });
      socket.on('error', () => undefined);
      await new Promise((resolve) => socket.once('close', resolve));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ problem: 'open-failed' });
      expect(errors[0]?.message).toContain(`127.0.0.1:${port}`);
      expect(remote.getPoolStats().leases).toBe(0);
      await tunnel.close();
    } finally {
      await remote.closePool();
    }
  });

  it('a local port in use: listen-failed; bad options: ConfigError', async () => {
    const remote = $.ssh(targetOf(host));
    try {
      const taken = await startEchoServer();
      const error = await remote.forward({ remoteHost: '127.0.0.1', remotePort: echo.port }, { localPort: taken.port }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TunnelError);
      expect(error).toMatchObject({ problem: 'listen-failed' });
      await taken.close();
      await expect(remote.forward({ remoteHost: '127.0.0.1', remotePort: 0 })).rejects.toBeInstanceOf(ConfigError);
      await expect(remote.forward({ remoteHost: '127.0.0.1', remotePort: echo.port }, { maxConnections: 0 })).rejects.toMatchObject({ option: 'maxConnections' });
      await expect(remote.forward({} as never)).rejects.toBeInstanceOf(ConfigError);
    } finally {
      await remote.closePool();
    }
  });

  it('closePool() closes the tunnel and every connection through it; a closed pool opens no tunnel', async () => {
    const remote = $.ssh(targetOf(host));
    const tunnel = await remote.forward({ remoteHost: '127.0.0.1', remotePort: echo.port });
    const socket = connect({ host: '127.0.0.1', port: tunnel.localPort });
    socket.on('error', () => undefined);
    socket.write('x\n');
    await new Promise((resolve) => socket.once('data', resolve));
    const closedSocket = new Promise((resolve) => socket.once('close', resolve));
    await remote.closePool();
    await closedSocket;
    expect(tunnel.closed).toBe(true);
    expect(await refused(tunnel.localPort)).toBe(true);
    await expect(remote.forward({ remoteHost: '127.0.0.1', remotePort: echo.port })).rejects.toBeInstanceOf(PoolClosedError);
  });
});

describe('forward to a Unix socket', () => {
  it('direct-streamlocal: round trips through a Unix socket on the remote host', async () => {
    const path = join(tempDir(), 'echo.sock');
    const unixEcho = await startEchoServer({ path });
    const remote = $.ssh(targetOf(host));
    try {
      const tunnel = await remote.forward({ remoteSocket: path });
      expect(tunnel.remoteSocket).toBe(path);
      const results = await Promise.all(Array.from({ length: 5 }, (_, i) => echoRounds(tunnel.localPort, 10, `unix-${i}`)));
      for (const [i, replies] of results.entries()) expect(replies).toEqual(Array.from({ length: 10 }, (_, round) => `unix-${i} ${round}`));
      expect(unixEcho.accepted).toBe(5);
      expect(tunnel.stats()).toMatchObject({ total: 5, open: 0 });
      await tunnel.close();
    } finally {
      await remote.closePool();
      await unixEcho.close();
    }
  });
});
