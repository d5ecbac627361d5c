/**
 * A job queue spread over a host group with 'least-connections': each job goes to the host with the fewest
 * jobs in flight, so a slow host takes fewer jobs and nobody waits behind it. Eight workers take 48 jobs
 * from a queue; the first host is slow (its jobs take 4× as long).
 *   pnpm exec tsx examples/fleet-job-queue.ts
 */
import { $ } from '@rexec/core';
import { withDemoFleet } from './lib/demo-fleet.js';

const JOBS = 48;
const WORKERS = 8;

await withDemoFleet(4, async ({ targets, description }) => {
  console.log(`fleet: ${description}`);
  const fleet = $.ssh.group(targets, { strategy: 'least-connections' });
  await fleet.warmPool(); // one connection per host, at most maxConnecting (10) handshakes at once
  const slow = fleet.targets[0] ?? '';
  const slowAddress = `${slow.slice(slow.lastIndexOf('@') + 1, slow.lastIndexOf(':'))} ${slow.slice(slow.lastIndexOf(':') + 1)}`;

  const queue = Array.from({ length: JOBS }, (_, i) => i + 1);
  const perHost = new Map<string, number>();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
        // The job: 50 ms of "work" (200 ms on the slow host), then report which job it was.
        const result = await fleet.raw`case "$SSH_CONNECTION" in *" ${slowAddress}") sleep 0.2;; *) sleep 0.05;; esac; echo job ${job}`;
        perHost.set(result.target, (perHost.get(result.target) ?? 0) + 1);
      }
    }),
  );
  const ms = performance.now() - started;
  console.log(`${JOBS} jobs on ${fleet.targets.length} hosts in ${ms.toFixed(0)} ms with ${WORKERS} workers:`);
  for (const target of fleet.targets) console.log(`  ${target.padEnd(26)} ${String(perHost.get(target) ?? 0).padStart(3)} jobs${target === slow ? '  (slow host)' : ''}`);
  const fastest = Math.min(...fleet.targets.slice(1).map((target) => perHost.get(target) ?? 0));
  console.log(`the slow host took ${perHost.get(slow) ?? 0} jobs, each other host at least ${fastest}`);
  const { total } = fleet.getStats();
  console.log(`group stats: ${total.commands} commands, ${total.succeeded} ok, ${total.pool.connectionsCreated} connections`);
  await fleet.closePool();
});
