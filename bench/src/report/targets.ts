/**
 * The targets, checked against one run's figures (ratios within the run). A target
 * whose figures are missing (a part not built, a peer that crashed) is `n/a`, never `met`.
 */
import type { BenchResults, SequentialRow, TargetCheck } from './results.js';
import { FIRST_COMMAND_REFERENCE } from '../plan.js';
import { fmt, ratio } from './stats.js';
import { poolOverheadRatio } from './pool-figures.js';

type Figures = Pick<BenchResults, 'sequential' | 'throughput' | 'memory' | 'pool'>;

const OURS = 'rexec-pooled';

const check = (id: string, description: string, goal: string, actual: number, detail: string): TargetCheck => {
  const [op, bound] = [goal.slice(0, 1), Number(goal.slice(1).trim())];
  const verdict = !Number.isFinite(actual) ? 'n/a' : (op === '≤' ? actual <= bound : op === '≥' ? actual >= bound : actual === bound) ? 'met' : 'missed';
  return { id, description, goal, actual, verdict, detail };
};

const rowOf = (rows: SequentialRow[], peer: string, host: string): SequentialRow | undefined =>
  rows.find((row) => row.peer === peer && row.host === host);

/** The worst (largest) of a figure over commands, with a detail naming each. */
function worstRatio(rows: SequentialRow[], host: string, pick: 'medianVsFloor' | 'cpuVsFloor'): [number, string] {
  const figures = rowOf(rows, OURS, host)?.commands ?? [];
  if (figures.length === 0) return [Number.NaN, `no ${OURS} figures on ${host}`];
  const values = figures.map((f) => f[pick]);
  return [values.some((v) => !Number.isFinite(v)) ? Number.NaN : Math.max(...values), figures.map((f) => `\`${f.command}\` ${fmt(f[pick])}×`).join(', ')];
}

function firstCommandRatio(rows: SequentialRow[], host: string): [number, string] {
  const ours = rowOf(rows, OURS, host)?.firstCommand?.medianMs;
  const fresh = rowOf(rows, FIRST_COMMAND_REFERENCE, host)?.firstCommand?.medianMs;
  return [ratio(ours, fresh), `${host}: $.ssh ${fmt(ours ?? Number.NaN, 1)} ms vs new nodelay ssh2 connection ${fmt(fresh ?? Number.NaN, 1)} ms`];
}

export function checkTargets(figures: Figures): TargetCheck[] {
  const seq = figures.sequential;
  const [loopLatency, loopDetail] = worstRatio(seq, 'loopback', 'medianVsFloor');
  const [rttLatency, rttDetail] = worstRatio(seq, 'rtt20', 'medianVsFloor');
  const [cpuLoop, cpuLoopDetail] = worstRatio(seq, 'loopback', 'cpuVsFloor');
  const [cpuRtt, cpuRttDetail] = worstRatio(seq, 'rtt20', 'cpuVsFloor');
  const ours = figures.throughput.find((row) => row.peer === OURS);
  const peers = figures.throughput.filter((row) => row.peer !== OURS && row.okPerSecond !== undefined);
  const best = peers.reduce<(typeof peers)[number] | undefined>((top, row) => ((row.okPerSecond ?? 0) > (top?.okPerSecond ?? -1) ? row : top), undefined);
  const [firstLoop, firstLoopDetail] = firstCommandRatio(seq, 'loopback');
  const [firstRtt, firstRttDetail] = firstCommandRatio(seq, 'rtt20');
  const pool = poolOverheadRatio(figures.pool.data);
  return [
    check('latency-loopback', 'pooled sequential latency vs the floor, loopback (median, worst command)', '≤ 1.10', loopLatency, loopDetail),
    check('latency-rtt20', 'pooled sequential latency vs the floor, 20 ms RTT (median, worst command)', '≤ 1.05', rttLatency, rttDetail),
    check('cpu', 'CPU per command vs the floor (worst of hosts and commands)', '≤ 1.15', Math.max(cpuLoop, cpuRtt), `loopback ${cpuLoopDetail}; rtt20 ${cpuRttDetail}`),
    check(
      'throughput',
      'throughput vs the best peer (successful cmd/s)',
      '≥ 1.00',
      ratio(ours?.okPerSecond, best?.okPerSecond),
      `$.ssh ${fmt(ours?.okPerSecond ?? Number.NaN, 0)} cmd/s vs ${best?.label ?? 'no peer'} ${fmt(best?.okPerSecond ?? Number.NaN, 0)} cmd/s`,
    ),
    check('throughput-failures', 'failed commands of $.ssh in the throughput run', '= 0', ours?.failed ?? Number.NaN, `${ours?.failed ?? '?'} of ${(ours?.ok ?? 0) + (ours?.failed ?? 0)} failed`),
    check('first-command', 'first command (connect included) vs a fresh nodelay ssh2 connection (worst host)', '≤ 1.10', Math.max(firstLoop, firstRtt), `${firstLoopDetail}; ${firstRttDetail}`),
    check('pool-overhead', 'pool overhead per acquire+release vs raw generic-pool', '≤ 1.30', pool.ratio, pool.detail),
  ];
}
