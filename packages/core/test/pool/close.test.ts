import { PoolClosedError } from '@rexec/adapters';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPool } from '../../src/pool/index.js';
import { fakeFactory, flush, outcome } from './fake-factory.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('drain and clear', () => {
  it('clear rejects queued acquires and later ones with PoolClosedError', async () => {
    const pool = createPool(fakeFactory(), { max: 1 });
    const held = await pool.acquire();
    const waiting = pool.acquire();
    const closed = pool.clear();
    await expect(waiting).rejects.toBeInstanceOf(PoolClosedError);
    await expect(pool.acquire()).rejects.toBeInstanceOf(PoolClosedError);
    await closed;
    expect(held.destroyed).toBe(true);
    expect(pool.stats()).toMatchObject({ total: 0, waiting: 0, active: 0 });
  });

  it('drain refuses new acquires but serves the queued ones, then destroys everything (as generic-pool does)', async () => {
    const pool = createPool(fakeFactory(), { max: 1 });
    const held = await pool.acquire();
    const waiting = outcome(pool.acquire());
    const closed = outcome(pool.drain({ timeout: 1000 }));
    await expect(pool.acquire()).rejects.toBeInstanceOf(PoolClosedError);
    await pool.release(held);
    await flush();
    expect(waiting.current).toEqual({ status: 'fulfilled', value: held });
    expect(closed.current.status).toBe('pending');
    await pool.release(held);
    await vi.advanceTimersByTimeAsync(0);
    expect(closed.current.status).toBe('fulfilled');
    expect(held.destroyed).toBe(true);
    expect(pool.stats()).toMatchObject({ total: 0, waiting: 0, active: 0 });
  });

  it('drain waits for borrowed resources to come back, destroying idle ones at once', async () => {
    const factory = fakeFactory();
    const pool = createPool(factory, { max: 2 });
    const [a, b] = [await pool.acquire(), await pool.acquire()];
    await pool.release(a);
    const drained = outcome(pool.drain());
    await flush();
    expect(a.destroyed).toBe(true);
    expect(drained.current.status).toBe('pending');
    await pool.release(b);
    await flush();
    expect(drained.current.status).toBe('fulfilled');
    expect(factory.live.size).toBe(0);
  });

  it('clear during a drain stops the wait and destroys borrowed resources now', async () => {
    const pool = createPool(fakeFactory());
    const held = await pool.acquire();
    const drained = outcome(pool.drain({ timeout: 60_000 }));
    await pool.clear();
    expect(held.destroyed).toBe(true);
    expect(drained.current.status).toBe('fulfilled');
    await expect(pool.release(held)).resolves.toBeUndefined();
  });

  it('destroys a resource whose create lands after close', async () => {
    const factory = fakeFactory({ delay: 500 });
    const pool = createPool(factory);
    const acquired = pool.acquire();
    await pool.clear();
    await expect(acquired).rejects.toBeInstanceOf(PoolClosedError);
    await vi.advanceTimersByTimeAsync(500);
    expect(factory.createCalls).toBe(1);
    expect(factory.live.size).toBe(0);
    expect(pool.stats().total).toBe(0);
  });

  it('warm after close rejects with PoolClosedError', async () => {
    const pool = createPool(fakeFactory());
    await pool.drain();
    await expect(pool.warm(1)).rejects.toBeInstanceOf(PoolClosedError);
  });
});
