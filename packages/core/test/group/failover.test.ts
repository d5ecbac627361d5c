/**
 * Failover: a command that did not start on its host runs on the next healthy one; a command that started
 * is never run again elsewhere. Real sshd hosts: three from one sshd, plus one of their own to kill.
 */
import { startSshHost, startSshHosts, type SshHost, type SshHostSet } from '@rexec/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { $, ConnectionError, isConnectionError, NoHealthyHostError } from '../../src/index.js';
import { countBy, deadPort, loginOf, targetName, workerLoop } from './support.js';

/** Connect failures fail at once (no back-off between attempts): the group's failover is under test, not the pool's retries. */
const pool = { retryAttempts: 0, queueSize: 1000 };

let set: SshHostSet;
beforeAll(async () => {
  set = await startSshHosts(3);
});
afterAll(() => set.stop());

interface Outcome {
  readonly ok: boolean;
  readonly target: string | undefined;
  readonly error: unknown;
}

async function outcome(command: PromiseLike<{ target: string }>): Promise<Outcome> {
  try {
    const result = await command;
    return { ok: true, target: result.target, error: undefined };
  } catch (error) {
    return { ok: false, target: undefined, error };
  }
}

describe('one host down', () => {
  it('every command runs on the healthy hosts; none fails', async () => {
    const down = { ...loginOf(set.hosts[0]!), port: await deadPort() };
    const group = $.ssh.group([down, ...set.hosts.map((host) => loginOf(host))], { pool });
    onTestFinished(() => group.closePool());
    const notStarted: string[] = [];
    group.on('host:failed', ({ target, started }) => {
      if (!started) notStarted.push(target);
    });
    const outcomes = await workerLoop(300, 16, () => outcome(group`true`));
    const failures = outcomes.filter((o) => !o.ok);
    expect(failures.map((o) => String(o.error))).toEqual([]);
    const counts = countBy(outcomes.map((o) => o.target ?? ''));
    expect(counts.has(`${down.username}@127.0.0.1:${down.port}`)).toBe(false);
    expect([...counts.keys()].sort()).toEqual(set.hosts.map(targetName).sort());
    // The down host was tried and then skipped: a handful of attempts, not one per command.
    expect(notStarted.length).toBeGreaterThan(0);
    expect(notStarted.length).toBeLessThan(30);
    const stats = group.getStats();
    expect(stats.hosts[0]).toMatchObject({ healthy: false, commands: 0 });
    expect(stats.hosts[0]!.lastFailure).toMatch(/refused|ECONNREFUSED/i);
    expect(stats.total).toMatchObject({ hosts: 4, commands: 300, succeeded: 300, failed: 0 });
  });

  it('failover: false: a command picked for the down host rejects with its ConnectionError (not started)', async () => {
    const down = { ...loginOf(set.hosts[0]!), port: await deadPort() };
    const group = $.ssh.group([down, loginOf(set.hosts[1]!)], { pool, failover: false });
    onTestFinished(() => group.closePool());
    const first = await outcome(group`true`); // round-robin: the down host first
    expect(first.ok).toBe(false);
    expect(first.error).toBeInstanceOf(ConnectionError);
    expect((first.error as ConnectionError).started).toBe(false);
    // Then the down host is skipped while it is set aside.
    expect((await group`true`).target).toBe(targetName(set.hosts[1]!));
    expect((await group`true`).target).toBe(targetName(set.hosts[1]!));
  });

  it('a host whose circuit is open (opened by another user of its pool) is skipped: no command fails', async () => {
    const down = { ...loginOf(set.hosts[0]!), port: await deadPort(), pool: { ...pool, circuitBreaker: { threshold: 1, probeInterval: 60_000 } } };
    const alone = $.ssh(down); // the same identity and pool options as the group's first host: the same pool
    onTestFinished(() => alone.closePool());
    await alone`true`.catch(() => undefined);
    expect(alone.getPoolStats().circuit).toBe('open');
    const group = $.ssh.group([down, loginOf(set.hosts[1]!)], { pool });
    onTestFinished(() => group.closePool());
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => outcome(group`true`)));
    expect(outcomes.filter((o) => !o.ok).map((o) => String(o.error))).toEqual([]);
    expect(new Set(outcomes.map((o) => o.target))).toEqual(new Set([targetName(set.hosts[1]!)]));
    const [first] = group.getStats().hosts;
    expect(first).toMatchObject({ healthy: false, commands: 0 });
    expect(first!.lastFailure).toMatch(/Circuit breaker open/);
    expect(alone.getPoolStats().connectionsCreated).toBe(0);
  });

  it('every host down: NoHealthyHostError naming each host and its last failure', async () => {
    const ports = [await deadPort(), await deadPort()];
    const group = $.ssh.group(ports.map((port) => ({ ...loginOf(set.hosts[0]!), port })), { pool });
    onTestFinished(() => group.closePool());
    const error = (await outcome(group`true`)).error;
    expect(error).toBeInstanceOf(NoHealthyHostError);
    const failure = error as NoHealthyHostError;
    expect(failure.code).toBe('ERR_NO_HEALTHY_HOST');
    expect(failure.failures.map((f) => f.target)).toEqual(ports.map((port) => `${set.hosts[0]!.username}@127.0.0.1:${port}`));
    for (const { error: last } of failure.failures) expect(last).toBeInstanceOf(ConnectionError);
    for (const port of ports) expect(failure.message).toContain(`127.0.0.1:${port}: `);
    // Both set aside now: the next command fails at once, without a connect attempt.
    const started = performance.now();
    expect((await outcome(group`true`)).error).toBeInstanceOf(NoHealthyHostError);
    expect(performance.now() - started).toBeLessThan(50);
  });
});

describe('one host killed mid-run', () => {
  let own: SshHost;
  beforeAll(async () => {
    own = await startSshHost();
  });
  afterAll(() => own.stop());

  it('no command that had not started fails; those that started reject with ConnectionError (started); the host comes back', { timeout: 30_000 }, async () => {
    const victim = targetName(own);
    const group = $.ssh.group([loginOf(own), ...set.hosts.slice(0, 2).map((host) => loginOf(host))], { pool });
    onTestFinished(() => group.closePool());
    await group.warmPool(1);
    let completed = 0;
    let killed: Promise<void> | undefined;
    let inFlightOnVictimAtKill = 0;
    // Commands long enough that some are running on the victim when it dies.
    const outcomes = await workerLoop(240, 24, async () => {
      const result = await outcome(group`sleep 0.25`);
      completed += 1;
      if (completed === 60) {
        inFlightOnVictimAtKill = group.getStats().hosts[0]!.inFlight;
        killed = own.kill();
      }
      return result;
    });
    await killed;
    const failed = outcomes.filter((o) => !o.ok);
    for (const { error } of failed) {
      expect(isConnectionError(error), String(error)).toBe(true);
      expect((error as ConnectionError).started, String(error)).toBe(true);
    }
    // Only the commands running on the victim when it died can have failed.
    expect(failed.length).toBeLessThanOrEqual(inFlightOnVictimAtKill + 24);
    expect(failed.length, 'no command was running on the victim when it died: the test did not exercise that case').toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(240 - failed.length);
    const counts = countBy(outcomes.filter((o) => o.ok).map((o) => o.target ?? ''));
    expect(counts.get(victim) ?? 0).toBeGreaterThan(0);

    // Back up: once its pause is over, a probe finds it and it takes commands again.
    await own.restart();
    const deadline = performance.now() + 15_000;
    let seen = false;
    while (!seen && performance.now() < deadline) {
      const round = await Promise.all(Array.from({ length: 6 }, () => outcome(group`true`)));
      expect(round.filter((o) => !o.ok).map((o) => String(o.error))).toEqual([]);
      seen = round.some((o) => o.target === victim);
      if (!seen) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(seen, `${victim} was not used again within 15 s of its restart`).toBe(true);
  });
});
