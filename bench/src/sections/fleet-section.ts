/**
 * The fleet section (issue 14): N simulated hosts (fleet/fleet-hosts.ts), every client fanning `true` and
 * `hostname` out over all of them, 32 hosts at once; then the serial fan-out (rexec vs raw ssh2, one host at
 * a time) and the fixed cost of a group (import, handles, close) in fresh processes. Each client is a child
 * process measured from outside (fleet/fleet-measure.ts) and killed at the plan's time limit.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import type { FleetFixedRow, FleetResults, FleetRow, FleetSerialRow, LibraryReport } from '../fleet/fleet-figures.js';
import { libraryFigures, parseLibraryReport, toolFigures } from '../fleet/fleet-figures.js';
import { startFleetHosts, FLEET_MAX_STARTUPS, type FleetHost, type FleetHosts } from '../fleet/fleet-hosts.js';
import { runMeasured, type MeasuredRun } from '../fleet/fleet-measure.js';
import { countAnsible, countPdsh, countPlainLines, countPssh, type HostCounts } from '../fleet/fleet-output.js';
import {
  FLEET_FLOOR,
  FLEET_OURS,
  FLEET_RUNS,
  fleetLabel,
  invocationOf,
  nodeInvocation,
  RESULT_MARKER,
  unavailableReason,
  type FleetRun,
  type NodeTask,
} from '../fleet/fleet-peers.js';
import type { FleetPlan } from '../fleet/fleet-plan.js';
import { median } from '../report/stats.js';
import type { Log } from './outcome.js';

/** Debian package versions of the tools (dpkg-query; none when it is not there). */
function toolVersions(): Record<string, string> {
  const packages: Record<string, string> = { pdsh: 'pdsh', pssh: 'pssh', ansible: 'ansible-core', asyncssh: 'python3-asyncssh' };
  const versions: Record<string, string> = {};
  for (const [peer, name] of Object.entries(packages)) {
    try {
      const version = execFileSync('dpkg-query', ['-W', '-f=${Version}', name], { encoding: 'utf8', timeout: 5_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      if (version !== '') versions[peer] = version.replace(/[-+~].*$/, '');
    } catch {
      // not installed by dpkg, or no dpkg: no version in the label
    }
  }
  return versions;
}

/** `OpenSSH_9.2p1` (ssh -V prints on stderr), or undefined. */
function opensshVersion(): string | undefined {
  const printed = spawnSync('ssh', ['-V'], { encoding: 'utf8', timeout: 5_000 });
  return /OpenSSH_\S+/.exec(`${printed.stderr ?? ''}${printed.stdout ?? ''}`)?.[0]?.replace(/,$/, '');
}

const countsOf = (run: FleetRun, measured: MeasuredRun, expected: string): HostCounts => {
  switch (run.peer) {
    case 'pdsh':
      return countPdsh(measured.stdout, measured.stderr, expected);
    case 'pssh':
      return countPssh(measured.stdout, expected);
    case 'ansible':
      return countAnsible(measured.stdout, expected);
    default:
      return countPlainLines(measured.stdout, measured.stderr, expected);
  }
};

const tail = (text: string): string => text.trim().split('\n').slice(-3).join(' | ').slice(0, 300);

/** A library's report, or why there is none (crashed, hung, printed nothing). */
function reportOf(measured: MeasuredRun): LibraryReport {
  const report = parseLibraryReport(measured.stdout, RESULT_MARKER);
  if (measured.status !== 'ok') return { status: 'error', reason: `${measured.status}: ${measured.reason ?? ''} ${tail(measured.stderr)}` };
  return report ?? { status: 'error', reason: `exited ${String(measured.exitCode)} without a result: ${tail(measured.stderr) || tail(measured.stdout)}` };
}

async function fanOut(run: FleetRun, fleet: FleetHosts, plan: FleetPlan, label: string, log: Log): Promise<FleetRow> {
  const base = { peer: run.peer, label, kex: run.kex, kind: run.kind, hosts: fleet.hosts.length };
  const missing = unavailableReason(run.peer);
  if (missing !== undefined) {
    log(`fleet ${label}: unavailable: ${missing}`);
    return { ...base, status: 'unavailable', reason: missing };
  }
  const measured = await runMeasured({ ...invocationOf(run, fleet, plan), timeoutMs: plan.timeoutMs, servers: fleet.servers });
  if (run.kind === 'library') {
    const report = reportOf(measured);
    if (report.status !== 'ok') {
      log(`fleet ${label}: ${report.status.toUpperCase()}: ${report.reason ?? ''}`);
      return { ...base, status: report.status, reason: report.reason };
    }
    const row: FleetRow = { ...base, status: 'ok', ...libraryFigures(fleet.hosts.length, measured, report) };
    log(`fleet ${label}: ${row.ok ?? 0}/${fleet.hosts.length} ok in ${((row.wallMs ?? 0) / 1000).toFixed(1)} s`);
    return row;
  }
  if (measured.status !== 'ok') {
    log(`fleet ${label}: ${measured.status.toUpperCase()}: ${measured.reason ?? ''}`);
    return { ...base, status: measured.status, reason: `${measured.reason ?? ''} ${tail(measured.stderr)}`.trim() };
  }
  const row: FleetRow = { ...base, status: 'ok', ...toolFigures(fleet.hosts.length, measured, countsOf(run, measured, fleet.expectedHostname)) };
  log(`fleet ${label}: ${row.ok ?? 0}/${fleet.hosts.length} ok in ${(measured.wallMs / 1000).toFixed(1)} s`);
  return row;
}

const nodeTask = (fleet: FleetHosts, plan: FleetPlan, client: 'rexec' | 'ssh2', mode: NodeTask['mode'], hosts: readonly FleetHost[], concurrency: number): NodeTask => ({
  mode,
  client,
  hosts: [...hosts],
  knownHostsPath: fleet.knownHostsPath,
  concurrency,
  expected: fleet.expectedHostname,
  readyTimeoutMs: plan.readyTimeoutMs,
  warmup: mode === 'fanout',
});

/** One host at a time, rexec and raw ssh2 in turn. */
async function serial(fleet: FleetHosts, plan: FleetPlan, log: Log): Promise<FleetSerialRow[]> {
  const hosts = fleet.hosts.slice(0, plan.serialHosts);
  const rows: FleetSerialRow[] = [];
  for (const client of [FLEET_FLOOR, FLEET_OURS] as const) {
    const label = fleetLabel({ peer: client, kex: 'curve25519', kind: 'library' });
    const measured = await runMeasured({ ...nodeInvocation(nodeTask(fleet, plan, client, 'fanout', hosts, 1)), timeoutMs: plan.timeoutMs, servers: fleet.servers });
    const report = reportOf(measured);
    log(`fleet serial ${label}: ${report.status === 'ok' ? `${report.ok ?? 0}/${hosts.length} ok in ${((report.wallMs ?? 0) / 1000).toFixed(1)} s` : `${report.status}: ${report.reason ?? ''}`}`);
    const base = { peer: client, label, hosts: hosts.length };
    if (report.status !== 'ok') {
      rows.push({ ...base, status: report.status, reason: report.reason });
      continue;
    }
    const wallMs = report.wallMs ?? Number.NaN;
    rows.push({
      ...base,
      status: 'ok',
      ok: report.ok,
      failed: report.failed,
      wallMs,
      msPerHost: wallMs / hosts.length,
      cpuMsPerHost: (report.cpuMicros ?? Number.NaN) / 1000 / hosts.length,
    });
  }
  return rows;
}

/**
 * `fixedHosts` targets over the fleet's keys (distinct 127.x addresses; nothing connects), each client in
 * `fixedRepeats` fresh processes, alternating so that drift of the machine hits both alike.
 */
async function fixed(fleet: FleetHosts, plan: FleetPlan, log: Log): Promise<FleetFixedRow[]> {
  const first = fleet.hosts[0];
  if (first === undefined) return [];
  const hosts: FleetHost[] = Array.from({ length: plan.fixedHosts }, (_, i) => {
    const model = fleet.hosts[i % fleet.hosts.length] ?? first;
    return { ...model, name: `f${i + 1}`, host: `127.1.${Math.floor(i / 250)}.${(i % 250) + 1}` };
  });
  const samples = new Map<string, number[]>([
    [FLEET_FLOOR, []],
    [FLEET_OURS, []],
  ]);
  const cpuSamples = new Map<string, number[]>([
    [FLEET_FLOOR, []],
    [FLEET_OURS, []],
  ]);
  const failures = new Map<string, string>();
  for (let round = 0; round < plan.fixedRepeats; round++) {
    for (const client of [FLEET_FLOOR, FLEET_OURS] as const) {
      const measured = await runMeasured({ ...nodeInvocation(nodeTask(fleet, plan, client, 'fixed', hosts, plan.concurrency)), timeoutMs: plan.timeoutMs, servers: [] });
      const report = reportOf(measured);
      if (report.status === 'ok' && report.fixedMs !== undefined && report.fixedCpuMs !== undefined) {
        samples.get(client)?.push(report.fixedMs);
        cpuSamples.get(client)?.push(report.fixedCpuMs);
      } else failures.set(client, `${report.status}: ${report.reason ?? ''}`);
    }
  }
  return ([FLEET_FLOOR, FLEET_OURS] as const).map((client) => {
    const taken = samples.get(client) ?? [];
    const cpu = cpuSamples.get(client) ?? [];
    const label = fleetLabel({ peer: client, kex: 'curve25519', kind: 'library' });
    const failure = failures.get(client);
    log(`fleet fixed cost ${label}: ${failure ?? `median ${median(taken).toFixed(0)} ms, CPU ${median(cpu).toFixed(0)} ms, of ${taken.length}`}`);
    return failure === undefined
      ? { peer: client, label, status: 'ok' as const, hosts: hosts.length, samplesMs: taken, medianMs: median(taken), samplesCpuMs: cpu, medianCpuMs: median(cpu) }
      : { peer: client, label, status: 'error' as const, reason: failure, hosts: hosts.length, samplesMs: taken };
  });
}

export async function runFleetSection(plan: FleetPlan, log: Log): Promise<FleetResults> {
  const fleet = await startFleetHosts(plan.hosts);
  try {
    log(`fleet: ${fleet.hosts.length} hosts on ${fleet.servers.length} sshd (MaxStartups ${FLEET_MAX_STARTUPS}), ${plan.concurrency} at once`);
    const versions = toolVersions();
    const runs: FleetRow[] = [];
    for (const run of FLEET_RUNS) runs.push(await fanOut(run, fleet, plan, fleetLabel(run, versions), log));
    const serialRows = await serial(fleet, plan, log);
    const fixedRows = await fixed(fleet, plan, log);
    return {
      hosts: fleet.hosts.length,
      concurrency: plan.concurrency,
      sshds: fleet.servers.length,
      maxStartups: FLEET_MAX_STARTUPS,
      openssh: opensshVersion(),
      runs,
      serial: serialRows,
      fixed: fixedRows,
    };
  } finally {
    await fleet.stop();
  }
}

