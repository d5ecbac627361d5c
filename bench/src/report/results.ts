/**
 * The shape of `bench/results/latest.json`: per scenario, per peer, the figures the tables and the
 * chart show, plus how the peer's process behaved (status, handlers it installed, unhandled rejections).
 */
import type { ProcessObservations } from '../child/protocol.js';
import type { BenchPlan } from '../plan.js';

/** `ok`; `unavailable` (library not in the tree); `error` (threw); `crashed`; `hung` (killed at the timeout). */
export type RunStatus = 'ok' | 'unavailable' | 'error' | 'crashed' | 'hung';

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

export interface ThroughputRow extends PeerStatus {
  readonly ok?: number;
  readonly failed?: number;
  readonly lost?: number;
  readonly elapsedMs?: number;
  readonly okPerSecond?: number;
  readonly cpuMicrosPerCommand?: number;
  readonly failureKinds?: Record<string, number>;
}

export interface MemoryRow extends PeerStatus {
  readonly connections?: number;
  readonly rssPerConnectionKiB?: number;
  readonly heapPerConnectionKiB?: number;
  readonly externalPerConnectionKiB?: number;
}

export interface TargetCheck {
  readonly id: string;
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
  };
  readonly sequential: SequentialRow[];
  readonly throughput: ThroughputRow[];
  readonly memory: MemoryRow[];
  readonly pool: { readonly status: RunStatus; readonly reason?: string | undefined; readonly data?: unknown };
  readonly targets: TargetCheck[];
}
