/**
 * The public shape of the generic resource pool: its factory, options, stats, events and handle.
 * Nothing here knows about SSH; `$.ssh` wraps ssh2 connections in this pool.
 */

import type { DestroyReason, PoolEventTarget, PoolEvents, PoolMetrics } from './pool-events.js';

export type {
  CircuitEvent,
  DestroyReason,
  PoolEventName,
  PoolEvents,
  PoolEventTarget,
  PoolListener,
  PoolMetrics,
  ResourceState,
} from './pool-events.js';

export type QueuePriority = 'fifo' | 'lifo';

export type CircuitStateName = 'closed' | 'open' | 'half-open';

/** How the pool makes, ends and checks resources. */
export interface PoolFactory<T> {
  create(): Promise<T>;
  destroy(resource: T): Promise<void>;
  /** Resolves `true` while the resource is usable. A throw, a rejection or a hang means "invalid". */
  validate?(resource: T): Promise<boolean>;
  /** The id events and `idOf` use for a new resource (unique per process); default `<target>#<n>`. */
  id?(resource: T): string;
}

/** A timer handle as returned by `setTimeout` (Node's has `unref`). */
export interface TimerHandle {
  unref?(): unknown;
}

/** Time as the pool sees it. Inject one in tests; the default reads `Date.now` and the global timers. */
export interface PoolClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export interface CircuitBreakerOptions {
  enabled?: boolean;
  /**
   * Failed connect attempts in sequence that open the circuit. Attempts that ran in parallel and failed
   * together count once: a failure whose attempt started before the last counted failure is not counted.
   */
  threshold?: number;
  /** Ms the failures are remembered: a failure more than `timeout` ms after the previous counted one starts the count again at 1. */
  timeout?: number;
  /** The longest the circuit stays open: the wait before a probe doubles after each failed probe, up to this many ms. */
  resetTimeout?: number;
  /** Successful probes that close a half-open circuit. */
  successThreshold?: number;
  /** Ms the circuit stays open before the first probe (after it closes, the wait starts here again). */
  probeInterval?: number;
}

/** The pool options that are not SSH-specific (docs/pool.md#options), plus `target` and `clock`. */
export interface PoolOptions<T = unknown> {
  /** A label used in messages, events, ids and Prometheus labels. */
  target?: string;
  min?: number;
  max?: number;
  /** Holders one resource may have at once (shared leases); 1 lends each resource to one holder. */
  maxLeases?: number;
  idle?: number;
  acquire?: number;
  evictionRun?: number;
  maxLifetime?: number;
  maxConnecting?: number;
  leaseWarning?: number;
  validate?: boolean;
  validateInterval?: number;
  validateOnBorrow?: boolean;
  validateOnReturn?: boolean;
  /** A resource used within this many ms is lent without a borrow check. */
  validateAfterIdle?: number;
  /** Ms one check may take before the resource is taken as invalid. */
  validateTimeout?: number;
  validator?: (resource: T) => Promise<boolean> | boolean;
  healthCheckRetries?: number;
  queueSize?: number;
  queueTimeout?: number;
  queuePriority?: QueuePriority;
  retryFailed?: boolean;
  retryAttempts?: number;
  retryDelay?: number;
  recreateOnError?: boolean;
  circuitBreaker?: CircuitBreakerOptions;
  metrics?: boolean;
  metricsInterval?: number;
  clock?: PoolClock;
}

export interface ResolvedCircuitBreakerOptions {
  readonly enabled: boolean;
  readonly threshold: number;
  readonly timeout: number;
  readonly resetTimeout: number;
  readonly successThreshold: number;
  readonly probeInterval: number;
}

/** Options after defaults: every field present. Internals accept only this. */
export interface ResolvedPoolOptions<T = unknown> {
  readonly target: string;
  readonly min: number;
  readonly max: number;
  readonly maxLeases: number;
  readonly idle: number;
  readonly acquire: number;
  readonly evictionRun: number;
  /** `Infinity` when resources are never retired for age. */
  readonly maxLifetime: number;
  readonly maxConnecting: number;
  readonly leaseWarning: number;
  readonly validate: boolean;
  readonly validateInterval: number;
  readonly validateOnBorrow: boolean;
  readonly validateOnReturn: boolean;
  readonly validateAfterIdle: number;
  readonly validateTimeout: number;
  readonly validator: ((resource: T) => Promise<boolean> | boolean) | undefined;
  readonly healthCheckRetries: number;
  readonly queueSize: number;
  readonly queueTimeout: number;
  readonly queuePriority: QueuePriority;
  readonly retryFailed: boolean;
  readonly retryAttempts: number;
  readonly retryDelay: number;
  readonly recreateOnError: boolean;
  readonly circuitBreaker: ResolvedCircuitBreakerOptions;
  readonly metrics: boolean;
  readonly metricsInterval: number;
  readonly clock: PoolClock;
}

/** `stats()`: the fields of docs/pool.md#stats-and-metrics, plus `leases`, `pending`, `validating` and `closing`. */
export interface PoolStats extends PoolMetrics {
  /** Resources lent out (to one holder or more). */
  active: number;
  /** Leases held right now (a shared resource counts once per holder). */
  leases: number;
  /** Ready to lend. */
  idle: number;
  /** Acquires (leases) not yet served. */
  waiting: number;
  /** Resources that exist: active + idle + validating + closing. */
  total: number;
  /** Creates in flight (counted against `max`). */
  pending: number;
  validating: number;
  closing: number;
  min: number;
  max: number;
  /** Leases served by a resource that existed when they were asked for. */
  hits: number;
  /** Leases that waited for a resource created after they were asked for. */
  misses: number;
  healthChecksPassed: number;
  healthCheckFailures: number;
  circuit: CircuitStateName;
}

export interface AcquireOptions {
  /** Aborting rejects the acquire with `signal.reason` and removes it from the queue. */
  signal?: AbortSignal;
  /** Ms this acquire may wait; default `min(acquire, queueTimeout)`. */
  timeout?: number;
  /** Take a resource no one else holds, and let no one share it until it is released (only matters with `maxLeases` > 1). */
  exclusive?: boolean;
}

export interface DrainOptions {
  /** Ms to wait for queued acquires and borrowed resources before destroying everything; default 30000. */
  timeout?: number;
}

export interface ResourcePool<T> extends PoolEventTarget<PoolEvents> {
  readonly target: string;
  acquire(options?: AcquireOptions): Promise<T>;
  /** Ends one lease of `resource` (the oldest, when it is shared). */
  release(resource: T): Promise<void>;
  /** Ends a resource (default reason `'error'`) for every holder; a later `release` of it is a no-op. */
  destroy(resource: T, reason?: DestroyReason): Promise<void>;
  /** Creates resources until `min(n, max)` exist; resolves when they are ready. */
  warm(n: number): Promise<void>;
  /** Closes the pool gracefully: no new acquire; queued ones are still served; every resource is destroyed once all are back (or after `timeout`). */
  drain(options?: DrainOptions): Promise<void>;
  /** Closes the pool at once: queued acquires get PoolClosedError and every resource is destroyed, borrowed or not. */
  clear(): Promise<void>;
  stats(): PoolStats;
  /** The id the pool gave this resource (as in events). */
  idOf(resource: T): string;
  /** Metrics in Prometheus text exposition format (`rexec_pool_*`, labelled by target). */
  prometheus(): string;
}
