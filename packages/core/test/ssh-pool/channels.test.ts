import { readFileSync } from 'node:fs';
import { startSshHost, type SshHost } from '@rexec/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { $, ConnectionError } from '../../src/index.js';
import { record, targetOf } from './support.js';

let host: SshHost;
beforeAll(async () => {
  // SetEnv SHLVL=1: the remote bash skips ~/.bashrc (this machine's costs ~100 ms of CPU per command).
  host = await startSshHost({ maxSessions: 3, extraConfig: ['SetEnv SHLVL=1'] });
});
afterAll(async () => {
  await host.stop();
});

describe('channels over pooled connections (sshd MaxSessions 3)', () => {
  it('runs 200 concurrent commands with max 2: all succeed, never more than 2 connections', async () => {
    // queueSize caps the commands left waiting (docs/ssh.md#options): here up to 200 - 2 × 8 of them wait.
    const remote = $.ssh(targetOf(host), { pool: { max: 2, queueSize: 200 } });
    const created = record(remote, 'connection:create');
    const logBefore = readFileSync(host.logPath, 'utf8').length;
    let peakTotal = 0;
    const sample = setInterval(() => (peakTotal = Math.max(peakTotal, remote.getPoolStats().total)), 5);
    try {
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => remote`echo ${i}`));
      expect(results.map((result) => result.stdout)).toEqual(Array.from({ length: 200 }, (_, i) => `${i}\n`));
      expect(results.every((result) => result.ok)).toBe(true);
    } finally {
      clearInterval(sample);
    }
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(created.length).toBeLessThanOrEqual(2);
    expect(peakTotal).toBeLessThanOrEqual(2);
    const stats = remote.getPoolStats();
    expect(stats.connectionsCreated).toBe(created.length);
    expect(stats.total).toBeLessThanOrEqual(2);
    await remote.closePool();
    // As sshd saw it: at most 2 TCP connections, and it did refuse channels past MaxSessions (maxChannels is
    // 8 by default), so the commands above went through the refusal path and still all succeeded.
    const log = readFileSync(host.logPath, 'utf8').slice(logBefore);
    const clientPorts = new Set([...log.matchAll(/Connection from 127\.0\.0\.1 port (\d+)/g)].map((match) => match[1]));
    expect(clientPorts.size).toBe(created.length);
    expect(log).toContain('no more sessions');
  });

  it('a borrowed connection runs commands one after another, and goes back with release', async () => {
    const remote = $.ssh(targetOf(host), { pool: { max: 1 } });
    const conn = await remote.acquire();
    try {
      const first = await conn.exec('echo $PPID');
      const second = await conn.exec('echo two');
      expect(second.stdout).toBe('two\n');
      expect(first.target).toBe(`${host.username}@127.0.0.1:${host.port}`);
      await expect(conn.exec('exit 4')).rejects.toMatchObject({ exitCode: 4 });
      expect((await conn.exec('exit 4', { nothrow: true })).exitCode).toBe(4);
      expect(conn.getStats()).toMatchObject({ id: conn.id, useCount: 4, isHealthy: true, channelCount: 0 });
      expect(typeof conn.client.sftp).toBe('function');
      expect(remote.getPoolStats().active).toBe(1);
    } finally {
      await remote.release(conn);
    }
    expect(remote.getPoolStats()).toMatchObject({ active: 0, idle: 1 });
    // The tag runs on the same (only) connection once it is back.
    await expect(remote`echo after`).resolves.toMatchObject({ stdout: 'after\n' });
    await remote.closePool();
  });

  it('a borrowed connection asked for more commands at once than MaxSessions: the extra ones get a retryable ConnectionError', async () => {
    const remote = $.ssh(targetOf(host), { pool: { max: 1, idle: 10_006 } });
    const conn = await remote.acquire();
    try {
      const outcomes = await Promise.all(Array.from({ length: 5 }, (_, i) => conn.exec(`sleep 0.3; echo ${i}`).then((out) => out.stdout, (error: unknown) => error)));
      const refused = outcomes.filter((outcome): outcome is ConnectionError => outcome instanceof ConnectionError);
      expect(outcomes.filter((outcome) => typeof outcome === 'string')).toHaveLength(3);
      expect(refused).toHaveLength(2);
      expect(refused[0]!.retryable).toBe(true);
      expect(refused[0]!.message).toContain('refused a new session channel on this borrowed connection');
      expect(conn.isHealthy()).toBe(true);
      await expect(conn.exec('echo still-fine')).resolves.toMatchObject({ stdout: 'still-fine\n' });
    } finally {
      await remote.release(conn);
    }
    await remote.closePool();
  });

  it('warms, drains and closes', async () => {
    const remote = $.ssh(targetOf(host), { pool: { max: 3 } });
    await remote.warmPool(2);
    expect(remote.getPoolStats()).toMatchObject({ total: 2, idle: 2 });
    const running = remote`sleep 0.3; echo done`;
    await new Promise((resolve) => setTimeout(resolve, 50));
    await remote.drainPool();
    await expect(running).resolves.toMatchObject({ stdout: 'done\n' });
    expect(remote.getPoolStats().total).toBe(0);
  });
});
