import { existsSync, statSync } from 'node:fs';
import { testHost, waitUntilGone } from '@rexec/testing';
import { describe, expect, it } from 'vitest';
import { $, ConfigError, PoolClosedError } from '../../src/index.js';
import { targetOf } from './support.js';

const host = testHost();

describe('$.ssh with controlMaster: true', () => {
  it('runs commands through one OpenSSH master; closePool ends it', async () => {
    const remote = $.ssh(targetOf(host), { controlMaster: true, controlPersist: 60 });
    const results = await Promise.all([remote`echo one`, remote`echo two`, remote`exit 3`.nothrow()]);
    expect(results.map((result) => result.exitCode)).toEqual([0, 0, 3]);
    expect(results[0]?.target).toBe(`${host.username}@127.0.0.1:${host.port}`);
    expect(remote.getPoolStats()).toMatchObject({ total: 1, max: 1, connectionsCreated: 1, circuit: 'closed' });
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
    expect(() => $.ssh(targetOf(host), { controlMaster: true, pool: { max: 2 } })).toThrow(ConfigError);
  });
});
