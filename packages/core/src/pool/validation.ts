/**
 * Running the validator: a throw, a rejection, a non-`true` answer or a hang longer than the
 * operation timeout all mean "invalid". Every check is counted and reported to the circuit breaker.
 */
import { withTimeout } from './clock.js';
import type { Entry, PoolContext } from './pool-context.js';
import type { ResolvedPoolOptions } from './types.js';

/** Ms one create, validation or destroy may take: `acquire`, or 30 s when that is unbounded. */
export function operationTimeout(options: Pick<ResolvedPoolOptions, 'acquire'>): number {
  return Number.isFinite(options.acquire) ? options.acquire : 30_000;
}

export async function checkEntry<T>(ctx: PoolContext<T>, entry: Entry<T>): Promise<boolean> {
  const validator = ctx.validator;
  if (validator === undefined) return true;
  const outcome = await withTimeout(
    ctx.clock,
    operationTimeout(ctx.options),
    async () => validator(entry.resource),
    () => false,
    () => undefined,
  );
  const valid = outcome.ok === true && outcome.value === true;
  if (valid) {
    ctx.counters.checksPassed += 1;
    ctx.breaker.recordSuccess();
  } else {
    ctx.counters.checkFailures += 1;
    ctx.breaker.recordFailure();
  }
  return valid;
}

export function needsBorrowCheck<T>(ctx: PoolContext<T>, entry: Entry<T>): boolean {
  return !entry.fresh && ctx.validator !== undefined && ctx.options.validateOnBorrow;
}
