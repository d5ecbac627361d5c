/**
 * Script with pauses: for every peer on every host, one child runs the script with each pause
 * (0 = back to back, then L ms of local work before each command), the rows interleaved in blocks.
 * Each row's per-command median and p95 are divided by the same child's back-to-back row (what an
 * idle gap costs that client) and by the floor's row with the same pause on the same host.
 */
import type { PausesResult, TargetInfo } from '../child/protocol.js';
import { runChild } from '../child/run-child.js';
import { FLOOR_PEER, labelOf, type BenchPlan } from '../plan.js';
import type { PauseFigures, PausesRow } from '../report/results.js';
import { mean, median, p95, ratio } from '../report/stats.js';
import { describe, statusOf, type Log } from './outcome.js';

function figuresOf(result: PausesResult): PauseFigures[] {
  const baseline = result.rows.find((row) => row.pauseMs === 0);
  return result.rows.map((row) => {
    const medianMs = median(row.samples);
    const p95Ms = p95(row.samples);
    return {
      pauseMs: row.pauseMs,
      pauseTakenMedianMs: median(row.pausesTaken),
      samples: row.samples.length,
      errors: row.errors,
      untimedErrors: row.untimedErrors + (row.pauseMs === 0 ? result.warmupErrors : 0),
      firstError: row.firstError,
      medianMs,
      p95Ms,
      meanMs: mean(row.samples),
      medianVsBackToBack: ratio(medianMs, baseline === undefined ? undefined : median(baseline.samples)),
      p95VsBackToBack: ratio(p95Ms, baseline === undefined ? undefined : p95(baseline.samples)),
      medianVsFloor: Number.NaN,
    };
  });
}

/** Fills `medianVsFloor` of every pause row from the floor's row with the same pause and host. */
function withFloorRatios(rows: PausesRow[]): PausesRow[] {
  return rows.map((row) => {
    const floor = rows.find((candidate) => candidate.peer === FLOOR_PEER && candidate.host === row.host);
    return {
      ...row,
      pauses: row.pauses.map((figures) => ({
        ...figures,
        medianVsFloor: ratio(figures.medianMs, floor?.pauses.find((f) => f.pauseMs === figures.pauseMs)?.medianMs),
      })),
    };
  });
}

export async function runPausesSection(hosts: readonly TargetInfo[], plan: BenchPlan, log: Log): Promise<PausesRow[]> {
  const rows: PausesRow[] = [];
  for (const host of hosts) {
    const params = host.name === 'loopback' ? plan.pauses.loopback : plan.pauses.rtt20;
    for (const peer of plan.pauses.peers) {
      const outcome = await runChild({ scenario: 'pauses', peer, target: host, params }, { timeoutMs: plan.pauses.timeoutMs });
      log(`pauses ${host.name} ${peer}: ${describe(outcome)}`);
      const status = statusOf(peer, labelOf(peer), outcome);
      const pauses = outcome.status === 'ok' && outcome.result.kind === 'pauses' ? figuresOf(outcome.result) : [];
      rows.push({ ...status, host: host.name, script: params.script, pauses });
    }
  }
  return withFloorRatios(rows);
}
