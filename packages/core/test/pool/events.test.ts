import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPool, type PoolEvents, type ResourceState } from '../../src/pool/index.js';
import { fakeFactory, flush } from './fake-factory.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const LEGAL: Record<ResourceState, ResourceState[]> = {
  idle: ['active', 'validating', 'closing'],
  active: ['idle', 'validating', 'closing'],
  validating: ['idle', 'active', 'closing'],
  closing: [],
};

describe('events', () => {
  it('carries ids, the target, and measured waitTime and duration', async () => {
    const pool = createPool(fakeFactory({ delay: 40 }), { target: 'api', max: 1 });
    const seen: Array<[string, unknown]> = [];
    for (const name of ['connection:create', 'connection:acquire', 'connection:release', 'connection:destroy'] as const) {
      pool.on(name, (payload) => seen.push([name, payload]));
    }
    const resource = await (async () => {
      const pending = pool.acquire();
      await vi.advanceTimersByTimeAsync(40);
      return pending;
    })();
    expect(pool.idOf(resource)).toBe('api#1');
    await vi.advanceTimersByTimeAsync(250);
    await pool.release(resource);
    await pool.clear();
    expect(seen).toEqual([
      ['connection:create', { id: 'api#1', target: 'api' }],
      ['connection:acquire', { id: 'api#1', waitTime: 40 }],
      ['connection:release', { id: 'api#1', duration: 250 }],
      ['connection:destroy', { id: 'api#1', reason: 'closed' }],
    ]);
  });

  it('moves resources only along legal state edges', async () => {
    let healthy = true;
    const pool = createPool(fakeFactory({ validate: () => Promise.resolve(healthy) }), { validateOnReturn: true, validateInterval: 100, max: 2 });
    const edges: Array<PoolEvents['connection:state']> = [];
    pool.on('connection:state', (edge) => edges.push(edge));
    const a = await pool.acquire();
    const b = await pool.acquire();
    await pool.release(a);
    await vi.advanceTimersByTimeAsync(100);
    healthy = false;
    await pool.release(b);
    await pool.destroy(await pool.acquire(), 'error');
    await flush();
    await pool.clear();
    expect(edges.length).toBeGreaterThan(6);
    for (const { from, to } of edges) expect(LEGAL[from]).toContain(to);
    const last = new Map(edges.map((edge) => [edge.id, edge.to]));
    expect([...last.values()].every((state) => state === 'closing')).toBe(true);
  });

  it('fires pool:leak once per lease held past leaseWarning', async () => {
    const pool = createPool(fakeFactory(), { leaseWarning: 1000, max: 2 });
    const leaks: Array<PoolEvents['pool:leak']> = [];
    pool.on('pool:leak', (leak) => leaks.push(leak));
    const a = await pool.acquire();
    await vi.advanceTimersByTimeAsync(500);
    const b = await pool.acquire();
    await vi.advanceTimersByTimeAsync(999 - 500);
    expect(leaks).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(leaks).toEqual([{ id: pool.idOf(a), heldFor: 1000 }]);
    await pool.release(b);
    await vi.advanceTimersByTimeAsync(5000);
    expect(leaks).toHaveLength(1);
    await pool.release(a);
    await pool.clear();
  });

  it('survives listeners that throw, reporting them as pool:error', async () => {
    const pool = createPool(fakeFactory(), { max: 1 });
    const errors: Error[] = [];
    pool.on('pool:error', (error) => errors.push(error));
    pool.on('pool:error', () => {
      throw new Error('even this one');
    });
    for (const name of ['connection:create', 'connection:acquire', 'connection:release', 'connection:state'] as const) {
      pool.on(name, () => {
        throw new Error(`listener of ${name}`);
      });
    }
    const resource = await pool.acquire();
    await pool.release(resource);
    expect(await pool.acquire()).toBe(resource);
    expect(pool.stats()).toMatchObject({ active: 1, totalAcquired: 2, totalReleased: 1 });
    expect(errors.map((e) => e.message)).toContain('listener of connection:acquire');
    await pool.clear();
  });

  it('once and off work with the listener passed in', async () => {
    const pool = createPool(fakeFactory());
    const ids: string[] = [];
    const listener = ({ id }: { id: string }): void => void ids.push(id);
    pool.once('connection:acquire', listener);
    await pool.release(await pool.acquire());
    await pool.release(await pool.acquire());
    pool.on('connection:release', listener).off('connection:release', listener);
    await pool.release(await pool.acquire());
    expect(ids).toEqual(['pool#1']);
    await pool.clear();
  });
});
