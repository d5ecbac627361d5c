/**
 * `group.all` / `group.each`: one command per host, a record per host, never rejecting because a host
 * failed (unless failFast); batches, maxFailures, concurrency and per-host timeouts. Real sshd hosts: eight
 * from one sshd (each command can tell which host it runs on from the server address in $SSH_CONNECTION).
 */
import { startSilentServer, startSshHosts, type SilentServer, type SshHostSet } from '@rexec/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  $,
  CommandError,
  ConnectionError,
  HostNotRunError,
  isHostNotRunError,
  TimeoutError,
  type HostResult,
} from '../../src/index.js';
import { deadPort, loginOf, summary, targetName } from './support.js';

let set: SshHostSet;
let silent: SilentServer;
beforeAll(async () => {
  [set, silent] = await Promise.all([startSshHosts(8), startSilentServer()]);
});
afterAll(() => Promise.all([set.stop(), silent.close()]));

const pool = { retryAttempts: 0 };
/** A shell `case` that runs `then` on the hosts at these addresses (127.0.0.k). */
const on = (hosts: readonly number[], then: string): string => `case "$SSH_CONNECTION" in ${hosts.map((k) => `*" 127.0.0.${k} "*`).join('|')}) ${then};; esac`;

describe('group.all', () => {
  it('one record per host in group order: ok, a command that hangs (timeout), a host down, a host that never answers', { timeout: 15_000 }, async () => {
    const dead = { ...loginOf(set.hosts[0]!), port: await deadPort() };
    const mute = { ...loginOf(set.hosts[0]!), port: silent.port };
    const group = $.ssh.group([...set.hosts.slice(0, 3).map((host) => loginOf(host)), dead, mute], { pool });
    onTestFinished(() => group.closePool());
    const started = performance.now();
    const records = await group.all.with({ timeout: 1000 }).raw`${on([3], 'sleep 30')}; echo "ok from $(echo $SSH_CONNECTION | cut -d' ' -f3)"`;
    const elapsed = performance.now() - started;
    expect(records.map((r) => r.target)).toEqual(group.targets);
    expect(records[0]).toMatchObject({ ok: true, result: { stdout: 'ok from 127.0.0.1\n' } });
    expect(records[1]).toMatchObject({ ok: true, result: { stdout: 'ok from 127.0.0.2\n' } });
    // It ran, and was killed at its timeout.
    expect(records[2]!.error, summary(records)).toBeInstanceOf(TimeoutError);
    expect(records[2]!.result?.timedOut).toBe(true);
    expect(records[3]!.error).toBeInstanceOf(ConnectionError);
    // The handshake never finished: the host's timeout covers connecting too.
    expect(records[4]!.error).toBeInstanceOf(TimeoutError);
    expect(records[4]!.result?.timedOut ?? true).toBe(true);
    expect(elapsed).toBeLessThan(4000);
  });

  it('a failing exit code is a record (ok: false, CommandError), not a rejection', async () => {
    const group = $.ssh.group(set.hosts.slice(0, 3).map((host) => loginOf(host)), { pool });
    onTestFinished(() => group.closePool());
    const records = await group.all.raw`${on([2], 'exit 3')}; true`;
    expect(records.map((r) => r.ok)).toEqual([true, false, true]);
    expect(records[1]!.error).toBeInstanceOf(CommandError);
    expect(records[1]!.result?.exitCode).toBe(3);
    // .nothrow(): the output, no error, and still ok: false.
    const quiet = await group.nothrow().all.raw`${on([2], 'exit 3')}; true`;
    expect(quiet[1]).toMatchObject({ ok: false, result: { exitCode: 3 } });
    expect(quiet[1]!.error).toBeUndefined();
  });

  it('batch + maxFailures: the rollout stops after the batch that failed; the rest are reported not run', async () => {
    const group = $.ssh.group(set.hosts.map((host) => loginOf(host)), { pool });
    onTestFinished(() => group.closePool());
    const events: string[] = [];
    group.on('host:start', ({ target }) => events.push(`start ${target}`));
    group.on('host:done', ({ target }) => events.push(`end ${target}`));
    group.on('host:failed', ({ target }) => events.push(`end ${target}`));
    // Batches of 2 (25 % of 8); hosts 3 and 4 fail their health check: 2 failures > maxFailures 1.
    const records = await group.all.with({ batch: '25%', maxFailures: 1 }).raw`${on([3, 4], 'exit 1')}; true`;
    expect(records.map((r) => r.ok)).toEqual([true, true, false, false, false, false, false, false]);
    for (const record of records.slice(4)) {
      expect(record.error).toBeInstanceOf(HostNotRunError);
      expect(record.error).toMatchObject({ code: 'ERR_HOST_NOT_RUN', reason: 'maxFailures', failed: 2 });
      expect(record.error?.message).toMatch(/more than maxFailures \(1\)/);
      expect(record.result).toBeUndefined();
    }
    // Hosts 5-8 never started; each batch started once the previous one had ended.
    const names = set.hosts.map(targetName);
    expect(events.filter((e) => e.startsWith('start')).map((e) => e.slice(6))).toEqual(names.slice(0, 4));
    const lastEndOfFirst = Math.max(events.indexOf(`end ${names[0]}`), events.indexOf(`end ${names[1]}`));
    expect(events.indexOf(`start ${names[2]}`)).toBeGreaterThan(lastEndOfFirst);
    expect(events.indexOf(`start ${names[3]}`)).toBeGreaterThan(lastEndOfFirst);
  });

  it('failFast: rejects with the first failure; no new host starts', async () => {
    const group = $.ssh.group(set.hosts.map((host) => loginOf(host)), { pool });
    onTestFinished(() => group.closePool());
    const starts: string[] = [];
    group.on('host:start', ({ target }) => starts.push(target));
    await expect(group.all.with({ failFast: true, concurrency: 1 }).raw`${on([2], 'exit 5')}; true`).rejects.toMatchObject({ exitCode: 5, target: targetName(set.hosts[1]!) });
    expect(starts).toEqual(set.hosts.slice(0, 2).map(targetName));
  });

  it('concurrency: at most that many hosts at once', async () => {
    const group = $.ssh.group(set.hosts.slice(0, 6).map((host) => loginOf(host)), { pool });
    onTestFinished(() => group.closePool());
    await group.warmPool(1);
    let running = 0;
    let most = 0;
    group.on('host:start', () => (most = Math.max(most, ++running)));
    group.on('host:done', () => running--);
    const started = performance.now();
    const records = await group.all.with({ concurrency: 2 })`sleep 0.15`;
    expect(records.every((r) => r.ok)).toBe(true);
    expect(most).toBe(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(3 * 150);
  });
});

describe('group.each', () => {
  it('yields records as hosts finish', async () => {
    const group = $.ssh.group(set.hosts.slice(0, 3).map((host) => loginOf(host)), { pool });
    onTestFinished(() => group.closePool());
    const seen: HostResult[] = [];
    for await (const record of group.each.raw`${on([1], 'sleep 0.4')}; ${on([2], 'sleep 0.2')}; true`) seen.push(record);
    const names = set.hosts.map(targetName);
    expect(seen.map((r) => r.target)).toEqual([names[2], names[1], names[0]]);
    expect(seen.every((r) => r.ok)).toBe(true);
  });

  it('leaving the loop early starts no more hosts', async () => {
    const group = $.ssh.group(set.hosts.map((host) => loginOf(host)), { pool });
    onTestFinished(() => group.closePool());
    let starts = 0;
    group.on('host:start', () => starts++);
    for await (const record of group.each.with({ concurrency: 1 })`true`) {
      expect(record.ok).toBe(true);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(starts).toBeLessThanOrEqual(2);
  });

  it('failFast: yields the failing record, then throws its error', async () => {
    const group = $.ssh.group(set.hosts.slice(0, 4).map((host) => loginOf(host)), { pool });
    onTestFinished(() => group.closePool());
    const seen: string[] = [];
    let thrown: unknown;
    try {
      for await (const record of group.each.with({ failFast: true, concurrency: 1 }).raw`${on([2], 'exit 4')}; true`) seen.push(`${record.target} ${record.ok}`);
    } catch (error) {
      thrown = error;
    }
    const names = set.hosts.map(targetName);
    expect(seen).toEqual([`${names[0]} true`, `${names[1]} false`]);
    expect(thrown).toBeInstanceOf(CommandError);
    expect(isHostNotRunError(thrown)).toBe(false);
  });
});
