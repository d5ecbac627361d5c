/**
 * generic-pool as the pool's engine: it calls the factory, counts every resource and every create in
 * flight against `max`, and holds each live resource as a loan until it is destroyed.
 *
 * Its known defects are kept out of reach (see docs/decisions/0002-pool-lends-outside-generic-pool.md):
 * - a rejected `create` makes generic-pool retry at once, in a loop, for as long as a request waits.
 *   Here `create` never rejects: the outcome (resource or error) is a value, handed to the one request
 *   that asked for it, and retries with backoff are decided by our layer.
 * - its validation, eviction, `min`, acquire timeout and drain are not used; our layer does them.
 * - its idle list is not used: every resource stays on loan to our layer, which lends it onward.
 */
import { TimeoutError } from '@rexec/adapters';
import { createPool as createGenericPool } from 'generic-pool';
import { withTimeout } from './clock.js';
import type { PoolClock, PoolFactory } from './types.js';

/** The outcome of one create. A `Created` is a generic-pool loan until `destroy` is called on it. */
export type Created<T> = { readonly ok: true; readonly resource: T };
export type Slot<T> = Created<T> | { readonly ok: false; readonly error: unknown };

export interface CreationEngine<T> {
  /** One create, bounded by the create timeout. Never rejects. */
  create(): Promise<Slot<T>>;
  /** Destroys a created resource, bounded by the destroy timeout. Never rejects; errors go to `onError`. */
  destroy(slot: Created<T>): Promise<void>;
  /** Lets go of a slot without calling `factory.destroy` (its resource is owned elsewhere). */
  discard(slot: Created<T>): void;
  /** Resources alive or being created, as generic-pool counts them. */
  readonly size: number;
  /** Ends generic-pool once every resource has been destroyed. */
  close(): Promise<void>;
}

export interface CreationEngineOptions {
  readonly clock: PoolClock;
  readonly target: string;
  readonly max: number;
  /** Ms one create (and one destroy) may take. */
  readonly timeout: number;
  readonly onError: (error: unknown) => void;
}

export function createCreationEngine<T>(factory: PoolFactory<T>, options: CreationEngineOptions): CreationEngine<T> {
  const { clock, target, timeout, onError } = options;
  const destroys = new WeakMap<Slot<T>, Promise<void>>();
  const discarded = new WeakSet<Slot<T>>();

  const destroyResource = async (resource: T): Promise<void> => {
    const outcome = await withTimeout(
      clock,
      timeout,
      () => factory.destroy(resource),
      () => new TimeoutError(`destroying a resource of the pool for ${target}`, timeout),
      () => undefined,
    );
    if (outcome.ok === false) onError(outcome.error);
    else if (outcome.ok === 'timeout') onError(outcome.value);
  };

  const engine = createGenericPool<Slot<T>>(
    {
      create: async (): Promise<Slot<T>> => {
        const outcome = await withTimeout(
          clock,
          timeout,
          () => factory.create(),
          () => new TimeoutError(`creating a resource for ${target}`, timeout),
          (late) => void destroyResource(late),
        );
        if (outcome.ok === true) return { ok: true, resource: outcome.value };
        return { ok: false, error: outcome.ok === false ? outcome.error : outcome.value };
      },
      destroy: (slot: Slot<T>): Promise<void> => {
        const done = slot.ok && !discarded.has(slot) ? destroyResource(slot.resource) : Promise.resolve();
        destroys.set(slot, done);
        return done;
      },
    },
    { max: options.max, min: 0, autostart: true, testOnBorrow: false, testOnReturn: false, evictionRunIntervalMillis: 0 },
  );
  engine.on('factoryDestroyError', onError);

  return {
    async create() {
      const slot = await engine.acquire();
      if (!slot.ok) await engine.destroy(slot);
      return slot;
    },
    async destroy(slot) {
      try {
        await engine.destroy(slot);
      } catch (error) {
        onError(error);
      }
      await destroys.get(slot);
    },
    discard(slot) {
      discarded.add(slot);
      engine.destroy(slot).catch(onError);
    },
    get size() {
      return engine.size;
    },
    async close() {
      await engine.drain();
      await engine.clear();
    },
  };
}
