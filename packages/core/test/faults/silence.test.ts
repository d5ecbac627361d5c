/**
 * Faults that heal fast: a connection that goes silent (no FIN, no RST: the fault proxy's freeze()).
 * A command's deadline (`.timeout()`) and its abort hold whatever the connection does: a running command is
 * killed at its deadline and settles at most 200 ms after its kill began; a command issued after the silence
 * began settles at its deadline or abort without ever running. Default pool options.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testHost } from '@rexec/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { $, CommandError, TimeoutError } from '../../src/index.js';
import { note, outcomeOf, proxied, trackedSleep, waitFor } from './support.js';

const host = testHost();
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rexec-faults-silence-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A pool through a fresh fault proxy, its connection up (one command ran); closed when the test ends. */
async function silenceable(): Promise<{ proxy: Awaited<ReturnType<typeof proxied>>['proxy']; remote: ReturnType<typeof $.ssh> }> {
  const { proxy, target } = await proxied(host);
  const remote = $.ssh(target);
  // Reset first, so the close does not wait on a silent transport (it would, bounded, for ~2 s).
  onTestFinished(async () => {
    proxy.reset();
    await remote.closePool();
  });
  await expect(remote`echo up`).resolves.toMatchObject({ stdout: 'up\n' });
  expect(proxy.connections).toBe(1);
  return { proxy, remote };
}

describe('a connection that goes silent', () => {
  it('a running `sleep 5` with .timeout(1000) rejects with TimeoutError by ~1.25 s after it was issued', async () => {
    const { proxy, remote } = await silenceable();
    const sleeper = trackedSleep(dir, 'running', 5);
    const issued = performance.now();
    const running = outcomeOf(remote.raw`${sleeper.command}`.timeout(1000), issued);
    // It runs remotely (its pid file is there) before the connection goes silent.
    expect(await waitFor(sleeper.started, 800, 5)).toBe(true);
    proxy.freeze();
    const frozenAt = performance.now() - issued;
    expect(frozenAt).toBeLessThan(900); // else the silence came too late to be what the deadline meets

    const { ok, error, ms } = await running;
    note('silence: running', { frozenAtMs: Math.round(frozenAt), settledMs: Math.round(ms) });
    expect(ok).toBe(false);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeout).toBe(1000);
    // Killed at 1000 ms; it settles ≤ 200 ms after its kill began, whatever the transport does.
    expect(ms).toBeGreaterThanOrEqual(950);
    expect(ms).toBeLessThan(1600);
    expect(proxy.frozen).toBe(true); // still silent: the deadline held without the connection's help
  });

  it('a command issued after the silence began, with .timeout(1000), settles as TimeoutError by ~1.25 s', async () => {
    const { proxy, remote } = await silenceable();
    proxy.freeze();
    const issued = performance.now();
    const { ok, error, ms } = await outcomeOf(remote`echo never`.timeout(1000), issued);
    note('silence: issued after, timeout', { settledMs: Math.round(ms) });
    expect(ok).toBe(false);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(ms).toBeGreaterThanOrEqual(950);
    expect(ms).toBeLessThan(1600);
  });

  it('a command issued after the silence began, aborted at 500 ms, settles as canceled by ~750 ms', async () => {
    const { proxy, remote } = await silenceable();
    proxy.freeze();
    const controller = new AbortController();
    const issued = performance.now();
    const timer = setTimeout(() => controller.abort(), 500);
    onTestFinished(() => clearTimeout(timer));
    const { ok, error, ms } = await outcomeOf(remote`echo never`.signal(controller.signal), issued);
    note('silence: issued after, abort', { settledMs: Math.round(ms) });
    expect(ok).toBe(false);
    expect(error).toBeInstanceOf(CommandError);
    expect(error).not.toBeInstanceOf(TimeoutError);
    expect((error as CommandError).isCanceled).toBe(true);
    expect(ms).toBeGreaterThanOrEqual(450);
    expect(ms).toBeLessThan(1100);
  });
});
