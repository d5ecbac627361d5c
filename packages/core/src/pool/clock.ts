/**
 * Time for the pool: the default clock and unref'd timer helpers. The default clock looks the
 * globals up on every call, so fake timers installed after import still apply.
 */
import type { PoolClock, TimerHandle } from './types.js';

/** The largest delay `setTimeout` honours; longer ones would fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

export const systemClock: PoolClock = Object.freeze({
  now: () => Date.now(),
  setTimeout: (callback: () => void, ms: number): TimerHandle => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle: TimerHandle): void => {
    globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>);
  },
});

/** Runs `callback` after `ms` on an unref'd timer; no timer at all for an infinite delay. */
export function schedule(clock: PoolClock, ms: number, callback: () => void): TimerHandle | undefined {
  if (!Number.isFinite(ms)) return undefined;
  const handle = clock.setTimeout(callback, Math.max(0, ms));
  handle.unref?.();
  return handle;
}

export function cancel(clock: PoolClock, handle: TimerHandle | undefined): void {
  if (handle !== undefined) clock.clearTimeout(handle);
}

/** Resolves after `ms`, or at once when `signal` aborts. Never keeps the process alive. */
export function sleep(clock: PoolClock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      cancel(clock, handle);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const handle = schedule(clock, ms, done);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Settles with `promise`, or with `onTimeout()` after `ms`. `onLate` receives the value if it
 * arrives after the timeout, so a late resource can be cleaned up instead of leaking.
 */
export function withTimeout<V, F>(
  clock: PoolClock,
  ms: number,
  start: () => Promise<V>,
  onTimeout: () => F,
  onLate: (value: V) => void,
): Promise<{ ok: true; value: V } | { ok: false; error: unknown } | { ok: 'timeout'; value: F }> {
  return new Promise((resolve) => {
    let settled = false;
    const handle = schedule(clock, ms, () => {
      settled = true;
      resolve({ ok: 'timeout', value: onTimeout() });
    });
    let promise: Promise<V>;
    try {
      promise = Promise.resolve(start());
    } catch (error) {
      promise = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    promise.then(
      (value) => {
        if (settled) {
          onLate(value);
          return;
        }
        settled = true;
        cancel(clock, handle);
        resolve({ ok: true, value });
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        cancel(clock, handle);
        resolve({ ok: false, error });
      },
    );
  });
}
