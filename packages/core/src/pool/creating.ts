/**
 * Creating resources: a create cycle makes up to `1 + retryAttempts` attempts through the engine,
 * backing off (`retryDelay`, doubling, with jitter) between them, and stops early when the pool
 * closes or the circuit opens. A cycle counts against `max` and `maxConnecting` until it ends.
 */
import { CircuitOpenError, ConfigError, PoolClosedError } from '@rexec/adapters';
import { schedule, sleep } from './clock.js';
import type { Slot } from './generic-engine.js';
import { failWaiters } from './lending.js';
import { badCountMessage } from './pool-messages.js';
import { type Entry, type PoolContext, asError, notifyChange, occupancy, reportError } from './pool-context.js';

/** Cap on one back-off delay, however many failures came before. */
const MAX_BACKOFF_MS = 30_000;

/** The delay before retry number `failures`: `retryDelay · 2^(failures-1)`, jittered to 50–100 %. */
export function backoffDelay(retryDelay: number, failures: number, random: () => number = Math.random): number {
  const base = Math.min(retryDelay * 2 ** Math.max(0, failures - 1), Math.max(retryDelay, MAX_BACKOFF_MS));
  return base / 2 + (random() * base) / 2;
}

/**
 * Whether a creation error says that trying again cannot help: a `RexecError` (or any error) marked
 * `retryable: false`, such as an `AuthenticationError`, a `HostKeyError` or a `ConfigError`. Such a
 * failure is not retried (repeated logins with bad credentials get accounts locked) and is not a
 * transport failure, so the circuit breaker does not count it.
 */
export function isPermanentFailure(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === false;
}

async function runCycle<T>(ctx: PoolContext<T>): Promise<Slot<T>> {
  const attempts = ctx.options.retryFailed ? 1 + ctx.options.retryAttempts : 1;
  for (let attempt = 1; ; attempt += 1) {
    const slot = await ctx.engine.create();
    if (slot.ok) {
      ctx.breaker.recordSuccess();
      ctx.lastCreateError = undefined;
      return slot;
    }
    ctx.lastCreateError = slot.error;
    if (isPermanentFailure(slot.error)) return slot;
    ctx.breaker.recordFailure();
    if (attempt >= attempts || ctx.closed || ctx.breaker.state().kind !== 'closed') return slot;
    await sleep(ctx.clock, backoffDelay(ctx.options.retryDelay, attempt), ctx.closing.signal);
    if (ctx.closed || ctx.breaker.state().kind !== 'closed') return slot;
  }
}

function register<T>(ctx: PoolContext<T>, slot: Slot<T> & { ok: true }): Entry<T> {
  ctx.nextId += 1;
  const now = ctx.clock.now();
  const entry: Entry<T> = {
    id: ctx.factory.id?.(slot.resource) ?? `${ctx.target}#${ctx.nextId}`, seq: ctx.nextId, resource: slot.resource, slot, createdAt: now, state: 'idle',
    idleSince: now, lentAt: 0, fresh: true, failedChecks: 0, leakWarned: false, doomed: undefined,
  };
  ctx.entries.set(slot.resource, entry);
  ctx.counters.created += 1;
  ctx.events.emit('connection:create', { id: entry.id, target: ctx.target });
  return entry;
}

function finish<T>(ctx: PoolContext<T>, slot: Slot<T>): Entry<T> | undefined {
  ctx.pending -= 1;
  notifyChange(ctx);
  if (slot.ok && ctx.entries.has(slot.resource)) {
    ctx.engine.discard(slot);
    ctx.hooks.gate?.give();
    reportError(ctx, new ConfigError(`factory.create() of the pool for ${ctx.target} returned a resource that is already in the pool; create must return a new resource each time`, 'factory.create'));
    ctx.ops.pump();
    return undefined;
  }
  if (slot.ok) {
    const entry = register(ctx, slot);
    if (ctx.closed) void ctx.ops.destroyEntry(entry, 'closed');
    else ctx.idle.push(entry);
    ctx.ops.pump();
    return entry;
  }
  ctx.hooks.gate?.give();
  if (!ctx.closed) reportError(ctx, slot.error);
  // The waiter this create was for (one not covered by another create) gets the error itself. After a
  // permanent failure, so does every waiter not covered by a create in flight: one more attempt each
  // would fail the same way.
  const uncovered = ctx.waiters.size - ctx.pending;
  if (uncovered > 0) failWaiters(ctx, isPermanentFailure(slot.error) ? uncovered : 1, slot.error);
  else ctx.ops.pump();
  return undefined;
}

/**
 * Whether one more create may start now: `'ok'` (a permit from the shared gate, if any, is taken),
 * `'local'` (this pool's own limits or circuit say no) or `'gate'` (waiting for a shared permit).
 */
export function reserveCreate<T>(ctx: PoolContext<T>): 'ok' | 'local' | 'gate' {
  if (ctx.closed || occupancy(ctx) >= ctx.options.max || ctx.pending >= ctx.options.maxConnecting) return 'local';
  if (ctx.breaker.state().kind === 'open') return 'local';
  const gate = ctx.hooks.gate;
  return gate === undefined || gate.take(ctx.member) ? 'ok' : 'gate';
}

/** Starts a create cycle (after `reserveCreate` said yes). Settles with the entry, or undefined. */
export function startCycle<T>(ctx: PoolContext<T>): Promise<Entry<T> | undefined> {
  ctx.pending += 1;
  const cycle = runCycle(ctx).then((slot) => finish(ctx, slot));
  ctx.inflight.add(cycle);
  void cycle.finally(() => ctx.inflight.delete(cycle));
  return cycle;
}

export function ensureMin<T>(ctx: PoolContext<T>): void {
  if (ctx.closed || ctx.minRetry.timer !== undefined || ctx.breaker.state().kind !== 'closed') return;
  // After a permanent failure (bad credentials), `min` waits for an acquire to try again: no background logins.
  if (isPermanentFailure(ctx.lastCreateError)) return;
  let deficit = ctx.options.min - (ctx.entries.size + ctx.pending);
  while (deficit > 0 && reserveCreate(ctx) === 'ok') {
    deficit -= 1;
    void startCycle(ctx).then((entry) => {
      if (entry !== undefined) {
        ctx.minRetry.failures = 0;
        return;
      }
      if (ctx.closed || ctx.minRetry.timer !== undefined || isPermanentFailure(ctx.lastCreateError)) return;
      ctx.minRetry.failures += 1;
      ctx.minRetry.timer = schedule(ctx.clock, backoffDelay(Math.max(ctx.options.retryDelay, 1), ctx.minRetry.failures), () => {
        ctx.minRetry.timer = undefined;
        ensureMin(ctx);
      });
    });
  }
}

export function replace<T>(ctx: PoolContext<T>): void {
  if (reserveCreate(ctx) === 'ok') void startCycle(ctx);
}

/** Creates resources until `min(n, max)` exist; rejects with the creation error if it cannot. */
export async function warm<T>(ctx: PoolContext<T>, n: number): Promise<void> {
  if (!(Number.isInteger(n) && n >= 0)) throw new ConfigError(badCountMessage('warm', n), 'warm.n');
  const wanted = Math.min(n, ctx.options.max);
  const mine = new Set<Promise<Entry<T> | undefined>>();
  let failure: unknown;
  while (ctx.entries.size + ctx.pending < wanted || mine.size > 0) {
    if (ctx.closed) throw new PoolClosedError(ctx.target);
    if (ctx.entries.size + ctx.pending < wanted && reserveCreate(ctx) === 'ok') {
      const cycle = startCycle(ctx);
      mine.add(cycle);
      void cycle.then((entry) => {
        mine.delete(cycle);
        if (entry === undefined) failure ??= ctx.lastCreateError ?? new PoolClosedError(ctx.target);
      });
      continue;
    }
    if (failure !== undefined) break;
    const running = mine.size > 0 ? [...mine] : [...ctx.inflight];
    if (running.length === 0) break;
    await Promise.race(running);
  }
  await Promise.all([...mine]);
  if (ctx.entries.size >= wanted) return;
  if (failure !== undefined) throw asError(failure);
  const circuit = ctx.breaker.state();
  if (circuit.kind === 'open') {
    const retryAfter = Math.max(0, circuit.openedAt + ctx.options.circuitBreaker.timeout - ctx.clock.now());
    throw new CircuitOpenError(ctx.target, retryAfter, { cause: ctx.lastCreateError });
  }
}
