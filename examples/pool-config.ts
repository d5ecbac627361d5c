/**
 * Pool configuration: limits, warming, idle eviction, validation.
 *   pnpm exec tsx examples/pool-config.ts
 */
import { $ } from '@rexec/core';
import { withDemoTarget } from './lib/demo-host.js';

await withDemoTarget(async ({ target }) => {
  const db = $.ssh(target, {
    keepaliveInterval: 15_000,
    pool: {
      min: 1, // kept open even when idle
      max: 3, // never more connections than this
      idle: 30_000, // connections above min close after 30 s idle
      maxChannels: 4, // concurrent commands per connection
      acquire: 5_000, // an acquire may take 5 s in all
      validateOnBorrow: true,
      validator: async (conn) => (await conn.exec('true', { nothrow: true })).ok,
      maxLifetime: 10 * 60_000,
    },
  });
  await db.warmPool(2);
  console.log('warmed:', db.getPoolStats().total, 'connections');
  const results = await Promise.all(Array.from({ length: 12 }, (_, i) => db`echo ${i}`));
  console.log(`12 concurrent commands → ${results.length} results over ${db.getPoolStats().total} connections (max 3)`);
  await db.drainPool();
  console.log('drained:', db.getPoolStats().total, 'connections left');
});
