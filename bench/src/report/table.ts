/**
 * The tables of a run, as sections (title, header, rows) that are printed as text on stdout
 * (renderTables) and as Markdown in docs/performance.md (markdown.ts).
 */
import type { BenchSection } from '../options.js';
import type { BenchResults, PausesRow, PeerStatus, SequentialRow } from './results.js';
import { FIRST_COMMAND_REFERENCE } from '../plan.js';
import { poolRows } from './pool-figures.js';
import { fmt, ratio } from './stats.js';
import { textTable } from './text-table.js';

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
    row.status === 'ok' ? Object.keys(row.failureKinds ?? {})[0]?.slice(0, 60) ?? '' : statusNote(row),
  ]);
  const { total, inFlight } = results.meta.plan.throughput;
  const header = ['client', 'ok', 'failed', 'lost', 'ok cmd/s', '×best peer', 'CPU µs/cmd', 'first failure'];
  return { title: `Throughput — ${total} × \`true\`, ${inFlight} in flight, sshd MaxSessions 10`, header, rows: body };
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
  const notes = processNotes([...results.sequential, ...results.pauses, ...results.throughput, ...results.memory]);
  const ran = (section: BenchSection): boolean => results.meta.sections.includes(section);
  return [
    ...(ran('sequential') ? [sequentialTable(results.sequential, 'loopback'), sequentialTable(results.sequential, 'rtt20'), firstCommandTable(results.sequential)] : []),
    ...(ran('pauses') ? [pausesTable(results.pauses, 'loopback'), pausesTable(results.pauses, 'rtt20')] : []),
    ...(ran('throughput') ? [throughputTable(results)] : []),
    ...(ran('memory') ? [memoryTable(results)] : []),
    ...(ran('pool') ? [poolTable(results)] : []),
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
