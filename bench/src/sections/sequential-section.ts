/**
 * Sequential latency and first-command latency, for every peer on every host: one child per
 * (peer, host, round), rounds alternating the peer order. Samples of all rounds are pooled before
 * the median, p95 and the CPU per command are taken; ratios are against the floor's figures.
 */
import type { CommandSamples, SequentialResult, TargetInfo } from '../child/protocol.js';
import { runChild, type ChildOutcome } from '../child/run-child.js';
import { FLOOR_PEER, labelOf, SEQUENTIAL_PEERS, type BenchPlan } from '../plan.js';
import type { CommandFigures, SequentialRow } from '../report/results.js';
import { mean, median, p95, ratio } from '../report/stats.js';
import { describe, statusOf, type Log } from './outcome.js';

interface Merged {
  outcome: ChildOutcome | undefined;
  results: SequentialResult[];
}

const figuresOf = (command: string, runs: CommandSamples[]): Omit<CommandFigures, 'medianVsFloor' | 'p95VsFloor' | 'cpuVsFloor'> => {
  const samples = runs.flatMap((run) => run.samples);
  const errors = runs.reduce((sum, run) => sum + run.errors, 0);
  const executed = samples.length + errors;
  const cpu = runs.reduce((sum, run) => sum + run.cpuMicros, 0);
  const childCpu = runs.reduce((sum, run) => sum + run.childCpuMicros, 0);
  return {
    command,
    samples: samples.length,
    errors,
    warmupErrors: runs.reduce((sum, run) => sum + run.warmupErrors, 0),
    firstError: runs.find((run) => run.firstError !== undefined)?.firstError,
    medianMs: median(samples),
    p95Ms: p95(samples),
    meanMs: mean(samples),
    cpuMicrosPerCommand: executed === 0 ? Number.NaN : cpu / executed,
    childCpuMicrosPerCommand: executed === 0 ? Number.NaN : childCpu / executed,
  };
};

function rowOf(peer: string, host: TargetInfo, merged: Merged, commands: readonly string[]): SequentialRow {
  const status = merged.outcome === undefined ? { peer, label: labelOf(peer), status: 'error' as const, reason: 'not run' } : statusOf(peer, labelOf(peer), merged.outcome);
  if (merged.results.length === 0) return { ...status, host: host.name, commands: [] };
  const firstSamples = merged.results.flatMap((result) => result.firstCommand);
  const cold = merged.results.map((result) => result.firstCommand[0]).filter((value): value is number => value !== undefined);
  return {
    ...status,
    host: host.name,
    commands: commands.map((command) => ({
      ...figuresOf(command, merged.results.flatMap((result) => result.commands.filter((c) => c.command === command))),
      medianVsFloor: Number.NaN,
      p95VsFloor: Number.NaN,
      cpuVsFloor: Number.NaN,
    })),
    firstCommand: firstSamples.length === 0 ? undefined : { coldMs: median(cold), medianMs: median(firstSamples), samples: firstSamples },
  };
}

/** Fills the `…VsFloor` ratios of every row from the floor row of the same host. */
function withFloorRatios(rows: SequentialRow[]): SequentialRow[] {
  return rows.map((row) => {
    const floor = rows.find((candidate) => candidate.peer === FLOOR_PEER && candidate.host === row.host);
    return {
      ...row,
      commands: row.commands.map((figures) => {
        const base = floor?.commands.find((c) => c.command === figures.command);
        return {
          ...figures,
          medianVsFloor: ratio(figures.medianMs, base?.medianMs),
          p95VsFloor: ratio(figures.p95Ms, base?.p95Ms),
          cpuVsFloor: ratio(figures.cpuMicrosPerCommand, base?.cpuMicrosPerCommand),
        };
      }),
    };
  });
}

export async function runSequentialSection(hosts: readonly TargetInfo[], plan: BenchPlan, log: Log): Promise<SequentialRow[]> {
  const merged = new Map<string, Merged>();
  for (let round = 0; round < plan.rounds; round++) {
    const peers = round % 2 === 0 ? [...SEQUENTIAL_PEERS] : [...SEQUENTIAL_PEERS].reverse();
    for (const host of hosts) {
      const params = host.name === 'loopback' ? plan.sequential.loopback : plan.sequential.rtt20;
      for (const peer of peers) {
        const outcome = await runChild({ scenario: 'sequential', peer, target: host, params }, { timeoutMs: plan.sequential.timeoutMs });
        log(`sequential ${host.name} ${peer} round ${round + 1}: ${describe(outcome)}`);
        const key = `${host.name}/${peer}`;
        const entry = merged.get(key) ?? { outcome: undefined, results: [] };
        // The worst outcome of the rounds is the one reported; figures come from the rounds that finished.
        if (entry.outcome === undefined || outcome.status !== 'ok') entry.outcome = outcome;
        if (outcome.status === 'ok' && outcome.result.kind === 'sequential') entry.results.push(outcome.result);
        merged.set(key, entry);
      }
    }
  }
  const rows = hosts.flatMap((host) =>
    SEQUENTIAL_PEERS.map((peer) => rowOf(peer, host, merged.get(`${host.name}/${peer}`) ?? { outcome: undefined, results: [] }, plan.sequential.loopback.commands)),
  );
  return withFloorRatios(rows);
}
