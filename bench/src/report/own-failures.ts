/**
 * What makes `pnpm bench` exit non-zero: our own code crashing, hanging or throwing — `$.ssh`, the
 * pool microbenchmark, and the bench's own raw-ssh2 clients (the floor, fresh, generic-pool, the naive
 * reconnect of the faults section), in any section.
 * `$.ssh` or the pool microbenchmark being unavailable counts too: both are in the tree, so a
 * missing one means the build or the wiring broke. Timing figures, missed targets and third-party
 * peers' failures never do.
 */
import type { BenchResults, PeerStatus } from './results.js';
import { fleetOwnRows } from '../fleet/fleet-figures.js';

const OWN_PEERS = new Set(['ssh2-nodelay', 'ssh2-wrapped', 'ssh2-default', 'ssh2-fresh', 'generic-pool-ssh2', 'ssh2-reconnect', 'rexec-pooled', 'rexec-control-master', 'rexec']);
const BROKEN = new Set(['crashed', 'hung', 'error', 'unavailable']);

export function ourFailures(results: BenchResults): string[] {
  const rows: Array<PeerStatus & { where: string }> = [
    ...results.sequential.map((row) => ({ ...row, where: `sequential ${row.host}` })),
    ...results.pauses.map((row) => ({ ...row, where: `pauses ${row.host}` })),
    ...results.throughput.map((row) => ({ ...row, where: 'throughput' })),
    ...results.memory.map((row) => ({ ...row, where: 'memory' })),
    ...results.deploy.map((row) => ({ ...row, where: `deploy ${row.host}` })),
    ...(results.transfer ?? []).map((row) => ({ ...row, where: `transfer ${row.host} ${row.workload} ${row.direction}` })),
    ...results.faults.restart.map((row) => ({ ...row, where: `faults restart (breaker ${row.breaker})` })),
    ...results.faults.silent.map((row) => ({ ...row, where: 'faults silent connection' })),
    ...results.faults.down.map((row) => ({ ...row, where: 'faults host down' })),
    ...fleetOwnRows(results.fleet),
  ];
  const failures = rows
    .filter((row) => OWN_PEERS.has(row.peer) && BROKEN.has(row.status))
    .map((row) => `${row.where} ${row.peer}: ${row.status}: ${row.reason ?? ''}`);
  if (BROKEN.has(results.pool.status)) failures.push(`pool microbenchmark: ${results.pool.status}: ${results.pool.reason ?? ''}`);
  return failures;
}
