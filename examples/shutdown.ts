/**
 * Graceful shutdown: on SIGINT/SIGTERM, running commands finish (up to the grace period), then pools close.
 *   pnpm exec tsx examples/shutdown.ts
 */
import { $, installShutdownHandlers } from '@rexec/core';
import { withDemoTarget } from './lib/demo-host.js';

await withDemoTarget(async ({ target }) => {
  const uninstall = installShutdownHandlers({ gracePeriod: 5_000, forceAfterGracePeriod: true });
  const remote = $.ssh(target);
  const running = remote`sleep 0.3; echo finished`;
  // Simulate Ctrl-C while the command runs (Node passes a real signal's name to its listeners): the handler
  // drains the pool, the command still completes, and uninstall() lets the script end normally.
  setTimeout(() => process.emit('SIGINT', 'SIGINT'), 50);
  console.log(`command during shutdown: ${(await running).toString()}`);
  uninstall();
});
