/**
 * One SSH pool: the generic pool of connections (create = connect, destroy = close, validate = the
 * `validator` or `echo ok`) with the channel scheduler on top, so commands share connections, and the
 * pool handle of SPEC §3 (stats, warm, drain, close, borrow, events).
 *
 *   command ─► scheduler.run ─► free channel on a held connection? ─► conn.exec
 *                                 └─ none: pool.acquire (create ≤ max, ≤ maxConnecting at once) or wait
 */
import { canceledBeforeStart, type ExecResult, type ExecSpec } from '@rexec/adapters';
import { createPool } from '../../pool/create-pool.js';
import type { PoolFactory } from '../../pool/types.js';
import type { SshConnection } from '../connection/ssh-connection.js';
import type { ResolvedSshOptions } from '../options/ssh-options.js';
import { createChannelScheduler } from './channel-scheduler.js';
import { createConnectionUsage } from './connection-usage.js';
import type { ResolvedSshPoolOptions } from './normalize-ssh-pool-options.js';
import { createPoolEvents } from './pool-events.js';
import { createPooledConnection } from './pooled-connection.js';
import type { RegisteredPool } from './pool-registry.js';
import { createSshPoolHandle } from './ssh-pool-handle.js';
import type { SshPoolHandle } from './ssh-pool-types.js';

export interface SshPoolDeps {
  /** Opens one authenticated connection (`connectSsh`). */
  readonly connect: (resolved: ResolvedSshOptions) => Promise<SshConnection>;
  /** True for the connection layer's `ChannelRefusedError`. */
  readonly isChannelRefused: (error: unknown) => boolean;
  /** Called once when the pool has closed (the registry forgets it). */
  readonly onClosed?: () => void;
}

export interface SshPool extends RegisteredPool {
  /** `user@host:port`. */
  readonly target: string;
  /** Runs one command on a channel of a pooled connection. */
  run(spec: ExecSpec): Promise<ExecResult>;
  /** The pool methods `$.ssh(...)` carries. */
  readonly handle: SshPoolHandle;
}

export function createSshPool(resolved: ResolvedSshOptions, options: ResolvedSshPoolOptions, deps: SshPoolDeps): SshPool {
  const target = resolved.target;
  const usage = createConnectionUsage();
  /** Connections the pool itself is closing: their close is not a failure. */
  const closing = new WeakSet<SshConnection>();
  /** Connections lent to a user by `acquire()`: `release` decides their fate. */
  const lentToUser = new WeakSet<SshConnection>();
  const borrowedIds = new Set<string>();
  const events = createPoolEvents();

  const factory: PoolFactory<SshConnection> = {
    async create() {
      const conn = await deps.connect(resolved);
      conn.onClose(() => onTransportClosed(conn));
      return conn;
    },
    async destroy(conn) {
      closing.add(conn);
      await conn.close();
    },
    // Event ids are the connection's own (`user@host:port#hex`): unique across every pool of the process.
    id: (conn) => conn.id,
    async validate(conn) {
      if (options.validator !== undefined) return (await options.validator(createPooledConnection(conn, pool.idOf(conn), usage))) === true;
      const result = await conn.exec({ command: 'echo ok', timeout: options.pool.acquire });
      return result.exitCode === 0 && result.stdout.trim() === 'ok';
    },
  };
  const pool = createPool(factory, options.pool);
  // A connection carrying tag commands is held for as long as commands keep coming: that is not a leak.
  // `pool:leak` is about connections users borrowed with acquire() and did not give back.
  events.forwardFrom(pool, (event, payload) => event !== 'pool:leak' || borrowedIds.has((payload as { id: string }).id));

  const scheduler = createChannelScheduler<SshConnection>(
    {
      acquire: () => pool.acquire(),
      release: (conn) => void pool.release(conn).catch(events.reportError),
      destroy: (conn) => void pool.destroy(conn, 'error').catch(events.reportError),
    },
    {
      target,
      max: options.pool.max,
      maxChannels: options.maxChannels,
      queueTimeout: Math.min(options.pool.acquire, options.pool.queueTimeout),
      queuePriority: options.pool.queuePriority,
      maxQueued: options.pool.queueSize * options.maxChannels,
      isChannelRefused: deps.isChannelRefused,
      // Past maxLifetime: no new command; once empty it goes back to the pool, which retires it.
      retiring: (conn) => options.pool.clock.now() - conn.createdAt >= options.pool.maxLifetime,
      onQueueFull: (waiting, queueSize) => events.emit('pool:queue:full', { waiting, queueSize }),
    },
  );

  /** A connection dropped (sshd killed, reset): whoever holds it destroys it with reason 'error'. */
  function onTransportClosed(conn: SshConnection): void {
    if (closing.has(conn) || lentToUser.has(conn)) return;
    if (scheduler.connectionLost(conn)) return;
    // Idle (or being validated) in the pool.
    pool.destroy(conn, 'error').catch(() => {
      // Already gone from the pool: nothing to do.
    });
  }

  // An aborted signal means the command must not start at all: opening its channel would run it until the
  // kill, sent once the remote pgid is known, reaches it. Checked again when a queued command gets its channel.
  const run = (spec: ExecSpec): Promise<ExecResult> => {
    if (spec.signal?.aborted === true) return Promise.resolve(canceledBeforeStart());
    return scheduler.run((conn) => {
      if (spec.signal?.aborted === true) return Promise.resolve(canceledBeforeStart());
      usage.record(conn);
      return conn.exec(spec);
    });
  };

  const handle = createSshPoolHandle({
    target,
    pool,
    scheduler,
    events,
    borrow: async () => {
      const conn = await pool.acquire();
      lentToUser.add(conn);
      borrowedIds.add(conn.id);
      return { conn, pooled: createPooledConnection(conn, pool.idOf(conn), usage) };
    },
    giveBack: async (conn) => {
      lentToUser.delete(conn);
      borrowedIds.delete(conn.id);
      if (conn.isOpen) await pool.release(conn);
      else await pool.destroy(conn, 'error');
    },
    onClosed: () => deps.onClosed?.(),
  });

  return {
    target,
    run,
    handle,
    drainPool: () => handle.drainPool(),
    closePool: () => handle.closePool(),
  };
}
