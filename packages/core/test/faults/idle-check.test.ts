/**
 * Faults that heal fast: an idle connection that went silent (its network path died: the fault proxy's
 * freezeOpen(), which leaves new connections alone). The borrow check (one SSH keepalive, bounded by
 * validateTimeout, default 2000 ms) finds it before a command is sent there, so the next command costs at
 * most validateTimeout plus one connect, and runs on another connection.
 *
 * `validateAfterIdle: 100` (default 5000) keeps the test short: the connection counts as idle after 100 ms
 * instead of 5 s. Everything else is default, but `max: 2`: the silent connection still counts against `max`
 * while it closes (its close waits, bounded, for a transport that never answers), so the new connection needs
 * a second slot.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { testHost } from '@rexec/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { $ } from '../../src/index.js';
import { record } from '../ssh-pool/support.js';
import { note, outcomeOf, proxied } from './support.js';

const host = testHost();
const VALIDATE_TIMEOUT = 2000; // the default
/** One connect (TCP, handshake, auth) through the proxy on loopback is ~30–60 ms; a loaded machine gets a wide margin. */
const ONE_CONNECT_MARGIN = 1000;

describe('an idle connection that went silent', () => {
  it('costs the next command ≤ validateTimeout + one connect: the check fails, the command runs on a new connection', async () => {
    const { proxy, target } = await proxied(host);
    const remote = $.ssh(target, { pool: { max: 2, validateAfterIdle: 100 } });
    onTestFinished(async () => {
      proxy.reset();
      await remote.closePool();
    });
    const created = record(remote, 'connection:create');
    const acquired = record(remote, 'connection:acquire');
    const destroyed = record(remote, 'connection:destroy');

    const cold = await outcomeOf(remote`echo first`);
    expect(cold.ok).toBe(true);
    expect(created).toHaveLength(1);
    expect(proxy.freezeOpen()).toBe(1); // the only connection, idle, goes silent; new connections get through
    await sleep(300); // past validateAfterIdle: the next borrow checks it
    expect(remote.getPoolStats()).toMatchObject({ idle: 1, total: 1, leases: 0 });

    const next = await outcomeOf(remote`echo second`);
    note('idle-check', { coldCommandMs: Math.round(cold.ms), nextCommandMs: Math.round(next.ms) });
    expect(next.error).toBeUndefined();
    expect(next.value).toMatchObject({ stdout: 'second\n' });
    // It waited for the check (bounded by validateTimeout), never for the silent connection itself.
    expect(next.ms).toBeGreaterThanOrEqual(VALIDATE_TIMEOUT - 50);
    expect(next.ms).toBeLessThan(VALIDATE_TIMEOUT + ONE_CONNECT_MARGIN);
    expect(created).toHaveLength(2);
    expect(acquired.at(-1)?.id).toBe(created[1]!.id);
    // The event fires once the close is done: a silent transport's close takes its bounded wait (~2 s).
    await expect.poll(() => destroyed, { timeout: 6000, interval: 50 }).toContainEqual({ id: created[0]!.id, reason: 'validation' });
    expect(remote.getPoolStats().healthCheckFailures).toBe(1);
  });
});
