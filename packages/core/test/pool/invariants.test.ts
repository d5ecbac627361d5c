/**
 * A seeded random walk of 10,000 steps (acquire with timeouts and aborts, release, destroy, double
 * release, failing creates and validations, time moving on), checking the pool's invariants after
 * every step: never more than max resources, no resource lent twice, stats that add up, every
 * acquire settled and nothing left after close.
 */
import { AbortError } from './abort-error.js';
import { AcquireTimeoutError, CircuitOpenError, ConfigError, PoolClosedError, PoolExhaustedError, TimeoutError } from '@rexec/adapters';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPool, type ResourcePool } from '../../src/pool/index.js';
import { fakeFactory, flush, type Res } from './fake-factory.js';
import { seededRandom } from './seeded-random.js';

afterEach(() => {
  vi.useRealTimers();
});

const EXPECTED_ERRORS = [AcquireTimeoutError, CircuitOpenError, PoolExhaustedError, PoolClosedError, TimeoutError, AbortError];
const MAX = 4;
const CREATE_FAILED = new Error('create failed');
const STEPS = 10_000;

async function walk(seed: number): Promise<void> {
  vi.useFakeTimers();
  const rnd = seededRandom(seed);
  const pick = <V>(list: readonly V[]): V | undefined => list[Math.floor(rnd() * list.length)];
  let failing = false;
  let unhealthy = 0;
  const factory = fakeFactory({ validate: () => Promise.resolve(rnd() >= unhealthy) });
  const pool: ResourcePool<Res> = createPool(factory, {
    min: 1, max: MAX, maxConnecting: 2, queueSize: 6, acquire: 400, idle: 300, evictionRun: 100, maxLifetime: 2000,
    validateInterval: 150, validateOnReturn: true, retryAttempts: 1, retryDelay: 20, leaseWarning: 500,
    circuitBreaker: { threshold: 6, timeout: 300, resetTimeout: 1000, probeInterval: 300 },
  });
  const held = new Set<Res>();
  const settled: Array<Promise<unknown>> = [];
  const problems: string[] = [];
  const unexpected = (where: string, error: unknown): void => {
    if (!EXPECTED_ERRORS.some((kind) => error instanceof kind) && error !== CREATE_FAILED) problems.push(`${where}: ${String(error)}`);
  };

  const acquire = (): void => {
    const controller = rnd() < 0.1 ? new AbortController() : undefined;
    const options = { ...(rnd() < 0.3 ? { timeout: 1 + Math.floor(rnd() * 300) } : {}), ...(controller ? { signal: controller.signal } : {}) };
    const promise = pool.acquire(options).then(
      (resource) => {
        if (held.has(resource)) problems.push(`resource ${resource.n} lent twice`);
        if (resource.destroyed) problems.push(`destroyed resource ${resource.n} lent`);
        held.add(resource);
      },
      (error: unknown) => unexpected('acquire', error),
    );
    settled.push(promise);
    if (controller !== undefined) setTimeout(() => controller.abort(new AbortError()), Math.floor(rnd() * 200));
  };

  for (let step = 0; step < STEPS; step += 1) {
    const r = rnd();
    if (r < 0.3) acquire();
    else if (r < 0.5) {
      const resource = pick([...held]);
      if (resource !== undefined) {
        held.delete(resource);
        settled.push(pool.release(resource).catch((error: unknown) => problems.push(`release: ${String(error)}`)));
      }
    } else if (r < 0.55) {
      const resource = pick([...held]);
      if (resource !== undefined) {
        held.delete(resource);
        settled.push(pool.destroy(resource, rnd() < 0.5 ? 'error' : 'validation').catch((error: unknown) => problems.push(`destroy: ${String(error)}`)));
      }
    } else if (r < 0.56) {
      settled.push(pool.release({ n: -1, destroyed: false }).then(
        () => problems.push('a foreign release was accepted'),
        (error: unknown) => void (error instanceof ConfigError || problems.push(`foreign release: ${String(error)}`)),
      ));
    } else if (r < 0.58) {
      failing = !failing;
      factory.failWith = failing ? CREATE_FAILED : undefined;
    } else if (r < 0.6) {
      unhealthy = rnd() < 0.5 ? 0 : 0.3;
      factory.delay = Math.floor(rnd() * 50);
    } else {
      await vi.advanceTimersByTimeAsync(Math.floor(rnd() * 60));
    }
    await flush();
    const s = pool.stats();
    const where = `seed ${seed}, step ${step}`;
    if (factory.live.size + factory.creating > MAX) problems.push(`${where}: ${factory.live.size} live + ${factory.creating} creating > max`);
    if (s.total + s.pending > MAX) problems.push(`${where}: total ${s.total} + pending ${s.pending} > max`);
    if (s.active !== held.size) problems.push(`${where}: active ${s.active} but ${held.size} held`);
    if (s.hits + s.misses !== s.totalAcquired) problems.push(`${where}: hits + misses != totalAcquired`);
    if (s.totalAcquired - s.totalReleased !== s.active) problems.push(`${where}: acquired - released != active`);
    if (s.connectionsCreated - s.connectionsDestroyed !== s.total) problems.push(`${where}: created - destroyed != total`);
    if (s.active + s.idle + s.validating + s.closing !== s.total) problems.push(`${where}: states do not add up to total`);
    if (problems.length > 0) break;
  }

  for (const resource of held) settled.push(pool.release(resource));
  held.clear();
  await pool.clear();
  await vi.advanceTimersByTimeAsync(5000);
  const outcomes = await Promise.race([Promise.allSettled(settled).then(() => 'all settled'), flush().then(() => 'stuck')]);
  expect(problems).toEqual([]);
  expect(outcomes).toBe('all settled');
  expect(factory.live.size).toBe(0);
  expect(pool.stats()).toMatchObject({ total: 0, active: 0, idle: 0, waiting: 0, pending: 0 });
  expect(factory.createCalls).toBeGreaterThan(20);
  // The walk really exercised the pool: many loans, failed checks, and creates.
  expect(pool.stats().totalAcquired).toBeGreaterThan(500);
  expect(pool.stats().healthCheckFailures).toBeGreaterThan(0);
}

describe('randomized invariants', () => {
  it(`hold over eight ${STEPS}-step random walks`, async () => {
    for (const seed of [20_251_123, 1, 2, 3, 4, 5, 6, 7]) await walk(seed);
  }, 120_000);
});
