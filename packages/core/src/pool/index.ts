/** The generic resource pool (docs/pool.md): any resource, on generic-pool; knows nothing of SSH. */
export { createPool, DEFAULT_DRAIN_TIMEOUT_MS } from './pool.js';
export { createKeyedPool } from './keyed-pool.js';
export { createCircuitBreaker, type CircuitBreaker, type CircuitState, type Admission } from './circuit-breaker.js';
export { POOL_DEFAULTS, CIRCUIT_BREAKER_DEFAULTS, normalizePoolOptions } from './normalize-pool-options.js';
export { formatPrometheus, type PrometheusSource } from './prometheus.js';
export type { KeyedPool, KeyedPoolEvents, KeyedPoolFactory, KeyedPoolOptions, KeyedPoolStats } from './keyed-types.js';
export type {
  AcquireOptions,
  CircuitBreakerOptions,
  CircuitEvent,
  CircuitStateName,
  DestroyReason,
  DrainOptions,
  PoolClock,
  PoolEventName,
  PoolEvents,
  PoolEventTarget,
  PoolFactory,
  PoolListener,
  PoolMetrics,
  PoolOptions,
  PoolStats,
  QueuePriority,
  ResolvedCircuitBreakerOptions,
  ResolvedPoolOptions,
  ResourcePool,
  ResourceState,
  TimerHandle,
} from './types.js';
