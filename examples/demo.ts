/**
 * `pnpm demo`: pooled remote execution with no set-up.
 * Starts an SSH host on 127.0.0.1 (or uses REXEC_DEMO_TARGET), runs the deploy example against it,
 * and shows what the pool did: fresh vs pooled latency, pool stats, and the events it emitted.
 */
import { $ } from '@rexec/core';
import { deploy } from './deploy.js';
import { withDemoTarget } from './lib/demo-host.js';

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

await withDemoTarget(async ({ target, description }) => {
  console.log(`rexec demo — target: ${description}\n`);
  const remote = $.ssh(target, { pool: { min: 0, max: 4 } });
  const events = new Map<string, number>();
  const count = (name: string) => () => events.set(name, (events.get(name) ?? 0) + 1);
  for (const name of ['connection:create', 'connection:acquire', 'connection:release', 'connection:destroy'] as const) {
    remote.on(name, count(name));
  }

  console.log('1. latency: the first command opens a connection, the next ones reuse it');
  let started = performance.now();
  await remote`true`;
  const fresh = performance.now() - started;
  const pooled: number[] = [];
  for (let i = 0; i < 20; i++) {
    started = performance.now();
    await remote`true`;
    pooled.push(performance.now() - started);
  }
  console.log(`  first command (connect + run): ${fresh.toFixed(1)} ms`);
  console.log(`  pooled command (median of 20): ${median(pooled).toFixed(1)} ms  (${(fresh / median(pooled)).toFixed(0)}× faster)\n`);

  console.log('2. deploy: release, symlink switch, service restart, health check');
  const report = await deploy(target, console.log);
  console.log(`  deployed ${report.version}\n`);

  console.log('3. pool stats');
  const { total, active, idle, connectionsCreated, totalAcquired, hits, misses, circuit } = remote.getPoolStats();
  console.log(`  connections: ${total} (active ${active}, idle ${idle}), created ${connectionsCreated}`);
  console.log(`  acquires: ${totalAcquired} (hits ${hits}, misses ${misses}), circuit ${circuit}\n`);

  console.log('4. events seen');
  for (const [name, n] of events) console.log(`  ${name.padEnd(20)} × ${n}`);

  await remote.closePool();
  console.log('\ndone: pool closed, host cleaned up');
});
