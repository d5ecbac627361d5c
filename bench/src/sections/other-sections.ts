/**
 * Throughput (500 × `true`, 50 in flight, against MaxSessions 10), memory per idle connection,
 * and the pool microbenchmark: one child each, so a peer that loses commands or leaves
 * rejections behind is reported and the run goes on. Throughput children also read the bench
 * sshd's CPU (its process tree, from /proc) and the channels it refused (its log) over their loop.
 */
import type { ServerInfo, TargetInfo } from '../child/protocol.js';
import { runChild } from '../child/run-child.js';
import { labelOf, MEMORY_PEERS, THROUGHPUT_PEERS, type BenchPlan } from '../plan.js';
import type { BenchResults, MemoryRow, ThroughputRow } from '../report/results.js';
import { describe, statusOf, type Log } from './outcome.js';

const THROUGHPUT_LABELS: Readonly<Record<string, string>> = Object.freeze({
  'ssh2-nodelay': 'ssh2, one connection, ≤10 channels, nodelay',
  'rexec-pooled': '$.ssh pooled, max 4',
});

export async function runThroughputSection(host: TargetInfo, plan: BenchPlan, log: Log, server?: ServerInfo): Promise<ThroughputRow[]> {
  const { timeoutMs, ...planned } = plan.throughput;
  const params = { ...planned, server };
  const rows: ThroughputRow[] = [];
  for (const peer of THROUGHPUT_PEERS) {
    const outcome = await runChild({ scenario: 'throughput', peer, target: host, params }, { timeoutMs });
    log(`throughput ${peer}: ${describe(outcome)}`);
    const status = statusOf(peer, THROUGHPUT_LABELS[peer] ?? labelOf(peer), outcome);
    if (outcome.status !== 'ok' || outcome.result.kind !== 'throughput') {
      rows.push(status);
      continue;
    }
    const { ok, failed, lost, elapsedMs, failureKinds, cpuMicros, serverCpuMicros, refusedChannels, serverConnections } = outcome.result;
    const ran = Math.max(1, ok + failed - lost);
    rows.push({
      ...status,
      ok,
      failed,
      lost,
      elapsedMs,
      okPerSecond: (ok / elapsedMs) * 1000,
      cpuMicrosPerCommand: cpuMicros / ran,
      failureKinds,
      refusedChannels,
      serverConnections,
      serverCpuMs: serverCpuMicros === undefined ? undefined : serverCpuMicros / 1000,
      serverCpuMicrosPerOk: serverCpuMicros === undefined ? undefined : serverCpuMicros / Math.max(1, ok),
    });
  }
  return rows;
}

export async function runMemorySection(host: TargetInfo, plan: BenchPlan, log: Log): Promise<MemoryRow[]> {
  const { timeoutMs, ...params } = plan.memory;
  const rows: MemoryRow[] = [];
  for (const peer of MEMORY_PEERS) {
    const outcome = await runChild({ scenario: 'memory', peer, target: host, params }, { timeoutMs, nodeFlags: ['--expose-gc'] });
    log(`memory ${peer}: ${describe(outcome)}`);
    const status = statusOf(peer, labelOf(peer), outcome);
    if (outcome.status !== 'ok' || outcome.result.kind !== 'memory') {
      rows.push(status);
      continue;
    }
    const { connections, rssDeltaBytes, heapDeltaBytes, externalDeltaBytes } = outcome.result;
    const perConnectionKiB = (bytes: number): number => bytes / connections / 1024;
    rows.push({
      ...status,
      connections,
      rssPerConnectionKiB: perConnectionKiB(rssDeltaBytes),
      heapPerConnectionKiB: perConnectionKiB(heapDeltaBytes),
      externalPerConnectionKiB: perConnectionKiB(externalDeltaBytes),
    });
  }
  return rows;
}

export async function runPoolSection(quick: boolean, plan: BenchPlan, log: Log): Promise<BenchResults['pool']> {
  const outcome = await runChild({ scenario: 'pool', peer: 'pool', params: { quick } }, { timeoutMs: plan.poolTimeoutMs });
  log(`pool microbenchmark: ${describe(outcome)}`);
  if (outcome.status === 'ok') return { status: 'ok', data: outcome.result.kind === 'pool' ? outcome.result.data : undefined };
  return { status: outcome.status, reason: outcome.reason };
}
