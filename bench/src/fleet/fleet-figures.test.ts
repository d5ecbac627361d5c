import { describe, expect, it } from 'vitest';
import type { TargetCheck } from '../report/results.js';
import { fleetOwnRows, libraryFigures, parseLibraryReport, toolFigures, type FleetResults, type FleetRow } from './fleet-figures.js';
import type { MeasuredRun } from './fleet-measure.js';
import { RESULT_MARKER } from './fleet-peers.js';
import { extreme, fleetTargets, type CheckTarget } from './fleet-targets.js';

const measured = (over: Partial<MeasuredRun> = {}): MeasuredRun => ({
  status: 'ok',
  exitCode: 0,
  wallMs: 2_000,
  treeCpuMs: 640,
  peakTreeRssKiB: 2_048,
  stdout: '',
  stderr: '',
  sshdCpuMs: 1_280,
  droppedHandshakes: 0,
  ...over,
});

describe('fleet figures', () => {
  it('reads the last result line a library printed, and nothing from garbage', () => {
    const line = `noise\n${RESULT_MARKER}{"status":"ok","ok":3}\n`;
    expect(parseLibraryReport(`${RESULT_MARKER}{"status":"error"}\n${line}`, RESULT_MARKER)).toEqual({ status: 'ok', ok: 3 });
    expect(parseLibraryReport(`${RESULT_MARKER}{oops`, RESULT_MARKER)).toBeUndefined();
    expect(parseLibraryReport('nothing', RESULT_MARKER)).toBeUndefined();
  });

  it('a library: wall and CPU from its own report, process CPU and sshd from outside, per host', () => {
    const figures = libraryFigures(64, measured(), { status: 'ok', ok: 64, failed: 0, wallMs: 1_000, cpuMicros: 320_000, maxRssKiB: 4_096, closeMs: 40 });
    expect(figures).toMatchObject({ ok: 64, failed: 0, dropped: 0, wallMs: 1_000, hostsPerSecond: 64, clientCpuMsPerHost: 5, processCpuMs: 640, sshdCpuMsPerHost: 20, peakRssMiB: 4, closeMs: 40 });
  });

  it('a tool: everything from outside; hosts without the expected output failed', () => {
    const figures = toolFigures(64, measured({ exitCode: 1 }), { ok: 60, failedNamed: 0 });
    expect(figures).toMatchObject({ ok: 60, failed: 4, wallMs: 2_000, hostsPerSecond: 32, clientCpuMsPerHost: 10, peakRssMiB: 2 });
    expect(figures.firstFailure).toBe('4 host(s) printed nothing (exit code 1)');
    expect(toolFigures(64, measured(), { ok: 64, failedNamed: 0 }).firstFailure).toBeUndefined();
  });
});

const row = (peer: string, kind: 'library' | 'openssh', kex: 'curve25519' | 'default', cpu: number, rate: number, failed = 0): FleetRow => ({
  peer,
  label: `${peer} ${kex}`,
  status: 'ok',
  kind,
  kex,
  hosts: 64,
  ok: 64 - failed,
  failed,
  dropped: 0,
  clientCpuMsPerHost: cpu,
  hostsPerSecond: rate,
});

const check: CheckTarget = (section, id, description, goal, actual, detail): TargetCheck => ({
  id,
  section,
  description,
  goal,
  actual,
  verdict: Number.isFinite(actual) ? 'met' : 'n/a',
  detail,
});

const results = (runs: FleetRow[]): FleetResults => ({
  hosts: 64,
  concurrency: 32,
  sshds: 4,
  maxStartups: '100:30:200',
  runs,
  serial: [
    { peer: 'ssh2', label: 'ssh2', status: 'ok', hosts: 16, failed: 0, msPerHost: 50 },
    { peer: 'rexec', label: 'rexec', status: 'ok', hosts: 16, failed: 0, msPerHost: 52 },
  ],
  fixed: [
    { peer: 'ssh2', label: 'ssh2', status: 'ok', hosts: 192, samplesMs: [400], medianMs: 400, samplesCpuMs: [40], medianCpuMs: 40 },
    { peer: 'rexec', label: 'rexec', status: 'ok', hosts: 192, samplesMs: [900], medianMs: 900, samplesCpuMs: [120], medianCpuMs: 120 },
  ],
});

describe('fleet targets', () => {
  const runs = [
    row('rexec', 'library', 'curve25519', 5, 60),
    row('ssh2', 'library', 'curve25519', 4, 62),
    row('asyncssh', 'library', 'curve25519', 4.5, 58),
    row('pdsh', 'openssh', 'curve25519', 14, 49),
    row('xargs-ssh', 'openssh', 'curve25519', 10, 70, 3),
    row('pssh', 'openssh', 'curve25519', 12, 45),
    row('pdsh', 'openssh', 'default', 65, 19),
  ];
  const actual = Object.fromEntries(fleetTargets(results(runs), check).map((t) => [t.id, t.actual]));

  it('compares with the best tool at equal kex that reached every host, the floor and asyncssh', () => {
    expect(actual['fleet-cpu-vs-ssh2']).toBeCloseTo(1.25);
    expect(actual['fleet-cpu-vs-asyncssh']).toBeCloseTo(5 / 4.5);
    // xargs (10 ms) failed hosts, the default-kex pdsh is not at equal kex: the best is pssh at 12 ms.
    expect(actual['fleet-cpu-vs-openssh']).toBeCloseTo(5 / 12);
    // the best peer's hosts/s: asyncssh 58 (xargs' 70 failed hosts; the floor is no peer).
    expect(actual['fleet-hosts-per-second']).toBeCloseTo(60 / 58);
    expect(actual['fleet-failures']).toBe(0);
    expect(actual['fleet-fixed-cost']).toBe(80);
    expect(actual['fleet-serial']).toBeCloseTo(1.04);
  });

  it('is n/a without figures, never met', () => {
    const missing = fleetTargets(undefined, check);
    expect(missing.map((t) => t.verdict)).toEqual(missing.map(() => 'n/a'));
    const failedOurs = fleetTargets(results([{ ...row('rexec', 'library', 'curve25519', 5, 60, 2), dropped: 1 }]), check);
    expect(failedOurs.find((t) => t.id === 'fleet-failures')?.actual).toBe(3);
  });

  it('extreme skips rows without the figure', () => {
    const rows = [row('a', 'library', 'curve25519', Number.NaN, 1), row('b', 'library', 'curve25519', 3, 1), row('c', 'library', 'curve25519', 2, 1)];
    expect(extreme(rows, (r) => r.clientCpuMsPerHost, 'min')?.peer).toBe('c');
    expect(extreme(rows, (r) => r.clientCpuMsPerHost, 'max')?.peer).toBe('b');
    expect(extreme([], (r) => r.clientCpuMsPerHost, 'min')).toBeUndefined();
  });

  it('our own clients are named for own-failures.ts; the third-party ones are not', () => {
    const own = fleetOwnRows(results(runs));
    expect(new Set(own.map((r) => r.peer))).toEqual(new Set(['rexec-pooled', 'ssh2-fresh']));
    expect(own.map((r) => r.where)).toContain('fleet fixed cost');
  });
});
