/**
 * The progress display of `group.all` / `group.each` (`progress: true`): hosts done, failed and running,
 * throughput, and the slowest hosts. On a terminal it is redrawn in place by `log-update` (loaded only when
 * a display is drawn on a TTY); elsewhere (a pipe, a CI log) it prints one plain line per host and a summary.
 * Verbose output lines go above the display. Its redraw timer is unref'd: it never keeps the process alive.
 */
import type { LinePrinter } from './group-host.js';
import type { HostResult, ProgressStream } from './group-types.js';

export interface ProgressDisplay {
  started(target: string): void;
  finished(record: HostResult): void;
  /** Prints a line (verbose output) without breaking the display. */
  readonly print: LinePrinter;
  /** Draws the summary and stops redrawing. `notRun`: hosts left out (maxFailures, failFast, stopped). */
  close(notRun: number): void;
}

const REDRAW_MS = 200;
const SLOWEST = 3;

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Why a host failed, in one line: its exit code and first stderr line, a timeout, or its error's first line. */
function why(record: HostResult): string {
  const first = (text: string): string => text.trim().split('\n')[0] ?? '';
  const { result, error } = record;
  if (result?.timedOut === true) return `timed out after ${seconds(result.duration)}`;
  if (result !== undefined && (error === undefined || error.name === 'CommandError')) {
    const stderr = first(result.stderr);
    return `exit code ${result.exitCode}${stderr === '' ? '' : `: ${stderr}`}`;
  }
  return error === undefined ? 'failed' : first(error.message);
}

/** The numbers both renderings show. */
class Tally {
  readonly running = new Map<string, number>();
  readonly slowestDone: { target: string; ms: number }[] = [];
  done = 0;
  failed = 0;

  constructor(
    readonly total: number,
    readonly startedAt: number,
    readonly now: () => number,
  ) {}

  finish(record: HostResult): void {
    this.running.delete(record.target);
    if (record.ok) this.done += 1;
    else this.failed += 1;
    this.slowestDone.push({ target: record.target, ms: record.duration });
    this.slowestDone.sort((a, b) => b.ms - a.ms);
    this.slowestDone.length = Math.min(this.slowestDone.length, SLOWEST);
  }

  get finished(): number {
    return this.done + this.failed;
  }

  rate(): string {
    const elapsed = (this.now() - this.startedAt) / 1000;
    return elapsed <= 0 ? '0.0' : (this.finished / elapsed).toFixed(1);
  }

  slowestRunning(): string {
    const at = this.now();
    return [...this.running.entries()]
      .sort((a, b) => a[1] - b[1])
      .slice(0, SLOWEST)
      .map(([target, since]) => `${target} ${seconds(at - since)}`)
      .join(', ');
  }

  summary(notRun: number): string {
    const slowest = this.slowestDone.map(({ target, ms }) => `${target} ${seconds(ms)}`).join(', ');
    const left = notRun > 0 ? `, ${notRun} not run` : '';
    return `${this.total} hosts: ${this.done} ok, ${this.failed} failed${left} in ${seconds(this.now() - this.startedAt)} (${this.rate()} hosts/s)${slowest === '' ? '' : `; slowest: ${slowest}`}`;
  }
}

/** Plain lines, for a stream that is not a terminal: one per host as it ends, then the summary. */
function plainDisplay(stream: ProgressStream, tally: Tally): ProgressDisplay {
  const width = String(tally.total).length;
  return {
    started: (target) => void tally.running.set(target, tally.now()),
    finished(record) {
      tally.finish(record);
      const count = `[${String(tally.finished).padStart(width)}/${tally.total}]`;
      const status = record.ok ? 'ok    ' : 'FAILED';
      stream.write(`${count} ${status} ${record.target} (${seconds(record.duration)})${record.ok ? '' : `: ${why(record)}`}\n`);
    },
    print: (_stream, line) => void stream.write(`${line}\n`),
    close: (notRun) => void stream.write(`${tally.summary(notRun)}\n`),
  };
}

type LogUpdate = ((...text: string[]) => void) & { done(): void; persist(...text: string[]): void };

/** Redrawn in place on a terminal. */
function liveDisplay(log: LogUpdate, tally: Tally): ProgressDisplay {
  let closed = false;
  const render = (): void => {
    if (closed) return;
    const head = `${tally.finished}/${tally.total} hosts · ${tally.done} ok · ${tally.failed} failed · ${tally.running.size} running · ${tally.rate()} hosts/s · ${seconds(tally.now() - tally.startedAt)}`;
    const slow = tally.slowestRunning();
    log(slow === '' ? head : `${head}\nslowest running: ${slow}`);
  };
  const timer = setInterval(render, REDRAW_MS);
  timer.unref();
  render();
  return {
    started(target) {
      tally.running.set(target, tally.now());
    },
    finished(record) {
      tally.finish(record);
      if (!record.ok) log.persist(`FAILED ${record.target} (${seconds(record.duration)}): ${why(record)}`);
      render();
    },
    print: (_stream, line) => log.persist(line),
    close(notRun) {
      closed = true;
      clearInterval(timer);
      log(tally.summary(notRun));
      log.done();
    },
  };
}

/** A display for `total` hosts on `stream`: live on a TTY (log-update, loaded now), plain lines otherwise. */
export async function openProgress(stream: ProgressStream, total: number, now: () => number): Promise<ProgressDisplay> {
  const tally = new Tally(total, now(), now);
  if (stream.isTTY !== true) return plainDisplay(stream, tally);
  const { createLogUpdate } = await import('log-update');
  return liveDisplay(createLogUpdate(stream as NodeJS.WriteStream, { showCursor: true }), tally);
}
