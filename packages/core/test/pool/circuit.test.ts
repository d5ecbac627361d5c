import { CircuitOpenError, ConnectionError } from '@rexec/adapters';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPool } from '../../src/pool/index.js';
import { fakeFactory, flush, outcome } from './fake-factory.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const refused = new ConnectionError('connect ECONNREFUSED 127.0.0.1:1', 'db');

describe('the pool behind its circuit breaker', () => {
  it('opens after threshold creation failures and then fails fast with retryAfter', async () => {
    const factory = fakeFactory({ failWith: refused });
    const pool = createPool(factory, { retryFailed: false, circuitBreaker: { threshold: 3, probeInterval: 5000 } });
    const events: string[] = [];
    pool.on('circuit:open', ({ failures }) => events.push(`open:${failures}`));
    for (let i = 0; i < 3; i += 1) await expect(pool.acquire()).rejects.toBe(refused);
    expect(pool.stats().circuit).toBe('open');
    await vi.advanceTimersByTimeAsync(1000);
    const fast = pool.acquire();
    await expect(fast).rejects.toBeInstanceOf(CircuitOpenError);
    await expect(fast).rejects.toMatchObject({ retryAfter: 4000 });
    expect(factory.createCalls).toBe(3);
    expect(events).toEqual(['open:3']);
    await pool.clear();
  });

  it('rejects the waiters queued when it opens, instead of leaving them to time out', async () => {
    const factory = fakeFactory({ failWith: refused, delay: 10 });
    const pool = createPool(factory, { max: 1, retryFailed: false, circuitBreaker: { threshold: 1 } });
    const waiters = [outcome(pool.acquire()), outcome(pool.acquire()), outcome(pool.acquire())];
    await vi.advanceTimersByTimeAsync(10);
    const reasons = waiters.map((w) => (w.current.status === 'rejected' ? w.current.reason : w.current.status));
    expect(reasons.filter((r) => r instanceof CircuitOpenError)).toHaveLength(2);
    expect(reasons).toContain(refused);
    await pool.clear();
  });

  it('reports half-open from the clock, lets one probe through, and closes on its success', async () => {
    const factory = fakeFactory({ failWith: refused, delay: 50 });
    const pool = createPool(factory, { retryFailed: false, circuitBreaker: { threshold: 1, probeInterval: 1000 } });
    const transitions: string[] = [];
    for (const name of ['circuit:open', 'circuit:half-open', 'circuit:close'] as const) pool.on(name, () => transitions.push(name));
    const first = outcome(pool.acquire());
    await vi.advanceTimersByTimeAsync(50);
    expect(first.current.status).toBe('rejected');
    await vi.advanceTimersByTimeAsync(1000);
    expect(pool.stats().circuit).toBe('half-open');
    factory.failWith = undefined;
    const probe = outcome(pool.acquire());
    const others = [pool.acquire(), pool.acquire()];
    for (const other of others) await expect(other).rejects.toBeInstanceOf(CircuitOpenError);
    await vi.advanceTimersByTimeAsync(50);
    expect(probe.current.status).toBe('fulfilled');
    expect(pool.stats().circuit).toBe('closed');
    expect(transitions).toEqual(['circuit:open', 'circuit:half-open', 'circuit:close']);
    await pool.clear();
  });

  it('reopens when the probe fails, for twice as long, and lets the next probe through after a probe times out', async () => {
    const factory = fakeFactory({ failWith: refused, delay: 10 });
    const pool = createPool(factory, { retryFailed: false, circuitBreaker: { threshold: 1, probeInterval: 1000 } });
    const first = outcome(pool.acquire());
    await vi.advanceTimersByTimeAsync(10);
    expect(first.current).toEqual({ status: 'rejected', reason: refused });
    await vi.advanceTimersByTimeAsync(1000);
    const probe = pool.acquire();
    const settled = probe.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(10);
    expect(await settled).toBe(refused);
    expect(pool.stats().circuit).toBe('open');
    await expect(pool.acquire()).rejects.toMatchObject({ retryAfter: 2000 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(pool.stats().circuit).toBe('open');
    await vi.advanceTimersByTimeAsync(1000);
    factory.delay = 100_000;
    factory.failWith = undefined;
    const slowProbe = outcome(pool.acquire({ timeout: 200 }));
    await vi.advanceTimersByTimeAsync(200);
    expect(slowProbe.current.status).toBe('rejected');
    expect(pool.stats().circuit).toBe('half-open');
    const nextProbe = outcome(pool.acquire({ timeout: 200 }));
    await flush();
    expect(nextProbe.current.status).toBe('pending');
    await pool.clear();
  });

  it('counts creates of one wave once even when they started in different milliseconds (refused within one)', async () => {
    const factory = fakeFactory({ failWith: refused, delay: 1 });
    const pool = createPool(factory, { maxConnecting: 2, retryFailed: false, circuitBreaker: { threshold: 2 } });
    const first = outcome(pool.acquire());
    // The first create's refusal is due now, but not yet seen when the second create starts, a millisecond later.
    vi.advanceTimersByTime(1);
    const second = outcome(pool.acquire());
    await vi.advanceTimersByTimeAsync(5);
    expect([first.current, second.current]).toEqual([
      { status: 'rejected', reason: refused },
      { status: 'rejected', reason: refused },
    ]);
    expect(factory.callTimes[1]! - factory.callTimes[0]!).toBe(1);
    expect(pool.stats().circuit).toBe('closed');
    await pool.clear();
  });

  it('counts four parallel creates that fail together once, and failures in sequence each', async () => {
    const factory = fakeFactory({ failWith: refused, delay: 50 });
    const pool = createPool(factory, { maxConnecting: 4, retryFailed: false, circuitBreaker: { threshold: 5 } });
    const opened: number[] = [];
    pool.on('circuit:open', ({ failures }) => opened.push(failures));
    const wave = [outcome(pool.acquire()), outcome(pool.acquire()), outcome(pool.acquire()), outcome(pool.acquire())];
    await vi.advanceTimersByTimeAsync(50);
    expect(factory.maxCreating).toBe(4);
    expect(wave.map((w) => w.current)).toEqual(Array.from({ length: 4 }, () => ({ status: 'rejected', reason: refused })));
    expect(pool.stats().circuit).toBe('closed');
    // The wave counted once: three more failures in sequence (1 + 3 = 4) leave it closed, the next opens it.
    for (let i = 0; i < 3; i += 1) {
      const one = outcome(pool.acquire());
      await vi.advanceTimersByTimeAsync(50);
      expect(one.current).toEqual({ status: 'rejected', reason: refused });
    }
    expect(pool.stats().circuit).toBe('closed');
    const fifth = outcome(pool.acquire());
    await vi.advanceTimersByTimeAsync(50);
    expect(fifth.current).toEqual({ status: 'rejected', reason: refused });
    expect(pool.stats().circuit).toBe('open');
    expect(opened).toEqual([5]);
    await expect(pool.acquire()).rejects.toMatchObject({ retryAfter: 1000 });
    await pool.clear();
  });

  it('opens after five failures in sequence, not before', async () => {
    const factory = fakeFactory({ failWith: refused, delay: 50 });
    const pool = createPool(factory, { maxConnecting: 4, retryFailed: false, circuitBreaker: { threshold: 5 } });
    for (let i = 1; i <= 5; i += 1) {
      expect(pool.stats().circuit).toBe('closed');
      const one = outcome(pool.acquire());
      await vi.advanceTimersByTimeAsync(50);
      expect(one.current).toEqual({ status: 'rejected', reason: refused });
    }
    expect(pool.stats().circuit).toBe('open');
    expect(factory.createCalls).toBe(5);
    await expect(pool.acquire()).rejects.toBeInstanceOf(CircuitOpenError);
    await pool.clear();
  });

  it('counts failed creates again from 1 when more than `timeout` ms apart', async () => {
    const factory = fakeFactory({ failWith: refused });
    const pool = createPool(factory, { retryFailed: false, circuitBreaker: { threshold: 2, timeout: 1000 } });
    await expect(pool.acquire()).rejects.toBe(refused);
    await vi.advanceTimersByTimeAsync(1001);
    await expect(pool.acquire()).rejects.toBe(refused);
    expect(pool.stats().circuit).toBe('closed');
    await expect(pool.acquire()).rejects.toBe(refused);
    expect(pool.stats().circuit).toBe('open');
    await pool.clear();
  });

  it('does not count failed borrow checks: it opens for hosts that cannot be reached, and a new resource can', async () => {
    const pool = createPool(fakeFactory({ validate: () => Promise.resolve(false) }), { max: 3, validateAfterIdle: 0, circuitBreaker: { threshold: 2 } });
    const all = [await pool.acquire(), await pool.acquire(), await pool.acquire()];
    for (const resource of all) await pool.release(resource);
    const next = await pool.acquire();
    expect(all).not.toContain(next);
    expect(pool.stats()).toMatchObject({ circuit: 'closed', healthCheckFailures: 3 });
    await pool.release(next);
    await pool.clear();
  });
});
