/**
 * Borrowing a connection by hand: several commands on one connection, then give it back.
 *   pnpm exec tsx examples/borrowing.ts
 */
import { $ } from '@rexec/core';
import { withDemoTarget } from './lib/demo-host.js';

await withDemoTarget(async ({ target }) => {
  const web = $.ssh(target, { pool: { min: 1, max: 2 } });
  const conn = await web.acquire();
  try {
    const first = await conn.exec('echo $$');
    const second = await conn.exec('echo hello from the same connection');
    console.log(`connection ${conn.id}: ${first.stdout.trim()} / ${second.stdout.trim()}`);
    const failed = await conn.exec('exit 7', { nothrow: true });
    console.log(`nothrow exec: exitCode ${failed.exitCode}`);
    const stats = conn.getStats();
    console.log(`uses: ${stats.useCount}, healthy: ${stats.isHealthy}, target: ${stats.target}`);
    // conn.client is the ssh2 Client: use it for sftp or port forwarding.
    console.log(`ssh2 client available: ${typeof conn.client.sftp === 'function'}`);
  } finally {
    await web.release(conn);
  }
  const { active, idle } = web.getPoolStats();
  console.log(`after release: active ${active}, idle ${idle}`);
  await web.closePool();
});
