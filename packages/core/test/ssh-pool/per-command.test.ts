/**
 * A command is a lease of a channel (docs/ssh.md#pooling), against the real sshd: events, hits and misses
 * count commands; a pause between commands costs no borrow check; `queueSize` caps the commands left waiting.
 */
import { readFileSync } from 'node:fs';
import { PoolExhaustedError } from '@rexec/adapters';
import { startSshHost, type SshHost } from '@rexec/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { $ } from '../../src/index.js';
import { record, targetOf } from './support.js';

let host: SshHost;
beforeAll(async () => {
  // SetEnv SHLVL=1: the remote bash skips ~/.bashrc. LogLevel VERBOSE: sshd logs every session it starts.
  host = await startSshHost({ extraConfig: ['SetEnv SHLVL=1'] });
});
afterAll(async () => {
  await host.stop();
});

const sessionsSince = (offset: number): number => [...readFileSync(host.logPath, 'utf8').slice(offset).matchAll(/Starting session: command/g)].length;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('one command, one lease', () => {
  it('25 commands on one connection: 25 acquire and release events, 24 hits and 1 miss', async () => {
    const remote = $.ssh(targetOf(host), { pool: { max: 2 } });
    const acquired = record(remote, 'connection:acquire');
    const released = record(remote, 'connection:release');
    for (let i = 0; i < 25; i += 1) await remote`echo ${i}`;
    expect(acquired).toHaveLength(25);
    expect(released).toHaveLength(25);
    expect(new Set(acquired.map(({ id }) => id)).size).toBe(1);
    for (const { waitTime } of acquired) expect(waitTime).toBeGreaterThanOrEqual(0);
    for (const { duration } of released) expect(duration).toBeGreaterThanOrEqual(0);
    expect(remote.getPoolStats()).toMatchObject({ hits: 24, misses: 1, totalAcquired: 25, totalReleased: 25, connectionsCreated: 1 });
    await remote.closePool();
  });

  it('commands that wait together for the first connection are each a miss; the next ones hits', async () => {
    const remote = $.ssh(targetOf(host), { pool: { max: 1 } });
    await Promise.all(Array.from({ length: 4 }, () => remote`true`));
    await remote`true`;
    expect(remote.getPoolStats()).toMatchObject({ misses: 4, hits: 1, totalAcquired: 5 });
    await remote.closePool();
  });

  it('local work between commands costs no borrow check: one session per command, no keepalive check', async () => {
    const remote = $.ssh(targetOf(host));
    await remote`true`;
    const offset = readFileSync(host.logPath, 'utf8').length;
    for (let i = 0; i < 30; i += 1) {
      await pause(5);
      await remote`true`;
    }
    await pause(200);
    expect(sessionsSince(offset)).toBe(30);
    expect(remote.getPoolStats()).toMatchObject({ healthChecksPassed: 0, healthCheckFailures: 0, connectionsCreated: 1 });
    await remote.closePool();
  });

  it('a connection idle past validateAfterIdle is checked with a keepalive, not a remote command', async () => {
    const remote = $.ssh(targetOf(host), { pool: { validateAfterIdle: 50 } });
    await remote`true`;
    await pause(120);
    const offset = readFileSync(host.logPath, 'utf8').length;
    await remote`true`;
    await pause(200);
    expect(sessionsSince(offset)).toBe(1);
    expect(remote.getPoolStats()).toMatchObject({ healthChecksPassed: 1, connectionsCreated: 1 });
    await remote.closePool();
  });

  it('queueSize caps the commands left waiting: max 1 × maxChannels 2 run, 4 wait, the other 6 of a burst of 12 are refused', async () => {
    const remote = $.ssh(targetOf(host), { pool: { max: 1, maxChannels: 2, queueSize: 4 } });
    const full = record(remote, 'pool:queue:full');
    const outcomes = await Promise.all(Array.from({ length: 12 }, () => remote`sleep 0.2`.then(() => 'ok', (error: unknown) => error)));
    expect(outcomes.filter((outcome) => outcome === 'ok')).toHaveLength(6);
    expect(outcomes.filter((outcome) => outcome instanceof PoolExhaustedError)).toHaveLength(6);
    expect(full[0]).toEqual({ waiting: 4, queueSize: 4 });
    await remote.closePool();
  });
});
