import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPool, type PoolMetrics } from '../../src/pool/index.js';
import { fakeFactory } from './fake-factory.js';

const parsePrometheus = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => Array<{ name: string; type: string; metrics: Array<{ value: string; labels?: Record<string, string> }> }>;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('stats and metrics', () => {
  it('reports every documented field (docs/pool.md#stats-and-metrics), adding up', async () => {
    const pool = createPool(fakeFactory({ delay: 100 }), { min: 0, max: 4 });
    const a = pool.acquire();
    await vi.advanceTimersByTimeAsync(100);
    const first = await a;
    const second = pool.acquire();
    await vi.advanceTimersByTimeAsync(100);
    await pool.release(await second);
    const stats = pool.stats();
    expect(Object.keys(stats).sort()).toEqual([
      'active', 'averageWaitTime', 'circuit', 'closing', 'connectionsCreated', 'connectionsDestroyed', 'healthCheckFailures',
      'healthChecksPassed', 'hits', 'idle', 'leases', 'max', 'min', 'misses', 'pending', 'total', 'totalAcquired', 'totalReleased',
      'utilizationRate', 'validating', 'waiting',
    ]);
    expect(stats).toMatchObject({
      active: 1, leases: 1, idle: 1, waiting: 0, total: 2, min: 0, max: 4, hits: 0, misses: 2, connectionsCreated: 2,
      connectionsDestroyed: 0, totalAcquired: 2, totalReleased: 1, averageWaitTime: 100, utilizationRate: 0.25, circuit: 'closed',
    });
    expect(stats.hits + stats.misses).toBe(stats.totalAcquired);
    expect(stats.totalAcquired - stats.totalReleased).toBe(stats.leases);
    await pool.release(first);
    await pool.clear();
  });

  it('emits pool:metrics every metricsInterval when metrics is on, and never when off', async () => {
    const on = createPool(fakeFactory(), { metrics: true, metricsInterval: 1000 });
    const off = createPool(fakeFactory(), { metricsInterval: 1000 });
    const seen: PoolMetrics[] = [];
    on.on('pool:metrics', (metrics) => seen.push(metrics));
    off.on('pool:metrics', (metrics) => seen.push(metrics));
    await on.release(await on.acquire());
    await vi.advanceTimersByTimeAsync(3000);
    expect(seen).toHaveLength(3);
    expect(seen[0]).toEqual({ connectionsCreated: 1, connectionsDestroyed: 0, totalAcquired: 1, totalReleased: 1, averageWaitTime: 0, utilizationRate: 0 });
    await on.clear();
    await off.clear();
  });

  it('exposes live stats as Prometheus text a parser accepts', async () => {
    const pool = createPool(fakeFactory(), { target: 'user@db:22', max: 3 });
    const held = await pool.acquire();
    const families = parsePrometheus(pool.prometheus());
    const sample = (name: string): string | undefined => families.find((f) => f.name === name)?.metrics[0]?.value;
    expect(sample('rexec_pool_active')).toBe('1');
    expect(sample('rexec_pool_max')).toBe('3');
    expect(sample('rexec_pool_misses_total')).toBe('1');
    expect(families.find((f) => f.name === 'rexec_pool_active')?.metrics[0]?.labels).toEqual({ target: 'user@db:22' });
    await pool.release(held);
    await pool.clear();
  });
});
