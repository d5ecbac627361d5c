/**
 * The public types of host groups (`$.ssh.group(targets, options)`, docs/fleets.md): options, the group
 * tag and its handle, per-host records, events and stats.
 */
import type { Command } from '../../command/command.js';
import type { ProcessOutput } from '../../command/process-output.js';
import type { PoolEvents, PoolEventTarget, PoolStats } from '../../pool/types.js';
import type { Shell } from '../../shell/shell-types.js';
import type { SshOptions } from '../options/ssh-options.js';
import type { SshPoolStats } from '../pool/ssh-pool-types.js';

/** How `` group`cmd` `` picks the host that runs a command. */
export type GroupStrategy = 'round-robin' | 'least-connections' | 'weighted' | 'random';

/** One host of a group: what `$.ssh` takes (a string, a `~/.ssh/config` alias, options), plus a `weight` for `'weighted'`. */
export type GroupTarget = string | (SshOptions & { readonly weight?: number | undefined });

/** Where the progress display writes: a stream (`process.stdout` by default; redrawn in place when it is a TTY). */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
  readonly rows?: number | undefined;
}

/** `progress: true`, or where to draw it. */
export type ProgressOption = boolean | { readonly stream?: ProgressStream | undefined };

/**
 * `$.ssh.group(targets, options)`: the group's own settings, plus connection options (and `pool`) that apply
 * to every host unless its target object says otherwise.
 */
export interface SshGroupOptions extends Omit<SshOptions, 'host'> {
  /** Default `'round-robin'`. */
  readonly strategy?: GroupStrategy | undefined;
  /** Move a command that did not start (connect failed, circuit open, queue full) to the next healthy host. Default true. */
  readonly failover?: boolean | undefined;
  /** Hosts `group.all` / `group.each` run at once, unless `.with({ concurrency })` says otherwise. Default 50. */
  readonly concurrency?: number | undefined;
  /** Handshakes in flight across the whole group (each host's first connection). Default 10. */
  readonly maxConnecting?: number | undefined;
  /** Draw a live progress display for `all` / `each` (plain lines when the stream is not a TTY). Default false. */
  readonly progress?: ProgressOption | undefined;
  /** Print every output line of every host as `[target] line`. Default false. */
  readonly verbose?: boolean | undefined;
  /** The `'random'` strategy's source of numbers in [0, 1) (for tests). Default `Math.random`. */
  readonly random?: (() => number) | undefined;
}

/** `group.all.with({...})` / `group.each.with({...})`. */
export interface GroupRunOptions {
  /** Hosts running at once. Default: the group's `concurrency` (50). */
  readonly concurrency?: number | undefined;
  /** Rolling runs: hosts go in batches of this many (or this share of the hosts, `'25%'`); a batch starts when the previous one is done. Default: one batch. */
  readonly batch?: number | `${number}%` | undefined;
  /** Once more hosts than this failed (a count or a share, `'10%'`), no new host starts; those left get `HostNotRunError`. Default: no limit. */
  readonly maxFailures?: number | `${number}%` | undefined;
  /** Reject (`all`) or throw (`each`) with the first host's failure; no new host starts. Default false. */
  readonly failFast?: boolean | undefined;
  /** Ms each host may take in all: waiting for its connection, connecting and running (`TimeoutError`). Default: none. */
  readonly timeout?: number | undefined;
  /** Overrides the group's `progress` for this run. */
  readonly progress?: ProgressOption | undefined;
  /** Overrides the group's `verbose` for this run. */
  readonly verbose?: boolean | undefined;
}

/** What `group.all` / `group.each` report for one host. */
export interface HostResult {
  /** `user@host:port`. */
  readonly target: string;
  /** The command ran and exited 0 (with `.nothrow()`, a non-zero exit gives a `result` and `ok: false`). */
  readonly ok: boolean;
  /** The output, when the command ran (also for a non-zero exit or a timeout). */
  readonly result?: ProcessOutput | undefined;
  /** Why it failed: `CommandError`, `TimeoutError`, `ConnectionError`, `HostNotRunError`, … */
  readonly error?: Error | undefined;
  /** Ms from this host's start to its end (0 for a host not run). */
  readonly duration: number;
}

/** A template tag of `group.all` / `group.each`, with `.raw` and `.with(options)`. */
export interface GroupRunTag<R> {
  (pieces: TemplateStringsArray, ...values: unknown[]): R;
  /** Values inserted as they are, unquoted (trusted values only). */
  raw(pieces: TemplateStringsArray, ...values: unknown[]): R;
  /** The same tag with these run options (merged onto the current ones). */
  with(options: GroupRunOptions): GroupRunTag<R>;
}

/** The group's tag: `` group`cmd` `` runs on one host; `all` / `each` on every host; derived tags keep the group. */
export interface GroupShell {
  (pieces: TemplateStringsArray, ...values: unknown[]): Command;
  raw(pieces: TemplateStringsArray, ...values: unknown[]): Command;
  cd(...args: Parameters<Shell['cd']>): GroupShell;
  env(...args: Parameters<Shell['env']>): GroupShell;
  timeout(...args: Parameters<Shell['timeout']>): GroupShell;
  nothrow(): GroupShell;
  quiet(): GroupShell;
  verbose(): GroupShell;
  shell(...args: Parameters<Shell['shell']>): GroupShell;
  pipefail(...args: Parameters<Shell['pipefail']>): GroupShell;
  log(...args: Parameters<Shell['log']>): GroupShell;
  mask(...secrets: string[]): GroupShell;
  readonly defaults: Shell['defaults'];
  /** Runs the command on every host: one record per host, in the group's order; never rejects because a host failed (unless `failFast`). */
  readonly all: GroupRunTag<Promise<HostResult[]>>;
  /** Runs the command on every host and yields each host's record as it finishes. */
  readonly each: GroupRunTag<AsyncIterable<HostResult>>;
}

/** `host:*` events: a command began on a host, ended there with exit 0, or did not (error, exit code, timeout). */
export interface GroupHostEvents {
  'host:start': { target: string };
  'host:done': { target: string; duration: number; exitCode: number };
  'host:failed': {
    target: string;
    duration: number;
    /** The error, when the command failed without an exit status (connection lost, circuit open, …). */
    error: Error | undefined;
    /** The exit status of a command that ran and failed. */
    exitCode: number | undefined;
    timedOut: boolean;
    /** False when the command never started on this host (it may then run on another: `failover`). */
    started: boolean;
  };
}

/** Each pool's events, with the host's `target` added (`pool:error` becomes `{ target, error }`). */
export type GroupPoolEvents = {
  [E in keyof PoolEvents]: PoolEvents[E] extends Error ? { target: string; error: Error } : PoolEvents[E] & { target: string };
};

export type SshGroupEvents = GroupHostEvents & GroupPoolEvents;

/** One host in `group.getStats()`. */
export interface GroupHostStats {
  readonly target: string;
  readonly weight: number;
  /** The strategy would pick it now (circuit not open, not skipped after a failure). */
  readonly healthy: boolean;
  /** Commands assigned to it and not settled (also those waiting for its first connection). */
  readonly inFlight: number;
  /** Commands started on it, and of them those that exited 0 and those that did not. */
  readonly commands: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Failures in a row before the command started (connect, circuit, queue); 0 after a success. */
  readonly consecutiveFailures: number;
  /** The message of its last failure, if any. */
  readonly lastFailure: string | undefined;
  readonly pool: SshPoolStats;
}

/** `group.getStats().total`: sums over the hosts. */
export interface GroupTotals {
  readonly hosts: number;
  readonly healthy: number;
  readonly inFlight: number;
  readonly commands: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Handshakes in flight under the group's `maxConnecting`, and hosts waiting for one. */
  readonly connecting: number;
  readonly waitingToConnect: number;
  /** Circuits open now. */
  readonly openCircuits: number;
  /** The pools' counts, summed (`averageWaitTime` weighted by acquires, `utilizationRate` = active / max). */
  readonly pool: Omit<PoolStats, 'circuit' | 'min' | 'max'> & { readonly min: number; readonly max: number };
}

export interface GroupStats {
  readonly hosts: readonly GroupHostStats[];
  readonly total: GroupTotals;
}

/** The handle methods of a group (the object `$.ssh.group(...)` returns; derived tags have none). */
export interface SshGroupHandle extends PoolEventTarget<SshGroupEvents> {
  /** Every host, `user@host:port`, in the group's order. */
  readonly targets: readonly string[];
  getStats(): GroupStats;
  /** Every host's pool metrics in Prometheus text format, labelled by `target`, plus the group's own. */
  prometheus(): string;
  /** Opens `n` connections (default 1) on every host, at most `maxConnecting` handshakes at once; rejects if a host cannot connect. */
  warmPool(n?: number): Promise<void>;
  /** No new command; running and waiting ones finish (also those of an `all` in progress); then every host's pool drains. */
  drainPool(): Promise<void>;
  /** Closes every host's pool at once (running commands are stopped). */
  closePool(): Promise<void>;
}

/** What `$.ssh.group(...)` returns. */
export type SshGroup = GroupShell & SshGroupHandle;
