/**
 * The pool of a ControlMaster target (docs/control-master.md): the same generic pool as ssh2 targets, whose
 * resources are OpenSSH masters. A master carries up to `maxChannels` commands at once (under sshd's
 * `MaxSessions`, so it never refuses one and ssh never falls back to a connection of its own); more commands
 * start another master (up to `max`) at `<ControlPath>-<n>`. Events, stats, queue and deadlines are the pool's.
 * There is no ssh2 `Client` to lend, so `acquire()` is refused.
 */
import {
  ConfigError, ControlMasterAdapter, controlPathTemplate, normalizeControlMasterOptions, type ControlMasterAdapterOptions,
  type ExecResult, type ExecSpec,
} from '@rexec/adapters';
import { AcquireTimeoutError, canceledBeforeStart, timedOutBeforeStart } from '@rexec/adapters';
import { Pool, type Lease } from '../../pool/pool.js';
import { noChannelMethods } from '../channels/no-channels.js';
import type { PoolFactory } from '../../pool/types.js';
import type { ResolvedSshPoolOptions } from './normalize-ssh-pool-options.js';
import { handleEvents, type SshPool } from './ssh-pool.js';
import { badWarmCountMessage } from './ssh-pool-messages.js';
import type { PooledSshConnection, SshPoolHandle, SshPoolStats } from './ssh-pool-types.js';

/** What OpenSSH prints when a master refuses one more session (sshd `MaxSessions`). */
const SESSION_REFUSED = /session request failed|Session open refused/i;

function noBorrowing(target: string): ConfigError {
  return new ConfigError(
    `acquire()/release() need the ssh2 transport, but ${target} is a controlMaster target (commands run through the OpenSSH client, ` +
      'which has no ssh2 Client to lend); use the tag, or $.ssh without controlMaster',
    'controlMaster',
  );
}

export function createControlMasterPool(masterOptions: ControlMasterAdapterOptions, options: ResolvedSshPoolOptions, onClosed: () => void): SshPool {
  const template = controlPathTemplate(normalizeControlMasterOptions(masterOptions));
  /** The adapter for slot n: the first at the ControlPath itself (so a master already there is adopted), the rest beside it. */
  const adapterFor = (slot: number): ControlMasterAdapter =>
    new ControlMasterAdapter(slot === 1 ? masterOptions : { ...masterOptions, controlPath: `${template}-${slot}` });
  // Every slot's path must fit a Unix socket: checked now, so a bad path is a ConfigError from $.ssh(...).
  let first = adapterFor(1);
  if (options.pool.max > 1) adapterFor(options.pool.max);
  const target = first.target;
  const slots = new Map<ControlMasterAdapter, number>();
  /** Ids unique per process, as events need: the slot and the how-manieth master this pool made. */
  const ids = new Map<ControlMasterAdapter, string>();
  let made = 0;

  const factory: PoolFactory<ControlMasterAdapter> = {
    async create() {
      let slot = 1;
      while ([...slots.values()].includes(slot)) slot += 1;
      // A never-started first adapter is the one the stats show; any other start gets a new adapter.
      const adapter = slot === 1 && first.stats().state === 'idle' ? first : adapterFor(slot);
      if (slot === 1) first = adapter;
      slots.set(adapter, slot);
      made += 1;
      ids.set(adapter, `${target}#master-${slot}.${made}`);
      try {
        await adapter.start();
      } catch (error) {
        slots.delete(adapter);
        throw error;
      }
      return adapter;
    },
    async destroy(adapter) {
      slots.delete(adapter);
      ids.delete(adapter);
      await adapter.dispose();
    },
    id: (adapter) => ids.get(adapter) ?? target,
    validate: (adapter) => adapter.isAlive(),
  };
  const pool = new Pool<ControlMasterAdapter>(factory, { ...options.pool, validator: undefined, maxLeases: options.maxChannels });

  const runOn = (lease: Lease<ControlMasterAdapter>, spec: ExecSpec): Promise<ExecResult> =>
    lease.resource.exec(spec).then(
      (result) => {
        // ssh already ran it over a connection of its own; later commands stay within what the master allows.
        if (SESSION_REFUSED.test(result.stderr)) pool.limitLeases(lease.resource, lease.entry.held.length - 1);
        void pool.endLease(lease);
        return result;
      },
      (error: unknown) => {
        void pool.endLease(lease);
        throw error;
      },
    );

  const { clock } = options.pool;
  const queueTimeout = Math.min(options.pool.acquire, options.pool.queueTimeout);
  // As on ssh2 targets, a command's timeout covers its wait in the queue (and a master's start) too.
  const run = (spec: ExecSpec): Promise<ExecResult> => {
    if (spec.signal?.aborted === true) return Promise.resolve(canceledBeforeStart());
    const startedAt = clock.now();
    const ownDeadline = spec.timeout !== undefined && spec.timeout <= queueTimeout;
    const lease = pool.lease({
      ...(spec.signal === undefined ? {} : { signal: spec.signal }),
      ...(spec.timeout === undefined ? {} : { timeout: Math.max(1, Math.min(spec.timeout, queueTimeout)) }),
    });
    return lease.then(
      (held) => {
        const waited = clock.now() - startedAt;
        return runOn(held, spec.timeout === undefined || waited === 0 ? spec : { ...spec, timeout: Math.max(1, spec.timeout - waited) });
      },
      (error: unknown) => {
        if (spec.signal?.aborted === true) return canceledBeforeStart();
        if (ownDeadline && error instanceof AcquireTimeoutError) return timedOutBeforeStart(clock.now() - startedAt);
        throw error;
      },
    );
  };

  let closed: Promise<void> | undefined;
  const handle: SshPoolHandle = {
    getPoolStats: (): SshPoolStats => ({ ...pool.stats(), controlMaster: first.stats() }),
    async warmPool(n: number): Promise<void> {
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new ConfigError(badWarmCountMessage(n), 'n');
      await pool.warm(n);
    },
    drainPool(): Promise<void> {
      closed ??= pool.drain({ timeout: Infinity }).then(onClosed);
      return closed;
    },
    closePool(): Promise<void> {
      const cleared = pool.clear();
      closed ??= cleared.then(onClosed);
      return cleared;
    },
    acquire(): Promise<PooledSshConnection> {
      return Promise.reject(noBorrowing(target));
    },
    release(): Promise<void> {
      return Promise.reject(noBorrowing(target));
    },
    ...noChannelMethods(target),
    // Nothing is borrowed here: a long command is never a leak.
    ...handleEvents(pool, () => false),
  };
  return { target, run, handle, drainPool: () => handle.drainPool(), closePool: () => handle.closePool() };
}
