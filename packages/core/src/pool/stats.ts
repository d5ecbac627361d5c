/**
 * Reading the pool's numbers: `stats()` (SPEC §5 plus pending/validating/closing) and the
 * `pool:metrics` payload. `utilizationRate` is `active / max` at the moment of reading.
 */
import type { PoolContext } from './pool-context.js';
import type { PoolMetrics, PoolStats } from './types.js';

export function readMetrics<T>(ctx: PoolContext<T>): PoolMetrics {
  const c = ctx.counters;
  return {
    connectionsCreated: c.created,
    connectionsDestroyed: c.destroyed,
    totalAcquired: c.acquired,
    totalReleased: c.released,
    averageWaitTime: c.acquired === 0 ? 0 : c.waitTimeTotal / c.acquired,
    utilizationRate: ctx.leases.size / ctx.options.max,
  };
}

export function readStats<T>(ctx: PoolContext<T>): PoolStats {
  return {
    active: ctx.leases.size,
    idle: ctx.idle.length,
    waiting: ctx.waiters.size,
    total: ctx.entries.size + ctx.closingCount,
    pending: ctx.pending,
    validating: ctx.validating,
    closing: ctx.closingCount,
    min: ctx.options.min,
    max: ctx.options.max,
    hits: ctx.counters.hits,
    misses: ctx.counters.misses,
    ...readMetrics(ctx),
    healthChecksPassed: ctx.counters.checksPassed,
    healthCheckFailures: ctx.counters.checkFailures,
    circuit: ctx.options.circuitBreaker.enabled ? ctx.breaker.state().kind : 'closed',
  };
}
