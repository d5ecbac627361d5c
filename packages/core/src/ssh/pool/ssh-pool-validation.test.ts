/** Validation of pooled SSH connections: the default `echo ok`, or the `validator` given a pooled connection. */
import { describe, expect, it, vi } from 'vitest';
import { normalizeSshOptions } from '../options/normalize-ssh-options.js';
import { normalizeSshPoolOptions } from './normalize-ssh-pool-options.js';
import { createSshPool } from './ssh-pool.js';
import type { PooledSshConnection, SshPoolOptions } from './ssh-pool-types.js';
import { isFakeRefusal } from './test-support/fake-connections.js';
import { FakeSshConnection } from './test-support/fake-ssh-connection.js';

const resolved = normalizeSshOptions({ host: 'fake', username: 'me', agent: false }, {}, { HOME: '/nonexistent' });

function poolWith(pool: SshPoolOptions) {
  const conns: FakeSshConnection[] = [];
  const sshPool = createSshPool(resolved, normalizeSshPoolOptions(pool, resolved.target, {}), {
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

/** Lets the scheduler hand its connection back to the pool (it keeps it for the current turn). */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('validating pooled SSH connections', () => {
  it('runs `echo ok` on an idle connection before lending it again', async () => {
    const { sshPool, conns, handle } = poolWith({});
    await sshPool.run({ command: 'true' });
    await nextTurn();
    const spy = vi.spyOn(conns[0]!, 'exec');
    await sshPool.run({ command: 'true' });
    expect(spy.mock.calls.map(([spec]) => spec.command)).toEqual(['echo ok', 'true']);
    expect(handle.getPoolStats()).toMatchObject({ healthChecksPassed: 1, healthCheckFailures: 0 });
    await handle.closePool();
  });

  it('gives the validator a pooled connection and destroys one it rejects', async () => {
    const seen: PooledSshConnection[] = [];
    const validator = async (conn: PooledSshConnection): Promise<boolean> => {
      seen.push(conn);
      return (await conn.exec('exit 1', { nothrow: true })).ok;
    };
    const { sshPool, conns, reasons, handle } = poolWith({ validator });
    await sshPool.run({ command: 'true' });
    await nextTurn();
    await sshPool.run({ command: 'true' });
    expect(seen[0]?.id).toBe(conns[0]!.id);
    expect(typeof seen[0]?.getStats).toBe('function');
    await vi.waitFor(() => expect(reasons).toContain('validation'));
    expect(conns).toHaveLength(2);
    await handle.closePool();
  });

  it('skips validation when validate is false (SSH_POOL_HEALTH_CHECKS=false does the same)', async () => {
    const { sshPool, conns, handle } = poolWith({ validate: false });
    await sshPool.run({ command: 'true' });
    await nextTurn();
    const spy = vi.spyOn(conns[0]!, 'exec');
    await sshPool.run({ command: 'true' });
    expect(spy.mock.calls.map(([spec]) => spec.command)).toEqual(['true']);
    await handle.closePool();
  });
});
