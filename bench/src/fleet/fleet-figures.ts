/**
 * The fleet section's figures (bench/results/latest.json `fleet`), and how a run's measurements become a
 * row: pure functions, unit-tested in fleet-figures.test.ts.
 */
import type { PeerStatus } from '../report/results.js';
import type { MeasuredRun } from './fleet-measure.js';
import type { HostCounts } from './fleet-output.js';
import type { FleetKex } from './fleet-peers.js';

/** One client's fan-out over every host. */
export interface FleetRow extends PeerStatus {
  readonly kex: FleetKex;
  readonly kind: 'library' | 'openssh';
  readonly hosts: number;
  readonly ok?: number;
  readonly failed?: number;
  /** Handshakes the sshds dropped during the run (MaxStartups). */
  readonly dropped?: number;
  /** The fan-out's wall time: inside the process for libraries (after the import), the whole process for tools. */
  readonly wallMs?: number;
  readonly hostsPerSecond?: number;
  /** Client CPU of the fan-out per host: inside the process for libraries, the process tree for tools. */
  readonly clientCpuMsPerHost?: number;
  /** CPU of the whole process tree, interpreter start and imports included. */
  readonly processCpuMs?: number;
  readonly sshdCpuMsPerHost?: number;
  /** The larger of the sampled peak RSS of the process tree and the process's own peak. */
  readonly peakRssMiB?: number;
  readonly firstFailure?: string | undefined;
  /** rexec: `closePool()` of every connected host, ms (the hosts close at once, not one after another). */
  readonly closeMs?: number | undefined;
}

/** The serial fan-out (one host at a time): rexec vs raw ssh2. */
export interface FleetSerialRow extends PeerStatus {
  readonly hosts: number;
  readonly ok?: number;
  readonly failed?: number;
  readonly wallMs?: number;
  readonly msPerHost?: number;
  readonly cpuMsPerHost?: number;
}

/** Import + handles for every host + close, no connection, in fresh processes. */
export interface FleetFixedRow extends PeerStatus {
  readonly hosts: number;
  /** Wall time per fresh process. */
  readonly samplesMs: readonly number[];
  readonly medianMs?: number;
  /** CPU time per fresh process: what the target judges, since other load on the machine stretches wall time. */
  readonly samplesCpuMs?: readonly number[];
  readonly medianCpuMs?: number;
}

export interface FleetResults {
  readonly hosts: number;
  readonly concurrency: number;
  /** sshd processes behind the hosts (16 addresses each). */
  readonly sshds: number;
  readonly maxStartups: string;
  /** The OpenSSH client the tools ran (`OpenSSH_9.2p1`). */
  readonly openssh?: string | undefined;
  readonly runs: FleetRow[];
  readonly serial: FleetSerialRow[];
  readonly fixed: FleetFixedRow[];
}

/** What fleet-node-child.mjs and fleet-asyncssh.py print. */
export interface LibraryReport {
  readonly status: 'ok' | 'unavailable' | 'error';
  readonly reason?: string;
  readonly ok?: number;
  readonly failed?: number;
  readonly firstFailure?: string | null;
  readonly wallMs?: number;
  readonly cpuMicros?: number;
  readonly maxRssKiB?: number;
  readonly fixedMs?: number;
  readonly fixedCpuMs?: number;
  readonly version?: string;
  /** rexec: how long `closePool()` of every connected host took, ms. */
  readonly closeMs?: number;
}

export function parseLibraryReport(stdout: string, marker: string): LibraryReport | undefined {
  const at = stdout.lastIndexOf(marker);
  if (at < 0) return undefined;
  try {
    return JSON.parse(stdout.slice(at + marker.length).split('\n', 1)[0] ?? '') as LibraryReport;
  } catch {
    return undefined;
  }
}

const mib = (kib: number): number => kib / 1024;

/** The figures of a library's run: its own report for the fan-out, the measured process for the rest. */
export function libraryFigures(hosts: number, measured: MeasuredRun, report: LibraryReport): Partial<FleetRow> {
  const wallMs = report.wallMs ?? Number.NaN;
  return {
    ok: report.ok,
    failed: report.failed,
    dropped: measured.droppedHandshakes,
    wallMs,
    hostsPerSecond: (hosts / wallMs) * 1000,
    clientCpuMsPerHost: (report.cpuMicros ?? Number.NaN) / 1000 / hosts,
    processCpuMs: measured.treeCpuMs,
    sshdCpuMsPerHost: measured.sshdCpuMs === undefined ? undefined : measured.sshdCpuMs / hosts,
    peakRssMiB: mib(Math.max(measured.peakTreeRssKiB, report.maxRssKiB ?? 0)),
    firstFailure: report.firstFailure ?? undefined,
    closeMs: report.closeMs,
  };
}

/** The figures of a tool's run: all from outside; hosts that did not print the expected name failed. */
export function toolFigures(hosts: number, measured: MeasuredRun, counts: HostCounts): Partial<FleetRow> {
  const failed = hosts - counts.ok;
  return {
    ok: counts.ok,
    failed,
    dropped: measured.droppedHandshakes,
    wallMs: measured.wallMs,
    hostsPerSecond: (hosts / measured.wallMs) * 1000,
    clientCpuMsPerHost: measured.treeCpuMs / hosts,
    processCpuMs: measured.treeCpuMs,
    sshdCpuMsPerHost: measured.sshdCpuMs === undefined ? undefined : measured.sshdCpuMs / hosts,
    peakRssMiB: mib(measured.peakTreeRssKiB),
    firstFailure: failed > 0 ? (counts.firstFailure ?? `${failed} host(s) printed nothing (exit code ${String(measured.exitCode)})`) : undefined,
  };
}

/**
 * The fleet rows of our own code (rexec and the bench's raw ssh2 client) under the names own-failures.ts
 * knows, so that a crash or hang of either fails `pnpm bench`; the third-party clients never do.
 */
export function fleetOwnRows(fleet: FleetResults | undefined): Array<PeerStatus & { where: string }> {
  const own: Readonly<Record<string, string>> = { rexec: 'rexec-pooled', ssh2: 'ssh2-fresh' };
  const rows: Array<PeerStatus & { where: string }> = [
    ...(fleet?.runs ?? []).map((row) => ({ ...row, where: 'fleet fan-out' })),
    ...(fleet?.serial ?? []).map((row) => ({ ...row, where: 'fleet serial' })),
    ...(fleet?.fixed ?? []).map((row) => ({ ...row, where: 'fleet fixed cost' })),
  ];
  return rows.flatMap((row) => {
    const peer = own[row.peer];
    return peer === undefined ? [] : [{ ...row, peer }];
  });
}
