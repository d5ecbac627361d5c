/**
 * What the bench's parent process and its child processes say to each other.
 * The parent starts one child per (peer, scenario, host) with a `ChildTask` as JSON in argv;
 * the child prints exactly one line `RESULT_MARKER + JSON` with a `ChildReport` on stdout.
 * Anything else a peer prints on stdout or stderr is kept only as a diagnostic tail.
 */

export const RESULT_MARKER = '@@rexec-bench-result@@ ';

/** Where a child connects: one sshd, directly or through the delaying proxy. */
export interface TargetInfo {
  /** Short name shown in tables: `loopback` or `rtt20`. */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly privateKeyPath: string;
  readonly knownHostsPath: string;
}

export interface SequentialParams {
  readonly commands: readonly string[];
  readonly warmup: number;
  /** Each command is measured at least `minIterations` times, then until `budgetMs` or `maxIterations`. */
  readonly minIterations: number;
  readonly maxIterations: number;
  readonly budgetMs: number;
  /** open → first command → close cycles measured before the sequential loop (first is in a cold process). */
  readonly firstCommandCycles: number;
}

export interface ThroughputParams {
  readonly command: string;
  readonly total: number;
  readonly inFlight: number;
  /** Connections the peer may open, where it has such a setting (`$.ssh` pool max, generic-pool max). */
  readonly maxConnections: number;
  /** The sshd's MaxSessions: the raw multiplexing client keeps at most this many channels open, as a careful user would. */
  readonly serverMaxSessions: number;
  /** Milliseconds after which unfinished commands are counted as failed (a peer that loses callbacks). */
  readonly deadlineMs: number;
}

/**
 * A sequential script with local work between commands: the commands of `script` in turn on one
 * session, with an awaited timer of `pauseMs` before each timed command. Every pause value is a
 * row; `0` (no timer at all) is the back-to-back baseline the other rows are divided by.
 */
export interface PausesParams {
  /** The script, run in turn and continued across rows: `true`, `echo x`, `true`, … */
  readonly script: readonly string[];
  /** Local work between commands, in ms, one row each; must include 0 (back to back). */
  readonly pausesMs: readonly number[];
  /** Timed commands per row (at most). */
  readonly commandsPerRow: number;
  /** Rows take turns in blocks of this many commands, so drift of the machine hits every row alike. */
  readonly block: number;
  /** Untimed commands before the first block (connect, JIT). */
  readonly warmup: number;
  /** No new block starts after this many ms of the measured loop; rows then have fewer samples. */
  readonly budgetMs: number;
}

export interface MemoryParams {
  readonly connections: number;
}

/**
 * `peer` names a file in peers/; `peerModule` (tests only) is a path to another module that
 * default-exports a Peer, e.g. a fixture that crashes on purpose.
 */
export type ChildTask =
  | { readonly scenario: 'sequential'; readonly peer: string; readonly peerModule?: string; readonly target: TargetInfo; readonly params: SequentialParams }
  | { readonly scenario: 'throughput'; readonly peer: string; readonly target: TargetInfo; readonly params: ThroughputParams }
  | { readonly scenario: 'pauses'; readonly peer: string; readonly target: TargetInfo; readonly params: PausesParams }
  | { readonly scenario: 'memory'; readonly peer: string; readonly target: TargetInfo; readonly params: MemoryParams }
  | { readonly scenario: 'pool'; readonly peer: 'pool'; readonly params: { readonly quick: boolean } };

export interface CommandSamples {
  readonly command: string;
  /** Wall-clock ms of each measured command, in order. */
  readonly samples: number[];
  /** CPU µs (user + system) of this process over the measured loop, plus CPU of children it reaped. */
  readonly cpuMicros: number;
  /** Of that, CPU µs of reaped child processes (e.g. `ssh` clients of the ControlMaster adapter). */
  readonly childCpuMicros: number;
  /** Commands whose output was wrong or that rejected; they are not in `samples`. */
  readonly errors: number;
  /** Warm-up commands that failed (not timed, not in `errors`). */
  readonly warmupErrors: number;
  readonly firstError?: string | undefined;
}

export interface SequentialResult {
  readonly kind: 'sequential';
  /** ms from "open" to the first command's result, per cycle; index 0 ran in a cold process. */
  readonly firstCommand: number[];
  readonly commands: CommandSamples[];
}

/** One pause row of a script: each command's own time, from the call to its result (the pause is not in it). */
export interface PauseSamples {
  readonly pauseMs: number;
  /** ms per measured command, in order. */
  readonly samples: number[];
  /** ms each awaited timer actually took (empty for 0: no timer). */
  readonly pausesTaken: number[];
  /** Commands whose output was wrong or that rejected; they are not in `samples`. */
  readonly errors: number;
  /** Lead-in commands (untimed, one per block) that failed. */
  readonly untimedErrors: number;
  readonly firstError?: string | undefined;
}

export interface PausesResult {
  readonly kind: 'pauses';
  /** Warm-up commands that failed (untimed). */
  readonly warmupErrors: number;
  readonly rows: PauseSamples[];
}

export interface ThroughputResult {
  readonly kind: 'throughput';
  readonly ok: number;
  readonly failed: number;
  /** Commands that neither resolved nor rejected before the deadline (counted in `failed` too). */
  readonly lost: number;
  readonly elapsedMs: number;
  /** Failure messages and how often each occurred (first 5 kinds). */
  readonly failureKinds: Record<string, number>;
  readonly cpuMicros: number;
}

export interface MemoryResult {
  readonly kind: 'memory';
  readonly connections: number;
  readonly rssDeltaBytes: number;
  readonly heapDeltaBytes: number;
  readonly externalDeltaBytes: number;
}

export interface PoolResult {
  readonly kind: 'pool';
  readonly data: unknown;
}

export type ScenarioResult = SequentialResult | PausesResult | ThroughputResult | MemoryResult | PoolResult;

/** What a child prints; `status: 'unavailable'` when the peer's library (e.g. `$.ssh`) is not there. */
export type ChildReport =
  | { readonly status: 'ok'; readonly result: ScenarioResult; readonly process: ProcessObservations; readonly note?: string | undefined }
  | { readonly status: 'unavailable'; readonly reason: string; readonly process: ProcessObservations }
  | { readonly status: 'error'; readonly reason: string; readonly process: ProcessObservations }
  /** The peer ended the process itself (e.g. its own handler exited on an unhandled rejection). */
  | { readonly status: 'crashed'; readonly reason: string; readonly process: ProcessObservations };

/** Process-wide effects a peer had on the process it ran in. */
export interface ProcessObservations {
  /** e.g. `{ SIGINT: 1, unhandledRejection: 1 }`: listeners the peer added to `process`. */
  readonly handlersAdded: Record<string, number>;
  readonly unhandledRejections: number;
  readonly firstUnhandledRejection?: string | undefined;
}
