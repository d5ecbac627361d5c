import { AcquireTimeoutError, ConfigError, PoolExhaustedError } from '@rexec/adapters';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPool } from '../../src/pool/index.js';
import { fakeFactory, flush, outcome, type Res } from './fake-factory.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('warm(n)', () => {
  it('creates min(n, max) resources in parallel and resolves when they are ready', async () => {
    const factory = fakeFactory({ delay: 100 });
    const pool = createPool(factory, { max: 3, maxConnecting: 3 });
    const warmed = outcome(pool.warm(5));
    await vi.advanceTimersByTimeAsync(99);
    expect(factory.creating).toBe(3);
    expect(warmed.current.status).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    await flush();
    expect(warmed.current.status).toBe('fulfilled');
    expect(pool.stats()).toMatchObject({ idle: 3, total: 3 });
    expect(factory.createCalls).toBe(3);
    await pool.warm(2);
    expect(factory.createCalls).toBe(3);
    await pool.clear();
  });

  it('resolves only once the resources exist, also when min upkeep already started their creates', async () => {
    const factory = fakeFactory({ delay: 50 });
    const pool = createPool(factory, { min: 2 });
    const warmed = outcome(pool.warm(2));
    await vi.advanceTimersByTimeAsync(49);
    expect(warmed.current.status).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    await flush();
    expect(warmed.current.status).toBe('fulfilled');
    expect(pool.stats()).toMatchObject({ idle: 2, pending: 0 });
    expect(factory.createCalls).toBe(2);
    await pool.clear();
  });

  it('rejects with the creation error when it cannot create, and rejects a bad n', async () => {
    const factory = fakeFactory({ failWith: new Error('no route to host') });
    const pool = createPool(factory, { retryFailed: false, circuitBreaker: { enabled: false } });
    await expect(pool.warm(2)).rejects.toThrow('no route to host');
    await expect(pool.warm(-1)).rejects.toBeInstanceOf(ConfigError);
    await pool.clear();
  });
});

describe('maxConnecting', () => {
  it('bounds the creates in flight; the rest start as earlier ones finish', async () => {
    const factory = fakeFactory({ delay: 100 });
    const pool = createPool(factory, { max: 5, maxConnecting: 2 });
    const all = Array.from({ length: 5 }, () => outcome(pool.acquire()));
    await vi.advanceTimersByTimeAsync(50);
    expect(factory.creating).toBe(2);
    expect(pool.stats()).toMatchObject({ pending: 2, waiting: 5 });
    await vi.advanceTimersByTimeAsync(300);
    expect(all.every((a) => a.current.status === 'fulfilled')).toBe(true);
    expect(factory.maxCreating).toBe(2);
    expect(factory.createCalls).toBe(5);
    await pool.clear();
  });
});

describe('the queue', () => {
  it('rejects at once past queueSize with PoolExhaustedError and fires pool:queue:full', async () => {
    const pool = createPool(fakeFactory(), { target: 'db:5432', max: 1, queueSize: 2 });
    const full: unknown[] = [];
    pool.on('pool:queue:full', (event) => full.push(event));
    const held = await pool.acquire();
    const waiting = [outcome(pool.acquire()), outcome(pool.acquire())];
    const third = pool.acquire();
    await expect(third).rejects.toBeInstanceOf(PoolExhaustedError);
    await expect(third).rejects.toThrow('Connection pool exhausted for db:5432 (max: 1)');
    expect(full).toEqual([{ waiting: 2, queueSize: 2 }]);
    await pool.release(held);
    await flush();
    expect(waiting[0]?.current.status).toBe('fulfilled');
    await pool.clear();
  });

  it('does not count acquires that a create in progress will serve', async () => {
    const pool = createPool(fakeFactory({ delay: 100 }), { max: 2, maxConnecting: 2, queueSize: 0 });
    const a = outcome(pool.acquire());
    const b = outcome(pool.acquire());
    await expect(pool.acquire()).rejects.toBeInstanceOf(PoolExhaustedError);
    await vi.advanceTimersByTimeAsync(100);
    expect([a.current.status, b.current.status]).toEqual(['fulfilled', 'fulfilled']);
    await pool.clear();
  });

  it('rejects a waiter after queueTimeout with AcquireTimeoutError and removes it from the queue', async () => {
    const pool = createPool(fakeFactory(), { max: 1, acquire: 10_000, queueTimeout: 300 });
    const held = await pool.acquire();
    const waiter = outcome(pool.acquire());
    await vi.advanceTimersByTimeAsync(299);
    expect(pool.stats().waiting).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(waiter.current.status === 'rejected' && waiter.current.reason).toBeInstanceOf(AcquireTimeoutError);
    expect(pool.stats().waiting).toBe(0);
    await pool.release(held);
    expect(pool.stats()).toMatchObject({ idle: 1, active: 0 });
    await pool.clear();
  });

  it.each([
    ['fifo', [1, 2, 3]],
    ['lifo', [3, 2, 1]],
  ] as const)('serves waiters in %s order', async (queuePriority, expected) => {
    const pool = createPool(fakeFactory(), { max: 1, queuePriority });
    const held = await pool.acquire();
    const order: number[] = [];
    const waiters = [1, 2, 3].map((label) => pool.acquire().then(async (resource) => {
      order.push(label);
      await pool.release(resource);
    }));
    await flush();
    await pool.release(held);
    await Promise.all(waiters);
    expect(order).toEqual(expected);
    await pool.clear();
  });

  it('can be aborted with an AbortSignal, before or while waiting', async () => {
    const pool = createPool(fakeFactory(), { max: 1 });
    const held = await pool.acquire();
    const early = new AbortController();
    early.abort(new Error('never mind'));
    await expect(pool.acquire({ signal: early.signal })).rejects.toThrow('never mind');
    const controller = new AbortController();
    const waiting = pool.acquire({ signal: controller.signal });
    await flush();
    expect(pool.stats().waiting).toBe(1);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    expect(pool.stats().waiting).toBe(0);
    await pool.release(held);
    await pool.clear();
  });

  it('rejects bad acquire options with a ConfigError', async () => {
    const pool = createPool(fakeFactory());
    await expect(pool.acquire({ timeout: -1 })).rejects.toBeInstanceOf(ConfigError);
    await expect(pool.acquire({ signal: 'stop' as unknown as AbortSignal })).rejects.toBeInstanceOf(ConfigError);
    await pool.clear();
  });
});

describe('hits and misses', () => {
  it('counts an acquire served by an existing resource as a hit, one that needed a create as a miss', async () => {
    const pool = createPool(fakeFactory(), { max: 2 });
    const a: Res = await pool.acquire();
    await pool.release(a);
    const b = await pool.acquire();
    const c = await pool.acquire();
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(pool.stats()).toMatchObject({ hits: 1, misses: 2, totalAcquired: 3 });
    await pool.clear();
  });
});

describe('retries that nobody needs', () => {
  it('stop once every waiter gave up (generic-pool and tarn stop asking too)', async () => {
    const factory = fakeFactory({ delay: 10, failWith: new Error('refused') });
    const pool = createPool(factory, { max: 4, acquire: 100, retryDelay: 200, circuitBreaker: { enabled: false } });
    const started = Date.now();
    const failed = outcome(pool.acquire());
    await vi.advanceTimersByTimeAsync(100);
    await flush();
    expect(failed.current.status).toBe('rejected');
    expect(failed.current.status === 'rejected' && failed.current.reason).toBeInstanceOf(AcquireTimeoutError);
    expect(Date.now() - started).toBe(100);
    const callsAtTimeout = factory.createCalls;
    await vi.advanceTimersByTimeAsync(1500);
    expect(factory.createCalls).toBe(callsAtTimeout);
    expect(callsAtTimeout).toBeLessThanOrEqual(2);
    expect(pool.stats()).toMatchObject({ pending: 0, total: 0 });
    await pool.clear();
  });

  it('go on while a waiter still needs the resource, and serve it', async () => {
    const factory = fakeFactory({ delay: 10, failWith: new Error('refused') });
    const pool = createPool(factory, { max: 1, acquire: 5000, retryDelay: 200, circuitBreaker: { enabled: false } });
    const served = outcome(pool.acquire());
    await vi.advanceTimersByTimeAsync(15);
    factory.failWith = undefined;
    await vi.advanceTimersByTimeAsync(400);
    await flush();
    expect(served.current.status).toBe('fulfilled');
    expect(factory.createCalls).toBe(2);
    await pool.clear();
  });
});
