/**
 * Events and metrics: watch the pool work, and read its stats.
 *   pnpm exec tsx examples/events-metrics.ts
 */
import { $ } from '@rexec/core';
import { withDemoTarget } from './lib/demo-host.js';

await withDemoTarget(async ({ target }) => {
  const web = $.ssh(target, { pool: { max: 2, metrics: true, metricsInterval: 200 } });
  web.on('connection:create', ({ id, target: where }) => console.log(`create  ${id} → ${where}`));
  web.on('connection:acquire', ({ id, waitTime }) => console.log(`acquire ${id} after ${waitTime.toFixed(1)} ms`));
  web.on('connection:release', ({ id, duration }) => console.log(`release ${id} held ${duration.toFixed(1)} ms`));
  web.on('connection:destroy', ({ id, reason }) => console.log(`destroy ${id} (${reason})`));
  let metricsSeen = 0;
  web.on('pool:metrics', (m) => {
    metricsSeen++;
    if (metricsSeen === 1) console.log(`metrics: acquired ${m.totalAcquired}, utilization ${(m.utilizationRate * 100).toFixed(0)}%`);
  });

  await Promise.all(Array.from({ length: 6 }, () => web`sleep 0.1`));
  await new Promise((resolve) => setTimeout(resolve, 300));
  const stats = web.getPoolStats();
  console.log(`stats: total ${stats.total}, created ${stats.connectionsCreated}, hits ${stats.hits}, misses ${stats.misses}`);
  console.log(`metrics events seen: ${metricsSeen > 0 ? 'yes' : 'no'}`);
  await web.closePool();
});
