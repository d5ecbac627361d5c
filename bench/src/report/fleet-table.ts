/** The fleet section's tables (terminal and docs/performance.md), from `results.fleet`. */
import type { FleetResults, FleetRow } from '../fleet/fleet-figures.js';
import { FLEET_FLOOR, TOOL_COMMAND } from '../fleet/fleet-peers.js';
import { fmt, ratio } from './stats.js';
import type { Section } from './table.js';

const note = (row: { status: string; reason?: string | undefined; firstFailure?: string | undefined }): string =>
  row.status === 'ok' ? (row.firstFailure ?? '').slice(0, 80) : `${row.status === 'unavailable' ? 'not available' : row.status}: ${(row.reason ?? '').slice(0, 100)}`;

const count = (value: number | undefined): string => (value === undefined ? '—' : String(value));

function fanOutTable(fleet: FleetResults): Section {
  const floor = fleet.runs.find((row) => row.peer === FLEET_FLOOR);
  const body = fleet.runs.map((row: FleetRow) =>
    row.status !== 'ok'
      ? [row.label, '', '', '', '', '', '', '', '', '', '', '', note(row)]
      : [
          row.label,
          count(row.ok),
          count(row.failed),
          count(row.dropped),
          fmt((row.wallMs ?? Number.NaN) / 1000, 2),
          fmt(row.hostsPerSecond ?? Number.NaN, 1),
          fmt(ratio(row.hostsPerSecond, floor?.hostsPerSecond)),
          fmt(row.clientCpuMsPerHost ?? Number.NaN, 2),
          fmt(ratio(row.clientCpuMsPerHost, floor?.clientCpuMsPerHost)),
          fmt((row.processCpuMs ?? Number.NaN) / 1000, 2),
          fmt(row.sshdCpuMsPerHost ?? Number.NaN, 1),
          fmt(row.peakRssMiB ?? Number.NaN, 0),
          note(row),
        ],
  );
  const ours = fleet.runs.find((row) => row.peer === 'rexec');
  const close = ours?.closeMs === undefined ? [] : [`$.ssh.group's closePool() of ${fleet.hosts} connected hosts took ${fmt(ours.closeMs, 0)} ms (in its wall time)`];
  return {
    title: `Fleet — ${fleet.hosts} hosts, ${fleet.concurrency} at once, each running \`true\` and \`hostname\``,
    header: ['client', 'ok', 'failed', 'dropped', 'wall s', 'hosts/s', '×ssh2 hosts/s', 'client CPU ms/host', '×ssh2 CPU', 'process CPU s', 'sshd CPU ms/host', 'peak RSS MiB', ''],
    rows: body,
    notes: [
      `${fleet.hosts} hosts are 127.0.0.x addresses of ${fleet.sshds} OpenSSH sshd (16 each, MaxStartups ${fleet.maxStartups}) on the same 2 cores as the clients; ` +
        `the libraries run two commands on one connection per host, the tools (${fleet.openssh ?? 'OpenSSH'}) one command line, \`${TOOL_COMMAND}\`; ` +
        'libraries: wall and client CPU of the fan-out inside their process (import and interpreter start are in process CPU and in the fixed cost); ' +
        'tools: the whole process tree (reaped children, 10 ms ticks); sshd CPU: every sshd tree from /proc; dropped: handshakes sshd dropped (its log); peak RSS: the client tree, sampled every 100 ms',
      ...close,
    ],
  };
}

function serialTable(fleet: FleetResults): Section {
  const floor = fleet.serial.find((row) => row.peer === FLEET_FLOOR);
  const body = fleet.serial.map((row) =>
    row.status !== 'ok'
      ? [row.label, String(row.hosts), '', '', '', '', note(row)]
      : [row.label, String(row.hosts), count(row.failed), fmt(row.msPerHost ?? Number.NaN, 1), fmt(row.cpuMsPerHost ?? Number.NaN, 2), fmt(ratio(row.msPerHost, floor?.msPerHost)), ''],
  );
  return { title: 'Fleet — serial fan-out (concurrency 1)', header: ['client', 'hosts', 'failed', 'ms/host', 'client CPU ms/host', '×ssh2', ''], rows: body };
}

function fixedTable(fleet: FleetResults): Section {
  const floor = fleet.fixed.find((row) => row.peer === FLEET_FLOOR);
  const body = fleet.fixed.map((row) => [
    row.label,
    String(row.hosts),
    fmt(row.medianCpuMs ?? Number.NaN, 0),
    fmt((row.medianCpuMs ?? Number.NaN) - (floor?.medianCpuMs ?? Number.NaN), 0),
    fmt(row.medianMs ?? Number.NaN, 0),
    (row.samplesCpuMs ?? []).map((ms) => ms.toFixed(0)).join(' '),
    note(row),
  ]);
  return {
    title: 'Fleet — fixed cost: import, a handle per host, close (no connection)',
    header: ['client', 'hosts', 'CPU ms', 'beyond ssh2 CPU ms', 'wall ms', 'CPU samples ms', ''],
    rows: body,
    notes: [
      'each sample a fresh `node` process (no TypeScript loader): rexec imports @rexec/core, makes the group, closes it; raw ssh2 imports ssh2, reads each key file once, makes a Client per host; ' +
        'medians; the target judges CPU time, which other load on the machine does not stretch as it does wall time',
    ],
  };
}

export function fleetSections(fleet: FleetResults | undefined): Section[] {
  if (fleet === undefined) return [{ title: 'Fleet', header: [], rows: [], notes: ['no figures'] }];
  return [fanOutTable(fleet), serialTable(fleet), fixedTable(fleet)];
}
