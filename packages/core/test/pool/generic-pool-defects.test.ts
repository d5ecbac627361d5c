/**
 * generic-pool's known defects (its issues 175/183/194/273, 195, and others): each is shown on a raw
 * generic-pool (the naive wrapper would inherit it) and shown unreachable through createPool.
 */
import { AcquireTimeoutError, ConfigError, ConnectionError, TimeoutError } from '@rexec/adapters';
import { createPool as createGenericPool } from 'generic-pool';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPool } from '../../src/pool/index.js';
import { fakeFactory, flush, outcome } from './fake-factory.js';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

afterEach(() => {
  vi.useRealTimers();
});

describe('a create that keeps failing', () => {
  it('raw generic-pool retries it in a loop while acquire never settles', async () => {
    let calls = 0;
    let failing = true;
    const raw = createGenericPool<object>(
      {
        create: () => new Promise((resolve, reject) => setImmediate(() => {
          calls += 1;
          if (failing) reject(new Error('connect ECONNREFUSED'));
          else resolve({});
        })),
        destroy: () => Promise.resolve(),
      },
      { max: 1 },
    );
    const acquired = outcome(raw.acquire());
    for (let i = 0; i < 50; i += 1) await turn();
    expect(calls).toBeGreaterThan(20);
    expect(acquired.current.status).toBe('pending');
    failing = false;
    for (let i = 0; i < 5 && acquired.current.status === 'pending'; i += 1) await turn();
    if (acquired.current.status !== 'fulfilled') throw new Error('raw pool never recovered');
    await raw.release(acquired.current.value);
    await raw.drain();
    await raw.clear();
  });

  it('createPool backs off, bounds the attempts, and rejects with the creation error itself', async () => {
    vi.useFakeTimers();
    const refused = new ConnectionError('connect ECONNREFUSED 127.0.0.1:1', 'db');
    const factory = fakeFactory({ failWith: refused });
    const pool = createPool(factory, { retryAttempts: 2, retryDelay: 100, circuitBreaker: { enabled: false } });
    const acquired = outcome(pool.acquire());
    await vi.advanceTimersByTimeAsync(1000);
    expect(acquired.current).toEqual({ status: 'rejected', reason: refused });
    expect(factory.createCalls).toBe(3);
    const [first = 0, second = 0, third = 0] = factory.callTimes;
    // Paced by retryDelay, jittered to 50–100 % (the circuit breaker, not the back-off, handles a host that stays down).
    expect(second - first).toBeGreaterThanOrEqual(50);
    expect(second - first).toBeLessThanOrEqual(100);
    expect(third - second).toBeGreaterThanOrEqual(50);
    expect(third - second).toBeLessThanOrEqual(100);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(factory.createCalls).toBe(3);
    await pool.clear();
  });

  it('1,000 waiters on a dead target all settle, with a bounded number of creates and no background loop', async () => {
    vi.useFakeTimers();
    const refused = new ConnectionError('connect ECONNREFUSED 127.0.0.1:1', 'db');
    const factory = fakeFactory({ failWith: refused, delay: 5 });
    const pool = createPool(factory, { max: 10, queueSize: 2000, retryAttempts: 1, retryDelay: 10, circuitBreaker: { enabled: false } });
    const results = Array.from({ length: 1000 }, () => outcome(pool.acquire()));
    await vi.advanceTimersByTimeAsync(9000);
    const reasons = results.map((r) => (r.current.status === 'rejected' ? r.current.reason : r.current.status));
    expect(reasons.every((reason) => reason === refused || reason instanceof AcquireTimeoutError)).toBe(true);
    expect(reasons.filter((reason) => reason === refused).length).toBeGreaterThan(0);
    expect(factory.createCalls).toBeLessThanOrEqual(1000 * 2);
    const calls = factory.createCalls;
    await vi.advanceTimersByTimeAsync(600_000);
    expect(factory.createCalls).toBe(calls);
    expect(pool.stats()).toMatchObject({ waiting: 0, pending: 0, total: 0 });
    await pool.clear();
  });

  it('an acquire that times out says why: the last creation error', async () => {
    vi.useFakeTimers();
    const factory = fakeFactory({ failWith: new ConnectionError('connect ECONNREFUSED 127.0.0.1:1', 'db') });
    const pool = createPool(factory, { acquire: 1000, retryAttempts: 100, retryDelay: 200, circuitBreaker: { enabled: false } });
    const acquired = outcome(pool.acquire());
    await vi.advanceTimersByTimeAsync(1000);
    const reason = acquired.current.status === 'rejected' ? acquired.current.reason : undefined;
    expect(reason).toBeInstanceOf(AcquireTimeoutError);
    expect((reason as Error).message).toContain('last error while creating a resource: connect ECONNREFUSED');
    expect((reason as Error).cause).toBeInstanceOf(ConnectionError);
    await pool.clear();
  });
});

describe('an acquire that times out while its create is still running', () => {
  it('lets the late resource join the pool', async () => {
    vi.useFakeTimers();
    const factory = fakeFactory({ delay: 5000 });
    const pool = createPool(factory, { acquire: 10_000 });
    const acquired = outcome(pool.acquire({ timeout: 1000 }));
    await vi.advanceTimersByTimeAsync(1000);
    expect(acquired.current.status).toBe('rejected');
    await vi.advanceTimersByTimeAsync(4000);
    expect(pool.stats()).toMatchObject({ idle: 1, total: 1, pending: 0 });
    const again = await pool.acquire();
    expect(again.n).toBe(1);
    expect(pool.stats().hits).toBe(1);
    await pool.clear();
  });

  it('destroys a resource that arrives after the create timeout', async () => {
    vi.useFakeTimers();
    const factory = fakeFactory({ delay: 5000 });
    const pool = createPool(factory, { acquire: 1000, retryFailed: false, circuitBreaker: { enabled: false } });
    const acquired = outcome(pool.acquire({ timeout: 5000 }));
    await vi.advanceTimersByTimeAsync(1000);
    expect(acquired.current.status === 'rejected' && acquired.current.reason).toBeInstanceOf(TimeoutError);
    await vi.advanceTimersByTimeAsync(4000);
    expect(factory.destroyCalls).toBe(1);
    expect(factory.live.size).toBe(0);
    expect(pool.stats().total).toBe(0);
    await pool.clear();
  });

  it('never lets more than max resources exist, with 1,000 concurrent acquirers and slow creates', async () => {
    vi.useFakeTimers();
    const factory = fakeFactory({ delay: 1000 });
    const pool = createPool(factory, { max: 10, maxConnecting: 10, queueSize: 1000, acquire: 600_000 });
    const results = Array.from({ length: 1000 }, () => pool.acquire({ timeout: 500 + Math.floor(Math.random() * 3000) }).then(
      async (resource) => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        await pool.release(resource);
        return 'served';
      },
      () => 'timed out',
    ));
    for (let t = 0; t < 100; t += 1) {
      await vi.advanceTimersByTimeAsync(50);
      expect(factory.live.size + factory.creating).toBeLessThanOrEqual(10);
      expect(pool.stats().total + pool.stats().pending).toBeLessThanOrEqual(10);
    }
    const settled = await Promise.all(results);
    expect(settled.filter((s) => s === 'served').length).toBeGreaterThan(0);
    expect(factory.maxLive).toBeLessThanOrEqual(10);
    expect(factory.maxCreating).toBeLessThanOrEqual(10);
    expect(factory.createCalls).toBeLessThanOrEqual(10);
    await pool.clear();
  });
});

describe('a validator that throws, rejects or hangs', () => {
  it.each([
    ['throws', (): Promise<boolean> => { throw new Error('validator bug'); }],
    ['rejects', (): Promise<boolean> => Promise.reject(new Error('check failed'))],
    ['hangs', (): Promise<boolean> => new Promise<boolean>(() => undefined)],
  ])('%s: the resource is destroyed, the borrower gets another, no slot leaks', async (_name, validate) => {
    vi.useFakeTimers();
    const factory = fakeFactory();
    const pool = createPool(factory, { max: 1, acquire: 500, validateAfterIdle: 0, validateTimeout: 500, validator: validate });
    const destroyed: string[] = [];
    pool.on('connection:destroy', ({ reason }) => destroyed.push(reason));
    const first = await pool.acquire();
    await pool.release(first);
    const second = outcome(pool.acquire({ timeout: 5000 }));
    await vi.advanceTimersByTimeAsync(600);
    expect(second.current.status).toBe('fulfilled');
    expect(second.current.status === 'fulfilled' && second.current.value.n).toBe(2);
    expect(destroyed).toEqual(['validation']);
    expect(pool.stats()).toMatchObject({ total: 1, active: 1, healthCheckFailures: 1 });
    await pool.clear();
  });
});

describe('drain and double release', () => {
  it('raw generic-pool: drain() hangs while a resource is borrowed', async () => {
    const raw = createGenericPool<object>({ create: () => Promise.resolve({}), destroy: () => Promise.resolve() }, { max: 1 });
    const borrowed = await raw.acquire();
    const drained = outcome(raw.drain());
    for (let i = 0; i < 20; i += 1) await turn();
    expect(drained.current.status).toBe('pending');
    await raw.release(borrowed);
    await raw.drain();
    await raw.clear();
  });

  it('createPool: drain() is bounded by its timeout, then destroys what is still borrowed', async () => {
    vi.useFakeTimers();
    const factory = fakeFactory();
    const pool = createPool(factory);
    const reasons: string[] = [];
    pool.on('connection:destroy', ({ reason }) => reasons.push(reason));
    const borrowed = await pool.acquire();
    const drained = outcome(pool.drain({ timeout: 1000 }));
    await vi.advanceTimersByTimeAsync(999);
    expect(drained.current.status).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    await flush();
    expect(drained.current.status).toBe('fulfilled');
    expect(borrowed.destroyed).toBe(true);
    expect(reasons).toEqual(['closed']);
    await expect(pool.release(borrowed)).resolves.toBeUndefined();
  });

  it('raw generic-pool: a second release gives an unclear error; createPool says what happened', async () => {
    const raw = createGenericPool<object>({ create: () => Promise.resolve({}), destroy: () => Promise.resolve() }, { max: 1 });
    const resource = await raw.acquire();
    await raw.release(resource);
    await expect(raw.release(resource)).rejects.toThrow('Resource not currently part of this pool');
    await raw.drain();
    await raw.clear();

    const pool = createPool(fakeFactory(), { target: 'db' });
    const ours = await pool.acquire();
    await pool.release(ours);
    const second = pool.release(ours);
    await expect(second).rejects.toBeInstanceOf(ConfigError);
    await expect(second).rejects.toThrow(/resource db#1 .* is idle, not borrowed: it was already released/);
    await expect(pool.release({ n: 99, destroyed: false })).rejects.toThrow(/not part of the pool for db: it was never acquired/);
    await pool.clear();
  });
});
