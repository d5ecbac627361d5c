/**
 * Spare channels (docs/ssh.md#spare-channels): each pooled connection keeps a session channel open ahead of
 * commands, so a command sends its exec request at once and costs one round trip instead of two. Measured
 * through a proxy that delays every chunk 150 ms each way (one round trip = 300 ms), against the real sshd.
 */
import { knownHostsFor, startFaultProxy, startSshHost, testHost, type FaultProxy, type SshHost } from '@rexec/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { $ } from '../../src/index.js';
import { targetOf } from './support.js';

const ONE_WAY_MS = 150;
const RTT = 2 * ONE_WAY_MS;
const host = testHost();
let proxy: FaultProxy;
let knownHosts: string;
beforeAll(async () => {
  proxy = await startFaultProxy({ targetHost: '127.0.0.1', targetPort: host.port, delayMs: ONE_WAY_MS });
  knownHosts = await knownHostsFor(host, proxy.port);
});
afterAll(async () => {
  await proxy.close();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long one `true` takes on a warm pool (its spare, if any, already open). */
async function timeOneCommand(spareChannels: number): Promise<number> {
  const remote = $.ssh(targetOf(host, { port: proxy.port, knownHosts }), { pool: { spareChannels } });
  try {
    await remote`true`;
    await pause(3 * RTT); // the spare opened after that command is ready now
    const started = performance.now();
    await remote`true`;
    return performance.now() - started;
  } finally {
    await remote.closePool();
  }
}

/** How long 4 commands at once take on a warm pool, after one earlier burst of 4 (and its spares had time to open). */
async function timeFourAfterBurst(spareChannels: number): Promise<{ ms: number; outputs: string[] }> {
  const remote = $.ssh(targetOf(host, { port: proxy.port, knownHosts }), { pool: { spareChannels } });
  try {
    await Promise.all([1, 2, 3, 4].map((n) => remote`echo warm ${n}`));
    await pause(3 * RTT);
    const started = performance.now();
    const results = await Promise.all([1, 2, 3, 4].map((n) => remote`echo ${n}`));
    const ms = performance.now() - started;
    expect(remote.getPoolStats().connectionsCreated).toBe(1);
    return { ms, outputs: results.map((result) => result.stdout) };
  } finally {
    await remote.closePool();
  }
}

describe('spare channels', () => {
  it('a command on a spare costs one round trip; without spares, two (the channel open waits for its confirmation)', async () => {
    const withSpare = await timeOneCommand(1);
    const without = await timeOneCommand(0);
    expect(withSpare).toBeGreaterThanOrEqual(RTT);
    expect(withSpare).toBeLessThan(1.5 * RTT);
    expect(without).toBeGreaterThanOrEqual(2 * RTT);
  }, 30_000);

  it('back to back, each command finds the spare opened while the previous one ran: one round trip each', async () => {
    const remote = $.ssh(targetOf(host, { port: proxy.port, knownHosts }));
    try {
      await remote`true`;
      const times: number[] = [];
      for (let i = 0; i < 4; i += 1) {
        const started = performance.now();
        await remote`true`;
        times.push(performance.now() - started);
      }
      // A spare asked for only once the previous command ended would still be on its way: two round trips.
      expect(Math.max(...times)).toBeLessThan(1.5 * RTT);
    } finally {
      await remote.closePool();
    }
  }, 30_000);

  it('a command reading an empty stdin costs one round trip: its EOF goes right behind the exec request; stdin data arrives whole', async () => {
    const remote = $.ssh(targetOf(host, { port: proxy.port, knownHosts }));
    try {
      await remote`true`;
      await pause(3 * RTT);
      const started = performance.now();
      const result = await remote`cat; echo done`;
      const ms = performance.now() - started;
      expect(result.stdout).toBe('done\n');
      expect(ms).toBeGreaterThanOrEqual(RTT);
      // With the EOF sent only after sshd's exec reply, `cat` would wait a second round trip (≥ 2 × RTT).
      expect(ms).toBeLessThan(1.5 * RTT);
      // Data handed over with the exec request reaches the command whole, with its EOF (a string and a Buffer).
      expect((await remote`cat; echo done`.stdin('line one\nline two\n')).stdout).toBe('line one\nline two\ndone\n');
      expect((await remote`wc -c`.stdin(Buffer.alloc(300_000, 'x'))).stdout.trim()).toBe('300000');
    } finally {
      await remote.closePool();
    }
  }, 30_000);

  it('after a burst of 4 concurrent commands the connection keeps 4 spares: the next 4 at once each cost one round trip', async () => {
    const adaptive = await timeFourAfterBurst(1);
    const without = await timeFourAfterBurst(0);
    expect(adaptive.outputs).toEqual(['1\n', '2\n', '3\n', '4\n']);
    expect(adaptive.ms).toBeGreaterThanOrEqual(RTT);
    // With one spare only the first of the 4 would find one; the other 3 would wait for their channel (≥ 2 × RTT).
    expect(adaptive.ms).toBeLessThan(1.5 * RTT);
    expect(without.ms).toBeGreaterThanOrEqual(2 * RTT);
  }, 30_000);
});

describe('spare channels against sshd MaxSessions 1', () => {
  let small: SshHost;
  beforeAll(async () => {
    small = await startSshHost({ maxSessions: 1, extraConfig: ['SetEnv SHLVL=1'] });
  });
  afterAll(async () => {
    await small.stop();
  });

  it('a spare holding the only session never fails a command: the command takes it, and 20 commands all run on one connection', async () => {
    const remote = $.ssh(targetOf(small), { pool: { max: 1 } });
    const results = [];
    for (let i = 0; i < 10; i += 1) results.push(await remote`echo ${i}`);
    results.push(...(await Promise.all(Array.from({ length: 10 }, (_, i) => remote`echo ${10 + i}`))));
    expect(results.map((result) => result.stdout)).toEqual(Array.from({ length: 20 }, (_, i) => `${i}\n`));
    expect(remote.getPoolStats().connectionsCreated).toBe(1);
    await remote.closePool();
  });
});
