/**
 * What a run measures and how much: the peers of each scenario, sample budgets, and child
 * time limits, for the full run and for `--quick`. Budgets are time-based, so slow peers get
 * fewer samples instead of stretching the run; none of these depends on the results.
 */
import { TRANSFER_FULL, TRANSFER_QUICK, type TransferPlan } from './scenarios/transfer-plan.js';
import { FLEET_FULL, FLEET_QUICK, type FleetPlan } from './fleet/fleet-plan.js';
import type { DeployParams, DownParams, MemoryParams, PausesParams, RestartParams, SequentialParams, SilentParams, ThroughputParams } from './child/protocol.js';

/** The floor, then the rest; each name is a file in peers/. */
export const SEQUENTIAL_PEERS = [
  'ssh2-nodelay',
  'ssh2-wrapped',
  'ssh2-default',
  'ssh2-fresh',
  'rexec-pooled',
  'rexec-control-master',
  'node-ssh',
  'xec',
] as const;
/** Script with pauses: the floor (what an idle gap costs any client), `$.ssh`, and the peers with runners. */
export const PAUSES_PEERS = ['ssh2-nodelay', 'rexec-pooled', 'node-ssh', 'xec'] as const;
export const THROUGHPUT_PEERS = ['rexec-pooled', 'ssh2-nodelay', 'generic-pool-ssh2', 'node-ssh', 'xec'] as const;
export const MEMORY_PEERS = ['ssh2-nodelay', 'rexec-pooled', 'node-ssh'] as const;
/** The deploy of examples/deploy.ts: the floor's client (raw ssh2), `$.ssh`, and the peers with runners. */
export const DEPLOY_PEERS = ['ssh2-nodelay', 'rexec-pooled', 'node-ssh', 'xec'] as const;
/** How long the naive raw client (peers/ssh2-reconnect.ts) waits between reconnect attempts. */
export const NAIVE_RECONNECT_DELAY_MS = 250;
/** sshd restart under load: `$.ssh` with the breaker on (the default), off, and raw ssh2 reconnecting naively. */
export const RESTART_RUNS = [
  { peer: 'rexec-pooled', breaker: 'on' },
  { peer: 'rexec-pooled', breaker: 'off' },
  { peer: 'ssh2-reconnect', breaker: 'n/a' },
] as const;
/** Names shown in tables (the parent never imports a peer's library, so labels live here). */
export const PEER_LABELS: Readonly<Record<string, string>> = Object.freeze({
  'ssh2-nodelay': 'ssh2 held, nodelay (floor)',
  'ssh2-wrapped': 'ssh2 floor + rexec wire (diagnostic)',
  'ssh2-default': 'ssh2 held, default',
  'ssh2-fresh': 'ssh2 fresh per command, nodelay',
  'rexec-pooled': '$.ssh pooled',
  'rexec-control-master': '$.ssh controlMaster',
  'node-ssh': 'node-ssh 13.2.1',
  xec: '@xec-sh/core 0.9.0',
  'generic-pool-ssh2': 'generic-pool × ssh2 (4 exclusive), nodelay',
  'ssh2-reconnect': 'ssh2, one connection, naive reconnect',
});
export const labelOf = (peer: string): string => PEER_LABELS[peer] ?? peer;
export const FLOOR_PEER = 'ssh2-nodelay';
/**
 * The first-command reference: the floor's client opening a new nodelay connection for its first
 * command (connect + authenticate + run, timed to the result). Not `ssh2-fresh`, whose per-command
 * time also includes waiting for the disconnect.
 */
export const FIRST_COMMAND_REFERENCE = FLOOR_PEER;

export interface BenchPlan {
  /** Sequential rounds; round 2 runs the peers in reverse order so drift does not favour one. */
  readonly rounds: number;
  readonly sequential: { readonly loopback: SequentialParams; readonly rtt20: SequentialParams; readonly timeoutMs: number };
  readonly pauses: {
    readonly peers: readonly string[];
    readonly loopback: PausesParams;
    readonly rtt20: PausesParams;
    /** Per child (one peer on one host, every pause row). */
    readonly timeoutMs: number;
  };
  readonly throughput: ThroughputParams & { readonly timeoutMs: number };
  readonly memory: MemoryParams & { readonly timeoutMs: number };
  readonly poolTimeoutMs: number;
  readonly deploy: { readonly peers: readonly string[]; readonly loopback: DeployParams; readonly rtt20: DeployParams; readonly timeoutMs: number };
  /** Sizes, runs and time limits of the transfer section (scenarios/transfer-plan.ts). */
  readonly transfer: TransferPlan;
  /** Hosts, concurrency and time limits of the fleet section (fleet/fleet-plan.ts). */
  readonly fleet: FleetPlan;
  readonly faults: {
    /** Per run (one client); the pool options are the run's. */
    readonly restart: Omit<RestartParams, 'poolOptions'> & { readonly timeoutMs: number };
    readonly silent: SilentParams & { readonly timeoutMs: number };
    readonly down: DownParams & { readonly timeoutMs: number };
  };
}

/** The restart scenario of the issue: sshd killed at 30 % of the commands, back ~2 s after it died. */
const restart = (total: number, inFlight: number, deadlineMs: number, timeoutMs: number): BenchPlan['faults']['restart'] => ({
  command: 'true',
  total,
  inFlight,
  killAfter: Math.round(total * 0.3),
  restartAfterMs: 2_000,
  serverMaxSessions: 10,
  deadlineMs,
  probeIntervalMs: 50,
  maxProbes: 200,
  timeoutMs,
});

const COMMANDS = ['true', 'echo hi'] as const;
/** The script of the pauses scenario, run in turn. */
const SCRIPT = ['true', 'echo x'] as const;

const FULL: BenchPlan = {
  rounds: 2,
  sequential: {
    loopback: { commands: COMMANDS, warmup: 10, minIterations: 20, maxIterations: 300, budgetMs: 3_000, firstCommandCycles: 5 },
    rtt20: { commands: COMMANDS, warmup: 5, minIterations: 15, maxIterations: 150, budgetMs: 3_500, firstCommandCycles: 4 },
    timeoutMs: 120_000,
  },
  // 60 timed commands per row; the slowest child (node-ssh or xec at 20 ms RTT, ~90 ms a command) takes ~20 s.
  pauses: {
    peers: PAUSES_PEERS,
    loopback: { script: SCRIPT, pausesMs: [0, 5, 50], commandsPerRow: 60, block: 10, warmup: 10, budgetMs: 30_000 },
    rtt20: { script: SCRIPT, pausesMs: [0, 5, 50], commandsPerRow: 60, block: 10, warmup: 5, budgetMs: 45_000 },
    timeoutMs: 90_000,
  },
  throughput: { command: 'true', total: 500, inFlight: 50, maxConnections: 4, serverMaxSessions: 10, deadlineMs: 60_000, timeoutMs: 90_000 },
  memory: { connections: 8, timeoutMs: 60_000 },
  poolTimeoutMs: 180_000,
  // The slowest child (node-ssh or xec at 20 ms RTT, ~1.5 s a deploy) takes ~15 s.
  deploy: {
    peers: DEPLOY_PEERS,
    loopback: { minIterations: 10, maxIterations: 50, budgetMs: 3_000 },
    rtt20: { minIterations: 5, maxIterations: 20, budgetMs: 8_000 },
    timeoutMs: 90_000,
  },
  transfer: TRANSFER_FULL,
  fleet: FLEET_FULL,
  faults: {
    restart: restart(5_000, 100, 60_000, 120_000),
    silent: { command: 'true', commandTimeoutMs: 1_000, samples: 5, timeoutMs: 60_000 },
    down: { command: 'true', maxCommandsUntilOpen: 20, untilOpenBudgetMs: 30_000, samples: 200, timeoutMs: 90_000 },
  },
};

const QUICK: BenchPlan = {
  rounds: 1,
  sequential: {
    loopback: { commands: COMMANDS, warmup: 3, minIterations: 8, maxIterations: 60, budgetMs: 500, firstCommandCycles: 2 },
    rtt20: { commands: COMMANDS, warmup: 2, minIterations: 6, maxIterations: 30, budgetMs: 500, firstCommandCycles: 1 },
    timeoutMs: 45_000,
  },
  // Only the floor and `$.ssh`, only the 5 ms row, a few commands: about 10 s in all.
  pauses: {
    peers: ['ssh2-nodelay', 'rexec-pooled'],
    loopback: { script: SCRIPT, pausesMs: [0, 5], commandsPerRow: 12, block: 6, warmup: 3, budgetMs: 3_000 },
    rtt20: { script: SCRIPT, pausesMs: [0, 5], commandsPerRow: 12, block: 6, warmup: 2, budgetMs: 5_000 },
    timeoutMs: 30_000,
  },
  throughput: { command: 'true', total: 200, inFlight: 50, maxConnections: 4, serverMaxSessions: 10, deadlineMs: 20_000, timeoutMs: 40_000 },
  memory: { connections: 4, timeoutMs: 30_000 },
  poolTimeoutMs: 60_000,
  // The floor, `$.ssh` and node-ssh (the deploy target's reference), a first deploy and 2-3 more each.
  deploy: {
    peers: ['ssh2-nodelay', 'rexec-pooled', 'node-ssh'],
    loopback: { minIterations: 3, maxIterations: 10, budgetMs: 500 },
    rtt20: { minIterations: 2, maxIterations: 3, budgetMs: 500 },
    timeoutMs: 45_000,
  },
  transfer: TRANSFER_QUICK,
  fleet: FLEET_QUICK,
  faults: {
    restart: restart(500, 20, 30_000, 60_000),
    silent: { command: 'true', commandTimeoutMs: 1_000, samples: 2, timeoutMs: 30_000 },
    down: { command: 'true', maxCommandsUntilOpen: 20, untilOpenBudgetMs: 30_000, samples: 50, timeoutMs: 60_000 },
  },
};

export const planFor = (quick: boolean): BenchPlan => (quick ? QUICK : FULL);
