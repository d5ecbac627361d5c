/**
 * The pool registry: one SSH pool per connection identity (`username@host:port` + credential fingerprint).
 * `sshPoolRegistry` below is rexec's ONLY module-level state, documented in docs/ssh.md#pooling: two
 * `$.ssh(...)` calls with the same identity share a pool through it, `installShutdownHandlers` drains
 * every pool in it, and a pool removes itself from it when it closes.
 */

/** What the registry needs of a pool: the shutdown handlers drain and close through it. */
export interface RegisteredPool {
  drainPool(): Promise<void>;
  closePool(): Promise<void>;
}

export interface PoolRegistry<P extends RegisteredPool> {
  /** The pool registered for `key`, or a new one from `create` (registered before it is returned). */
  getOrCreate(key: string, create: () => P): P;
  get(key: string): P | undefined;
  /** Removes `pool` if it is the one registered for `key` (a closed pool leaves; a newer one stays). */
  remove(key: string, pool: P): void;
  /** The live pools, in creation order. */
  pools(): P[];
  readonly size: number;
  /** A number per object, by identity (for pool keys that involve functions); the same object, the same number. */
  idOf(value: object): number;
}

export function createPoolRegistry<P extends RegisteredPool>(): PoolRegistry<P> {
  const byKey = new Map<string, P>();
  const ids = new WeakMap<object, number>();
  let nextId = 1;
  return {
    getOrCreate(key, create) {
      const existing = byKey.get(key);
      if (existing !== undefined) return existing;
      const pool = create();
      byKey.set(key, pool);
      return pool;
    },
    get(key) {
      return byKey.get(key);
    },
    remove(key, pool) {
      if (byKey.get(key) === pool) byKey.delete(key);
    },
    pools() {
      return [...byKey.values()];
    },
    get size() {
      return byKey.size;
    },
    idOf(value) {
      let id = ids.get(value);
      if (id === undefined) ids.set(value, (id = nextId++));
      return id;
    },
  };
}
