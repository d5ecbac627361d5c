/**
 * The events of one SSH pool (SPEC §5): the generic pool's events, forwarded unchanged, plus the ones the
 * SSH layer raises itself (`pool:queue:full` for commands waiting for a channel). Listeners are guarded:
 * one that throws is reported on `pool:error` and never breaks the pool.
 */
import { createSafeEmitter } from '../../pool/safe-emitter.js';
import type { PoolEventName, PoolEvents, ResourcePool } from '../../pool/types.js';

type Listener<E extends PoolEventName> = (payload: PoolEvents[E]) => void;

export type ForwardFilter = <E extends PoolEventName>(event: E, payload: PoolEvents[E]) => boolean;

export interface SshPoolEvents {
  on<E extends PoolEventName>(event: E, listener: Listener<E>): void;
  once<E extends PoolEventName>(event: E, listener: Listener<E>): void;
  off<E extends PoolEventName>(event: E, listener?: Listener<E>): void;
  emit<E extends PoolEventName>(event: E, payload: PoolEvents[E]): void;
  /** Reports an error of the pooling layer on `pool:error`. */
  readonly reportError: (error: unknown) => void;
  /**
   * Forwards `pool`'s events, subscribing to each name only once someone listens to it.
   * `keep` may drop some payloads (an event it returns false for is not forwarded).
   */
  forwardFrom(pool: ResourcePool<unknown>, keep?: ForwardFilter): void;
  removeAll(): void;
}

export function createPoolEvents(): SshPoolEvents {
  const emitter = createSafeEmitter<PoolEvents>((error, event) => {
    // A throwing `pool:error` listener has nowhere left to report to.
    if (event !== 'pool:error') reportError(error);
  });
  const forwarded = new Set<PoolEventName>();
  let source: ResourcePool<unknown> | undefined;
  let keep: ForwardFilter = () => true;

  function reportError(error: unknown): void {
    emitter.emit('pool:error', error instanceof Error ? error : new Error(String(error)));
  }
  function forward(event: PoolEventName): void {
    if (source === undefined || forwarded.has(event)) return;
    forwarded.add(event);
    source.on(event, (payload) => {
      if (keep(event, payload)) emitter.emit(event, payload);
    });
  }

  return {
    on(event, listener) {
      forward(event);
      emitter.on(event, listener);
    },
    once(event, listener) {
      forward(event);
      emitter.once(event, listener);
    },
    off(event, listener) {
      emitter.off(event, listener);
    },
    emit(event, payload) {
      emitter.emit(event, payload);
    },
    reportError,
    forwardFrom(pool, filter) {
      source = pool;
      if (filter !== undefined) keep = filter;
    },
    removeAll() {
      emitter.removeAll();
    },
  };
}
