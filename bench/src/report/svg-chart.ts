/**
 * The chart of a run as hand-written SVG (no dependency): sequential `true` median per client on
 * each host, and throughput with failed commands stacked in red. Labels carry the values and
 * the ratio to the floor, so the picture can be read without the table.
 */
import type { BenchResults } from './results.js';
import { fmt } from './stats.js';

interface Bar {
  readonly label: string;
  readonly value: number;
  readonly extra?: number; // drawn after the value in red (failed commands)
  readonly text: string;
  readonly ours: boolean;
}

const LABEL_W = 300;
const BAR_W = 430;
const WIDTH = LABEL_W + BAR_W + 200;
const ROW_H = 22;

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function panel(title: string, bars: readonly Bar[], top: number): { svg: string; height: number } {
  const max = Math.max(1e-9, ...bars.map((bar) => (Number.isFinite(bar.value) ? bar.value : 0) + (bar.extra ?? 0)));
  const parts = [`<text x="10" y="${top + 18}" class="title">${escape(title)}</text>`];
  bars.forEach((bar, index) => {
    const y = top + 30 + index * ROW_H;
    const width = Number.isFinite(bar.value) ? (bar.value / max) * BAR_W : 0;
    const extra = ((bar.extra ?? 0) / max) * BAR_W;
    parts.push(`<text x="${LABEL_W - 8}" y="${y + 14}" text-anchor="end" class="${bar.ours ? 'ours' : 'label'}">${escape(bar.label)}</text>`);
    parts.push(`<rect x="${LABEL_W}" y="${y + 3}" width="${width.toFixed(1)}" height="${ROW_H - 7}" class="${bar.ours ? 'bar-ours' : 'bar'}"/>`);
    if (extra > 0) parts.push(`<rect x="${(LABEL_W + width).toFixed(1)}" y="${y + 3}" width="${extra.toFixed(1)}" height="${ROW_H - 7}" class="bar-failed"/>`);
    parts.push(`<text x="${(LABEL_W + width + extra + 6).toFixed(1)}" y="${y + 14}" class="value">${escape(bar.text)}</text>`);
  });
  return { svg: parts.join('\n'), height: 40 + bars.length * ROW_H };
}

function sequentialBars(results: BenchResults, host: string): Bar[] {
  return results.sequential
    .filter((row) => row.host === host)
    .map((row) => {
      const f = row.commands.find((c) => c.command === 'true');
      return {
        label: row.label,
        value: f?.medianMs ?? Number.NaN,
        text: f === undefined ? (row.status === 'unavailable' ? 'not available' : row.status) : `${fmt(f.medianMs)} ms  (${fmt(f.medianVsFloor)}× floor)`,
        ours: row.peer.startsWith('rexec-'),
      };
    });
}

function throughputBars(results: BenchResults): Bar[] {
  return results.throughput.map((row) => ({
    label: row.label,
    value: row.okPerSecond ?? Number.NaN,
    extra: row.okPerSecond !== undefined && row.elapsedMs !== undefined && row.failed !== undefined ? (row.failed / row.elapsedMs) * 1000 : 0,
    text: row.okPerSecond === undefined ? (row.status === 'unavailable' ? 'not available' : row.status) : `${fmt(row.okPerSecond, 0)} ok/s, ${row.failed ?? 0} failed`,
    ours: row.peer.startsWith('rexec-'),
  }));
}

export function renderSvg(results: BenchResults): string {
  const { total, inFlight } = results.meta.plan.throughput;
  const panels: Array<[string, Bar[]]> = [
    ['Sequential `true`, median ms — loopback sshd', sequentialBars(results, 'loopback')],
    [`Sequential \`true\`, median ms — 20 ms RTT (${results.meta.rttHostOneWayDelayMs} ms each way)`, sequentialBars(results, 'rtt20')],
    [`Throughput: ${total} × \`true\`, ${inFlight} in flight, MaxSessions 10 — successful cmd/s (red: failed/s)`, throughputBars(results)],
  ];
  let top = 10;
  const body: string[] = [];
  for (const [title, bars] of panels) {
    const drawn = panel(title, bars, top);
    body.push(drawn.svg);
    top += drawn.height + 10;
  }
  const footer = `${results.meta.quick ? 'quick run' : 'full run'} · ${results.meta.date.slice(0, 16).replace('T', ' ')} UTC · Node ${results.meta.node} · ${results.meta.cpus} CPUs · OpenSSH sshd on 127.0.0.1`;
  body.push(`<text x="10" y="${top + 12}" class="foot">${escape(footer)}</text>`);
  const height = top + 24;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">
<style>
.title{font-weight:bold;font-size:13px;fill:#222}.label{fill:#333}.ours{fill:#0b5;font-weight:bold}
.value{fill:#444}.foot{fill:#777;font-size:11px}.bar{fill:#8aa4c8}.bar-ours{fill:#1a9c5b}.bar-failed{fill:#d33}
</style>
<rect width="100%" height="100%" fill="#fff"/>
${body.join('\n')}
</svg>
`;
}
