import { existsSync, readFileSync, statSync } from 'node:fs';
import { startSshHost, testHost, waitUntilGone, type SshHost } from '@rexec/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { $, ConfigError, PoolClosedError } from '../../src/index.js';
import { record, targetOf } from './support.js';

const host = testHost();
let own: SshHost;
beforeAll(async () => {
  // sshd's default MaxSessions (10), on a host of our own so its log counts only our connections.
  own = await startSshHost({ extraConfig: ['SetEnv SHLVL=1'] });
});
afterAll(async () => {
  await own.stop();
});

describe('$.ssh with controlMaster: true', () => {
  it('runs commands through one OpenSSH master; closePool ends it', async () => {
    const remote = $.ssh(targetOf(host), { controlMaster: true, controlPersist: 60 });
    const results = await Promise.all([remote`echo one`, remote`echo two`, remote`exit 3`.nothrow()]);
    expect(results.map((result) => result.exitCode)).toEqual([0, 0, 3]);
    expect(results[0]?.target).toBe(`${host.username}@127.0.0.1:${host.port}`);
    expect(remote.getPoolStats()).toMatchObject({ total: 1, max: 5, connectionsCreated: 1, circuit: 'closed' });
    // The same options share the same master.
    await $.ssh(targetOf(host), { controlMaster: true, controlPersist: 60 })`true`;
    expect(remote.getPoolStats().connectionsCreated).toBe(1);
    await expect(remote.acquire()).rejects.toBeInstanceOf(ConfigError);
    await remote.closePool();
    expect(remote.getPoolStats().total).toBe(0);
    await expect(remote`true`).rejects.toBeInstanceOf(PoolClosedError);
  });

  it('getPoolStats() reports the master: idle, then ready with its pid and socket; closePool ends it and removes the socket', async () => {
    const remote = $.ssh(targetOf(host), { controlMaster: true, controlPersist: 30 });
    expect(remote.getPoolStats().controlMaster).toMatchObject({ state: 'idle', starts: 0, pid: undefined });
    await remote`echo one`;
    await remote`echo two`;
    const master = remote.getPoolStats().controlMaster;
    expect(master).toMatchObject({ state: 'ready', starts: 1, restarts: 0, commands: 2, running: 0, adopted: false, lastError: undefined });
    expect(master?.pid).toBeGreaterThan(0);
    expect(statSync(master!.controlPath!).isSocket()).toBe(true);
    await remote.closePool();
    expect(remote.getPoolStats().controlMaster?.state).toBe('closed');
    expect(existsSync(master!.controlPath!)).toBe(false);
    expect(await waitUntilGone([master!.pid!])).toEqual([]);
  });

  it('getPoolStats() on an ssh2 target has no controlMaster field', async () => {
    const remote = $.ssh(targetOf(host));
    expect(remote.getPoolStats().controlMaster).toBeUndefined();
    await remote.closePool();
  });

  it('drainPool lets a running command finish first', async () => {
    const remote = $.ssh(targetOf(host), { controlMaster: true });
    const running = remote`sleep 0.3; echo done`;
    await new Promise((resolve) => setTimeout(resolve, 100));
    const drained = remote.drainPool();
    await expect(remote`true`).rejects.toBeInstanceOf(PoolClosedError);
    await expect(running).resolves.toMatchObject({ stdout: 'done\n' });
    await drained;
    expect(remote.getPoolStats().total).toBe(0);
  });

  it('refuses what the OpenSSH client cannot do unattended, naming the option', () => {
    expect(() => $.ssh(targetOf(host, { password: 'x-secret-x' }), { controlMaster: true })).toThrow(/password is not supported/);
    expect(() => $.ssh(targetOf(host, { privateKey: host.privateKey }), { controlMaster: true })).toThrow(/path of a key file/);
    expect(() => $.ssh(targetOf(host), { controlMaster: true, pool: { validator: () => true } })).toThrow(ConfigError);
  });

  it('30 concurrent commands against MaxSessions 10: all run through masters, none falls back to a connection of its own', async () => {
    const remote = $.ssh(targetOf(own), { controlMaster: true });
    const created = record(remote, 'connection:create');
    const acquired = record(remote, 'connection:acquire');
    const logBefore = readFileSync(own.logPath, 'utf8').length;
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => remote`sleep 0.2; echo ${i}`));
    expect(results.map((result) => result.stdout)).toEqual(Array.from({ length: 30 }, (_, i) => `${i}\n`));
    // Eight commands per master (maxChannels), so at least four masters, at most max (5).
    expect(created.length).toBeGreaterThanOrEqual(4);
    expect(created.length).toBeLessThanOrEqual(5);
    expect(acquired).toHaveLength(30);
    expect(remote.getPoolStats()).toMatchObject({ totalAcquired: 30, connectionsCreated: created.length });
    await remote.closePool();
    // As sshd saw it: one TCP connection per master, and no session refused.
    const log = readFileSync(own.logPath, 'utf8').slice(logBefore);
    expect([...log.matchAll(/Connection from 127\.0\.0\.1 port/g)]).toHaveLength(created.length);
    expect(log).not.toContain('no more sessions');
  });

  it('pool options apply: maxChannels 2 and max 2 run 8 commands over two masters, two at a time each', async () => {
    const remote = $.ssh(targetOf(own), { controlMaster: true, pool: { max: 2, maxChannels: 2 } });
    const created = record(remote, 'connection:create');
    let peak = 0;
    remote.on('connection:acquire', () => (peak = Math.max(peak, remote.getPoolStats().leases)));
    const results = await Promise.all(Array.from({ length: 8 }, () => remote`sleep 0.2`));
    expect(results.every((result) => result.ok)).toBe(true);
    expect(created).toHaveLength(2);
    expect(peak).toBe(4);
    await remote.closePool();
  });
});
