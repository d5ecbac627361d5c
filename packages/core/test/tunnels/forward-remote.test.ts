/**
 * `remote.forwardRemote()` against the harness sshd (docs/tunnels.md): sshd listens on a remote port
 * (tcpip-forward) and each connection there comes back to a local server. The host is this machine, so the
 * "remote" port is reachable here too.
 */
import { connect } from 'node:net';
import { knownHostsFor, startFaultProxy, testHost } from '@rexec/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { $, TunnelError } from '../../src/index.js';
import { eventually } from '../support/eventually.js';
import { targetOf } from '../ssh-pool/support.js';
import { echoRounds, refused, startEchoServer, type EchoServer } from './support.js';

const host = testHost();
let echo: EchoServer;
beforeAll(async () => {
  echo = await startEchoServer();
});
afterAll(async () => {
  await echo.close();
});

describe('forwardRemote', () => {
  it('remotePort 0: the server picks a port; connections there reach the local server; close() stops listening', async () => {
    const remote = $.ssh(targetOf(host));
    try {
      const tunnel = await remote.forwardRemote({ remotePort: 0, localHost: '127.0.0.1', localPort: echo.port });
      expect(tunnel.remotePort).toBeGreaterThan(0);
      expect(tunnel.localPort).toBe(echo.port);
      // The listener holds one lease of its connection for as long as the tunnel is open.
      expect(remote.getPoolStats().leases).toBe(1);
      const port = tunnel.remotePort ?? 0;
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => echoRounds(port, 10, `reverse-${i}`)));
      for (const [i, replies] of results.entries()) expect(replies).toEqual(Array.from({ length: 10 }, (_, round) => `reverse-${i} ${round}`));
      await eventually(() => expect(tunnel.stats()).toMatchObject({ open: 0, total: 20, refused: 0, failed: 0 }));
      const bytes = results.flat().reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
      expect(tunnel.stats().bytesToRemote).toBe(bytes);
      expect(tunnel.stats().bytesToLocal).toBe(bytes);
      await tunnel.close();
      expect(remote.getPoolStats().leases).toBe(0);
      await eventually(async () => expect(await refused(port)).toBe(true));
    } finally {
      await remote.closePool();
    }
  });

  it('maxConnections refuses one more (TunnelError max-connections); a local port nobody serves is open-failed', async () => {
    const remote = $.ssh(targetOf(host));
    try {
      const errors: TunnelError[] = [];
      const tunnel = await remote.forwardRemote({ remotePort: 0, localPort: echo.port, maxConnections: 1, onError: (error) => errors.push(error) });
      const first = connect({ host: '127.0.0.1', port: tunnel.remotePort ?? 0 });
      first.write('one\n');
      await new Promise((resolve) => first.once('data', resolve));
      const second = connect({ host: '127.0.0.1', port: tunnel.remotePort ?? 0 });
      second.on('error', () => undefined);
      await new Promise((resolve) => second.once('close', resolve));
      expect(errors.map((error) => error.problem)).toEqual(['max-connections']);
      expect(tunnel.stats()).toMatchObject({ open: 1, refused: 1 });
      first.destroy();
      await tunnel.close();

      const nobody = await startEchoServer();
      await nobody.close();
      const dead = await remote.forwardRemote({ remotePort: 0, localPort: nobody.port, onError: (error) => errors.push(error) });
      const socket = connect({ host: '127.0.0.1', port: dead.remotePort ?? 0 });
      socket.on('error', () => undefined);
      await new Promise((resolve) => socket.once('close', resolve));
      await eventually(() => expect(errors.at(-1)?.problem).toBe('open-failed'));
      expect(dead.stats().failed).toBe(1);
      await dead.close();
    } finally {
      await remote.closePool();
    }
  });

  it('a remote port already taken: forward-refused', async () => {
    const remote = $.ssh(targetOf(host));
    try {
      const taken = await startEchoServer();
      const error = await remote.forwardRemote({ remotePort: taken.port, localPort: echo.port }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TunnelError);
      expect(error).toMatchObject({ problem: 'forward-refused' });
      expect(remote.getPoolStats().leases).toBe(0);
      await taken.close();
    } finally {
      await remote.closePool();
    }
  });

  it('the connection under it drops: the tunnel listens again on a new connection, on the same port', async () => {
    const proxy = await startFaultProxy({ targetHost: '127.0.0.1', targetPort: host.port });
    const remote = $.ssh(targetOf(host, { port: proxy.port, knownHosts: await knownHostsFor(host, proxy.port) }));
    try {
      const errors: TunnelError[] = [];
      const tunnel = await remote.forwardRemote({ remotePort: 0, localPort: echo.port, onError: (error) => errors.push(error) });
      const port = tunnel.remotePort ?? 0;
      expect(await echoRounds(port, 2, 'before')).toEqual(['before 0', 'before 1']);
      proxy.reset();
      await eventually(() => expect(errors.some((error) => error.problem === 'connection-lost')).toBe(true));
      await eventually(async () => expect(await echoRounds(port, 2, 'after')).toEqual(['after 0', 'after 1']), 10_000);
      expect(tunnel.remotePort).toBe(port);
      expect(remote.getPoolStats().connectionsCreated).toBe(2);
      await tunnel.close();
    } finally {
      await remote.closePool();
      await proxy.close();
    }
  });

  it('closePool() closes it', async () => {
    const remote = $.ssh(targetOf(host));
    const tunnel = await remote.forwardRemote({ remotePort: 0, localPort: echo.port });
    await remote.closePool();
    expect(tunnel.closed).toBe(true);
    await eventually(async () => expect(await refused(tunnel.remotePort ?? 0)).toBe(true));
  });
});
