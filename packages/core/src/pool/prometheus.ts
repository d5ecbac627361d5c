/**
 * Pool stats in the Prometheus text exposition format (version 0.0.4): one family per metric,
 * `rexec_pool_*`, one sample per pool labelled by `target` (and `key` for keyed pools).
 */
import type { CircuitStateName, PoolStats } from './types.js';

export interface PrometheusSource {
  readonly labels: Readonly<Record<string, string>>;
  readonly stats: PoolStats;
}

type Family = readonly [name: string, type: 'gauge' | 'counter', help: string, read: (stats: PoolStats) => number];

const CIRCUIT_STATES: readonly CircuitStateName[] = ['closed', 'open', 'half-open'];

const FAMILIES: readonly Family[] = [
  ['rexec_pool_active', 'gauge', 'Resources lent out.', (s) => s.active],
  ['rexec_pool_leases', 'gauge', 'Leases held (a shared resource counts once per holder).', (s) => s.leases],
  ['rexec_pool_idle', 'gauge', 'Resources ready to lend.', (s) => s.idle],
  ['rexec_pool_waiting', 'gauge', 'Acquires waiting for a resource.', (s) => s.waiting],
  ['rexec_pool_total', 'gauge', 'Resources that exist (active, idle, validating, closing).', (s) => s.total],
  ['rexec_pool_pending', 'gauge', 'Creates in flight.', (s) => s.pending],
  ['rexec_pool_min', 'gauge', 'Resources the pool keeps.', (s) => s.min],
  ['rexec_pool_max', 'gauge', 'Resources the pool allows.', (s) => s.max],
  ['rexec_pool_utilization_ratio', 'gauge', 'Active resources divided by max.', (s) => s.utilizationRate],
  ['rexec_pool_average_wait_seconds', 'gauge', 'Mean time an acquire waited, in seconds.', (s) => s.averageWaitTime / 1000],
  ['rexec_pool_hits_total', 'counter', 'Acquires served by an existing resource.', (s) => s.hits],
  ['rexec_pool_misses_total', 'counter', 'Acquires served by a resource created for them.', (s) => s.misses],
  ['rexec_pool_connections_created_total', 'counter', 'Resources created.', (s) => s.connectionsCreated],
  ['rexec_pool_connections_destroyed_total', 'counter', 'Resources destroyed.', (s) => s.connectionsDestroyed],
  ['rexec_pool_acquired_total', 'counter', 'Acquires served.', (s) => s.totalAcquired],
  ['rexec_pool_released_total', 'counter', 'Leases ended (released or destroyed by the borrower).', (s) => s.totalReleased],
  ['rexec_pool_health_checks_passed_total', 'counter', 'Validations that passed.', (s) => s.healthChecksPassed],
  ['rexec_pool_health_check_failures_total', 'counter', 'Validations that failed.', (s) => s.healthCheckFailures],
];

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labelText(labels: Readonly<Record<string, string>>): string {
  const parts = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabel(value)}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

function numberText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

export function formatPrometheus(sources: readonly PrometheusSource[]): string {
  const lines: string[] = [];
  for (const [name, type, help, read] of FAMILIES) {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const { labels, stats } of sources) lines.push(`${name}${labelText(labels)} ${numberText(read(stats))}`);
  }
  const circuit = 'rexec_pool_circuit_state';
  lines.push(`# HELP ${circuit} 1 for the circuit breaker's current state, 0 for the others.`, `# TYPE ${circuit} gauge`);
  for (const { labels, stats } of sources) {
    for (const state of CIRCUIT_STATES) lines.push(`${circuit}${labelText({ ...labels, state })} ${stats.circuit === state ? 1 : 0}`);
  }
  return `${lines.join('\n')}\n`;
}
