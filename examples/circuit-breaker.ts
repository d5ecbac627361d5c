/**
 * The circuit breaker on a dead host: after `threshold` failed connects in sequence, commands fail fast;
 * after `probeInterval` one probe goes through, and each failed probe doubles the wait (up to `resetTimeout`).
 *   pnpm exec tsx examples/circuit-breaker.ts
 */
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
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
  {
    pool: {
      retryAttempts: 0,
      // After a failed connect, the next one (of any command) starts 100–200 ms later.
      retryDelay: 200,
      // 2 failed connects within 10 s open the circuit; the first probe after 500 ms, then 1 s, 2 s, 2 s, …
      circuitBreaker: { enabled: true, threshold: 2, timeout: 10_000, probeInterval: 500, resetTimeout: 2_000 },
    },
  },
);
dead.on('circuit:open', ({ target, failures }) => console.log(`circuit:open for ${target} after ${failures} failures`));
dead.on('circuit:half-open', () => console.log('circuit:half-open: the next command is the probe'));

/** Runs one command; returns how long the circuit asks us to wait when it failed fast. */
async function attempt(label: string): Promise<number> {
  const started = performance.now();
  try {
    await dead`uptime`;
    return 0;
  } catch (error) {
    const ms = (performance.now() - started).toFixed(1);
    if (error instanceof CircuitOpenError) {
      console.log(`${label}: CircuitOpenError in ${ms} ms, retry after ${error.retryAfter} ms`);
      return error.retryAfter;
    }
    if (error instanceof ConnectionError) {
      console.log(`${label}: ConnectionError in ${ms} ms`);
      return 0;
    }
    throw error;
  }
}

await attempt('attempt 1'); // a failed connect: 1 failure
await attempt('attempt 2'); // another one, in sequence: 2 failures, the circuit opens
const wait = await attempt('attempt 3'); // fails fast, without trying to connect
await sleep(wait);
await attempt('probe'); // the one command let through; the host is still down, so the circuit reopens
await attempt('attempt 5'); // fails fast again, for twice as long
try {
  await dead`uptime`;
} catch (error) {
  // The message ends with the failure that opened the circuit.
  if (error instanceof CircuitOpenError) console.log(`message: ${error.message}`);
}
console.log(`circuit state: ${dead.getPoolStats().circuit}`);
await dead.closePool();
