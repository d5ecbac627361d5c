/**
 * Borrow checks of pooled SSH connections: none for a connection used within `validateAfterIdle`; an SSH
 * keepalive (no channel, no remote process) for an older one, or the `validator` given a pooled connection;
 * each bounded by `validateTimeout`, a failed one moving the command to another connection.
 */
import { describe, expect, it, vi } from 'vitest';
import { FakeSshConnection, isFakeRefusal } from '../../../test/support/fake-ssh-connection.js';
import { normalizeSshOptions } from '../options/normalize-ssh-options.js';
import { normalizeSshPoolOptions } from './normalize-ssh-pool-options.js';
import { createSshPool } from './ssh-pool.js';
import type { PooledSshConnection, SshPoolOptions } from './ssh-pool-types.js';

const resolved = normalizeSshOptions({ host: 'fake', username: 'me', agent: false }, {}, { HOME: '/nonexistent' });

function poolWith(pool: SshPoolOptions, env: Record<string, string> = {}) {
  const conns: FakeSshConnection[] = [];
  const sshPool = createSshPool(resolved, normalizeSshPoolOptions(pool, resolved.target, env), {
    connect: () => {
      const conn = new FakeSshConnection();
      conns.push(conn);
      return Promise.resolve(conn);
    },
    isChannelRefused: isFakeRefusal,
  });
  const reasons: string[] = [];
  sshPool.handle.on('connection:destroy', ({ reason }) => reasons.push(reason));
  return { sshPool, conns, reasons, handle: sshPool.handle };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('borrow checks of pooled SSH connections', () => {
  it('lends a connection used within validateAfterIdle without any check, whatever the gap between commands', async () => {
    const { sshPool, conns, handle } = poolWith({});
    await sshPool.run({ command: 'true' });
    await pause(20);
    const spy = vi.spyOn(conns[0]!, 'exec');
    await sshPool.run({ command: 'true' });
    expect(spy.mock.calls.map(([spec]) => spec.command)).toEqual(['true']);
    expect(conns[0]!.pings).toBe(0);
    expect(handle.getPoolStats()).toMatchObject({ healthChecksPassed: 0, healthCheckFailures: 0, hits: 1, misses: 1 });
    await handle.closePool();
  });

  it('checks an older connection with one SSH keepalive, never a remote command', async () => {
    const { sshPool, conns, handle } = poolWith({ validateAfterIdle: 10 });
    await sshPool.run({ command: 'true' });
    await pause(30);
    const spy = vi.spyOn(conns[0]!, 'exec');
    await sshPool.run({ command: 'true' });
    expect(spy.mock.calls.map(([spec]) => spec.command)).toEqual(['true']);
    expect(conns[0]!.pings).toBe(1);
    expect(handle.getPoolStats()).toMatchObject({ healthChecksPassed: 1, healthCheckFailures: 0 });
    await handle.closePool();
  });

  it('takes SSH_POOL_VALIDATE_AFTER_IDLE_MS from the environment, an explicit option over it', () => {
    const fromEnv = normalizeSshPoolOptions({}, resolved.target, { SSH_POOL_VALIDATE_AFTER_IDLE_MS: '750' });
    expect(fromEnv.pool.validateAfterIdle).toBe(750);
    const explicit = normalizeSshPoolOptions({ validateAfterIdle: 10 }, resolved.target, { SSH_POOL_VALIDATE_AFTER_IDLE_MS: '750' });
    expect(explicit.pool.validateAfterIdle).toBe(10);
    expect(normalizeSshPoolOptions({}, resolved.target, {}).pool).toMatchObject({ validateAfterIdle: 5000, validateTimeout: 2000 });
  });

  it('gives up on a silent connection after validateTimeout and runs the command on a new one', async () => {
    const { sshPool, conns, reasons, handle } = poolWith({ validateAfterIdle: 0, validateTimeout: 50 });
    await sshPool.run({ command: 'true' });
    conns[0]!.answersPings = false;
    const started = Date.now();
    await expect(sshPool.run({ command: 'true' })).resolves.toMatchObject({ exitCode: 0 });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(conns).toHaveLength(2);
    expect(reasons).toEqual(['validation']);
    expect(handle.getPoolStats()).toMatchObject({ healthCheckFailures: 1, total: 1 });
    await handle.closePool();
  });

  it('gives the validator a pooled connection and destroys one it rejects', async () => {
    const seen: PooledSshConnection[] = [];
    const validator = async (conn: PooledSshConnection): Promise<boolean> => {
      seen.push(conn);
      return (await conn.exec('exit 1', { nothrow: true })).ok;
    };
    const { sshPool, conns, reasons, handle } = poolWith({ validator, validateAfterIdle: 0 });
    await sshPool.run({ command: 'true' });
    await sshPool.run({ command: 'true' });
    expect(seen[0]?.id).toBe(conns[0]!.id);
    expect(typeof seen[0]?.getStats).toBe('function');
    await vi.waitFor(() => expect(reasons).toContain('validation'));
    expect(conns).toHaveLength(2);
    expect(conns[0]!.pings).toBe(0);
    await handle.closePool();
  });

  it('skips checks when validate is false (SSH_POOL_HEALTH_CHECKS=false does the same)', async () => {
    for (const setup of [poolWith({ validate: false, validateAfterIdle: 0 }), poolWith({ validateAfterIdle: 0 }, { SSH_POOL_HEALTH_CHECKS: 'false' })]) {
      const { sshPool, conns, handle } = setup;
      await sshPool.run({ command: 'true' });
      await sshPool.run({ command: 'true' });
      expect(conns[0]!.pings).toBe(0);
      expect(conns).toHaveLength(1);
      await handle.closePool();
    }
  });
});
