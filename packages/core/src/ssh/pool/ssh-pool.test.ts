/**
 * The SSH pool's own logic (handle, borrowing, lost connections, drain/close, events) over the real
 * generic pool and fake connections. The same behaviours against OpenSSH sshd: test/ssh-pool/*.
 */
import { inspect } from 'node:util';
import { CommandError, ConfigError, ConnectionError, PoolClosedError, PoolExhaustedError } from '@rexec/adapters';
import { describe, expect, it, vi } from 'vitest';
import type { PoolEvents } from '../../pool/types.js';
import { normalizeSshOptions } from '../options/normalize-ssh-options.js';
import { normalizeSshPoolOptions } from './normalize-ssh-pool-options.js';
import { createSshPool } from './ssh-pool.js';
import type { SshPoolOptions } from './ssh-pool-types.js';
import { FakeSshConnection, isFakeRefusal } from '../../../test/support/fake-ssh-connection.js';

const resolved = normalizeSshOptions({ host: 'fake', username: 'me', password: 'hunter2-pw', agent: false }, {}, { HOME: '/nonexistent' });

function poolWith(pool: SshPoolOptions = {}, maxSessions = Infinity) {
  const conns: FakeSshConnection[] = [];
  const onClosed = vi.fn();
  const sshPool = createSshPool(resolved, normalizeSshPoolOptions(pool, resolved.target, {}), {
    connect: () => {
      const conn = new FakeSshConnection(maxSessions);
      conns.push(conn);
      return Promise.resolve(conn);
    },
    isChannelRefused: isFakeRefusal,
    onClosed,
  });
  const seen: { event: keyof PoolEvents; payload: unknown }[] = [];
  for (const event of ['connection:create', 'connection:destroy', 'pool:queue:full', 'pool:error'] as const) {
    sshPool.handle.on(event, (payload) => seen.push({ event, payload }));
  }
  const spec = (command: string) => ({ command });
  /** The pool's id of the i-th connection made, from its connection:create event. */
  const idOf = (i: number): string | undefined =>
    (seen.filter(({ event }) => event === 'connection:create')[i]?.payload as { id: string } | undefined)?.id;
  return { sshPool, conns, onClosed, seen, spec, idOf, handle: sshPool.handle };
}

describe('ssh pool (fake connections)', () => {
  it('runs concurrent commands as channels of one connection', async () => {
    const { sshPool, conns, seen, spec, handle } = poolWith();
    const results = await Promise.all(Array.from({ length: 6 }, () => sshPool.run(spec('sleep 20'))));
    expect(results.every((result) => result.exitCode === 0)).toBe(true);
    expect(conns).toHaveLength(1);
    expect(seen.filter(({ event }) => event === 'connection:create')).toHaveLength(1);
    await handle.closePool();
  });

  it('never fails a command because the server allows fewer sessions than maxChannels', async () => {
    const { sshPool, conns, handle } = poolWith({ max: 2 }, 3);
    const results = await Promise.all(Array.from({ length: 40 }, () => sshPool.run({ command: 'sleep 5' })));
    expect(results).toHaveLength(40);
    expect(conns.length).toBeLessThanOrEqual(2);
    expect(handle.getPoolStats().total).toBeLessThanOrEqual(2);
    await handle.closePool();
  });

  it('destroys an idle connection whose transport dropped, with reason error', async () => {
    const { sshPool, conns, seen, idOf, handle } = poolWith();
    await sshPool.run({ command: 'true' });
    await vi.waitFor(() => expect(handle.getPoolStats().idle).toBe(1));
    conns[0]!.drop();
    await vi.waitFor(() => expect(seen).toContainEqual({ event: 'connection:destroy', payload: { id: idOf(0), reason: 'error' } }));
    await handle.closePool();
  });

  it('rejects a running command with ConnectionError when its connection drops, and replaces the connection', async () => {
    const { sshPool, conns, seen, idOf, handle } = poolWith();
    const running = sshPool.run({ command: 'sleep 1000' }).catch((error: unknown) => error);
    await vi.waitFor(() => expect(conns[0]?.openChannels).toBe(1));
    conns[0]!.drop();
    expect(await running).toBeInstanceOf(ConnectionError);
    await vi.waitFor(() => expect(seen).toContainEqual({ event: 'connection:destroy', payload: { id: idOf(0), reason: 'error' } }));
    await expect(sshPool.run({ command: 'true' })).resolves.toMatchObject({ exitCode: 0 });
    expect(conns[1]?.isOpen).toBe(true);
    await handle.closePool();
  });

  it('lends a connection for exclusive use with exec, stats and release', async () => {
    const { conns, handle } = poolWith();
    const conn = await handle.acquire();
    expect((await conn.exec('sleep 1')).stdout).toBe('ran sleep 1\n');
    await expect(conn.exec('exit 3')).rejects.toBeInstanceOf(CommandError);
    expect((await conn.exec('exit 3', { nothrow: true })).exitCode).toBe(3);
    const stats = conn.getStats();
    expect(stats).toMatchObject({ id: conn.id, target: 'me@fake:22', useCount: 3, channelCount: 0, isHealthy: true });
    expect(Object.keys(stats).sort()).toEqual(['channelCount', 'createdAt', 'id', 'isHealthy', 'lastUsedAt', 'target', 'uptime', 'useCount']);
    expect(conn.isHealthy()).toBe(true);
    expect(conn.client).toBe(conns[0]!.client);
    expect(inspect(conn)).not.toContain('fake: true');
    expect(handle.getPoolStats().active).toBe(1);
    await handle.release(conn);
    expect(handle.getPoolStats()).toMatchObject({ active: 0, idle: 1 });
    await expect(handle.release(conn)).rejects.toBeInstanceOf(ConfigError);
    await handle.closePool();
  });

  it('destroys a borrowed connection released after its transport dropped', async () => {
    const { conns, seen, handle } = poolWith();
    const conn = await handle.acquire();
    conns[0]!.drop();
    expect(conn.isHealthy()).toBe(false);
    await handle.release(conn);
    expect(seen).toContainEqual({ event: 'connection:destroy', payload: { id: conn.id, reason: 'error' } });
    await handle.closePool();
  });

  it('drains: running commands finish, new ones are refused, then every connection closes', async () => {
    const { sshPool, conns, onClosed, handle } = poolWith();
    const running = sshPool.run({ command: 'sleep 50' });
    await vi.waitFor(() => expect(conns[0]?.openChannels).toBe(1));
    const drained = handle.drainPool();
    await expect(sshPool.run({ command: 'true' })).rejects.toBeInstanceOf(PoolClosedError);
    await expect(handle.acquire()).rejects.toBeInstanceOf(PoolClosedError);
    await expect(running).resolves.toMatchObject({ exitCode: 0 });
    await drained;
    expect(conns[0]!.isOpen).toBe(false);
    expect(onClosed).toHaveBeenCalledTimes(1);
    await handle.closePool();
    expect(onClosed).toHaveBeenCalledTimes(1);
  });

  it('closes at once: waiting commands get PoolClosedError, connections close', async () => {
    const { sshPool, conns, onClosed, handle } = poolWith({ max: 1, maxChannels: 1 });
    const running = sshPool.run({ command: 'sleep 1000' }).catch((error: unknown) => error);
    const waiting = sshPool.run({ command: 'true' }).catch((error: unknown) => error);
    await vi.waitFor(() => expect(conns[0]?.openChannels).toBe(1));
    await handle.closePool();
    expect(await waiting).toBeInstanceOf(PoolClosedError);
    expect(await running).toBeInstanceOf(ConnectionError);
    expect(conns[0]!.isOpen).toBe(false);
    expect(onClosed).toHaveBeenCalledTimes(1);
  });

  it('reports pool:queue:full and rejects with PoolExhaustedError when too many commands wait', async () => {
    // queueSize counts waiting commands only: one runs (on the connection being made) and two wait.
    const { sshPool, seen, handle } = poolWith({ max: 1, maxChannels: 1, queueSize: 2 });
    const accepted = Array.from({ length: 3 }, () => sshPool.run({ command: 'sleep 10' }));
    await expect(sshPool.run({ command: 'true' })).rejects.toBeInstanceOf(PoolExhaustedError);
    expect(seen).toContainEqual({ event: 'pool:queue:full', payload: { waiting: 2, queueSize: 2 } });
    await Promise.all(accepted);
    await handle.closePool();
  });

  it('gives every documented stat (docs/ssh.md#the-pool-handle) plus the circuit state', async () => {
    const { sshPool, handle } = poolWith();
    await sshPool.run({ command: 'true' });
    const stats = handle.getPoolStats();
    for (const field of ['active', 'idle', 'waiting', 'total', 'min', 'max', 'hits', 'misses', 'connectionsCreated',
      'connectionsDestroyed', 'totalAcquired', 'totalReleased', 'averageWaitTime', 'utilizationRate',
      'healthChecksPassed', 'healthCheckFailures'] as const) {
      expect(typeof stats[field], field).toBe('number');
    }
    expect(stats.circuit).toBe('closed');
    expect(stats).toMatchObject({ connectionsCreated: 1, totalAcquired: 1, max: 5, min: 0 });
    await handle.closePool();
  });

  it('reports pool:leak for a connection borrowed and kept, not for one carrying a long command', async () => {
    const { sshPool, handle } = poolWith({ max: 2, leaseWarning: 30 });
    const leaks: string[] = [];
    handle.on('pool:leak', ({ id }) => leaks.push(id));
    await sshPool.run({ command: 'sleep 120' });
    expect(leaks).toEqual([]);
    const kept = await handle.acquire();
    await vi.waitFor(() => expect(leaks).toEqual([kept.id]), { timeout: 2_000 });
    await handle.release(kept);
    await handle.closePool();
  });

  it('retires a connection past maxLifetime even while commands keep it busy', async () => {
    const { sshPool, conns, seen, handle } = poolWith({ max: 1, maxChannels: 2, maxLifetime: 40 });
    const results = await Promise.all(Array.from({ length: 12 }, () => sshPool.run({ command: 'sleep 10' })));
    expect(results).toHaveLength(12);
    expect(conns.length).toBeGreaterThanOrEqual(2);
    await vi.waitFor(() => expect(seen.some(({ event, payload }) => event === 'connection:destroy' && (payload as { reason: string }).reason === 'lifetime')).toBe(true));
    await handle.closePool();
  });

  it('survives a listener that throws, reporting it on pool:error', async () => {
    const { sshPool, seen, handle } = poolWith();
    handle.on('connection:create', () => {
      throw new Error('listener bug');
    });
    await expect(sshPool.run({ command: 'true' })).resolves.toMatchObject({ exitCode: 0 });
    expect(seen.some(({ event, payload }) => event === 'pool:error' && (payload as Error).message === 'listener bug')).toBe(true);
    await handle.closePool();
  });
});
