/**
 * The transfer section's rows (one per peer, host, workload and direction), made from a child's outcome,
 * and the ratios of rexec to each peer. Pure: unit-tested in transfer-figures.test.ts.
 */
import type { ChildOutcome } from '../child/run-child.js';
import type { TransferDirection, TransferResult, TransferWorkload } from '../scenarios/transfer-types.js';
import { TRANSFER_OURS } from '../scenarios/transfer-plan.js';
import type { PeerStatus } from './results.js';
import { median, ratio } from './stats.js';

export interface TransferRow extends PeerStatus {
  readonly host: string;
  readonly workload: TransferWorkload;
  readonly direction: TransferDirection;
  /** Bytes (and files) one run moves. */
  readonly bytes: number;
  readonly files: number;
  /** Runs that completed and passed their checks, and the wall ms of each. */
  readonly samplesMs: number[];
  /** Runs that failed (threw, or delivered the wrong size, count, sha256 or bytes). */
  readonly failed: number;
  readonly firstFailure?: string | undefined;
  /** Median ms of the good runs (nearest rank: the faster of two), and what it makes per second. */
  readonly medianMs: number;
  /** 10^6 bytes per second. */
  readonly mbPerSecond: number;
  /** Median CPU ms of the client per good run (its process and what it ran; sshd's not included). */
  readonly cpuMs: number;
  readonly filesPerSecond: number;
  /** What was verified. */
  readonly checks: readonly string[];
  /** rexec's throughput over this row's on the same host, workload and direction (NaN for rexec's own row). */
  readonly rexecOverThis: number;
}

/** Of the ms of one run: 10^6 bytes per second, files per second. */
export const perSecond = (amount: number, ms: number): number => (Number.isFinite(ms) && ms > 0 ? amount / (ms / 1000) : Number.NaN);

export interface TransferRowInput {
  readonly peer: string;
  readonly label: string;
  readonly host: string;
  readonly workload: TransferWorkload;
  readonly bytes: number;
  readonly files: number;
}

const DIRECTIONS: Readonly<Record<TransferWorkload, readonly TransferDirection[]>> = { file: ['up', 'down'], tree: ['up'], tunnel: ['up', 'down'] };

/** The rows of one child (one per direction of its workload), with `rexecOverThis` still NaN. */
export function transferRowsOf(input: TransferRowInput, outcome: ChildOutcome): TransferRow[] {
  const ok = outcome.status === 'ok' && outcome.result.kind === 'transfer';
  const result: TransferResult | undefined = ok ? outcome.result : undefined;
  const status: PeerStatus = {
    peer: input.peer,
    label: input.label,
    // A run over its limit: the child killed it and reported; the row is `hung`, with the runs done before.
    status: result?.hung !== undefined ? 'hung' : outcome.status,
    reason: result?.hung ?? (outcome.status === 'ok' ? undefined : outcome.reason),
    process: 'process' in outcome ? outcome.process : undefined,
    note: result?.note ?? (outcome.status === 'ok' ? outcome.note : undefined),
  };
  return DIRECTIONS[input.workload].map((direction) => {
    const samples = (result?.samples ?? []).filter((s) => s.direction === direction);
    const samplesMs = samples.map((s) => s.ms);
    const failures = (result?.failures ?? []).filter((f) => f.direction === direction);
    const medianMs = median(samplesMs);
    return {
      ...status,
      host: input.host,
      workload: input.workload,
      direction,
      bytes: input.bytes,
      files: input.files,
      samplesMs,
      failed: failures.length,
      firstFailure: failures[0]?.reason,
      medianMs,
      mbPerSecond: perSecond(input.bytes / 1e6, medianMs),
      cpuMs: median(samples.map((s) => s.cpuMs)),
      filesPerSecond: perSecond(input.files, medianMs),
      checks: (result?.checks ?? []).filter((check) => check.startsWith(`${direction}:`) || !/^(up|down):/.test(check)),
      rexecOverThis: Number.NaN,
    };
  });
}

/** The figure a workload is judged by: files per second for the tree, bytes per second otherwise. */
export const throughputOf = (row: TransferRow): number => (row.workload === 'tree' ? row.filesPerSecond : row.mbPerSecond);

export const sameCase = (a: TransferRow, b: TransferRow): boolean => a.host === b.host && a.workload === b.workload && a.direction === b.direction;

/** Fills `rexecOverThis`: rexec's throughput over each other row's in the same case. */
export function withRexecRatios(rows: readonly TransferRow[]): TransferRow[] {
  return rows.map((row) => {
    if (row.peer === TRANSFER_OURS) return row;
    const ours = rows.find((other) => other.peer === TRANSFER_OURS && sameCase(other, row));
    return { ...row, rexecOverThis: ours === undefined ? Number.NaN : ratio(throughputOf(ours), throughputOf(row)) };
  });
}
