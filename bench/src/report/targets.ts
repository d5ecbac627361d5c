/**
 * The issue's targets, checked against one run's figures (ratios within the run). A target
 * whose figures are missing (a part not built, a peer that crashed) is `n/a`, never `met`.
 */
import type { BenchSection } from '../options.js';
import type { BenchResults, PausesRow, SequentialRow, TargetCheck } from './results.js';
import { FIRST_COMMAND_REFERENCE, FLOOR_PEER } from '../plan.js';
import { fmt, ratio } from './stats.js';
import { poolOverheadRatio } from './pool-figures.js';

type Figures = Pick<BenchResults, 'sequential' | 'pauses' | 'throughput' | 'memory' | 'pool'>;

const OURS = 'rexec-pooled';

const check = (section: BenchSection, id: string, description: string, goal: string, actual: number, detail: string): TargetCheck => {
  const [op, bound] = [goal.slice(0, 1), Number(goal.slice(1).trim())];
  const verdict = !Number.isFinite(actual) ? 'n/a' : (op === '≤' ? actual <= bound : op === '≥' ? actual >= bound : actual === bound) ? 'met' : 'missed';
  return { id, section, description, goal, actual, verdict, detail };
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

/**
 * `$.ssh`'s worst per-command median with a pause over its own back-to-back median, over hosts and
 * pauses; the detail gives the floor's own ratio beside each, i.e. what the gap costs raw ssh2.
 */
function pausesRatio(rows: PausesRow[]): [number, string] {
  const ours = rows.filter((row) => row.peer === OURS);
  if (ours.length === 0) return [Number.NaN, `no ${OURS} figures`];
  const floorRatio = (host: string, pauseMs: number): number =>
    rows.find((row) => row.peer === FLOOR_PEER && row.host === host)?.pauses.find((f) => f.pauseMs === pauseMs)?.medianVsBackToBack ?? Number.NaN;
  const paused = ours.map((row) => ({ host: row.host, figures: row.pauses.filter((f) => f.pauseMs > 0) }));
  const values = paused.flatMap(({ figures }) => (figures.length === 0 ? [Number.NaN] : figures.map((f) => f.medianVsBackToBack)));
  const detail = paused
    .map(({ host, figures }) =>
      figures.length === 0
        ? `${host} no figures`
        : `${host} ${figures.map((f) => `${f.pauseMs} ms ${fmt(f.medianVsBackToBack)}× (floor ${fmt(floorRatio(host, f.pauseMs))}×)`).join(', ')}`,
    )
    .join('; ');
  return [values.some((v) => !Number.isFinite(v)) ? Number.NaN : Math.max(...values), detail];
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
  const [pauses, pausesDetail] = pausesRatio(figures.pauses);
  return [
    check('sequential', 'latency-loopback', 'pooled sequential latency vs the floor, loopback (median, worst command)', '≤ 1.10', loopLatency, loopDetail),
    check('sequential', 'latency-rtt20', 'pooled sequential latency vs the floor, 20 ms RTT (median, worst command)', '≤ 1.05', rttLatency, rttDetail),
    check('sequential', 'cpu', 'CPU per command vs the floor (worst of hosts and commands)', '≤ 1.15', Math.max(cpuLoop, cpuRtt), `loopback ${cpuLoopDetail}; rtt20 ${cpuRttDetail}`),
    check(
      'throughput',
      'throughput',
      'throughput vs the best peer (successful cmd/s)',
      '≥ 1.00',
      ratio(ours?.okPerSecond, best?.okPerSecond),
      `$.ssh ${fmt(ours?.okPerSecond ?? Number.NaN, 0)} cmd/s vs ${best?.label ?? 'no peer'} ${fmt(best?.okPerSecond ?? Number.NaN, 0)} cmd/s`,
    ),
    check('throughput', 'throughput-failures', 'failed commands of $.ssh in the throughput run', '= 0', ours?.failed ?? Number.NaN, `${ours?.failed ?? '?'} of ${(ours?.ok ?? 0) + (ours?.failed ?? 0)} failed`),
    check('sequential', 'first-command', 'first command (connect included) vs a fresh nodelay ssh2 connection (worst host)', '≤ 1.10', Math.max(firstLoop, firstRtt), `${firstLoopDetail}; ${firstRttDetail}`),
    check('pauses', 'latency-pauses', 'pooled per-command latency in a script with pauses vs back to back, same run (median, worst host and pause)', '≤ 1.05', pauses, pausesDetail),
    check('pool', 'pool-overhead', 'pool overhead per acquire+release vs raw generic-pool', '≤ 1.30', pool.ratio, pool.detail),
  ];
}
