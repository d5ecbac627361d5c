/**
 * `createPool(factory, options)`: a pool of any resource, on generic-pool, with the options of
 * SPEC §4 that are not SSH-specific and the events of SPEC §5 under the same names.
 */
import { AcquireTimeoutError, ConfigError } from '@rexec/adapters';
import { createCircuitBreaker } from './circuit-breaker.js';
import { createCloser } from './closing.js';
import { ensureMin, replace, warm } from './creating.js';
import { createCreationEngine } from './generic-engine.js';
import { createDeadlineWatch } from './deadline-watch.js';
import { acquire, failUncovered, failWaiter } from './lending.js';
import { shedIdle, startMaintenance } from './maintenance.js';
import { normalizePoolOptions } from './normalize-pool-options.js';
import { foreignResourceMessage } from './pool-messages.js';
import { validateFactory } from './validate-factory.js';
import { type PoolContext, type PoolHooks, type PoolOps, reportError } from './pool-context.js';
import { formatPrometheus } from './prometheus.js';
import { destroyResource, release, returnToIdle } from './returning.js';
import { createSafeEmitter, eventMethods } from './safe-emitter.js';
import { readStats } from './stats.js';
import { createPump, destroyEntry } from './steps.js';
import type { CircuitStateName, PoolEvents, PoolFactory, PoolOptions, ResourcePool } from './types.js';
import { operationTimeout } from './validation.js';
import { createWaiterQueue } from './waiter-queue.js';

export function createPool<T>(factory: PoolFactory<T>, options?: PoolOptions<T>): ResourcePool<T> {
  return createPoolWithHooks(factory, options, {});
}

/** `createPool` with internal hooks (the keyed pool's shared capacity gate). */
export function createPoolWithHooks<T>(factory: PoolFactory<T>, options: PoolOptions<T> | undefined, hooks: PoolHooks): ResourcePool<T> {
  validateFactory(factory);
  const resolved = normalizePoolOptions(options);
  const { clock, target } = resolved;
  const ops = {} as PoolOps<T>;
  const events = createSafeEmitter<PoolEvents>((error, event) => {
    if (event !== 'pool:error') reportError(ctx, error);
  });
  const onTransition = (to: CircuitStateName, payload: PoolEvents['circuit:open']): void => {
    events.emit(to === 'closed' ? 'circuit:close' : `circuit:${to}`, payload);
    // Waiters a create in flight is for get that create's own error if it fails; the rest fail now.
    if (to === 'open') failUncovered(ctx);
    if (to === 'closed') queueMicrotask(() => ctx.ops.ensureMin());
  };
  const validate = factory.validate === undefined ? undefined : (resource: T) => factory.validate?.(resource) ?? false;
  const ctx: PoolContext<T> = {
    options: resolved,
    factory,
    clock,
    target,
    events,
    breaker: createCircuitBreaker(resolved.circuitBreaker, { clock, target, onTransition }),
    engine: createCreationEngine(factory, { clock, target, max: resolved.max, timeout: operationTimeout(resolved), onError: (error) => reportError(ctx, error) }),
    validator: resolved.validate ? (resolved.validator ?? validate) : undefined,
    entries: new Map(),
    idle: [],
    leases: new Set(),
    waiters: createWaiterQueue<T>(resolved.queuePriority),
    deadlines: createDeadlineWatch(clock, (waiter) => failWaiter(ctx, waiter, new AcquireTimeoutError(target, waiter.timeout, ctx.lastCreateError))),
    counters: { created: 0, destroyed: 0, acquired: 0, released: 0, hits: 0, misses: 0, waitTimeTotal: 0, checksPassed: 0, checkFailures: 0 },
    closing: new AbortController(),
    closedLeases: new Set(),
    hooks,
    member: {
      pump: () => ctx.ops.pump(),
      shedIdle: () => shedIdle(ctx),
      idleCount: () => ctx.idle.length,
    },
    ops,
    inflight: new Set(),
    minRetry: { failures: 0, timer: undefined },
    pending: 0,
    validating: 0,
    closingCount: 0,
    closed: false,
    lastCreateError: undefined,
    nextId: 0,
    onChange: undefined,
  };
  const maintenance = startMaintenance(ctx);
  Object.assign(ops, {
    pump: createPump(ctx),
    ensureMin: () => ensureMin(ctx),
    replace: () => replace(ctx),
    destroyEntry: (entry, reason) => destroyEntry(ctx, entry, reason),
    returnToIdle: (entry) => returnToIdle(ctx, entry),
    leaseStarted: () => maintenance.leaseStarted(),
  } satisfies PoolOps<T>);
  const closer = createCloser(ctx, () => maintenance.stop());
  hooks.gate?.join(ctx.member);
  ensureMin(ctx);

  const pool: ResourcePool<T> = {
    target,
    acquire: (acquireOptions) => acquire(ctx, acquireOptions),
    release: (resource) => release(ctx, resource),
    destroy: (resource, reason = 'error') => destroyResource(ctx, resource, reason),
    warm: (n) => warm(ctx, n),
    drain: (drainOptions) => closer.drain(drainOptions),
    clear: () => closer.clear(),
    stats: () => readStats(ctx),
    idOf(resource) {
      const entry = ctx.entries.get(resource);
      if (entry === undefined) throw new ConfigError(foreignResourceMessage(target, 'idOf'), 'idOf.resource');
      return entry.id;
    },
    prometheus: () => formatPrometheus([{ labels: { target }, stats: readStats(ctx) }]),
    ...eventMethods<PoolEvents, ResourcePool<T>>(events),
  };
  return pool;
}
