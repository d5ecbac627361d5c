/**
 * A creation error marked `retryable: false` (bad credentials, a changed host key, a bad option) cannot be
 * cured by trying again: the pool neither retries it nor counts it against the circuit breaker (docs/pool.md#the-circuit-breaker:
 * it counts transport failures only), and it answers every waiter at once instead of one login per waiter.
 */
import { AuthenticationError, ConnectionError } from '@rexec/adapters';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPool } from '../../src/pool/index.js';
import { isPermanentFailure } from '../../src/pool/pool.js';
import { fakeFactory, outcome } from './fake-factory.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const denied = new AuthenticationError('deploy@web1:22 refused every authentication method tried (publickey)', 'deploy@web1:22', ['publickey']);

describe('a permanent creation failure', () => {
  it('tells permanent errors from transient ones by their retryable flag', () => {
    expect(isPermanentFailure(denied)).toBe(true);
    expect(isPermanentFailure(new ConnectionError('connect ECONNREFUSED', 'db'))).toBe(false);
    expect(isPermanentFailure(new Error('plain'))).toBe(false);
    expect(isPermanentFailure('text')).toBe(false);
    expect(isPermanentFailure(Object.assign(new Error('custom'), { retryable: false }))).toBe(true);
  });

  it('is not retried: one create call, and the waiter gets the error itself', async () => {
    const factory = fakeFactory({ failWith: denied });
    const pool = createPool(factory, { retryAttempts: 3, retryDelay: 100 });
    await expect(pool.acquire()).rejects.toBe(denied);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(factory.createCalls).toBe(1);
    await pool.clear();
  });

  it('does not open the circuit breaker, however often it happens', async () => {
    const factory = fakeFactory({ failWith: denied });
    const pool = createPool(factory, { retryFailed: false, circuitBreaker: { threshold: 2 } });
    const opened: number[] = [];
    pool.on('circuit:open', ({ failures }) => opened.push(failures));
    for (let i = 0; i < 5; i += 1) await expect(pool.acquire()).rejects.toBe(denied);
    expect(pool.stats().circuit).toBe('closed');
    expect(opened).toEqual([]);
    expect(factory.createCalls).toBe(5);
    await pool.clear();
  });

  it('answers every queued waiter with the error after one attempt, instead of one attempt per waiter', async () => {
    const factory = fakeFactory({ failWith: denied, delay: 10 });
    const pool = createPool(factory, { max: 1, maxConnecting: 1, retryAttempts: 3 });
    const waiters = Array.from({ length: 5 }, () => outcome(pool.acquire()));
    await vi.advanceTimersByTimeAsync(100);
    expect(waiters.map((w) => w.current)).toEqual(Array.from({ length: 5 }, () => ({ status: 'rejected', reason: denied })));
    expect(factory.createCalls).toBe(1);
    await pool.clear();
  });

  it('does not retry in the background to restore min', async () => {
    const factory = fakeFactory({ failWith: denied });
    const pool = createPool(factory, { min: 1, retryDelay: 100 });
    await vi.advanceTimersByTimeAsync(600_000);
    expect(factory.createCalls).toBe(1);
    factory.failWith = undefined;
    const resource = await pool.acquire();
    expect(factory.createCalls).toBe(2);
    await pool.release(resource);
    await pool.clear();
  });

  it('a transient failure is still retried and still counted (the contrast)', async () => {
    const refused = new ConnectionError('connect ECONNREFUSED 127.0.0.1:1', 'db');
    const factory = fakeFactory({ failWith: refused });
    const pool = createPool(factory, { retryAttempts: 2, retryDelay: 10, circuitBreaker: { threshold: 3 } });
    const acquired = outcome(pool.acquire());
    await vi.advanceTimersByTimeAsync(1000);
    expect(acquired.current).toEqual({ status: 'rejected', reason: refused });
    expect(factory.createCalls).toBe(3);
    expect(pool.stats().circuit).toBe('open');
    await pool.clear();
  });
});
