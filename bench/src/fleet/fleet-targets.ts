/**
 * The fleet targets of issue 14, on one run's rows (ratios within the run). "Equal key exchange" means the
 * OpenSSH-based tools' curve25519-sha256 runs, the key exchange ssh2 (and so rexec) negotiates; their
 * default-kex runs are shown in the table but judged against nothing. A figure that is missing makes its
 * target `n/a`.
 */
import type { BenchSection } from '../options.js';
import type { TargetCheck } from '../report/results.js';
import { fmt, ratio } from '../report/stats.js';
import type { FleetResults, FleetRow } from './fleet-figures.js';
import { FLEET_FLOOR, FLEET_OURS } from './fleet-peers.js';

/** targets.ts's `check` (passed in, so this file does not import targets.ts back). */
export type CheckTarget = (section: BenchSection, id: string, description: string, goal: string, actual: number, detail: string) => TargetCheck;

const usable = (row: FleetRow | undefined): row is FleetRow => row !== undefined && row.status === 'ok' && row.failed === 0;
const find = (runs: readonly FleetRow[], peer: string): FleetRow | undefined => runs.find((row) => row.peer === peer);

/** The OpenSSH-based runs at equal key exchange that reached every host. */
const equalKexTools = (runs: readonly FleetRow[]): FleetRow[] => runs.filter((row) => row.kind === 'openssh' && row.kex === 'curve25519' && usable(row));

/** The row with the least (or most) of a figure, among rows that have it. */
export function extreme(rows: readonly FleetRow[], pick: (row: FleetRow) => number | undefined, want: 'min' | 'max'): FleetRow | undefined {
  let best: FleetRow | undefined;
  for (const row of rows) {
    const value = pick(row);
    if (value === undefined || !Number.isFinite(value)) continue;
    const top = best === undefined ? undefined : pick(best);
    if (top === undefined || (want === 'min' ? value < top : value > top)) best = row;
  }
  return best;
}

const cpu = (row: FleetRow): number | undefined => row.clientCpuMsPerHost;
const rate = (row: FleetRow): number | undefined => row.hostsPerSecond;
const ms = (value: number | undefined, digits = 1): string => `${fmt(value ?? Number.NaN, digits)} ms`;

export function fleetTargets(fleet: FleetResults | undefined, check: CheckTarget): TargetCheck[] {
  const runs = fleet?.runs ?? [];
  const ours = find(runs, FLEET_OURS);
  const floor = find(runs, FLEET_FLOOR);
  const asyncssh = find(runs, 'asyncssh');
  const tools = equalKexTools(runs);
  const bestToolCpu = extreme(tools, cpu, 'min');
  const peers = [...tools, ...(usable(asyncssh) ? [asyncssh] : [])];
  const bestRate = extreme(peers, rate, 'max');
  const oursCpu = ours?.clientCpuMsPerHost;
  const cpuDetail = (other: FleetRow | undefined): string => `$.ssh.group ${ms(oursCpu, 2)} vs ${other?.label ?? 'no figure'} ${ms(other?.clientCpuMsPerHost, 2)} per host`;
  const serialOurs = fleet?.serial.find((row) => row.peer === FLEET_OURS);
  const serialFloor = fleet?.serial.find((row) => row.peer === FLEET_FLOOR);
  const fixedOurs = fleet?.fixed.find((row) => row.peer === FLEET_OURS);
  const fixedFloor = fleet?.fixed.find((row) => row.peer === FLEET_FLOOR);
  const fixedBeyond = (fixedOurs?.medianCpuMs ?? Number.NaN) - (fixedFloor?.medianCpuMs ?? Number.NaN);
  const hosts = fleet?.hosts ?? 0;
  return [
    check('fleet', 'fleet-cpu-vs-ssh2', `client CPU per host of a ${hosts}-host fan-out vs raw ssh2`, '≤ 1.20', ratio(oursCpu, floor?.clientCpuMsPerHost), cpuDetail(floor)),
    check('fleet', 'fleet-cpu-vs-asyncssh', 'client CPU per host vs asyncssh', '≤ 1.00', ratio(oursCpu, asyncssh?.clientCpuMsPerHost), cpuDetail(asyncssh)),
    check('fleet', 'fleet-cpu-vs-openssh', 'client CPU per host vs the best OpenSSH-based tool at equal kex (curve25519)', '≤ 0.50', ratio(oursCpu, bestToolCpu?.clientCpuMsPerHost), cpuDetail(bestToolCpu)),
    check(
      'fleet',
      'fleet-hosts-per-second',
      'hosts/s vs the best peer at equal kex (asyncssh, OpenSSH-based tools with curve25519)',
      '≥ 1.00',
      ratio(ours?.hostsPerSecond, bestRate?.hostsPerSecond),
      `$.ssh.group ${fmt(ours?.hostsPerSecond ?? Number.NaN, 1)} hosts/s vs ${bestRate?.label ?? 'no peer'} ${fmt(bestRate?.hostsPerSecond ?? Number.NaN, 1)} hosts/s (raw ssh2 ${fmt(floor?.hostsPerSecond ?? Number.NaN, 1)})`,
    ),
    check(
      'fleet',
      'fleet-failures',
      'failed hosts + dropped handshakes of $.ssh.group',
      '= 0',
      ours?.failed === undefined ? Number.NaN : ours.failed + (ours.dropped ?? 0),
      `${ours?.failed ?? '?'} of ${hosts} hosts failed, ${ours?.dropped ?? '?'} handshakes dropped${ours?.firstFailure === undefined ? '' : `; first: ${ours.firstFailure}`}`,
    ),
    check(
      'fleet',
      'fleet-fixed-cost',
      `fixed cost of a ${fixedOurs?.hosts ?? '?'}-host group beyond raw ssh2's (import, handles, close; CPU ms)`,
      '≤ 100',
      fixedBeyond,
      `CPU: $.ssh.group ${ms(fixedOurs?.medianCpuMs, 0)} vs raw ssh2 ${ms(fixedFloor?.medianCpuMs, 0)}; wall: ${ms(fixedOurs?.medianMs, 0)} vs ${ms(fixedFloor?.medianMs, 0)} (medians of ${fixedOurs?.samplesMs.length ?? 0} fresh processes each)`,
    ),
    check(
      'fleet',
      'fleet-serial',
      `serial fan-out (concurrency 1, ${serialOurs?.hosts ?? '?'} hosts) per host vs raw ssh2`,
      '≤ 1.05',
      serialOurs?.failed === 0 && serialFloor?.failed === 0 ? ratio(serialOurs.msPerHost, serialFloor.msPerHost) : Number.NaN,
      `$.ssh.group ${ms(serialOurs?.msPerHost)} vs raw ssh2 ${ms(serialFloor?.msPerHost)} per host`,
    ),
  ];
}
