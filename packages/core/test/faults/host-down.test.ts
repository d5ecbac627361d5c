/**
 * Faults that heal fast, and one that does not: a host whose sshd is killed and stays down. Commands keep
 * failing (ConnectionError, each after its connect attempts) until the circuit breaker has counted enough
 * failed attempts in sequence; from then on a command fails in-process with CircuitOpenError, without a
 * connect attempt: < 10 ms. Default options (retries, breaker: threshold 5, probeInterval 1000).
 */
import { startSshHost, type SshHost } from '@rexec/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { $, CircuitOpenError, ConnectionError } from '../../src/index.js';
import { record, targetOf } from '../ssh-pool/support.js';
import { messagesOf, note, outcomeOf } from './support.js';

/** How long the commands may take to open the circuit (5 attempts in sequence, with default back-offs). */
const OPEN_WITHIN_MS = 20_000;
const FAST_MS = 10;
const FAST_COMMANDS = 5;

let host: SshHost;
beforeAll(async () => {
  host = await startSshHost();
});
afterAll(() => host.stop());

describe('a host that stays down', () => {
  it('once the circuit opened, later commands fail with CircuitOpenError in < 10 ms', { timeout: OPEN_WITHIN_MS + 10_000 }, async () => {
    const remote = $.ssh(targetOf(host));
    onTestFinished(() => remote.closePool());
    const opened = record(remote, 'circuit:open');
    await expect(remote`echo up`).resolves.toMatchObject({ stdout: 'up\n' });
    await host.kill();
    const killedAt = performance.now();

    // Commands one after another, as a script would, until the circuit is open (bounded).
    const failures: string[] = [];
    while (remote.getPoolStats().circuit !== 'open' && performance.now() - killedAt < OPEN_WITHIN_MS) {
      const { ok, error } = await outcomeOf(remote`true`);
      expect(ok).toBe(false);
      failures.push(error instanceof Error ? error.name : String(error));
      expect([ConnectionError, CircuitOpenError].some((kind) => error instanceof kind), messagesOf(error)).toBe(true);
    }
    const openAfter = performance.now() - killedAt;
    expect(remote.getPoolStats().circuit, `the circuit did not open within ${OPEN_WITHIN_MS} ms`).toBe('open');
    expect(opened).toHaveLength(1);

    const fast: number[] = [];
    for (let i = 0; i < FAST_COMMANDS; i++) {
      const { ok, error, ms } = await outcomeOf(remote`true`);
      expect(ok).toBe(false);
      expect(error, messagesOf(error)).toBeInstanceOf(CircuitOpenError);
      expect((error as CircuitOpenError).retryAfter).toBeGreaterThan(0);
      // It says why the host is taken as down: the last connect failure.
      expect((error as CircuitOpenError).message).toMatch(/last failure: .*connection refused/);
      fast.push(ms);
    }
    note('host-down', { openAfterMs: Math.round(openAfter), failuresBeforeOpen: failures, fastMs: fast.map((ms) => Number(ms.toFixed(2))) });
    // Fast: the typical one well under FAST_MS; none past a margin a loaded 2-core machine (a GC pause) cannot reach.
    const sorted = [...fast].sort((x, y) => x - y);
    expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThan(FAST_MS);
    for (const ms of fast) expect(ms).toBeLessThan(5 * FAST_MS);
    expect(remote.getPoolStats().circuit).toBe('open'); // they were answered while open, not as probes
  });
});
