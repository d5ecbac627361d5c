/**
 * Closing: `drain` stops lending, rejects waiters with PoolClosedError, destroys idle resources, waits
 * up to `timeout` for borrowed ones (and creates in flight) and then destroys them anyway; `clear` does the
 * same without waiting. Both resolve once every resource is destroyed and generic-pool is ended.
 */
import { ConfigError, PoolClosedError } from '@rexec/adapters';
import { cancel, schedule } from './clock.js';
import { failWaiter } from './lending.js';
import { invalidOptionMessage } from './pool-messages.js';
import { type PoolContext, reportError } from './pool-context.js';
import { endLease } from './returning.js';
import type { DrainOptions } from './types.js';

export const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;

export interface Closer {
  drain(options?: DrainOptions): Promise<void>;
  clear(): Promise<void>;
}

export function createCloser<T>(ctx: PoolContext<T>, stopMaintenance: () => void): Closer {
  let closed: Promise<void> | undefined;
  let hurry: (() => void) | undefined;

  /** Resolves when `predicate` holds (checked on every state change), after `ms`, or when `clear` hurries it. */
  const waitFor = (predicate: () => boolean, ms: number, hurriable: boolean): Promise<void> =>
    new Promise((resolve) => {
      if (ms <= 0 || predicate()) {
        resolve();
        return;
      }
      const done = (): void => {
        cancel(ctx.clock, timer);
        ctx.onChange = undefined;
        hurry = undefined;
        resolve();
      };
      const timer = schedule(ctx.clock, ms, done);
      ctx.onChange = () => {
        if (predicate()) done();
      };
      if (hurriable) hurry = done;
    });

  const close = async (timeout: number): Promise<void> => {
    ctx.closed = true;
    stopMaintenance();
    ctx.closing.abort();
    cancel(ctx.clock, ctx.minRetry.timer);
    ctx.minRetry.timer = undefined;
    for (const waiter of ctx.waiters.takeAll()) failWaiter(ctx, waiter, new PoolClosedError(ctx.target));
    for (const entry of [...ctx.idle]) void ctx.ops.destroyEntry(entry, 'closed');
    await waitFor(() => ctx.leases.size === 0 && ctx.validating === 0 && ctx.pending === 0, timeout, true);
    for (const entry of [...ctx.leases]) {
      ctx.closedLeases.add(entry.resource);
      endLease(ctx, entry, false);
      void ctx.ops.destroyEntry(entry, 'closed');
    }
    for (const entry of ctx.entries.values()) if (entry.state === 'validating') entry.doomed = 'closed';
    // Checks and destroys still running are each bounded by the operation timeout.
    await waitFor(() => ctx.entries.size === 0 && ctx.closingCount === 0, Infinity, false);
    ctx.breaker.dispose();
    ctx.deadlines.stop();
    // A create still in flight is not waited for: its resource is destroyed when it lands.
    const ending = Promise.allSettled([...ctx.inflight]).then(async () => ctx.engine.close());
    if (ctx.pending === 0) await ending;
    else ending.catch((error: unknown) => reportError(ctx, error));
    ctx.hooks.gate?.leave(ctx.member);
  };

  return {
    drain(options) {
      const timeout = options?.timeout ?? DEFAULT_DRAIN_TIMEOUT_MS;
      if (!(typeof timeout === 'number' && timeout >= 0)) {
        return Promise.reject(new ConfigError(invalidOptionMessage('drain.timeout', 'a number of ms ≥ 0', timeout, 'Pass the ms to wait for borrowed resources, e.g. 30000.'), 'drain.timeout'));
      }
      closed ??= close(timeout);
      return closed;
    },
    clear() {
      if (closed !== undefined) {
        hurry?.();
        return closed;
      }
      closed = close(0);
      return closed;
    },
  };
}
