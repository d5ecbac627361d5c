/**
 * Background upkeep, each on its own unref'd timer: the evictor (`idle` above `min`, `maxLifetime`)
 * every `evictionRun`, health checks of idle resources every `validateInterval`, `pool:metrics`
 * every `metricsInterval`, and the leak watch (`pool:leak` after `leaseWarning`).
 */
import { cancel, schedule } from './clock.js';
import { type Entry, type PoolContext, notifyChange, removeIdle, transition } from './pool-context.js';
import { readMetrics } from './stats.js';
import type { TimerHandle } from './types.js';
import { checkEntry } from './validation.js';

export interface Maintenance {
  /** A lease began: arm the leak watch if it is not armed. */
  leaseStarted(): void;
  stop(): void;
}

/** Destroys idle entries past `maxLifetime`, and those idle longer than `idle` while above `min`. */
export function evict<T>(ctx: PoolContext<T>): void {
  const now = ctx.clock.now();
  const { idle, maxLifetime, min } = ctx.options;
  let kept = ctx.entries.size;
  for (const entry of [...ctx.idle]) {
    if (now - entry.createdAt >= maxLifetime) {
      kept -= 1;
      void ctx.ops.destroyEntry(entry, 'lifetime');
    } else if (now - entry.idleSince >= idle && kept > min) {
      kept -= 1;
      void ctx.ops.destroyEntry(entry, 'idle');
    }
  }
  ctx.ops.ensureMin();
}

/** Destroys the least recently used idle entry, if the pool holds more than `min`. */
export function shedIdle<T>(ctx: PoolContext<T>): boolean {
  const entry = ctx.idle[0];
  if (entry === undefined || ctx.entries.size <= ctx.options.min) return false;
  void ctx.ops.destroyEntry(entry, 'idle');
  return true;
}

function checkIdle<T>(ctx: PoolContext<T>, entry: Entry<T>): void {
  removeIdle(ctx, entry);
  transition(ctx, entry, 'validating');
  ctx.validating += 1;
  void checkEntry(ctx, entry).then((valid) => {
    ctx.validating -= 1;
    entry.failedChecks = valid ? 0 : entry.failedChecks + 1;
    const doomed = entry.doomed ?? (ctx.closed ? 'closed' : entry.failedChecks >= ctx.options.healthCheckRetries ? 'validation' : undefined);
    if (doomed !== undefined) {
      void ctx.ops.destroyEntry(entry, doomed);
    } else {
      if (ctx.waiters.size > 0) {
        ctx.ops.returnToIdle(entry);
      } else {
        // Back at the least recently used end, as if the check had not touched it.
        transition(ctx, entry, 'idle');
        ctx.idle.unshift(entry);
      }
    }
    notifyChange(ctx);
    ctx.ops.pump();
  });
}

/** Starts a check of every idle resource (each goes idle → validating → idle or closing). */
export function checkAllIdle<T>(ctx: PoolContext<T>): void {
  if (ctx.validator === undefined) return;
  for (const entry of [...ctx.idle]) checkIdle(ctx, entry);
}

/** Fires `pool:leak` once per lease held past `leaseWarning`; leases are in the order they began. */
function createLeakWatch<T>(ctx: PoolContext<T>): { started(): void; stop(): void } {
  let timer: TimerHandle | undefined;
  const sweep = (): void => {
    timer = undefined;
    const now = ctx.clock.now();
    const limit = ctx.options.leaseWarning;
    let next: number | undefined;
    for (const entry of ctx.leases) {
      if (entry.leakWarned) continue;
      const heldFor = now - entry.lentAt;
      if (heldFor < limit) {
        next = limit - heldFor;
        break;
      }
      entry.leakWarned = true;
      ctx.events.emit('pool:leak', { id: entry.id, heldFor });
    }
    if (next !== undefined && !ctx.closed) timer = schedule(ctx.clock, next, sweep);
  };
  return {
    started() {
      if (timer === undefined && !ctx.closed) timer = schedule(ctx.clock, ctx.options.leaseWarning, sweep);
    },
    stop() {
      cancel(ctx.clock, timer);
      timer = undefined;
    },
  };
}

/** Runs `task` every `ms` on an unref'd timer until stopped. */
function every<T>(ctx: PoolContext<T>, ms: number, task: () => void): () => void {
  let timer: TimerHandle | undefined;
  const tick = (): void => {
    task();
    if (!ctx.closed) timer = schedule(ctx.clock, ms, tick);
  };
  timer = schedule(ctx.clock, ms, tick);
  return () => cancel(ctx.clock, timer);
}

export function startMaintenance<T>(ctx: PoolContext<T>): Maintenance {
  const stops = [every(ctx, ctx.options.evictionRun, () => evict(ctx))];
  if (ctx.validator !== undefined) stops.push(every(ctx, ctx.options.validateInterval, () => checkAllIdle(ctx)));
  if (ctx.options.metrics) stops.push(every(ctx, ctx.options.metricsInterval, () => ctx.events.emit('pool:metrics', readMetrics(ctx))));
  const leaks = createLeakWatch(ctx);
  return {
    leaseStarted: () => leaks.started(),
    stop() {
      for (const stop of stops) stop();
      leaks.stop();
    },
  };
}
