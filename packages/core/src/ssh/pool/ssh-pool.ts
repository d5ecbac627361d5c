/**
 * One SSH pool: the generic pool of connections (create = connect, destroy = close, check = an SSH keepalive
 * or the user's `validator`), each connection lent to up to `maxChannels` commands at once (shared leases),
 * and the pool handle `$.ssh(...)` carries (docs/ssh.md#pooling).
 *
 *   command ─► pool.lease() ─► conn.exec(spec) ─► pool.endLease()
 *                 └─ the pool's one queue: a connection with a free channel, a new one (≤ max), or wait
 *
 * A channel the server refuses (sshd `MaxSessions` below `maxChannels`) lowers that connection's lease limit
 * and the command tries again at the front of the queue: it never fails because of it.
 */
import { AcquireTimeoutError, canceledBeforeStart, ConfigError, isConnectionError, timedOutBeforeStart, type ExecResult, type ExecSpec } from '@rexec/adapters';
import { Pool, type Lease } from '../../pool/pool.js';
import { createChannelLeases } from '../channels/channel-leases.js';
import { createTransfers } from '../files/create-transfers.js';
import { createTunnels } from '../tunnels/create-tunnels.js';
import type { EventMethods } from '../../pool/safe-emitter.js';
import type { PoolEvents, PoolFactory } from '../../pool/types.js';
import type { SshConnection } from '../connection/ssh-connection.js';
import type { ResolvedSshOptions } from '../options/ssh-options.js';
import { createConnectionUsage } from './connection-usage.js';
import type { ResolvedSshPoolOptions } from './normalize-ssh-pool-options.js';
import { createPooledConnection } from './pooled-connection.js';
import type { RegisteredPool } from './pool-registry.js';
import { badWarmCountMessage, notBorrowedMessage } from './ssh-pool-messages.js';
import type { PooledSshConnection, SshPoolHandle } from './ssh-pool-types.js';

export interface SshPoolDeps {
  /** True for a live server's refusal of the exec request (the connection layer's `ExecRefusedError`). */
  readonly isExecRefused?: (error: unknown) => boolean;
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

/**
 * A command refused while its connection carried nothing else of ours: sshd still counts a session that
 * just closed, or allows none. It waits this long (doubling from 5 ms up to 250 ms) before trying again.
 */
export function refusalPause(refusals: number): number {
  return Math.min(250, 5 * 2 ** Math.max(0, refusals - 1));
}

/** Moves of one command that did not start (its connection was lost or silent) before its error is final. */
const MAX_NOT_STARTED_TRIES = 3;

/** Where a command stands after a try that did not start it. */
interface Retry {
  /** Tries lost to a connection (not to a refusal). */
  readonly tries: number;
  readonly refusals: number;
  readonly cause: unknown;
}

export function createSshPool(resolved: ResolvedSshOptions, options: ResolvedSshPoolOptions, deps: SshPoolDeps): SshPool {
  const target = resolved.target;
  const usage = createConnectionUsage();
  /** Connections the pool itself is closing: their close is not a failure. */
  const closing = new WeakSet<SshConnection>();
  /** Connections lent to a user by `acquire()`, with their lease: `release` decides their fate. */
  const lent = new Map<PooledSshConnection, Lease<SshConnection>>();
  const lentConns = new WeakSet<SshConnection>();
  const { clock, queueTimeout, acquire: acquireTimeout } = options.pool;

  const factory: PoolFactory<SshConnection> = {
    async create() {
      const conn = await deps.connect(resolved);
      conn.onClose(() => onTransportClosed(conn));
      // Spares count against the connection's channel budget; one the server refuses shows its real limit.
      if (options.spareChannels > 0) {
        conn.keepSpareChannels(options.spareChannels, () => pool.leaseLimit(conn) ?? options.maxChannels, (held) => pool.limitLeases(conn, held));
      }
      return conn;
    },
    async destroy(conn) {
      closing.add(conn);
      await conn.close();
    },
    // Event ids are the connection's own (`user@host:port#hex`): unique across every pool of the process.
    id: (conn) => conn.id,
    async validate(conn) {
      if (options.validator !== undefined) return (await options.validator(createPooledConnection(conn, conn.id, usage))) === true;
      return conn.ping();
    },
  };
  const pool = new Pool(factory, { ...options.pool, maxLeases: options.maxChannels });

  /** A connection dropped (sshd killed, reset): it leaves the pool; commands on it get their own ConnectionError. */
  function onTransportClosed(conn: SshConnection): void {
    if (closing.has(conn) || lentConns.has(conn)) return;
    pool.destroy(conn, 'error').catch(() => {
      // Already gone from the pool: nothing to do.
    });
  }

  const isExecRefused = deps.isExecRefused ?? (() => false);
  const execOptions = { openTimeout: options.channelOpenTimeout };

  /** Ms left of the command's deadline: its own timeout, and the queue's. */
  const timeLeft = (spec: ExecSpec, startedAt: number): number => {
    const waited = clock.now() - startedAt;
    return Math.min(spec.timeout ?? Infinity, Math.min(acquireTimeout, queueTimeout)) - waited;
  };

  /**
   * One try at getting a channel for the command. Its deadline covers the whole path: the wait in the queue,
   * connecting, the borrow check, opening the channel and running (what is left of `spec.timeout` at each step).
   */
  const attempt = (spec: ExecSpec, startedAt: number, retry: Retry | undefined): Promise<ExecResult> => {
    if (retry === undefined && spec.timeout === undefined) {
      const lease = spec.signal === undefined ? pool.lease() : pool.lease({ signal: spec.signal });
      return lease.then((held) => runOn(held, spec, startedAt, undefined), (error: unknown) => notStarted(spec, error));
    }
    const waited = clock.now() - startedAt;
    const commandLeft = spec.timeout === undefined ? Infinity : spec.timeout - waited;
    const queueLeft = Math.min(acquireTimeout, queueTimeout) - waited;
    if (commandLeft <= 0) return Promise.resolve(timedOutBeforeStart(waited));
    if (queueLeft <= 0) return Promise.reject(new AcquireTimeoutError(target, Math.min(acquireTimeout, queueTimeout), retry?.cause));
    const lease = pool.lease({
      timeout: Math.max(1, Math.min(commandLeft, queueLeft)),
      ...(spec.signal === undefined ? {} : { signal: spec.signal }),
      ...(retry === undefined ? {} : { retry: true, cause: retry.cause }),
    });
    return lease.then(
      (held) => runOn(held, spec, startedAt, retry),
      (error: unknown) => {
        // The command's own timeout ran out while it waited: a timed-out command, as if it had started.
        if (error instanceof AcquireTimeoutError && commandLeft <= queueLeft) return timedOutBeforeStart(clock.now() - startedAt);
        return notStarted(spec, error);
      },
    );
  };

  const runOn = (lease: Lease<SshConnection>, spec: ExecSpec, startedAt: number, retry: Retry | undefined): Promise<ExecResult> => {
    if (spec.signal?.aborted === true) {
      void pool.endLease(lease);
      return Promise.resolve(canceledBeforeStart());
    }
    const conn = lease.resource;
    usage.record(conn);
    const left = spec.timeout === undefined ? spec : { ...spec, timeout: Math.max(1, spec.timeout - (clock.now() - startedAt)) };
    return conn.exec(left, execOptions).then(
      (result) => {
        void pool.endLease(lease);
        return result;
      },
      (error: unknown) => {
        const tries = retry?.tries ?? 0;
        if (deps.isChannelRefused(error)) {
          // The server's real session limit: the channels of ours open there (a killed command's channel may
          // still be closing after its lease ended, so the leases alone can undercount).
          const others = Math.max(lease.entry.held.length, conn.openChannels) - 1;
          pool.limitLeases(conn, others);
          void pool.endLease(lease);
          const next: Retry = { tries, refusals: (retry?.refusals ?? 0) + 1, cause: error };
          // Another command of ours holds a session: the next one to finish frees it.
          if (others > 0) return attempt(spec, startedAt, next);
          // Nothing else of ours runs there: sshd still counts a session that just closed, or allows none.
          // The pause never outlasts the command's deadline; ref'd: the command is pending, so the process must not exit under it.
          const pause = Math.min(refusalPause(next.refusals), Math.max(0, timeLeft(spec, startedAt)));
          return new Promise<void>((resolve) => setTimeout(resolve, pause)).then(() => attempt(spec, startedAt, next));
        }
        void pool.endLease(lease);
        // A live server that refused the exec request: the connection is fine, and another would refuse it too.
        if (isExecRefused(error)) throw error;
        if (!conn.isOpen || isConnectionError(error)) void pool.destroy(conn, 'error').catch(() => undefined);
        // A command that never started moves to a healthy or new connection; one that started is never rerun.
        if (isConnectionError(error) && !error.started && tries < MAX_NOT_STARTED_TRIES) return attempt(spec, startedAt, { tries: tries + 1, refusals: retry?.refusals ?? 0, cause: error });
        throw error;
      },
    );
  };

  /** An aborted command that never got a channel settles as canceled, like one aborted before it started. */
  const notStarted = (spec: ExecSpec, error: unknown): ExecResult => {
    if (spec.signal?.aborted === true) return canceledBeforeStart();
    throw error;
  };

  // An aborted signal means the command must not start at all: opening its channel would run it until the
  // kill, sent once the remote pgid is known, reaches it. Checked again when the command gets its channel.
  const run = (spec: ExecSpec): Promise<ExecResult> => {
    if (spec.signal?.aborted === true) return Promise.resolve(canceledBeforeStart());
    return attempt(spec, clock.now(), undefined);
  };

  let closed: Promise<void> | undefined;
  const finish = (): void => deps.onClosed?.();

  // Files and tunnels (docs/files.md, docs/tunnels.md): every sftp session, tar exec and forwarded connection is a lease, as a command is.
  const channels = createChannelLeases({ pool, target, queueTimeout: Math.min(acquireTimeout, queueTimeout), openTimeout: options.channelOpenTimeout, now: () => clock.now(), run });
  const transfers = createTransfers(channels, () => closed !== undefined);
  const tunnels = createTunnels(channels, () => closed !== undefined);

  const handle: SshPoolHandle = {
    getPoolStats: () => pool.stats(),
    async warmPool(n: number): Promise<void> {
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new ConfigError(badWarmCountMessage(n), 'n');
      await pool.warm(n);
    },
    drainPool(): Promise<void> {
      // Commands running and waiting finish (however long they take); then every connection closes.
      tunnels.stopAccepting();
      closed ??= pool.drain({ timeout: Infinity }).then(finish);
      return closed;
    },
    closePool(): Promise<void> {
      const cleared = Promise.all([tunnels.closeAll(), pool.clear()]).then(() => undefined);
      closed ??= cleared.then(finish);
      return cleared;
    },
    async acquire(): Promise<PooledSshConnection> {
      const lease = await pool.lease({ exclusive: true });
      const pooled = createPooledConnection(lease.resource, lease.id, usage);
      lent.set(pooled, lease);
      lentConns.add(lease.resource);
      return pooled;
    },
    async release(pooled: PooledSshConnection): Promise<void> {
      const lease = lent.get(pooled);
      if (lease === undefined) {
        // After closePool() every connection is gone already: releasing one is harmless.
        if (closed !== undefined) return;
        throw new ConfigError(notBorrowedMessage(target), 'conn');
      }
      lent.delete(pooled);
      lentConns.delete(lease.resource);
      if (lease.resource.isOpen) await pool.endLease(lease);
      else await pool.destroy(lease.resource, 'error');
    },
    upload: (source, dest, opts) => transfers.upload(source, dest, opts),
    download: (source, dest, opts) => transfers.download(source, dest, opts),
    forward: (to, opts) => tunnels.forward(to, opts),
    forwardRemote: (opts) => tunnels.forwardRemote(opts),
    // A connection carrying tag commands is held for as long as commands keep coming: that is not a leak.
    // `pool:leak` is about connections users borrowed with acquire() and did not give back.
    ...handleEvents(pool, (id) => {
      for (const lease of lent.values()) if (lease.id === id && !lease.ended) return true;
      return false;
    }),
  };

  return {
    target,
    run,
    handle,
    drainPool: () => handle.drainPool(),
    closePool: () => handle.closePool(),
  };
}

/**
 * The `on`/`once`/`off` of a pool handle, subscribing on `pool`; `pool:leak` reaches listeners only for the
 * leases `isBorrowed` says a user holds (a long command is not a leak).
 */
export function handleEvents<T>(pool: Pool<T>, isBorrowed: (id: string) => boolean): EventMethods<PoolEvents, SshPoolHandle> {
  const filters = new WeakMap<object, (payload: never) => void>();
  const wrap = <E extends keyof PoolEvents>(event: E, listener: (payload: PoolEvents[E]) => void): ((payload: PoolEvents[E]) => void) => {
    if (event !== 'pool:leak') return listener;
    const filtered = (payload: PoolEvents[E]): void => {
      if (isBorrowed((payload as PoolEvents['pool:leak']).id)) listener(payload);
    };
    filters.set(listener, filtered);
    return filtered;
  };
  return {
    on(event, listener) {
      pool.on(event, wrap(event, listener));
      return this;
    },
    once(event, listener) {
      pool.once(event, wrap(event, listener));
      return this;
    },
    off(event, listener) {
      pool.off(event, listener === undefined ? undefined : ((filters.get(listener) ?? listener) as typeof listener));
      return this;
    },
  };
}
