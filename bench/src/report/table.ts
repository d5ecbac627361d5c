/**
 * The tables of a run, as sections (title, header, rows) that are printed as text on stdout
 * (renderTables) and as Markdown in docs/performance.md (markdown.ts).
 */
import type { BenchSection } from '../options.js';
import type { BenchResults, DeployRow, FaultsResults, PausesRow, PeerStatus, SequentialRow } from './results.js';
import { FIRST_COMMAND_REFERENCE } from '../plan.js';
import { poolRows } from './pool-figures.js';
import { fmt, ratio } from './stats.js';
import { textTable } from './text-table.js';
import { transferSections } from './transfer-table.js';
import { fleetSections } from './fleet-table.js';

export interface Section {
  readonly title: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Free lines under the table (or the whole section when there is no header). */
  readonly notes?: readonly string[];
}

const HOST_TITLES: Readonly<Record<string, string>> = { loopback: 'loopback', rtt20: '20 ms RTT (delaying proxy)' };

const statusNote = (row: PeerStatus): string =>
  row.status === 'ok' ? (row.note ?? '') : `${row.status === 'unavailable' ? 'not available' : row.status}: ${(row.reason ?? '').slice(0, 120)}`;

/** Handlers a peer installed (most seen in any of its runs) and rejections it left (all runs), for the notes. */
export function processNotes(rows: readonly PeerStatus[]): string[] {
  const byPeer = new Map<string, { label: string; handlers: Record<string, number>; rejections: number; first?: string | undefined }>();
  for (const row of rows) {
    const entry = byPeer.get(row.peer) ?? { label: row.label, handlers: {}, rejections: 0 };
    for (const [event, n] of Object.entries(row.process?.handlersAdded ?? {})) entry.handlers[event] = Math.max(entry.handlers[event] ?? 0, n);
    entry.rejections += row.process?.unhandledRejections ?? 0;
    entry.first ??= row.process?.firstUnhandledRejection;
    byPeer.set(row.peer, entry);
  }
  const notes: string[] = [];
  for (const { label, handlers, rejections, first } of byPeer.values()) {
    const added = Object.entries(handlers).map(([event, n]) => `${event}×${n}`);
    const parts = [
      added.length > 0 ? `installed process-wide handlers (${added.join(', ')})` : '',
      rejections > 0 ? `left ${rejections} unhandled rejection(s) (${first ?? ''})` : '',
    ].filter((part) => part !== '');
    if (parts.length > 0) notes.push(`${label}: ${parts.join('; ')}`);
  }
  return notes;
}

function sequentialTable(rows: SequentialRow[], host: string): Section {
  const body = rows
    .filter((row) => row.host === host)
    .flatMap((row) =>
      row.commands.length === 0
        ? [[row.label, '', statusNote(row)]]
        : row.commands.map((f) => [
            row.label,
            f.command,
            fmt(f.medianMs),
            fmt(f.p95Ms),
            fmt(f.cpuMicrosPerCommand, 0),
            fmt(f.medianVsFloor),
            fmt(f.p95VsFloor),
            fmt(f.cpuVsFloor),
            `${f.samples}${f.errors + f.warmupErrors > 0 ? ` (+${f.errors + f.warmupErrors} failed)` : ''}`,
            statusNote(row),
          ]),
    );
  const header = ['client', 'command', 'median ms', 'p95 ms', 'CPU µs/cmd', '×floor', '×floor p95', '×floor CPU', 'n', ''];
  return { title: `Sequential latency — ${HOST_TITLES[host] ?? host}`, header, rows: body };
}

function firstCommandTable(rows: SequentialRow[]): Section {
  const reference = (host: string): number | undefined => rows.find((r) => r.peer === FIRST_COMMAND_REFERENCE && r.host === host)?.firstCommand?.medianMs;
  const body = rows.map((row) => [
    row.label,
    row.host,
    fmt(row.firstCommand?.coldMs ?? Number.NaN, 1),
    fmt(row.firstCommand?.medianMs ?? Number.NaN, 1),
    fmt(ratio(row.firstCommand?.medianMs, reference(row.host))),
    String(row.firstCommand?.samples.length ?? 0),
  ]);
  return { title: 'First command, connect included', header: ['client', 'host', 'cold process ms', 'median ms', '×new ssh2 conn.', 'n'], rows: body };
}

function pausesTable(rows: PausesRow[], host: string): Section {
  const body = rows
    .filter((row) => row.host === host)
    .flatMap((row) =>
      row.pauses.length === 0
        ? [[row.label, '', statusNote(row)]]
        : row.pauses.map((f) => [
            row.label,
            f.pauseMs === 0 ? 'none' : `${f.pauseMs} ms`,
            fmt(f.pauseTakenMedianMs),
            fmt(f.medianMs),
            fmt(f.p95Ms),
            fmt(f.medianVsBackToBack),
            fmt(f.p95VsBackToBack),
            fmt(f.medianVsFloor),
            `${f.samples}${f.errors + f.untimedErrors > 0 ? ` (+${f.errors + f.untimedErrors} failed)` : ''}`,
            statusNote(row),
          ]),
    );
  const header = ['client', 'pause', 'timer ms', 'median ms', 'p95 ms', '×back-to-back', '×b2b p95', '×floor', 'n', ''];
  const script = rows.find((row) => row.host === host)?.script ?? [];
  return {
    title: `Script with pauses — ${HOST_TITLES[host] ?? host}`,
    header,
    rows: body,
    notes: [
      `one session runs ${script.map((command) => `\`${command}\``).join(', ')} in turn, with an awaited timer of the pause before each command ` +
        '(timer ms: the median it took); median and p95 are per command, the pause excluded; ×back-to-back divides by the same ' +
        'client\'s no-pause row of the same child, ×floor by the floor\'s row with the same pause',
    ],
  };
}

function throughputTable(results: BenchResults): Section {
  const best = Math.max(...results.throughput.filter((r) => r.peer !== 'rexec-pooled').map((r) => r.okPerSecond ?? 0));
  const body = results.throughput.map((row) => [
    row.label,
    String(row.ok ?? '—'),
    String(row.failed ?? '—'),
    String(row.lost ?? '—'),
    fmt(row.okPerSecond ?? Number.NaN, 0),
    fmt(ratio(row.okPerSecond, best)),
    fmt(row.cpuMicrosPerCommand ?? Number.NaN, 0),
    count(row.refusedChannels),
    count(row.serverConnections),
    fmt(row.serverCpuMs ?? Number.NaN, 0),
    fmt(row.serverCpuMicrosPerOk ?? Number.NaN, 0),
    row.status === 'ok' ? Object.keys(row.failureKinds ?? {})[0]?.slice(0, 60) ?? '' : statusNote(row),
  ]);
  const { total, inFlight } = results.meta.plan.throughput;
  const header = ['client', 'ok', 'failed', 'lost', 'ok cmd/s', '×best peer', 'CPU µs/cmd', 'refused ch.', 'sshd conns', 'sshd CPU ms', 'sshd µs/ok cmd', 'first failure'];
  return {
    title: `Throughput — ${total} × \`true\`, ${inFlight} in flight, sshd MaxSessions 10`,
    header,
    rows: body,
    notes: [
      'refused ch.: channels sshd refused during the run (`no more sessions` in its log; `$.ssh` retries those, the raw clients fail the command); ' +
        'sshd conns: connections it let in; sshd CPU: its whole process tree (listener, per-connection sshd, the shells it ran) from /proc in 10 ms ticks, in all and per successful command',
    ],
  };
}

const count = (value: number | undefined): string => (value === undefined ? '—' : String(value));

function deployTable(rows: readonly DeployRow[], host: string): Section {
  const body = rows
    .filter((row) => row.host === host)
    .map((row) =>
      row.status !== 'ok'
        ? [row.label, '', '', '', '', '', '', '', '', statusNote(row)]
        : [
            row.label,
            fmt(row.firstMs ?? Number.NaN, 1),
            fmt(row.heldMedianMs ?? Number.NaN, 1),
            fmt(row.heldP95Ms ?? Number.NaN, 1),
            fmt(row.heldVsFloor ?? Number.NaN),
            fmt(row.heldVsNodeSsh ?? Number.NaN),
            fmt(row.firstVsFloor ?? Number.NaN),
            fmt(row.firstVsNodeSsh ?? Number.NaN),
            String(row.samples ?? 0),
            statusNote(row),
          ],
    );
  const commands = rows.find((row) => row.commandsPerDeploy !== undefined)?.commandsPerDeploy ?? '?';
  return {
    title: `Deploy (examples/deploy.ts, ${commands} commands) — ${HOST_TITLES[host] ?? host}`,
    header: ['client', 'first ms', 'held median ms', 'held p95 ms', '×floor', '×node-ssh', 'first ×floor', 'first ×node-ssh', 'n', ''],
    rows: body,
    notes: [
      'the steps of examples/deploy.ts end to end (release written through stdin, symlink switch, service restart, health check, ' +
        '4 parallel checks, cleanup); first: the first deploy of the child, connect included; held: the later ones on the same ' +
        'connection or pool; the floor is raw ssh2 (held, nodelay) running the same commands',
    ],
  };
}

/** The most frequent kinds first, each cut short (all of them are in latest.json). */
const kinds = (record: Record<string, number> | undefined, shown = 3, width = 48): string => {
  const sorted = Object.entries(record ?? {}).sort((a, b) => b[1] - a[1]);
  const text = sorted.slice(0, shown).map(([kind, n]) => `${n}× ${kind.length > width ? `${kind.slice(0, width)}…` : kind}`);
  return [...text, ...(sorted.length > shown ? [`+${sorted.length - shown} kinds`] : [])].join('; ');
};

function faultsRestartTable(faults: FaultsResults, plan: BenchResults['meta']['plan']): Section {
  const body = faults.restart.map((row) =>
    row.ok === undefined
      ? [row.label, '', '', '', '', '', '', '', '', statusNote(row)]
      : [
          row.label,
          String(row.ok),
          String(row.failed ?? '—'),
          `${row.failedBeforeKill ?? '—'} / ${row.failedDuringOutage ?? '—'} / ${row.failedAfterRestart ?? '—'}`,
          fmt(row.firstFailureAfterKillMs ?? Number.NaN, 1),
          `${fmt(row.recoveryMs ?? Number.NaN, 0)}${row.recoveredBy === 'probe' ? ` (probe ${row.probes ?? 0})` : ''}`,
          fmt(row.freezeMs ?? Number.NaN, 0),
          fmt(row.downMs ?? Number.NaN, 0),
          fmt((row.elapsedMs ?? Number.NaN) / 1000, 1),
          row.reason ?? kinds(row.failureKinds),
        ],
  );
  const { total, inFlight, killAfter, restartAfterMs } = plan.faults.restart;
  return {
    title: `Faults — sshd killed after ${killAfter} of ${total} × \`true\` (${inFlight} in flight), restarted ${restartAfterMs / 1000} s after it died`,
    header: ['client', 'ok', 'failed', 'failed before / outage / after', 'death → 1st failure ms', 'ready → 1st success ms', 'freeze ms', 'down ms', 's', 'failures'],
    rows: body,
    notes: [
      'host.kill() freezes the sshd tree (SIGSTOP) and then kills it: freeze ms is from the call to the first sshd process seen dead ' +
        '(polled every ms by the parent while kill() runs, so death-relative figures are ± a few ms), ' +
        'down ms from that death to sshd answering again; 1st failure leaves out channel refusals (MaxSessions), which the raw client has ' +
        'without any fault; when the commands ran out before one succeeded after the restart, a probe every ' +
        `${plan.faults.restart.probeIntervalMs} ms measured the recovery`,
    ],
  };
}

function faultsOtherTable(faults: FaultsResults): Section {
  const silent = faults.silent.map((row) => [
    row.label,
    row.status === 'ok' ? `settled: median ${fmt(row.medianMs ?? Number.NaN, 0)} ms, worst ${fmt(row.maxMs ?? Number.NaN, 0)} ms of ${row.settleMs?.length ?? 0}` : statusNote(row),
    kinds(row.outcomes),
  ]);
  const down = faults.down.map((row) => [
    row.label,
    row.status === 'ok'
      ? `open after ${fmt(row.msToOpen ?? Number.NaN, 0)} ms (${row.failuresBeforeOpen ?? '?'} failed); CircuitOpenError median ${fmt(row.medianMs ?? Number.NaN, 3)} ms, ` +
        `p95 ${fmt(row.p95Ms ?? Number.NaN, 3)} ms, worst ${fmt(row.maxMs ?? Number.NaN, 3)} ms of ${row.samples ?? 0}`
      : statusNote(row),
    kinds(row.otherOutcomes),
  ]);
  return { title: 'Faults — silent connection, host that stays down', header: ['client', 'figures', 'other outcomes'], rows: [...silent, ...down] };
}

function memoryTable(results: BenchResults): Section {
  const body = results.memory.map((row) => [
    row.label,
    String(row.connections ?? '—'),
    fmt(row.rssPerConnectionKiB ?? Number.NaN, 0),
    fmt(row.heapPerConnectionKiB ?? Number.NaN, 0),
    fmt(row.externalPerConnectionKiB ?? Number.NaN, 0),
    statusNote(row),
  ]);
  return { title: 'Memory per idle connection', header: ['client', 'connections', 'RSS KiB/conn', 'heap KiB/conn', 'external KiB/conn', ''], rows: body };
}

function poolTable(results: BenchResults): Section {
  const title = 'Pool microbenchmark (no SSH): acquire + release of a dummy resource';
  if (results.pool.status !== 'ok') return { title, header: [], rows: [], notes: [`${results.pool.status}: ${results.pool.reason ?? ''}`] };
  const body = poolRows(results.pool.data).map((row) => [
    row.library,
    row.scenario,
    fmt(row.opsPerSecond / 1e6, 2),
    fmt(row.nsPerOperation, 0),
    fmt(row.ratioToGenericPool),
  ]);
  return { title, header: ['pool', 'scenario', 'M ops/s', 'ns/op', '×generic-pool'], rows: body };
}

function targetsTable(results: BenchResults): Section {
  const body = results.targets.map((t) => [t.id, t.goal, fmt(t.actual), t.verdict, t.detail]);
  return { title: 'Targets', header: ['target', 'goal', 'actual', 'verdict', 'detail'], rows: body };
}

export function buildSections(results: BenchResults): Section[] {
  const notes = processNotes([
    ...results.sequential,
    ...results.pauses,
    ...results.deploy,
    ...(results.transfer ?? []),
    ...results.throughput,
    ...results.memory,
    ...results.faults.restart,
    ...results.faults.silent,
    ...results.faults.down,
  ]);
  const ran = (section: BenchSection): boolean => results.meta.sections.includes(section);
  return [
    ...(ran('sequential') ? [sequentialTable(results.sequential, 'loopback'), sequentialTable(results.sequential, 'rtt20'), firstCommandTable(results.sequential)] : []),
    ...(ran('pauses') ? [pausesTable(results.pauses, 'loopback'), pausesTable(results.pauses, 'rtt20')] : []),
    ...(ran('deploy') ? [deployTable(results.deploy, 'loopback'), deployTable(results.deploy, 'rtt20')] : []),
    ...(ran('transfer') ? transferSections(results.transfer ?? [], results.meta.plan.transfer) : []),
    ...(ran('throughput') ? [throughputTable(results)] : []),
    ...(ran('memory') ? [memoryTable(results)] : []),
    ...(ran('pool') ? [poolTable(results)] : []),
    ...(ran('faults') ? [faultsRestartTable(results.faults, results.meta.plan), faultsOtherTable(results.faults)] : []),
    ...(ran('fleet') ? fleetSections(results.fleet) : []),
    { title: 'Process effects of peers', header: [], rows: [], notes: notes.length > 0 ? notes : ['none'] },
    targetsTable(results),
  ];
}

export function renderTables(results: BenchResults): string {
  return buildSections(results)
    .map((section) =>
      [section.title, section.header.length > 0 ? textTable(section.header, section.rows) : '', ...(section.notes ?? []).map((note) => `  ${note}`)]
        .filter((part) => part !== '')
        .join('\n'),
    )
    .join('\n\n');
}
