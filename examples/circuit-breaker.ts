/**
 * The circuit breaker on a dead host: after `threshold` failed connects, commands fail fast.
 *   pnpm exec tsx examples/circuit-breaker.ts
 */
import { createServer } from 'node:net';
import { $, CircuitOpenError, ConnectionError } from '@rexec/core';

// A port on 127.0.0.1 that nothing listens on: open a server, note its port, close it.
const deadPort = await new Promise<number>((resolve) => {
  const server = createServer();
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 1));
  });
});

const dead = $.ssh(
  { host: '127.0.0.1', port: deadPort, username: 'nobody', password: 'not-used', hostKeyCheck: 'off' },
  { pool: { retryAttempts: 0, circuitBreaker: { enabled: true, threshold: 2, timeout: 5_000 } } },
);
dead.on('circuit:open', ({ target, failures }) => console.log(`circuit:open for ${target} after ${failures} failures`));

for (let attempt = 1; attempt <= 4; attempt++) {
  const started = performance.now();
  try {
    await dead`uptime`;
  } catch (error) {
    const ms = (performance.now() - started).toFixed(1);
    if (error instanceof CircuitOpenError) console.log(`attempt ${attempt}: CircuitOpenError in ${ms} ms, retry after ${error.retryAfter} ms`);
    else if (error instanceof ConnectionError) console.log(`attempt ${attempt}: ConnectionError in ${ms} ms`);
    else throw error;
  }
}
console.log(`circuit state: ${dead.getPoolStats().circuit}`);
await dead.closePool();
