import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { formatPrometheus } from './prometheus.js';
import type { PoolStats } from './types.js';

interface ParsedFamily {
  name: string;
  help: string;
  type: string;
  metrics: Array<{ value: string; labels?: Record<string, string> }>;
}
const parsePrometheus = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => ParsedFamily[];

const stats: PoolStats = {
  active: 2, leases: 5, idle: 1, waiting: 4, total: 3, pending: 1, validating: 0, closing: 0, min: 1, max: 5, hits: 10, misses: 3,
  connectionsCreated: 3, connectionsDestroyed: 0, totalAcquired: 13, totalReleased: 11, averageWaitTime: 250,
  utilizationRate: 0.4, healthChecksPassed: 7, healthCheckFailures: 1, circuit: 'half-open',
};

describe('formatPrometheus', () => {
  it('is accepted by a Prometheus text-format parser, one family per metric with HELP and TYPE', () => {
    const families = parsePrometheus(formatPrometheus([{ labels: { target: 'db' }, stats }, { labels: { target: 'cache' }, stats: { ...stats, active: 0 } }]));
    const byName = new Map(families.map((f) => [f.name, f]));
    expect(new Set(families.map((f) => f.name)).size).toBe(families.length);
    expect(byName.get('rexec_pool_active')).toMatchObject({
      type: 'GAUGE',
      metrics: [{ value: '2', labels: { target: 'db' } }, { value: '0', labels: { target: 'cache' } }],
    });
    expect(byName.get('rexec_pool_hits_total')).toMatchObject({ type: 'COUNTER', metrics: [{ value: '10' }, { value: '10' }] });
    expect(byName.get('rexec_pool_average_wait_seconds')?.metrics[0]?.value).toBe('0.25');
    const circuit = byName.get('rexec_pool_circuit_state')?.metrics.filter((m) => m.labels?.['target'] === 'db');
    expect(circuit?.map((m) => [m.labels?.['state'], m.value])).toEqual([['closed', '0'], ['open', '0'], ['half-open', '1']]);
    for (const family of families) expect(family.name).toMatch(/^rexec_pool_[a-z_]+$/);
  });

  it('escapes label values so any target name stays parseable', () => {
    const target = 'we"ird\\name\nwith newline';
    const families = parsePrometheus(formatPrometheus([{ labels: { target }, stats }]));
    expect(families[0]?.metrics[0]?.labels).toEqual({ target });
  });
});
