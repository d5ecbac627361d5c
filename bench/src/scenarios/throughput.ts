/**
 * Throughput: `total` commands with at most `inFlight` outstanding, on one session. Rejections are
 * counted by message; commands still pending at the deadline are counted as lost (and failed). When
 * the section names the sshd, its CPU and the channels it refused over the loop are read too.
 */
import type { ThroughputParams, ThroughputResult } from '../child/protocol.js';
import type { LoadedPeer } from '../peers/peer.js';
import { cpuSince, markCpu } from './cpu.js';
import type { Progress } from './progress.js';
import { watchServer } from './server-watch.js';

const MAX_FAILURE_KINDS = 5;

/** A failure's name and message with numbers masked, so that failures of one kind count together. */
export const failureKind = (error: unknown): string =>
  (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).replace(/\d+/g, 'N').slice(0, 120);

export async function runThroughput(peer: LoadedPeer, params: ThroughputParams, progress?: Progress): Promise<ThroughputResult> {
  const session = await peer.open({ purpose: 'throughput', maxConnections: params.maxConnections, maxChannels: params.serverMaxSessions });
  await session.exec('true'); // connect before the clock starts, as for the other peers
  let ok = 0;
  let failed = 0;
  let started = 0;
  const failureKinds: Record<string, number> = {};
  const record = (error: unknown): void => {
    failed++;
    const kind = failureKind(error);
    if (kind in failureKinds || Object.keys(failureKinds).length < MAX_FAILURE_KINDS) failureKinds[kind] = (failureKinds[kind] ?? 0) + 1;
  };
  const worker = async (): Promise<void> => {
    while (started < params.total) {
      started++;
      try {
        await session.exec(params.command);
        ok++;
      } catch (error) {
        record(error);
      }
      progress?.set(ok, failed);
    }
  };
  const server = watchServer(params.server);
  const mark = markCpu();
  const { outcome, elapsedMs } = await runWorkers(Math.min(params.inFlight, params.total), params.deadlineMs, worker);
  const cpu = cpuSince(mark);
  const serverFigures = server();
  const lost = outcome === 'deadline' ? params.total - ok - failed : 0;
  await Promise.race([session.close(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  return { kind: 'throughput', ok, failed: failed + lost, lost, elapsedMs, failureKinds, cpuMicros: cpu.total, ...serverFigures };
}

/** Runs `count` workers at once until they all end or `deadlineMs` passes (the rest are then lost). */
export async function runWorkers(count: number, deadlineMs: number, worker: () => Promise<void>): Promise<{ outcome: 'done' | 'deadline'; elapsedMs: number }> {
  const t0 = performance.now();
  let deadline: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'deadline'>((resolve) => {
    deadline = setTimeout(() => resolve('deadline'), deadlineMs);
  });
  const workers = Array.from({ length: count }, () => worker());
  const outcome = await Promise.race([Promise.all(workers).then(() => 'done' as const), timedOut]);
  clearTimeout(deadline);
  return { outcome, elapsedMs: performance.now() - t0 };
}
