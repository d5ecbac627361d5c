/**
 * The issue's targets, checked against one run's figures (ratios within the run). A target
 * whose figures are missing (a part not built, a peer that crashed) is `n/a`, never `met`.
 */
import type { BenchSection } from '../options.js';
import type { BenchResults, DeployRow, FaultsResults, PausesRow, SequentialRow, TargetCheck } from './results.js';
import { FIRST_COMMAND_REFERENCE, FLOOR_PEER } from '../plan.js';
import { fmt, ratio } from './stats.js';
import { poolOverheadRatio } from './pool-figures.js';
import { transferTargets } from './transfer-targets.js';
import { fleetTargets } from '../fleet/fleet-targets.js';

type Figures = Pick<BenchResults, 'sequential' | 'pauses' | 'throughput' | 'memory' | 'pool'> & Partial<Pick<BenchResults, 'deploy' | 'faults' | 'transfer' | 'fleet'>>;

const OURS = 'rexec-pooled';

const holds = (op: string, actual: number, bound: number): boolean =>
  op === '≤' ? actual <= bound : op === '≥' ? actual >= bound : op === '<' ? actual < bound : op === '>' ? actual > bound : actual === bound;

const check = (section: BenchSection, id: string, description: string, goal: string, actual: number, detail: string): TargetCheck => {
  const [op, bound] = [goal.slice(0, 1), Number(goal.slice(1).trim())];
  const verdict = !Number.isFinite(actual) ? 'n/a' : holds(op, actual, bound) ? 'met' : 'missed';
  return { id, section, description, goal, actual, verdict, detail };
};

const ms = (value: number | undefined): string => `${fmt(value ?? Number.NaN, 0)} ms`;

/** `$.ssh`'s deploy over node-ssh's at 20 ms RTT, the connection held (the first deploy, connect included, in the detail). */
function deployRatio(rows: readonly DeployRow[]): [number, string] {
  const on = (peer: string): DeployRow | undefined => rows.find((row) => row.peer === peer && row.host === 'rtt20');
  const ours = on(OURS);
  const nodeSsh = on('node-ssh');
  const floor = on(FLOOR_PEER);
  return [
    ours?.heldVsNodeSsh ?? Number.NaN,
    `rtt20, connection held: $.ssh ${ms(ours?.heldMedianMs)} vs node-ssh ${ms(nodeSsh?.heldMedianMs)} (floor ${ms(floor?.heldMedianMs)}, ` +
      `$.ssh ${fmt(ours?.heldVsFloor ?? Number.NaN)}× floor); first deploy, connect included: ${fmt(ours?.firstVsNodeSsh ?? Number.NaN)}× node-ssh`,
  ];
}

/**
 * Failed commands of the sshd restart with the breaker on over those with it off. With none failed
 * off, the count on is divided by 1 (so 0 and 0 is 0, met; 40 and 0 is 40, missed).
 */
function breakerFailureRatio(faults: FaultsResults | undefined): [number, string] {
  const on = faults?.restart.find((row) => row.breaker === 'on');
  const off = faults?.restart.find((row) => row.breaker === 'off');
  const raw = faults?.restart.find((row) => row.breaker === 'n/a');
  if (on?.failed === undefined || off?.failed === undefined) return [Number.NaN, 'no restart figures for both breaker settings'];
  const total = (on.ok ?? 0) + on.failed;
  return [on.failed / Math.max(1, off.failed), `failed of ${total}: breaker on ${on.failed}, off ${off.failed}, raw ssh2 naive reconnect ${raw?.failed ?? '?'}`];
}

function recoveryFigure(faults: FaultsResults | undefined): [number, string] {
  const row = (breaker: string) => faults?.restart.find((r) => r.breaker === breaker);
  const on = row('on');
  const detail = ['on', 'off', 'n/a']
    .map((breaker) => {
      const r = row(breaker);
      return `${breaker === 'n/a' ? 'raw ssh2' : `breaker ${breaker}`} ${ms(r?.recoveryMs)}${r?.recoveredBy === 'probe' ? ' (by a probe)' : ''}`;
    })
    .join(', ');
  return [on?.recoveryMs ?? Number.NaN, `from sshd answering again to the first success: ${detail}`];
}

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
  const [deployActual, deployDetail] = deployRatio(figures.deploy ?? []);
  const [breakerActual, breakerDetail] = breakerFailureRatio(figures.faults);
  const [recoveryActual, recoveryDetail] = recoveryFigure(figures.faults);
  const silent = figures.faults?.silent[0];
  const down = figures.faults?.down[0];
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
    check('deploy', 'deploy-vs-node-ssh', 'deploy of examples/deploy.ts end to end vs node-ssh, 20 ms RTT (median, connection held)', '≤ 0.30', deployActual, deployDetail),
    check('faults', 'restart-failures', 'sshd killed and restarted under load: failed commands with the breaker on vs off', '≤ 2', breakerActual, breakerDetail),
    check('faults', 'restart-recovery', 'sshd restart: from sshd answering again to the first successful command (breaker on), ms', '≤ 1000', recoveryActual, recoveryDetail),
    check(
      'faults',
      'silent-timeout',
      'a command with .timeout(1000) on a silent (frozen) connection settles within, ms (worst sample)',
      '≤ 1250',
      silent?.maxMs ?? Number.NaN,
      `${silent?.settleMs?.length ?? 0} samples, median ${ms(silent?.medianMs)}, worst ${ms(silent?.maxMs)}; ${Object.entries(silent?.outcomes ?? {}).map(([k, n]) => `${k} ×${n}`).join(', ')}`,
    ),
    check(
      'faults',
      'circuit-open-latency',
      'a host that stays down: CircuitOpenError once the circuit is open, ms (p95)',
      '< 10',
      down?.p95Ms ?? Number.NaN,
      `${down?.samples ?? 0} commands: median ${fmt(down?.medianMs ?? Number.NaN, 3)} ms, p95 ${fmt(down?.p95Ms ?? Number.NaN, 3)} ms; opened after ${ms(down?.msToOpen)} and ${down?.failuresBeforeOpen ?? '?'} failed commands`,
    ),
    ...transferTargets(figures.transfer ?? [], check),
    ...fleetTargets(figures.fleet, check),
  ];
}
