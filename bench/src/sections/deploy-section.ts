/**
 * The deploy of examples/deploy.ts end to end (bench/src/scenarios/deploy.ts), for every deploy peer
 * on both hosts: one child per (peer, host). The first deploy opens the connection; the later ones
 * reuse it. Each row's figures are divided by the floor's client (raw ssh2, held, nodelay) and by
 * node-ssh's on the same host.
 */
import type { TargetInfo } from '../child/protocol.js';
import { runChild } from '../child/run-child.js';
import { FLOOR_PEER, labelOf, type BenchPlan } from '../plan.js';
import type { DeployRow } from '../report/results.js';
import { median, p95, ratio } from '../report/stats.js';
import { describe, statusOf, type Log } from './outcome.js';

export const NODE_SSH_PEER = 'node-ssh';

/** Fills the ratios of every row from the floor's and node-ssh's rows on the same host. */
export function withDeployRatios(rows: DeployRow[]): DeployRow[] {
  const on = (peer: string, host: string): DeployRow | undefined => rows.find((row) => row.peer === peer && row.host === host);
  return rows.map((row) => {
    const floor = on(FLOOR_PEER, row.host);
    const nodeSsh = on(NODE_SSH_PEER, row.host);
    return {
      ...row,
      heldVsFloor: ratio(row.heldMedianMs, floor?.heldMedianMs),
      heldVsNodeSsh: ratio(row.heldMedianMs, nodeSsh?.heldMedianMs),
      firstVsFloor: ratio(row.firstMs, floor?.firstMs),
      firstVsNodeSsh: ratio(row.firstMs, nodeSsh?.firstMs),
    };
  });
}

export async function runDeploySection(hosts: readonly TargetInfo[], plan: BenchPlan, log: Log): Promise<DeployRow[]> {
  const rows: DeployRow[] = [];
  for (const host of hosts) {
    const params = host.name === 'loopback' ? plan.deploy.loopback : plan.deploy.rtt20;
    for (const peer of plan.deploy.peers) {
      const outcome = await runChild({ scenario: 'deploy', peer, target: host, params }, { timeoutMs: plan.deploy.timeoutMs });
      log(`deploy ${host.name} ${peer}: ${describe(outcome)}`);
      const status = statusOf(peer, labelOf(peer), outcome);
      if (outcome.status !== 'ok' || outcome.result.kind !== 'deploy') {
        rows.push({ ...status, host: host.name });
        continue;
      }
      const { firstMs, heldMs, commandsPerDeploy } = outcome.result;
      rows.push({ ...status, host: host.name, firstMs, heldMedianMs: median(heldMs), heldP95Ms: p95(heldMs), samples: heldMs.length, commandsPerDeploy });
    }
  }
  return withDeployRatios(rows);
}
