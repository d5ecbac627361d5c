import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knownHostsFor, startFaultProxy, testHost, type FaultProxy } from '../src/index.js';
import { connectSsh2, settlesWithin, waitFor, within, type Ssh2Connection } from './ssh2-connection.js';

const host = testHost();
let proxy: FaultProxy;
let knownHostsPath: string;
const connections: Ssh2Connection[] = [];

async function viaProxy(readyTimeout?: number): Promise<Ssh2Connection> {
  const connection = await connectSsh2(host, { port: proxy.port, knownHostsPath, ...(readyTimeout === undefined ? {} : { readyTimeout }) });
  connections.push(connection);
  return connection;
}

beforeAll(async () => {
  proxy = await startFaultProxy({ targetHost: host.host, targetPort: host.port });
  knownHostsPath = await knownHostsFor(host, proxy.port);
});
afterAll(async () => {
  for (const connection of connections) connection.client.destroy();
  await proxy.close();
});

describe('startFaultProxy', () => {
  it('forwards an SSH connection; freeze() holds a command back, silently; thaw() lets it finish', async () => {
    const ssh = await viaProxy();
    expect(await ssh.exec('echo one')).toEqual({ stdout: 'one\n', code: 0 });
    expect(proxy.connections).toBe(1);

    proxy.freeze();
    const before = proxy.stats();
    const second = ssh.exec('echo two');
    expect(await settlesWithin(second, 500)).toBe(false);
    expect(ssh.isClosed()).toBe(false); // no FIN, no RST: the connection just went quiet
    expect(proxy.stats()).toMatchObject({ frozen: true, bytesToTarget: before.bytesToTarget, bytesToClient: before.bytesToClient });

    proxy.thaw();
    expect(await within(5000, second, 'the command after thaw()')).toEqual({ stdout: 'two\n', code: 0 });
    expect(proxy.stats().bytesToTarget).toBeGreaterThan(before.bytesToTarget);
    ssh.end();
    expect(await within(5000, ssh.closed, 'a clean close')).toBeUndefined();
    expect(await waitFor(() => proxy.connections === 0, 5000)).toBe(true);
  });

  it('freezes connections opened while frozen too: no SSH banner until thaw()', async () => {
    proxy.freeze();
    const accepted = proxy.stats().accepted;
    const opening = viaProxy(10_000);
    expect(await settlesWithin(opening, 500)).toBe(false);
    expect(proxy.stats().accepted).toBe(accepted + 1); // the TCP connection was accepted, no byte came back
    proxy.thaw();
    const ssh = await within(5000, opening, 'the handshake after thaw()');
    expect((await ssh.exec('echo late')).stdout).toBe('late\n');
    ssh.end();
  });

  it('freezeOpen() silences only the connections open now: a new connection gets through; thaw() frees the old', async () => {
    const old = await viaProxy();
    expect((await old.exec('echo before')).stdout).toBe('before\n');
    expect(proxy.freezeOpen()).toBe(1);
    expect(proxy.frozen).toBe(false); // future connections are not frozen
    expect(proxy.stats().frozenConnections).toBe(1);
    const stuck = old.exec('echo stuck');
    expect(await settlesWithin(stuck, 300)).toBe(false);

    const fresh = await within(5000, viaProxy(), 'a handshake on a new connection while the old one is frozen');
    expect((await within(5000, fresh.exec('echo fresh'), 'a command on the new connection')).stdout).toBe('fresh\n');
    expect(proxy.stats().frozenConnections).toBe(1);
    expect(await settlesWithin(stuck, 200)).toBe(false); // the old one is still silent
    expect(old.isClosed()).toBe(false);

    proxy.thaw();
    expect(proxy.stats().frozenConnections).toBe(0);
    expect(await within(5000, stuck, 'the held-back command after thaw()')).toEqual({ stdout: 'stuck\n', code: 0 });
    old.end();
    fresh.end();
    expect(await waitFor(() => proxy.connections === 0, 5000)).toBe(true);
  });

  it('reset() makes the client see its connection drop at once (RST)', async () => {
    const live = await viaProxy();
    const frozen = await viaProxy();
    await live.exec('true');
    expect(proxy.connections).toBe(2);
    const started = performance.now();
    expect(proxy.reset()).toBe(2);
    const error = await within(1000, live.closed, 'the close after reset()');
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error).toMatchObject({ code: 'ECONNRESET' });
    await within(1000, frozen.closed, 'the second close after reset()');
    expect(proxy.connections).toBe(0);
  });

  it('reset() of a frozen connection reaches the client at once', async () => {
    const ssh = await viaProxy();
    proxy.freeze();
    const pending = ssh.exec('echo never');
    expect(await settlesWithin(pending, 200)).toBe(false);
    expect(proxy.reset()).toBe(1);
    expect(await within(1000, ssh.closed, 'the close after reset()')).toMatchObject({ code: 'ECONNRESET' });
    proxy.thaw();
    expect(proxy.stats().resets).toBeGreaterThanOrEqual(3);
  });

  it('accepts only loopback addresses, so no test traffic leaves the machine', async () => {
    await expect(startFaultProxy({ targetHost: '192.0.2.1', targetPort: 22 })).rejects.toThrow(/targetHost must be a loopback address/);
    await expect(startFaultProxy({ targetHost: '127.0.0.1', targetPort: host.port, listenHost: '0.0.0.0' })).rejects.toThrow(/listenHost/);
    await expect(startFaultProxy({ targetHost: 'localhost', targetPort: 0 })).rejects.toThrow(RangeError);
  });

  it('close() stops listening and resets what is open', async () => {
    const other = await startFaultProxy({ targetHost: host.host, targetPort: host.port });
    const otherKnownHosts = await knownHostsFor(host, other.port);
    const ssh = await connectSsh2(host, { port: other.port, knownHostsPath: otherKnownHosts });
    connections.push(ssh);
    await other.close();
    await within(1000, ssh.closed, 'the close after close()');
    expect(other.connections).toBe(0);
    const refused = await new Promise<string | undefined>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: other.port });
      socket.once('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code));
    });
    expect(refused).toBe('ECONNREFUSED');
    await other.close(); // idempotent
  });
});
