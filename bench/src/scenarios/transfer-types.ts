/**
 * What the transfer section's parent and children say to each other (bench/src/sections/transfer-section.ts):
 * one child per (peer, host, workload), which runs that workload `runs` times and reports every timed run.
 */

/** A 256 MiB file up and down; a tree of many small files up (first copy); bytes through a tunnel both ways. */
export type TransferWorkload = 'file' | 'tree' | 'tunnel';
/** `up`: this machine to the host (upload, or bytes pushed into the tunnel); `down`: the other way. */
export type TransferDirection = 'up' | 'down';

export interface TransferParams {
  readonly workload: TransferWorkload;
  /** Timed runs per direction, at most; the first always, the next ones only within `budgetMs` of the first's start. */
  readonly runs: number;
  readonly budgetMs: number;
  /** This child's scratch directory (`remote/` and `local/` in it); the parent removes it afterwards. */
  readonly workDir: string;
  /** file: the large file (its path is also the remote source of downloads: the host is this machine); tree: the tree's root. */
  readonly source: string;
  /** file: its size; tree: bytes of all files; tunnel: bytes per run and direction. */
  readonly bytes: number;
  /** file: 1; tree: the number of files; tunnel: 0. */
  readonly files: number;
  /** file: sha256 (hex) of the source, checked at both ends after the last run. */
  readonly sha256: string;
  /** tunnel: the port of the parent's sink/source on 127.0.0.1 (the "remote" side of the tunnel). */
  readonly sinkPort: number;
  /** One run (one transfer) over this is killed and the peer reported `hung`. */
  readonly runTimeoutMs: number;
}

export interface TransferSample {
  readonly direction: TransferDirection;
  /** Wall ms of one run: a fresh client connecting, authenticating and transferring (tunnels: the bytes only). */
  readonly ms: number;
  /** CPU ms of the client over the run: the child process and the processes it ran (sshd's not included). */
  readonly cpuMs: number;
}

export interface TransferFailure {
  readonly direction: TransferDirection;
  readonly reason: string;
}

export interface TransferResult {
  readonly kind: 'transfer';
  /** Runs that completed and passed their checks; a direction whose final check failed has none. */
  readonly samples: TransferSample[];
  /** Runs that threw or delivered the wrong thing (size, file count, sha256, bytes counted at the sink). */
  readonly failures: TransferFailure[];
  /** What was checked, e.g. `up: size each run, sha256 after the last`. */
  readonly checks: string[];
  /** Set when a run went over `runTimeoutMs`: the child killed what it ran and stopped. */
  readonly hung?: string | undefined;
  /** How the peer moved it when that matters (rexec: `via tar`). */
  readonly note?: string | undefined;
}

/** A tunnel child asks the parent to push (or pull) bytes through 127.0.0.1:port, which leads to the parent's sink. */
export interface TrafficRequest {
  readonly action: 'tunnel-traffic';
  readonly direction: TransferDirection;
  readonly port: number;
  readonly bytes: number;
  readonly timeoutMs: number;
}

/** The parent's answer: ms from connect to the last byte at the far end, and bytes the far end counted. */
export interface TrafficAnswer {
  readonly ms: number;
  readonly bytes: number;
}
