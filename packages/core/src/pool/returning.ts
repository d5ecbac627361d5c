/**
 * Giving resources back: `release` (validated on return when asked, retired past `maxLifetime`) and
 * `destroy` by the borrower. Misuse (twice, or a foreign resource) is a ConfigError that says so.
 */
import { ConfigError } from '@rexec/adapters';
import { badReasonMessage, foreignResourceMessage, notOnLoanMessage } from './pool-messages.js';
import { type Entry, type PoolContext, asError, notifyChange, transition } from './pool-context.js';
import { serve } from './lending.js';
import type { DestroyReason } from './types.js';
import { checkEntry } from './validation.js';

const DESTROY_REASONS: readonly DestroyReason[] = ['idle', 'lifetime', 'validation', 'error', 'closed'];
const DONE: Promise<void> = Promise.resolve();

/** Ends a lease: counters, the lease list, and `connection:release` for a real release. */
export function endLease<T>(ctx: PoolContext<T>, entry: Entry<T>, released: boolean): void {
  ctx.leases.delete(entry);
  ctx.counters.released += 1;
  if (released && ctx.events.has('connection:release')) {
    ctx.events.emit('connection:release', { id: entry.id, duration: ctx.clock.now() - entry.lentAt });
  }
  notifyChange(ctx);
}

/** An entry becomes idle: the next waiter gets it, else it joins the idle list. */
export function returnToIdle<T>(ctx: PoolContext<T>, entry: Entry<T>): void {
  if (ctx.closed) {
    void ctx.ops.destroyEntry(entry, 'closed');
    return;
  }
  // Sharing a limit with other pools (keyed pool) that wait for room: make it, turn by turn.
  if (ctx.hooks.gate?.contended(ctx.member) === true) {
    void ctx.ops.destroyEntry(entry, 'idle');
    return;
  }
  transition(ctx, entry, 'idle');
  entry.idleSince = ctx.clock.now();
  const waiter = ctx.waiters.take();
  if (waiter !== undefined) serve(ctx, waiter, entry);
  else ctx.idle.push(entry);
}

function lookup<T>(ctx: PoolContext<T>, resource: T, method: string): Entry<T> | 'closed' {
  const entry = ctx.entries.get(resource);
  if (entry !== undefined) return entry;
  if (ctx.closedLeases.delete(resource)) return 'closed';
  throw new ConfigError(foreignResourceMessage(ctx.target, method), `${method}.resource`);
}

export function release<T>(ctx: PoolContext<T>, resource: T): Promise<void> {
  let entry: Entry<T> | 'closed';
  try {
    entry = lookup(ctx, resource, 'release');
    if (entry !== 'closed' && entry.state !== 'active') {
      throw new ConfigError(notOnLoanMessage(ctx.target, entry.id, entry.state), 'release.resource');
    }
  } catch (error) {
    return Promise.reject(asError(error));
  }
  if (entry === 'closed') return DONE;
  endLease(ctx, entry, true);
  const maxLifetime = ctx.options.maxLifetime;
  if (ctx.closed) return ctx.ops.destroyEntry(entry, 'closed');
  if (maxLifetime !== Infinity && ctx.clock.now() - entry.createdAt >= maxLifetime) {
    void ctx.ops.destroyEntry(entry, 'lifetime');
    return DONE;
  }
  if (!ctx.options.validateOnReturn || ctx.validator === undefined) {
    returnToIdle(ctx, entry);
    return DONE;
  }
  const checked = entry;
  transition(ctx, checked, 'validating');
  ctx.validating += 1;
  return checkEntry(ctx, checked).then((valid) => {
    ctx.validating -= 1;
    const doomed = checked.doomed ?? (valid ? undefined : 'validation');
    if (doomed !== undefined) void ctx.ops.destroyEntry(checked, doomed);
    else returnToIdle(ctx, checked);
    notifyChange(ctx);
    ctx.ops.pump();
  });
}

export function destroyResource<T>(ctx: PoolContext<T>, resource: T, reason: DestroyReason): Promise<void> {
  let entry: Entry<T> | 'closed';
  try {
    if (!DESTROY_REASONS.includes(reason)) {
      throw new ConfigError(badReasonMessage(reason, DESTROY_REASONS), 'destroy.reason');
    }
    entry = lookup(ctx, resource, 'destroy');
  } catch (error) {
    return Promise.reject(asError(error));
  }
  if (entry === 'closed' || entry.state === 'closing') return DONE;
  if (entry.state === 'validating') {
    entry.doomed = reason;
    return DONE;
  }
  if (entry.state === 'active') endLease(ctx, entry, false);
  const sizeBefore = ctx.entries.size;
  const done = ctx.ops.destroyEntry(entry, reason);
  if (reason !== 'error' || !ctx.options.recreateOnError) return done;
  // Once the broken one is gone (so it never waits on `max`), bring the pool back to its size, unless
  // `min` upkeep or a waiter's create already did.
  return done.then(() => {
    if (ctx.entries.size + ctx.pending < sizeBefore) ctx.ops.replace();
  });
}
