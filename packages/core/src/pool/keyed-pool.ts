/**
 * `createKeyedPool(factory, { maxPerKey, maxTotal, ... })`: one pool per key (per user, per host),
 * each holding at most `maxPerKey`, all together at most `maxTotal` through a shared, fair capacity
 * gate. A key's pool is made on first use and dropped once it has been empty for an eviction run.
 */
import { ConfigError, PoolClosedError } from '@rexec/adapters';
import { createCapacityGate } from './capacity-gate.js';
import { cancel, schedule } from './clock.js';
import type { KeyedPool, KeyedPoolEvents, KeyedPoolFactory, KeyedPoolOptions, KeyedPoolStats } from './keyed-types.js';
import { normalizeKeyedPoolOptions } from './normalize-keyed-pool-options.js';
import { foreignResourceMessage, noKeyMessage } from './pool-messages.js';
import { Pool } from './pool.js';
import { validateFactory } from './validate-factory.js';
import { formatPrometheus } from './prometheus.js';
import { createSafeEmitter, eventMethods } from './safe-emitter.js';
import type { PoolEventName, PoolEvents, PoolFactory, PoolStats, ResourcePool, TimerHandle } from './types.js';

const EVENT_NAMES: readonly PoolEventName[] = [
  'connection:create', 'connection:acquire', 'connection:release', 'connection:destroy', 'connection:state',
  'pool:queue:full', 'pool:error', 'pool:leak', 'pool:metrics', 'circuit:open', 'circuit:half-open', 'circuit:close',
];

const SUMMED = ['active', 'leases', 'idle', 'waiting', 'total', 'pending', 'hits', 'misses', 'connectionsCreated', 'connectionsDestroyed', 'totalAcquired', 'totalReleased'] as const;

const asError = (value: unknown): Error => (value instanceof Error ? value : new Error(String(value)));

export function createKeyedPool<T>(factory: KeyedPoolFactory<T>, options?: KeyedPoolOptions<T>): KeyedPool<T> {
  validateFactory(factory);
  const { maxPerKey, maxTotal, perKey, resolved } = normalizeKeyedPoolOptions(options);
  const { target, clock } = resolved;
  const gate = maxTotal === Infinity ? undefined : createCapacityGate(maxTotal);
  const pools = new Map<string, ResourcePool<T>>();
  const owners = new Map<T, string>();
  const events = createSafeEmitter<KeyedPoolEvents>((error, event) => {
    if (event !== 'pool:error') events.emit('pool:error', error instanceof Error ? error : new Error(String(error)));
  });
  let closed = false;
  let sweepTimer: TimerHandle | undefined;

  const forward = (key: string, pool: ResourcePool<T>): void => {
    for (const name of EVENT_NAMES) {
      pool.on(name, (payload: PoolEvents[typeof name]) => {
        if (!events.has(name)) return;
        const keyed = payload instanceof Error ? payload : { ...payload, key };
        events.emit(name, keyed);
      });
    }
  };

  const poolFor = (key: string): ResourcePool<T> => {
    const existing = pools.get(key);
    if (existing !== undefined) return existing;
    const keyFactory: PoolFactory<T> = {
      create: async () => {
        const resource = await factory.create(key);
        owners.set(resource, key);
        return resource;
      },
      destroy: async (resource) => {
        try {
          await factory.destroy(resource, key);
        } finally {
          owners.delete(resource);
        }
      },
      ...(factory.validate === undefined ? {} : { validate: async (resource: T) => (await factory.validate?.(resource, key)) === true }),
    };
    const pool = new Pool(keyFactory, { ...perKey, target: `${target}/${key}` }, gate === undefined ? {} : { gate });
    forward(key, pool);
    pools.set(key, pool);
    return pool;
  };

  const owner = (resource: T, method: string): ResourcePool<T> => {
    const key = owners.get(resource);
    const pool = key === undefined ? undefined : pools.get(key);
    if (pool === undefined) throw new ConfigError(foreignResourceMessage(target, method), `${method}.resource`);
    return pool;
  };

  /** Drops the pools of keys that hold nothing and wait for nothing. */
  const sweep = (): void => {
    for (const [key, pool] of pools) {
      const s = pool.stats();
      if (s.total + s.waiting + s.pending === 0 && s.min === 0) {
        pools.delete(key);
        void pool.drain({ timeout: 0 });
      }
    }
    if (!closed) sweepTimer = schedule(clock, resolved.evictionRun, sweep);
  };
  sweepTimer = schedule(clock, resolved.evictionRun, sweep);

  const closeAll = async (how: (pool: ResourcePool<T>) => Promise<void>): Promise<void> => {
    closed = true;
    cancel(clock, sweepTimer);
    await Promise.all([...pools.values()].map(how));
  };

  const keyed: KeyedPool<T> = {
    target,
    acquire(key, acquireOptions) {
      if (closed) return Promise.reject(new PoolClosedError(target));
      if (typeof key !== 'string' || key === '') return Promise.reject(new ConfigError(noKeyMessage(target, key), 'acquire.key'));
      return poolFor(key).acquire(acquireOptions);
    },
    release: (resource) => {
      try {
        return owner(resource, 'release').release(resource);
      } catch (error) {
        return Promise.reject(asError(error));
      }
    },
    destroy: (resource, reason) => {
      try {
        return owner(resource, 'destroy').destroy(resource, reason);
      } catch (error) {
        return Promise.reject(asError(error));
      }
    },
    warm: (key, n) => (closed ? Promise.reject(new PoolClosedError(target)) : poolFor(key).warm(n)),
    drain: (drainOptions) => closeAll((pool) => pool.drain(drainOptions)),
    clear: () => closeAll((pool) => pool.clear()),
    stats(): KeyedPoolStats {
      const perKeyStats: Record<string, PoolStats> = {};
      const sums = Object.fromEntries(SUMMED.map((name) => [name, 0])) as Record<(typeof SUMMED)[number], number>;
      for (const [key, pool] of pools) {
        const s = pool.stats();
        perKeyStats[key] = s;
        for (const name of SUMMED) sums[name] += s[name];
      }
      return { keys: pools.size, maxPerKey, maxTotal, ...sums, perKey: perKeyStats };
    },
    statsFor: (key) => pools.get(key)?.stats(),
    keys: () => [...pools.keys()],
    idOf: (resource) => owner(resource, 'idOf').idOf(resource),
    prometheus: () => formatPrometheus([...pools].map(([key, pool]) => ({ labels: { target, key }, stats: pool.stats() }))),
    ...eventMethods<KeyedPoolEvents, KeyedPool<T>>(events),
  };
  return keyed;
}
