/**
 * `group.getStats()` and `group.prometheus()`: every host's numbers (its pool's stats and the group's own
 * counts) and their sums; Prometheus text with every pool's families labelled by `target`, then the group's.
 */
import { formatPrometheus } from '../../pool/prometheus.js';
import type { GroupHost } from './group-host.js';
import type { GroupHostStats, GroupStats, GroupTotals } from './group-types.js';
import type { Limiter } from './limiter.js';

type PoolTotals = GroupTotals['pool'];

const SUMMED = [
  'active', 'leases', 'idle', 'waiting', 'total', 'pending', 'validating', 'closing', 'min', 'max', 'hits', 'misses',
  'connectionsCreated', 'connectionsDestroyed', 'totalAcquired', 'totalReleased', 'healthChecksPassed', 'healthCheckFailures',
] as const;

function poolTotals(hosts: readonly GroupHostStats[]): PoolTotals {
  const sums = Object.fromEntries(SUMMED.map((key) => [key, 0])) as Record<(typeof SUMMED)[number], number>;
  let waited = 0;
  for (const { pool } of hosts) {
    for (const key of SUMMED) sums[key] += pool[key];
    waited += pool.averageWaitTime * pool.totalAcquired;
  }
  return {
    ...sums,
    averageWaitTime: sums.totalAcquired === 0 ? 0 : waited / sums.totalAcquired,
    utilizationRate: sums.max === 0 ? 0 : sums.active / sums.max,
  };
}

export function groupStats(hosts: readonly GroupHost[], limiter: Limiter): GroupStats {
  const perHost = hosts.map((host) => host.stats());
  const count = (read: (stats: GroupHostStats) => number): number => perHost.reduce((sum, stats) => sum + read(stats), 0);
  return {
    hosts: perHost,
    total: {
      hosts: perHost.length,
      healthy: count((stats) => (stats.healthy ? 1 : 0)),
      inFlight: count((stats) => stats.inFlight),
      commands: count((stats) => stats.commands),
      succeeded: count((stats) => stats.succeeded),
      failed: count((stats) => stats.failed),
      connecting: limiter.active,
      waitingToConnect: limiter.waiting,
      openCircuits: count((stats) => (stats.pool.circuit === 'open' ? 1 : 0)),
      pool: poolTotals(perHost),
    },
  };
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

type HostFamily = readonly [name: string, type: 'gauge' | 'counter', help: string, read: (stats: GroupHostStats) => number];

const HOST_FAMILIES: readonly HostFamily[] = [
  ['rexec_group_host_in_flight', 'gauge', 'Commands the group has in flight on the host.', (s) => s.inFlight],
  ['rexec_group_host_healthy', 'gauge', '1 when the group would pick the host now, else 0.', (s) => (s.healthy ? 1 : 0)],
  ['rexec_group_host_commands_total', 'counter', 'Commands the group started on the host.', (s) => s.commands],
  ['rexec_group_host_failed_total', 'counter', 'Commands started on the host that did not exit 0.', (s) => s.failed],
];

/** Every pool's families labelled by `target`, then the group's per-host families and its handshake gauge. */
export function groupPrometheus(stats: GroupStats): string {
  const pools = formatPrometheus(stats.hosts.map((host) => ({ labels: { target: host.target }, stats: host.pool })));
  const lines: string[] = [];
  for (const [name, type, help, read] of HOST_FAMILIES) {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const host of stats.hosts) lines.push(`${name}{target="${escapeLabel(host.target)}"} ${read(host)}`);
  }
  lines.push(
    '# HELP rexec_group_connecting Handshakes in flight under the group budget (maxConnecting).',
    '# TYPE rexec_group_connecting gauge',
    `rexec_group_connecting ${stats.total.connecting}`,
  );
  return `${pools}${lines.join('\n')}\n`;
}
