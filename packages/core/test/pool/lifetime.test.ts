import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPool } from '../../src/pool/index.js';
import { fakeFactory, flush } from './fake-factory.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('idle eviction and lifetime', () => {
  it('evicts resources idle longer than `idle`, only above min, on the evictionRun cadence', async () => {
    const pool = createPool(fakeFactory(), { min: 1, max: 4, idle: 1000, evictionRun: 500 });
    const reasons: string[] = [];
    pool.on('connection:destroy', ({ reason }) => reasons.push(reason));
    await pool.warm(4);
    await vi.advanceTimersByTimeAsync(999);
    expect(pool.stats().total).toBe(4);
    await vi.advanceTimersByTimeAsync(501);
    expect(pool.stats()).toMatchObject({ total: 1, idle: 1 });
    expect(reasons).toEqual(['idle', 'idle', 'idle']);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(pool.stats().total).toBe(1);
    await pool.clear();
  });

  it('runs no sweep before evictionRun has passed', async () => {
    const pool = createPool(fakeFactory(), { idle: 10, evictionRun: 5000 });
    await pool.warm(2);
    await vi.advanceTimersByTimeAsync(4999);
    expect(pool.stats().total).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(pool.stats().total).toBe(0);
    await pool.clear();
  });

  it('retires a resource past maxLifetime when it is next idle, not while borrowed', async () => {
    const pool = createPool(fakeFactory(), { maxLifetime: 1000, evictionRun: 100 });
    const reasons: string[] = [];
    pool.on('connection:destroy', ({ reason }) => reasons.push(reason));
    const held = await pool.acquire();
    await vi.advanceTimersByTimeAsync(5000);
    expect(held.destroyed).toBe(false);
    await pool.release(held);
    await flush();
    expect(held.destroyed).toBe(true);
    expect(reasons).toEqual(['lifetime']);
    const [a, b] = [await pool.acquire(), await pool.acquire()];
    await pool.release(a);
    await vi.advanceTimersByTimeAsync(1000);
    expect(a.destroyed).toBe(true);
    expect(b.destroyed).toBe(false);
    await pool.release(b);
    await pool.clear();
  });

  it('keeps min after eviction, destroy and failed creates (with back-off)', async () => {
    const factory = fakeFactory();
    const pool = createPool(factory, { min: 2, max: 3, maxLifetime: 1000, evictionRun: 1000, retryAttempts: 0, retryDelay: 100, circuitBreaker: { enabled: false } });
    await flush();
    expect(pool.stats()).toMatchObject({ total: 2, idle: 2 });
    await vi.advanceTimersByTimeAsync(1000);
    await flush();
    expect(pool.stats().total).toBe(2);
    expect(factory.createCalls).toBe(4);
    const borrowed = await pool.acquire();
    await pool.destroy(borrowed);
    await flush();
    expect(pool.stats().total).toBe(2);
    factory.failWith = new Error('down');
    const calls = factory.createCalls;
    await vi.advanceTimersByTimeAsync(1000);
    expect(pool.stats().total).toBe(0);
    const failedCalls = factory.createCalls - calls;
    expect(failedCalls).toBeGreaterThan(0);
    await vi.advanceTimersByTimeAsync(200);
    expect(factory.createCalls - calls).toBeLessThan(failedCalls + 6);
    factory.failWith = undefined;
    await vi.advanceTimersByTimeAsync(40_000);
    expect(pool.stats()).toMatchObject({ total: 2, idle: 2 });
    await pool.clear();
  });
});

describe('destroy by the borrower', () => {
  it('replaces a resource destroyed for an error when recreateOnError is on, and shrinks when off', async () => {
    for (const recreateOnError of [true, false]) {
      const pool = createPool(fakeFactory(), { recreateOnError });
      const resource = await pool.acquire();
      await pool.destroy(resource);
      await flush();
      expect(pool.stats().idle).toBe(recreateOnError ? 1 : 0);
      await pool.clear();
    }
  });

  it('rejects an unknown reason and a foreign resource with a ConfigError', async () => {
    const pool = createPool(fakeFactory());
    const resource = await pool.acquire();
    await expect(pool.destroy(resource, 'bored' as 'error')).rejects.toThrow(/reason must be one of/);
    await expect(pool.destroy({ n: 0, destroyed: false })).rejects.toThrow(/not part of the pool/);
    await pool.destroy(resource, 'validation');
    await pool.clear();
  });
});
