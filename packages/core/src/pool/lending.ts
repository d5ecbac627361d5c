/**
 * Lending: `acquire` takes an idle resource at once when nobody waits ahead of it, else queues a
 * waiter (bounded by `queueSize`, a timeout and an optional AbortSignal) that `pump` serves.
 */
import { CircuitOpenError, ConfigError, PoolClosedError, PoolExhaustedError } from '@rexec/adapters';
import { badAcquireOptionMessage } from './pool-messages.js';
import { type Entry, type PoolContext, asError, notifyChange, occupancy, transition } from './pool-context.js';
import type { AcquireOptions } from './types.js';
import { checkEntry, needsBorrowCheck } from './validation.js';
import type { Waiter } from './waiter-queue.js';

/** Pops the most recently used idle entry, retiring any past `maxLifetime` on the way. */
export function takeIdle<T>(ctx: PoolContext<T>): Entry<T> | undefined {
  const maxLifetime = ctx.options.maxLifetime;
  for (let entry = ctx.idle.pop(); entry !== undefined; entry = ctx.idle.pop()) {
    if (maxLifetime !== Infinity && ctx.clock.now() - entry.createdAt >= maxLifetime) {
      void ctx.ops.destroyEntry(entry, 'lifetime');
      continue;
    }
    return entry;
  }
  return undefined;
}

/**
 * Marks an entry lent: counters, lease list, `connection:acquire`. A miss is an acquire served by a
 * resource created for it (new, made after it began); every other is a hit (a resource already made).
 */
function lend<T>(ctx: PoolContext<T>, entry: Entry<T>, startedAt: number, createdBefore: number): void {
  transition(ctx, entry, 'active');
  const now = ctx.clock.now();
  entry.lentAt = now;
  entry.leakWarned = false;
  const counters = ctx.counters;
  counters.acquired += 1;
  if (entry.fresh && entry.seq > createdBefore) counters.misses += 1;
  else counters.hits += 1;
  entry.fresh = false;
  const waitTime = now - startedAt;
  counters.waitTimeTotal += waitTime;
  ctx.leases.add(entry);
  ctx.ops.leaseStarted();
  if (ctx.events.has('connection:acquire')) ctx.events.emit('connection:acquire', { id: entry.id, waitTime });
}

/** The waiter leaves the queue and the deadline watch, and its abort listener is dropped. */
export function settleWaiter<T>(ctx: PoolContext<T>, waiter: Waiter<T>): void {
  waiter.settled = true;
  ctx.waiters.remove(waiter);
  ctx.deadlines.delete(waiter);
  if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener('abort', waiter.onAbort);
}

function rejectWaiter<T>(ctx: PoolContext<T>, waiter: Waiter<T>, error: unknown): void {
  settleWaiter(ctx, waiter);
  if (waiter.probe !== undefined) ctx.breaker.settleProbe(waiter.probe, false);
  waiter.reject(error);
}

export function failWaiter<T>(ctx: PoolContext<T>, waiter: Waiter<T>, error: unknown): void {
  if (waiter.settled) return;
  rejectWaiter(ctx, waiter, error);
  notifyChange(ctx);
  ctx.ops.pump();
}

/** Fails up to `count` waiters, in queue order, with `error`; only then serves the rest (so no create starts in between). */
export function failWaiters<T>(ctx: PoolContext<T>, count: number, error: unknown): void {
  for (let i = 0; i < count; i += 1) {
    const waiter = ctx.waiters.take();
    if (waiter === undefined) break;
    rejectWaiter(ctx, waiter, error);
  }
  notifyChange(ctx);
  ctx.ops.pump();
}

/** Fails the waiters no create in flight is for (the circuit opened): they would wait for nothing. */
export function failUncovered<T>(ctx: PoolContext<T>): void {
  const circuit = ctx.breaker.state();
  if (circuit.kind !== 'open') return;
  const retryAfter = Math.max(0, circuit.openedAt + ctx.options.circuitBreaker.timeout - ctx.clock.now());
  const cause = ctx.lastCreateError;
  while (ctx.waiters.size > ctx.pending) {
    const waiter = ctx.waiters.take();
    if (waiter === undefined) break;
    failWaiter(ctx, waiter, new CircuitOpenError(ctx.target, retryAfter, cause === undefined ? {} : { cause }));
  }
}

function lendTo<T>(ctx: PoolContext<T>, waiter: Waiter<T>, entry: Entry<T>): void {
  settleWaiter(ctx, waiter);
  lend(ctx, entry, waiter.startedAt, waiter.createdBefore);
  if (waiter.probe !== undefined) ctx.breaker.settleProbe(waiter.probe, true);
  waiter.resolve(entry.resource);
}

/** Gives `entry` to `waiter`, validating it first when `validateOnBorrow` asks for it. */
export function serve<T>(ctx: PoolContext<T>, waiter: Waiter<T>, entry: Entry<T>): void {
  if (!needsBorrowCheck(ctx, entry)) {
    lendTo(ctx, waiter, entry);
    return;
  }
  transition(ctx, entry, 'validating');
  ctx.validating += 1;
  void checkEntry(ctx, entry).then((valid) => {
    ctx.validating -= 1;
    const doomed = entry.doomed ?? (ctx.closed ? 'closed' : valid ? undefined : 'validation');
    if (doomed !== undefined) {
      void ctx.ops.destroyEntry(entry, doomed);
      if (!waiter.settled) {
        if (ctx.closed) {
          failWaiter(ctx, waiter, new PoolClosedError(ctx.target));
        } else {
          ctx.waiters.pushNext(waiter);
          failUncovered(ctx);
        }
      }
    } else if (waiter.settled) {
      ctx.ops.returnToIdle(entry);
    } else {
      lendTo(ctx, waiter, entry);
    }
    notifyChange(ctx);
    ctx.ops.pump();
  });
}

function checkAcquireOptions(options: AcquireOptions | undefined): void {
  if (options === undefined) return;
  const { timeout, signal } = options;
  if (timeout !== undefined && !(typeof timeout === 'number' && timeout > 0)) {
    throw new ConfigError(badAcquireOptionMessage('timeout', timeout), 'acquire.timeout');
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new ConfigError(badAcquireOptionMessage('signal', signal), 'acquire.signal');
  }
}

export function acquire<T>(ctx: PoolContext<T>, options: AcquireOptions | undefined): Promise<T> {
  if (ctx.closed) return Promise.reject(new PoolClosedError(ctx.target));
  try {
    checkAcquireOptions(options);
  } catch (error) {
    return Promise.reject(asError(error));
  }
  const signal = options?.signal;
  if (signal?.aborted === true) return Promise.reject(signal.reason as Error);
  const admission = ctx.breaker.admit();
  if (!admission.allowed) {
    const cause = ctx.lastCreateError;
    return Promise.reject(new CircuitOpenError(ctx.target, admission.retryAfter, cause === undefined ? {} : { cause }));
  }
  const startedAt = ctx.clock.now();
  let entry: Entry<T> | undefined;
  if (ctx.waiters.size === 0) {
    entry = takeIdle(ctx);
    if (entry !== undefined && admission.probe === undefined && !needsBorrowCheck(ctx, entry)) {
      lend(ctx, entry, startedAt, ctx.nextId);
      return Promise.resolve(entry.resource);
    }
  }
  const { max, queueSize } = ctx.options;
  if (entry === undefined && occupancy(ctx) >= max && Math.max(0, ctx.waiters.size - ctx.pending) >= queueSize) {
    if (admission.probe !== undefined) ctx.breaker.settleProbe(admission.probe, false);
    ctx.events.emit('pool:queue:full', { waiting: ctx.waiters.size, queueSize });
    return Promise.reject(new PoolExhaustedError(ctx.target, max));
  }
  const timeout = options?.timeout ?? Math.min(ctx.options.acquire, ctx.options.queueTimeout);
  return new Promise<T>((resolve, reject) => {
    const waiter: Waiter<T> = {
      startedAt, createdBefore: ctx.nextId, probe: admission.probe, resolve, reject, settled: false,
      deadline: startedAt + timeout, timeout, signal, onAbort: undefined, prev: undefined, next: undefined, queued: false,
    };
    ctx.deadlines.add(waiter);
    if (signal !== undefined) {
      waiter.onAbort = () => failWaiter(ctx, waiter, signal.reason);
      signal.addEventListener('abort', waiter.onAbort, { once: true });
    }
    if (entry !== undefined) {
      serve(ctx, waiter, entry);
    } else {
      ctx.waiters.push(waiter);
      ctx.ops.pump();
    }
  });
}
