/** The public shape of the keyed pool: one pool per key (per user, per host) under a shared limit. */
import type { AcquireOptions, DestroyReason, DrainOptions, PoolEventTarget, PoolEvents, PoolOptions, PoolStats } from './types.js';

/** Like a pool factory, told which key the resource is for. */
export interface KeyedPoolFactory<T> {
  create(key: string): Promise<T>;
  destroy(resource: T, key: string): Promise<void>;
  validate?(resource: T, key: string): Promise<boolean>;
}

/** Every pool option except `max`, which is `maxPerKey` here, plus `maxTotal` across all keys. */
export interface KeyedPoolOptions<T = unknown> extends Omit<PoolOptions<T>, 'max'> {
  /** Resources one key may hold (default 5). */
  maxPerKey?: number;
  /** Resources all keys together may hold (default Infinity). */
  maxTotal?: number;
}

/** The same events as a pool; each payload object also names the `key`. */
export type KeyedPoolEvents = {
  [E in keyof PoolEvents]: PoolEvents[E] extends Error ? Error : PoolEvents[E] & { key: string };
};

export interface KeyedPoolStats {
  /** Keys with a pool right now. */
  keys: number;
  maxPerKey: number;
  maxTotal: number;
  active: number;
  leases: number;
  idle: number;
  waiting: number;
  total: number;
  pending: number;
  hits: number;
  misses: number;
  connectionsCreated: number;
  connectionsDestroyed: number;
  totalAcquired: number;
  totalReleased: number;
  /** Each key's own stats. */
  perKey: Record<string, PoolStats>;
}

export interface KeyedPool<T> extends PoolEventTarget<KeyedPoolEvents> {
  readonly target: string;
  acquire(key: string, options?: AcquireOptions): Promise<T>;
  release(resource: T): Promise<void>;
  destroy(resource: T, reason?: DestroyReason): Promise<void>;
  warm(key: string, n: number): Promise<void>;
  drain(options?: DrainOptions): Promise<void>;
  clear(): Promise<void>;
  stats(): KeyedPoolStats;
  /** One key's stats, or undefined when that key has no pool. */
  statsFor(key: string): PoolStats | undefined;
  keys(): string[];
  idOf(resource: T): string;
  prometheus(): string;
}
