/**
 * The two steps every change goes through: `pump` (serve waiters from idle resources, then start the
 * creates still needed) and `destroyEntry` (closing → destroyed, then refill).
 */
import { reserveCreate, startCycle } from './creating.js';
import { failUncovered, serve, takeIdle } from './lending.js';
import { type Entry, type PoolContext, notifyChange, removeIdle, transition } from './pool-context.js';
import type { DestroyReason } from './types.js';

const DONE: Promise<void> = Promise.resolve();

export function createPump<T>(ctx: PoolContext<T>): () => void {
  let running = false;
  let again = false;

  const step = (): void => {
    while (ctx.waiters.size > 0) {
      const entry = takeIdle(ctx);
      if (entry === undefined) break;
      const waiter = ctx.waiters.take();
      if (waiter === undefined) {
        ctx.idle.push(entry);
        break;
      }
      serve(ctx, waiter, entry);
    }
    let needed = ctx.waiters.size - ctx.pending;
    let verdict: 'ok' | 'local' | 'gate' = 'ok';
    while (needed > 0 && (verdict = reserveCreate(ctx)) === 'ok') {
      needed -= 1;
      void startCycle(ctx);
    }
    if (needed > 0 && verdict === 'local') failUncovered(ctx);
    // Stay in line for a shared permit only while one is what this pool is waiting for.
    if (ctx.hooks.gate !== undefined && (needed <= 0 || verdict === 'local')) ctx.hooks.gate.withdraw(ctx.member);
  };

  // Re-entrant calls (from a listener, or a step that settles something) run once more, not nested.
  return () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        step();
      } while (again);
    } finally {
      running = false;
    }
  };
}

export function destroyEntry<T>(ctx: PoolContext<T>, entry: Entry<T>, reason: DestroyReason): Promise<void> {
  if (entry.state === 'closing') return DONE;
  if (entry.state === 'idle') removeIdle(ctx, entry);
  ctx.leases.delete(entry);
  transition(ctx, entry, 'closing');
  ctx.entries.delete(entry.resource);
  ctx.closingCount += 1;
  return ctx.engine.destroy(entry.slot).then(() => {
    ctx.closingCount -= 1;
    ctx.counters.destroyed += 1;
    ctx.events.emit('connection:destroy', { id: entry.id, reason });
    ctx.hooks.gate?.give();
    notifyChange(ctx);
    ctx.ops.pump();
    ctx.ops.ensureMin();
  });
}
