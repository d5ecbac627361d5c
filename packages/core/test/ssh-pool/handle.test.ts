/**
 * The pool handle `$.ssh(...)` carries (docs/ssh.md#the-pool-handle, #events) against the harness sshd:
 * on/once/off, the event payloads of one connection's life, a borrowed connection's stats and health, and
 * bad calls.
 */
import { testHost } from '@rexec/testing';
import { describe, expect, it } from 'vitest';
import { $, ConfigError, PoolClosedError } from '../../src/index.js';
import { record, targetOf } from './support.js';

const host = testHost();
const target = `${host.username}@127.0.0.1:${host.port}`;

describe('the pool handle of a $.ssh target', () => {
  it('on/once/off: once hears one event, off stops a listener, on returns the handle', async () => {
    const remote = $.ssh(targetOf(host), { pool: { max: 2, idle: 10_001 } });
    const onceSeen: string[] = [];
    const offSeen: string[] = [];
    const offListener = ({ id }: { id: string }): number => offSeen.push(id);
    expect(remote.on('connection:create', offListener)).toBe(remote);
    expect(remote.once('connection:create', ({ id }) => onceSeen.push(id))).toBe(remote);
    await remote.warmPool(1);
    expect(remote.off('connection:create', offListener)).toBe(remote);
    await remote.warmPool(2);
    expect(onceSeen).toHaveLength(1);
    expect(offSeen).toEqual(onceSeen);
    expect(remote.getPoolStats().connectionsCreated).toBe(2);
    await remote.closePool();
  });

  it('a borrowed connection never starts a command whose AbortSignal is already aborted', async () => {
    const remote = $.ssh(targetOf(host), { pool: { max: 1, idle: 10_003 } });
    const marker = `/tmp/rexec-aborted-${process.pid}-${Date.now()}`;
    const conn = await remote.acquire();
    try {
      const result = await conn.exec(`touch ${marker}`, { signal: AbortSignal.abort(), nothrow: true });
      expect(result).toMatchObject({ isCanceled: true, exitCode: 143, signal: 'SIGTERM' });
      const check = await conn.exec(`sleep 0.1; test -e ${marker} && echo ran || echo absent`);
      expect(check.stdout).toBe('absent\n');
    } finally {
      await remote.release(conn);
      await remote.closePool();
    }
  });

  it("one connection's life in events: create, acquire, state, release, destroy with reason 'closed'", async () => {
    const remote = $.ssh(targetOf(host), { pool: { max: 1, idle: 10_002 } });
    const created = record(remote, 'connection:create');
    const acquired = record(remote, 'connection:acquire');
    const released = record(remote, 'connection:release');
    const states = record(remote, 'connection:state');
    const destroyed = record(remote, 'connection:destroy');
    await remote`true`;
    const conn = await remote.acquire();
    await remote.release(conn);
    await remote.closePool();
    const id = created[0]?.id;
    expect(created).toEqual([{ id, target }]);
    expect(id).toMatch(new RegExp(`^${target.replace(/[.]/g, '\\.')}#`));
    expect(acquired.length).toBeGreaterThanOrEqual(1);
    for (const event of acquired) expect(event).toEqual({ id, waitTime: expect.any(Number) as number });
    for (const event of released) expect(event).toEqual({ id, duration: expect.any(Number) as number });
    expect(released.length).toBe(acquired.length);
    expect(states).toContainEqual({ id, from: 'idle', to: 'active' });
    expect(states).toContainEqual({ id, from: 'active', to: 'idle' });
    expect(destroyed).toEqual([{ id, reason: 'closed' }]);
  });

  it('a borrowed connection: getStats has every field docs/ssh.md lists; isHealthy follows the transport', async () => {
    const remote = $.ssh(targetOf(host), { pool: { max: 1, idle: 10_003 } });
    const conn = await remote.acquire();
    await conn.exec('true');
    const stats = conn.getStats();
    expect(Object.keys(stats).sort()).toEqual(['channelCount', 'createdAt', 'id', 'isHealthy', 'lastUsedAt', 'target', 'uptime', 'useCount']);
    expect(stats).toMatchObject({ id: conn.id, target, useCount: 1, channelCount: 0, isHealthy: true });
    expect(stats.lastUsedAt).toBeGreaterThanOrEqual(stats.createdAt);
    expect(stats.uptime).toBeGreaterThanOrEqual(0);
    expect(conn.isHealthy()).toBe(true);
    conn.client.end();
    await expect.poll(() => conn.isHealthy()).toBe(false);
    await remote.release(conn);
    // Released after its transport ended: destroyed, not lent again.
    expect(remote.getPoolStats()).toMatchObject({ total: 0, active: 0 });
    await remote.closePool();
  });

  it('bad calls: warmPool(-1) and release of a connection it never lent are ConfigErrors; a closed pool lends nothing', async () => {
    const remote = $.ssh(targetOf(host), { pool: { max: 1, idle: 10_004 } });
    const other = $.ssh(targetOf(host), { pool: { max: 1, idle: 10_005 } });
    await expect(remote.warmPool(-1)).rejects.toBeInstanceOf(ConfigError);
    const foreign = await other.acquire();
    await expect(remote.release(foreign)).rejects.toBeInstanceOf(ConfigError);
    await other.release(foreign);
    await remote.closePool();
    await other.closePool();
    await expect(remote.acquire()).rejects.toBeInstanceOf(PoolClosedError);
    await expect(remote.warmPool(1)).rejects.toBeInstanceOf(PoolClosedError);
  });
});
