/**
 * What the bench's parent process and its child processes say to each other.
 * The parent starts one child per (peer, scenario, host) with a `ChildTask` as JSON in argv;
 * the child prints exactly one line `RESULT_MARKER + JSON` with a `ChildReport` on stdout.
 * Anything else a peer prints on stdout or stderr is kept only as a diagnostic tail.
 */

import type { TransferParams, TransferResult } from '../scenarios/transfer-types.js';

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
  /**
   * The bench host's sshd (set by the section, not the plan): its process tree's CPU (from /proc) and
   * the channels it refused (`no more sessions` lines of its log) are read before and after the measured loop.
   */
  readonly server?: ServerInfo | undefined;
}

/** The sshd a child may watch: its listener's pid and its log (LogLevel VERBOSE, one line per refused channel). */
export interface ServerInfo {
  readonly pid: number;
  readonly logPath: string;
}

/**
 * The steps of examples/deploy.ts as plain commands (bench/src/scenarios/deploy.ts), run end to end on
 * one session: the first deploy opens the connection, the next ones reuse it.
 */
export interface DeployParams {
  /** Each deploy after the first is timed at least this many times, then until `budgetMs` or `maxIterations`. */
  readonly minIterations: number;
  readonly maxIterations: number;
  readonly budgetMs: number;
}

/**
 * sshd killed under load and restarted: `total` commands with `inFlight` outstanding on one session;
 * when `killAfter` of them have settled the child asks the parent to kill sshd and restart it
 * `restartAfterMs` after it died. After the commands, if none succeeded since the restart, the child
 * probes one command every `probeIntervalMs` (at most `maxProbes`) so that the recovery is measured.
 */
export interface RestartParams {
  readonly command: string;
  readonly total: number;
  readonly inFlight: number;
  readonly killAfter: number;
  readonly restartAfterMs: number;
  /** Channels a hand-written multiplexing client keeps open at once (the server's MaxSessions). */
  readonly serverMaxSessions: number;
  /** `$.ssh` pool options (the breaker switched off for one run); undefined: the defaults. */
  readonly poolOptions?: Readonly<Record<string, unknown>> | undefined;
  /** Commands still pending after this many ms count as lost (and failed). */
  readonly deadlineMs: number;
  readonly probeIntervalMs: number;
  readonly maxProbes: number;
}

/** A command with a timeout on a connection that went silent (the fault proxy frozen), `samples` times. */
export interface SilentParams {
  readonly command: string;
  readonly commandTimeoutMs: number;
  readonly samples: number;
}

/** A host that stays down: commands until the circuit opens (bounded), then `samples` fail-fast commands. */
export interface DownParams {
  readonly command: string;
  readonly maxCommandsUntilOpen: number;
  readonly untilOpenBudgetMs: number;
  readonly samples: number;
}

/** What a faults child asks the parent to do to the host or the proxy (answered with `FaultTimes` or `{}`). */
export type FaultRequest =
  | { readonly action: 'kill-restart'; readonly restartAfterMs: number }
  | { readonly action: 'freeze' }
  | { readonly action: 'reset' };

/** Epoch ms with sub-ms resolution: the clock the parent and a child both stamp fault events with. */
export const epochNow = (): number => performance.timeOrigin + performance.now();

/** Epoch ms (`epochNow()`) of what the parent did to the host. */
export interface FaultTimes {
  /** `host.kill()` called: sshd's tree is frozen (SIGSTOP) first, then killed. */
  readonly killIssuedAt: number;
  /** The first sshd process of the tree seen dead (polled): connections drop from here. */
  readonly diedAt: number;
  /** `host.kill()` resolved: every sshd process gone. */
  readonly killedAt: number;
  readonly restartIssuedAt: number;
  /** `host.restart()` resolved: sshd answers with its banner. */
  readonly readyAt: number;
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
  | { readonly scenario: 'deploy'; readonly peer: string; readonly target: TargetInfo; readonly params: DeployParams }
  | { readonly scenario: 'faults-restart'; readonly peer: string; readonly target: TargetInfo; readonly params: RestartParams }
  | { readonly scenario: 'faults-silent'; readonly peer: string; readonly target: TargetInfo; readonly params: SilentParams }
  | { readonly scenario: 'faults-down'; readonly peer: string; readonly target: TargetInfo; readonly params: DownParams }
  | { readonly scenario: 'pool'; readonly peer: 'pool'; readonly params: { readonly quick: boolean } }
  | { readonly scenario: 'transfer'; readonly peer: string; readonly target: TargetInfo; readonly params: TransferParams };

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
  /** CPU µs of the sshd process tree over the loop (undefined when /proc or the pid is not there). */
  readonly serverCpuMicros?: number | undefined;
  /** Channels sshd refused during the loop (`no more sessions` in its log); undefined when unread. */
  readonly refusedChannels?: number | undefined;
  /** Connections sshd accepted (authenticated) during the loop. */
  readonly serverConnections?: number | undefined;
}

export interface DeployResult {
  readonly kind: 'deploy';
  /** ms of the first deploy, the connect included. */
  readonly firstMs: number;
  /** ms of each later deploy on the held session. */
  readonly heldMs: number[];
  /** Commands of one deploy (the four parallel checks count four). */
  readonly commandsPerDeploy: number;
}

export interface RestartResult {
  readonly kind: 'faults-restart';
  readonly ok: number;
  readonly failed: number;
  readonly lost: number;
  readonly elapsedMs: number;
  readonly failedBeforeKill: number;
  /** From the kill to sshd answering again. */
  readonly failedDuringOutage: number;
  /** After sshd answers again. */
  readonly failedAfterRestart: number;
  /** ms from the first sshd death to the first failure after it that is not a channel refusal. */
  readonly firstFailureAfterKillMs: number | null;
  /** ms from sshd answering again to the first command that succeeded after the restart began. */
  readonly recoveryMs: number | null;
  readonly recoveredBy: 'workload' | 'probe' | 'none';
  readonly probes: number;
  readonly times: FaultTimes | null;
  readonly failureKinds: Record<string, number>;
  readonly firstError?: string | undefined;
}

export interface SilentResult {
  readonly kind: 'faults-silent';
  /** ms from the call to the settle, per sample. */
  readonly settleMs: number[];
  /** How the commands settled (`TimeoutError`, …), counted. */
  readonly outcomes: Record<string, number>;
}

export interface DownResult {
  readonly kind: 'faults-down';
  /** ms from the first command to the first CircuitOpenError (null: it never opened). */
  readonly msToOpen: number | null;
  /** Commands that failed otherwise before it opened. */
  readonly failuresBeforeOpen: number;
  /** ms of each command that failed with CircuitOpenError once open. */
  readonly openLatencies: number[];
  /** Commands after it opened that did something else (a probe let through). */
  readonly otherOutcomes: Record<string, number>;
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

export type ScenarioResult =
  | SequentialResult
  | PausesResult
  | ThroughputResult
  | MemoryResult
  | PoolResult
  | DeployResult
  | RestartResult
  | SilentResult
  | DownResult
  | TransferResult;

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
