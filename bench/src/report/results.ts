/**
 * The shape of `bench/results/latest.json`: per scenario, per peer, the figures the tables and the
 * chart show, plus how the peer's process behaved (status, handlers it installed, unhandled rejections).
 */
import type { ProcessObservations } from '../child/protocol.js';
import type { BenchSection } from '../options.js';
import type { BenchPlan } from '../plan.js';
import type { FleetResults } from '../fleet/fleet-figures.js';
import type { TransferRow } from './transfer-figures.js';

/**
 * `ok`; `unavailable` (library not in the tree); `error` (threw); `crashed`; `hung` (killed at the timeout);
 * `skipped` (a section left out with `--only`).
 */
export type RunStatus = 'ok' | 'unavailable' | 'error' | 'crashed' | 'hung' | 'skipped';

export interface PeerStatus {
  readonly peer: string;
  readonly label: string;
  readonly status: RunStatus;
  /** Why it is not `ok`, when it is not. */
  readonly reason?: string | undefined;
  readonly process?: ProcessObservations | undefined;
  /** How the peer ran when that is not obvious (e.g. the ControlMaster adapter driven directly). */
  readonly note?: string | undefined;
}

export interface CommandFigures {
  readonly command: string;
  readonly samples: number;
  readonly errors: number;
  /** Failed warm-up commands (untimed). */
  readonly warmupErrors: number;
  readonly firstError?: string | undefined;
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly meanMs: number;
  readonly cpuMicrosPerCommand: number;
  /** Part of the CPU spent in reaped child processes (the ssh clients of ControlMaster). */
  readonly childCpuMicrosPerCommand: number;
  /** Against the floor on the same host and command. */
  readonly medianVsFloor: number;
  readonly p95VsFloor: number;
  readonly cpuVsFloor: number;
}

export interface SequentialRow extends PeerStatus {
  readonly host: string;
  readonly commands: CommandFigures[];
  /** First command with connect, ms: the cold cycle(s) and the median of all cycles. */
  readonly firstCommand?: { readonly coldMs: number; readonly medianMs: number; readonly samples: number[] } | undefined;
}

/** One pause row of the script-with-pauses scenario: per-command time, the pause excluded. */
export interface PauseFigures {
  /** Local work between commands (an awaited timer), ms; 0 is back to back. */
  readonly pauseMs: number;
  /** Median ms the timer actually took (NaN for 0: no timer). */
  readonly pauseTakenMedianMs: number;
  readonly samples: number;
  readonly errors: number;
  /** Failed untimed commands (warm-up, lead-ins). */
  readonly untimedErrors: number;
  readonly firstError?: string | undefined;
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly meanMs: number;
  /** Against the same client's back-to-back row (pause 0) of the same child: what the gap costs it. */
  readonly medianVsBackToBack: number;
  readonly p95VsBackToBack: number;
  /** Against the floor's row with the same pause on the same host. */
  readonly medianVsFloor: number;
}

export interface PausesRow extends PeerStatus {
  readonly host: string;
  /** Commands of the script, run in turn. */
  readonly script: readonly string[];
  readonly pauses: PauseFigures[];
}

export interface ThroughputRow extends PeerStatus {
  readonly ok?: number;
  readonly failed?: number;
  readonly lost?: number;
  readonly elapsedMs?: number;
  readonly okPerSecond?: number;
  readonly cpuMicrosPerCommand?: number;
  readonly failureKinds?: Record<string, number>;
  /** Channels sshd refused during the run (`no more sessions` lines of its log). */
  readonly refusedChannels?: number | undefined;
  /** Connections sshd let in during the run. */
  readonly serverConnections?: number | undefined;
  /** CPU of sshd's process tree during the run, per successful command (refused channels cost it little). */
  readonly serverCpuMicrosPerOk?: number | undefined;
  readonly serverCpuMs?: number | undefined;
}

/** The deploy of examples/deploy.ts end to end, on one host. */
export interface DeployRow extends PeerStatus {
  readonly host: string;
  /** The first deploy, connect included. */
  readonly firstMs?: number;
  /** Later deploys on the held connection: median, p95, count. */
  readonly heldMedianMs?: number;
  readonly heldP95Ms?: number;
  readonly samples?: number;
  readonly commandsPerDeploy?: number;
  /** Held median over the floor's (raw ssh2) and node-ssh's on the same host. */
  readonly heldVsFloor?: number;
  readonly heldVsNodeSsh?: number;
  readonly firstVsFloor?: number;
  readonly firstVsNodeSsh?: number;
}

/** One run of the sshd restart scenario. */
export interface FaultRestartRow extends PeerStatus {
  /** `on` (the default), `off` (`circuitBreaker: { enabled: false }`), `n/a` (no breaker: raw ssh2). */
  readonly breaker: 'on' | 'off' | 'n/a';
  readonly ok?: number;
  readonly failed?: number;
  readonly lost?: number;
  readonly failedBeforeKill?: number;
  readonly failedDuringOutage?: number;
  readonly failedAfterRestart?: number;
  /** ms from sshd's death to the first failure (channel refusals left out); NaN when none. */
  readonly firstFailureAfterKillMs?: number;
  /** ms from sshd answering again to the first success after the restart; NaN when none. */
  readonly recoveryMs?: number;
  readonly recoveredBy?: 'workload' | 'probe' | 'none';
  readonly probes?: number;
  readonly elapsedMs?: number;
  /** ms from `kill()` to the first sshd death (the freeze), from the death to sshd answering again. */
  readonly freezeMs?: number;
  readonly downMs?: number;
  readonly failureKinds?: Record<string, number>;
}

/** A command with `.timeout(ms)` on a connection gone silent. */
export interface FaultSilentRow extends PeerStatus {
  readonly commandTimeoutMs: number;
  readonly settleMs?: number[];
  readonly medianMs?: number;
  readonly maxMs?: number;
  readonly outcomes?: Record<string, number>;
}

/** A host that stays down: the circuit opening and fail-fast commands. */
export interface FaultDownRow extends PeerStatus {
  readonly msToOpen?: number;
  readonly failuresBeforeOpen?: number;
  readonly samples?: number;
  readonly medianMs?: number;
  readonly p95Ms?: number;
  readonly maxMs?: number;
  readonly otherOutcomes?: Record<string, number>;
}

export interface FaultsResults {
  readonly restart: FaultRestartRow[];
  readonly silent: FaultSilentRow[];
  readonly down: FaultDownRow[];
}

export interface MemoryRow extends PeerStatus {
  readonly connections?: number;
  readonly rssPerConnectionKiB?: number;
  readonly heapPerConnectionKiB?: number;
  readonly externalPerConnectionKiB?: number;
}

export interface TargetCheck {
  readonly id: string;
  /** The section whose figures it needs (targets of sections left out with `--only` are not shown). */
  readonly section: BenchSection;
  readonly description: string;
  /** `≤ 1.10`, `≥ 1.00`, `= 0`. */
  readonly goal: string;
  readonly actual: number;
  /** `met`, `missed`, or `n/a` when a figure it needs is missing. */
  readonly verdict: 'met' | 'missed' | 'n/a';
  readonly detail: string;
}

export interface BenchResults {
  readonly meta: {
    readonly date: string;
    readonly quick: boolean;
    readonly node: string;
    readonly platform: string;
    readonly cpus: number;
    readonly loadAverageAtStart: number[];
    readonly sshd: string;
    readonly rttHostOneWayDelayMs: number;
    readonly durationSeconds: number;
    readonly plan: BenchPlan;
    /** The sections this run measured (all, unless `--only` named some). */
    readonly sections: readonly BenchSection[];
  };
  readonly sequential: SequentialRow[];
  readonly pauses: PausesRow[];
  readonly throughput: ThroughputRow[];
  readonly memory: MemoryRow[];
  readonly pool: { readonly status: RunStatus; readonly reason?: string | undefined; readonly data?: unknown };
  readonly deploy: DeployRow[];
  readonly faults: FaultsResults;
  /** Transfers (report/transfer-figures.ts); absent in results written before the section existed. */
  readonly transfer?: TransferRow[];
  /** The fleet section (fleet/fleet-figures.ts); absent when it did not run. */
  readonly fleet?: FleetResults | undefined;
  readonly targets: TargetCheck[];
}
