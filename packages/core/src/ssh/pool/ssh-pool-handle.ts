/**
 * The pool handle of SPEC §3, the methods `$.ssh(...)` carries next to the tag. It owns the pool's life:
 *   open ──drainPool()──► draining ──(commands settled, connections closed)──► closed
 *     └────────────closePool() (from open or draining)──────────────────────────┘
 * Once closed it lends nothing (`PoolClosedError`) and the registry forgets it.
 */
import { ConfigError, PoolClosedError } from '@rexec/adapters';
import { eventMethods } from '../../pool/safe-emitter.js';
import type { PoolEvents, ResourcePool } from '../../pool/types.js';
import type { SshConnection } from '../connection/ssh-connection.js';
import type { ChannelScheduler } from './channel-scheduler.js';
import type { SshPoolEvents } from './pool-events.js';
import { badWarmCountMessage, notBorrowedMessage } from './ssh-pool-messages.js';
import type { PooledSshConnection, SshPoolHandle, SshPoolStats } from './ssh-pool-types.js';

export interface SshPoolHandleParts {
  readonly target: string;
  readonly pool: ResourcePool<SshConnection>;
  readonly scheduler: ChannelScheduler<SshConnection>;
  readonly events: SshPoolEvents;
  /** Borrows a connection for exclusive use. */
  readonly borrow: () => Promise<{ conn: SshConnection; pooled: PooledSshConnection }>;
  /** Returns a borrowed connection (destroying it if its transport is gone). */
  readonly giveBack: (conn: SshConnection) => Promise<void>;
  readonly onClosed: () => void;
}

export function createSshPoolHandle(parts: SshPoolHandleParts): SshPoolHandle {
  const { target, pool, scheduler, events } = parts;
  const lent = new Map<PooledSshConnection, SshConnection>();
  let state: 'open' | 'draining' | 'closed' = 'open';
  let draining: Promise<void> | undefined;
  let closing: Promise<void> | undefined;

  let finished = false;
  const finish = (): void => {
    state = 'closed';
    if (finished) return;
    finished = true;
    parts.onClosed();
  };

  const handle: SshPoolHandle = {
    getPoolStats(): SshPoolStats {
      const stats = pool.stats();
      return { ...stats, waiting: stats.waiting + scheduler.stats().waiting };
    },
    async warmPool(n: number): Promise<void> {
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new ConfigError(badWarmCountMessage(n), 'n');
      if (state !== 'open') throw new PoolClosedError(target);
      await pool.warm(n);
    },
    drainPool(): Promise<void> {
      if (closing !== undefined) return closing;
      draining ??= (async () => {
        state = 'draining';
        await scheduler.drain();
        // closePool() during the drain takes over.
        if (closing !== undefined) return closing;
        await pool.drain();
        finish();
      })();
      return draining;
    },
    closePool(): Promise<void> {
      closing ??= (async () => {
        state = 'closed';
        scheduler.close();
        lent.clear();
        await pool.clear();
        finish();
      })();
      return closing;
    },
    async acquire(): Promise<PooledSshConnection> {
      if (state !== 'open') throw new PoolClosedError(target);
      const { conn, pooled } = await parts.borrow();
      lent.set(pooled, conn);
      return pooled;
    },
    async release(pooled: PooledSshConnection): Promise<void> {
      const conn = lent.get(pooled);
      if (conn === undefined) {
        // After closePool() every connection is gone already: releasing one is harmless.
        if (state === 'closed') return;
        throw new ConfigError(notBorrowedMessage(target), 'conn');
      }
      lent.delete(pooled);
      await parts.giveBack(conn);
    },
    ...eventMethods<PoolEvents, SshPoolHandle>(events),
  };
  return handle;
}
