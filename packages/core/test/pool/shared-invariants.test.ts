/**
 * Seeded random walks over shared leases (`maxLeases` > 1): shared and exclusive leases with timeouts and
 * aborts, ends, destroys, refusals lowering a resource's limit (as a refused SSH channel does), retries at the
 * front of the queue, failing creates and checks, time moving on, and a drain or clear at a random step.
 * After every step: no resource over its lease limit when a lease was granted, an exclusive lease alone on
 * its resource, never more than `max` resources, stats that add up; at the end every lease settled and
 * nothing left.
 */
import { AcquireTimeoutError, CircuitOpenError, PoolClosedError, PoolExhaustedError, TimeoutError } from '@rexec/adapters';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Pool, type Lease } from '../../src/pool/pool.js';
import { AbortError } from './abort-error.js';
import { fakeFactory, flush, type Res } from './fake-factory.js';
import { seededRandom } from './seeded-random.js';

afterEach(() => {
  vi.useRealTimers();
});

const EXPECTED_ERRORS = [AcquireTimeoutError, CircuitOpenError, PoolExhaustedError, PoolClosedError, TimeoutError, AbortError];
const MAX = 3;
const CREATE_FAILED = new Error('create failed');
const STEPS = 6_000;

async function walk(seed: number): Promise<{ granted: number; refusals: number; exclusive: number }> {
  vi.useFakeTimers();
  const rnd = seededRandom(seed);
  const pick = <V>(list: readonly V[]): V | undefined => list[Math.floor(rnd() * list.length)];
  const maxLeases = 2 + Math.floor(rnd() * 5);
  let unhealthy = 0;
  const factory = fakeFactory({ validate: () => Promise.resolve(rnd() >= unhealthy) });
  const pool = new Pool<Res>(factory, {
    min: 0, max: MAX, maxLeases, maxConnecting: 2, queueSize: 12, acquire: 400, idle: 300, evictionRun: 100, maxLifetime: 3000,
    validateAfterIdle: 50, validateTimeout: 80, validateInterval: 150, retryAttempts: 1, retryDelay: 20,
    circuitBreaker: { threshold: 6, timeout: 300, resetTimeout: 1000 },
  });
  const held = new Set<Lease<Res>>();
  const holders = new Map<Res, Set<Lease<Res>>>();
  const settled: Array<Promise<unknown>> = [];
  const problems: string[] = [];
  const counts = { granted: 0, refusals: 0, exclusive: 0 };
  let closing: Promise<void> | undefined;
  const unexpected = (where: string, error: unknown): void => {
    if (!EXPECTED_ERRORS.some((kind) => error instanceof kind) && error !== CREATE_FAILED) problems.push(`${where}: ${String(error)}`);
  };
  const forget = (lease: Lease<Res>): void => {
    held.delete(lease);
    holders.get(lease.resource)?.delete(lease);
  };

  const request = (retry: boolean): void => {
    const exclusive = !retry && rnd() < 0.15;
    const controller = rnd() < 0.1 ? new AbortController() : undefined;
    const options = {
      ...(rnd() < 0.3 ? { timeout: 1 + Math.floor(rnd() * 300) } : {}),
      ...(controller ? { signal: controller.signal } : {}),
      ...(exclusive ? { exclusive: true } : {}),
      ...(retry ? { retry: true } : {}),
    };
    settled.push(pool.lease(options).then(
      (lease) => {
        const on = holders.get(lease.resource) ?? new Set<Lease<Res>>();
        holders.set(lease.resource, on);
        for (const other of on) if (other.entry.exclusive || exclusive) problems.push(`seed ${seed}: resource ${lease.resource.n} shared with an exclusive lease`);
        on.add(lease);
        // Undefined once the pool destroyed it (its leases ended with it).
        const limit = pool.leaseLimit(lease.resource);
        if (limit !== undefined && on.size > limit) problems.push(`seed ${seed}: resource ${lease.resource.n} has ${on.size} holders over its limit ${limit}`);
        if (lease.resource.destroyed) problems.push(`seed ${seed}: destroyed resource ${lease.resource.n} lent`);
        if (exclusive) counts.exclusive += 1;
        counts.granted += 1;
        held.add(lease);
      },
      (error: unknown) => unexpected('lease', error),
    ));
    if (controller !== undefined) setTimeout(() => controller.abort(new AbortError()), Math.floor(rnd() * 200));
  };

  const closeAt = Math.floor(STEPS * (0.5 + rnd() * 0.5));
  for (let step = 0; step < STEPS; step += 1) {
    const r = rnd();
    if (step === closeAt) closing = rnd() < 0.5 ? pool.drain({ timeout: 500 }) : pool.clear();
    if (r < 0.3) request(false);
    else if (r < 0.5) {
      const lease = pick([...held]);
      if (lease !== undefined) {
        forget(lease);
        settled.push(pool.endLease(lease).catch((error: unknown) => problems.push(`end: ${String(error)}`)));
      }
    } else if (r < 0.53) {
      const lease = pick([...held]);
      if (lease !== undefined) {
        for (const other of holders.get(lease.resource) ?? []) held.delete(other);
        holders.delete(lease.resource);
        settled.push(pool.destroy(lease.resource, 'error').catch((error: unknown) => problems.push(`destroy: ${String(error)}`)));
      }
    } else if (r < 0.58) {
      // A refusal: the resource cannot take this holder; its limit drops to the others', and the work retries.
      const lease = pick([...held]);
      if (lease !== undefined) {
        counts.refusals += 1;
        pool.limitLeases(lease.resource, (holders.get(lease.resource)?.size ?? 1) - 1);
        forget(lease);
        settled.push(pool.endLease(lease));
        request(true);
      }
    } else if (r < 0.6) {
      factory.failWith = factory.failWith === undefined ? CREATE_FAILED : undefined;
    } else if (r < 0.62) {
      unhealthy = rnd() < 0.5 ? 0 : 0.3;
      factory.delay = Math.floor(rnd() * 50);
    } else {
      await vi.advanceTimersByTimeAsync(Math.floor(rnd() * 60));
    }
    await flush();
    // A lease ended by a destroy is gone for the pool too.
    for (const lease of held) if (lease.ended) forget(lease);
    const s = pool.stats();
    const where = `seed ${seed}, step ${step}`;
    if (factory.live.size + factory.creating > MAX) problems.push(`${where}: ${factory.live.size} live + ${factory.creating} creating > max`);
    if (s.total + s.pending > MAX) problems.push(`${where}: total ${s.total} + pending ${s.pending} > max`);
    if (s.leases !== held.size) problems.push(`${where}: ${s.leases} leases but ${held.size} held`);
    if (s.hits + s.misses !== s.totalAcquired) problems.push(`${where}: hits + misses != totalAcquired`);
    if (s.totalAcquired - s.totalReleased !== s.leases) problems.push(`${where}: acquired - released != leases`);
    if (s.connectionsCreated - s.connectionsDestroyed !== s.total) problems.push(`${where}: created - destroyed != total`);
    if (s.active + s.idle + s.validating + s.closing !== s.total) problems.push(`${where}: states do not add up to total`);
    if (problems.length > 0) break;
  }

  for (const lease of held) settled.push(pool.endLease(lease));
  held.clear();
  await vi.advanceTimersByTimeAsync(1000);
  await pool.clear();
  await closing;
  await vi.advanceTimersByTimeAsync(5000);
  const outcome = await Promise.race([Promise.allSettled(settled).then(() => 'all settled'), flush().then(() => 'stuck')]);
  expect(problems).toEqual([]);
  expect(outcome).toBe('all settled');
  expect(factory.live.size).toBe(0);
  expect(pool.stats()).toMatchObject({ total: 0, active: 0, leases: 0, idle: 0, waiting: 0, pending: 0 });
  return counts;
}

describe('randomized invariants of shared leases', () => {
  it(`hold over eight ${STEPS}-step random walks with maxLeases > 1`, async () => {
    const totals = { granted: 0, refusals: 0, exclusive: 0 };
    for (const seed of [20_261_130, 11, 12, 13, 14, 15, 16, 17]) {
      const counts = await walk(seed);
      totals.granted += counts.granted;
      totals.refusals += counts.refusals;
      totals.exclusive += counts.exclusive;
    }
    // The walks really shared resources, refused holders and lent some whole.
    expect(totals.granted).toBeGreaterThan(2000);
    expect(totals.refusals).toBeGreaterThan(50);
    expect(totals.exclusive).toBeGreaterThan(100);
  }, 120_000);
});

describe('shared leases and exclusive waiters', () => {
  it('a waiter for a whole resource does not hold up shared waiters that fit on a busy one', async () => {
    const pool = new Pool<Res>(fakeFactory(), { max: 1, maxLeases: 4 });
    const first = await pool.lease();
    const whole = pool.lease({ exclusive: true });
    const shared = await Promise.race([pool.lease(), new Promise((resolve) => setTimeout(() => resolve('blocked'), 200))]);
    expect(shared).not.toBe('blocked');
    expect((shared as Lease<Res>).resource).toBe(first.resource);
    expect(pool.stats()).toMatchObject({ leases: 2, waiting: 1, total: 1 });
    await pool.endLease(first);
    await pool.endLease(shared as Lease<Res>);
    const alone = await whole;
    expect(alone.resource).toBe(first.resource);
    // While it is lent whole, a shared request waits.
    const later = pool.lease();
    await flush();
    expect(pool.stats()).toMatchObject({ leases: 1, waiting: 1 });
    await pool.endLease(alone);
    await pool.endLease(await later);
    await pool.clear();
  });
});
