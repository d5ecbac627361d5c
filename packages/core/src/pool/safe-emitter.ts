/**
 * A typed eventemitter3 whose listeners are each wrapped: a listener that throws (or returns a
 * promise that rejects) never reaches the pool's code. Its error is reported through `onListenerError`.
 * `onListenersChange`, if given, runs after any listener is added or removed (a `once` one included), so a
 * hot path can keep "does anyone listen" in a field instead of asking on every operation.
 */
import { EventEmitter } from 'eventemitter3';

type Listener<P> = (payload: P) => unknown;

export interface SafeEmitter<M extends object> {
  on<E extends keyof M & string>(event: E, listener: Listener<M[E]>): void;
  once<E extends keyof M & string>(event: E, listener: Listener<M[E]>): void;
  off<E extends keyof M & string>(event: E, listener?: Listener<M[E]>): void;
  /** True when someone listens: lets hot paths skip building a payload nobody reads. */
  has(event: keyof M & string): boolean;
  emit<E extends keyof M & string>(event: E, payload: M[E]): void;
  removeAll(): void;
}

export function createSafeEmitter<M extends object>(
  onListenerError: (error: unknown, event: string) => void,
  onListenersChange?: () => void,
): SafeEmitter<M> {
  const emitter = new EventEmitter();
  /** Per event, the wrappers registered for each original listener (in order). */
  const wrappers = new Map<string, Map<Listener<never>, Array<(payload: unknown) => void>>>();

  const forget = (event: string, listener: Listener<never>, wrapper: (payload: unknown) => void): void => {
    const list = wrappers.get(event)?.get(listener);
    if (list === undefined) return;
    const index = list.indexOf(wrapper);
    if (index >= 0) list.splice(index, 1);
    if (list.length === 0) wrappers.get(event)?.delete(listener);
  };

  const wrap = (event: string, listener: Listener<never>, once: boolean): ((payload: unknown) => void) => {
    const wrapper = (payload: unknown): void => {
      // eventemitter3 has already removed a once listener when it calls it.
      if (once) {
        forget(event, listener, wrapper);
        onListenersChange?.();
      }
      try {
        const result = (listener as Listener<unknown>)(payload);
        if (result instanceof Promise) result.catch((error: unknown) => onListenerError(error, event));
      } catch (error) {
        onListenerError(error, event);
      }
    };
    let byListener = wrappers.get(event);
    if (byListener === undefined) wrappers.set(event, (byListener = new Map<Listener<never>, Array<(payload: unknown) => void>>()));
    const list = byListener.get(listener) ?? [];
    list.push(wrapper);
    byListener.set(listener, list);
    return wrapper;
  };

  return {
    on(event, listener) {
      emitter.on(event, wrap(event, listener as Listener<never>, false));
      onListenersChange?.();
    },
    once(event, listener) {
      emitter.once(event, wrap(event, listener as Listener<never>, true));
      onListenersChange?.();
    },
    off(event, listener) {
      if (listener === undefined) {
        emitter.removeAllListeners(event);
        wrappers.delete(event);
        onListenersChange?.();
        return;
      }
      const wrapper = wrappers.get(event)?.get(listener)?.[0];
      if (wrapper === undefined) return;
      forget(event, listener, wrapper);
      emitter.off(event, wrapper);
      onListenersChange?.();
    },
    has: (event) => emitter.listenerCount(event) > 0,
    emit(event, payload) {
      emitter.emit(event, payload);
    },
    removeAll() {
      emitter.removeAllListeners();
      wrappers.clear();
      onListenersChange?.();
    },
  };
}

/**
 * The `on`/`once`/`off` of a public handle `H` (a `PoolEventTarget`), each subscribing on `emitter`. Spread
 * them into the handle: each returns `this`, the object it is called on (for `$.ssh`, the tag carrying the handle).
 */
export interface EventMethods<M extends object, H> {
  on<E extends keyof M & string>(this: H, event: E, listener: (payload: M[E]) => void): H;
  once<E extends keyof M & string>(this: H, event: E, listener: (payload: M[E]) => void): H;
  off<E extends keyof M & string>(this: H, event: E, listener?: (payload: M[E]) => void): H;
}

export function eventMethods<M extends object, H>(emitter: Pick<SafeEmitter<M>, 'on' | 'once' | 'off'>): EventMethods<M, H> {
  return {
    on(event, listener) {
      emitter.on(event, listener);
      return this;
    },
    once(event, listener) {
      emitter.once(event, listener);
      return this;
    },
    off(event, listener) {
      emitter.off(event, listener);
      return this;
    },
  };
}
