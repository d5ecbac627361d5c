/**
 * Failover: one host of the group is down. A command that could not start there (the connect was refused)
 * runs on the next healthy host instead; the down host is then set aside (skipped) and probed again later.
 * No command fails. `getStats()` shows which host is unhealthy and why.
 *   pnpm exec tsx examples/fleet-failover.ts
 */
import { createServer } from 'node:net';
import { $, type SshTargetOptions } from '@rexec/core';
import { withDemoFleet } from './lib/demo-fleet.js';

/** A port on 127.0.0.1 that nothing listens on: a host that is down. */
const deadPort = await new Promise<number>((resolve) => {
  const server = createServer();
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 1));
  });
});

await withDemoFleet(3, async ({ targets, description }) => {
  console.log(`fleet: ${description}, plus one host that is down (127.0.0.1:${deadPort})`);
  const first = targets[0];
  const down: SshTargetOptions = { ...(typeof first === 'object' ? first : {}), host: '127.0.0.1', port: deadPort };
  // retryAttempts: 0: a refused connect is final at once, so the command moves on without back-off.
  const fleet = $.ssh.group([down, ...targets], { pool: { retryAttempts: 0 } });
  let moved = 0;
  fleet.on('host:failed', ({ target, started, error }) => {
    if (started) return;
    moved += 1;
    console.log(`  moved: a command could not start on ${target} (${error?.message.split('\n')[0] ?? 'not started'})`);
  });

  const results = await Promise.all(Array.from({ length: 12 }, (_, i) => fleet`echo command ${i + 1}`));
  const ranOn = new Map<string, number>();
  for (const result of results) ranOn.set(result.target, (ranOn.get(result.target) ?? 0) + 1);
  console.log(`${results.length} of 12 commands succeeded:`);
  for (const [target, count] of ranOn) console.log(`  ${target.padEnd(26)} ran ${count}`);

  // The down host is set aside now (for a second, doubling while it stays down): the next commands skip it.
  moved = 0;
  await Promise.all(Array.from({ length: 6 }, () => fleet`true`));
  console.log(`6 more commands: ${moved} tried the down host`);

  for (const host of fleet.getStats().hosts) {
    const why = host.lastFailure === undefined ? '' : ` (last failure: ${host.lastFailure})`;
    console.log(`  ${host.target.padEnd(26)} healthy: ${host.healthy}, commands: ${host.commands}${why}`);
  }
  await fleet.closePool();
});
