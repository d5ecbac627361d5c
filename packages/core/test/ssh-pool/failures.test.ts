import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshHost, testHost, type SshHost } from '@rexec/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { $, CircuitOpenError, ConnectionError } from '../../src/index.js';
import { childPids, record, targetOf } from './support.js';

/** A port on 127.0.0.1 nothing listens on: bind one, note it, close it. */
function deadPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * A remote `sleep` whose pid is written to a file, so the test can end it: killing sshd's session
 * processes orphans the command, which would otherwise outlive the test.
 */
function trackedSleep(dir: string, name: string): { command: string; kill: () => void } {
  const pidFile = join(dir, name);
  return {
    command: `echo $$ > ${pidFile}; exec sleep 30`,
    kill: () => {
      try {
        process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
      } catch {
        // never started, or already gone
      }
    },
  };
}

describe('a dropped connection', () => {
  let host: SshHost;
  let dir: string;
  beforeAll(async () => {
    host = await startSshHost();
    dir = mkdtempSync(join(tmpdir(), 'rexec-failures-'));
  });
  afterAll(async () => {
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails the running command with ConnectionError, is destroyed with reason error, and is replaced', async () => {
    const remote = $.ssh(targetOf(host));
    const destroyed = record(remote, 'connection:destroy');
    const created = record(remote, 'connection:create');
    await remote`true`;
    const sleeper = trackedSleep(dir, 'first.pid');
    onTestFinished(sleeper.kill);
    const running = remote.raw`${sleeper.command}`.catch((error: unknown) => error);
    await expect.poll(() => remote.getPoolStats().active).toBe(1);
    // Kill the per-connection sshd processes (children of the sshd we started): the TCP connection drops.
    const sessions = childPids(host.pid!);
    expect(sessions.length).toBeGreaterThan(0);
    for (const pid of sessions) process.kill(pid, 'SIGKILL');
    const error = await running;
    expect(error).toBeInstanceOf(ConnectionError);
    await expect.poll(() => destroyed).toContainEqual({ id: created[0]!.id, reason: 'error' });
    // The next command runs on a new connection.
    await expect(remote`echo again`).resolves.toMatchObject({ stdout: 'again\n' });
    expect(created.length).toBeGreaterThanOrEqual(2);
    expect(remote.getPoolStats().connectionsDestroyed).toBeGreaterThanOrEqual(1);
    await remote.closePool();
  });

  it('destroys an idle connection that drops, with reason error', async () => {
    const remote = $.ssh(targetOf(host), { pool: { max: 1 } });
    const destroyed = record(remote, 'connection:destroy');
    await remote.warmPool(1);
    expect(remote.getPoolStats()).toMatchObject({ idle: 1, total: 1 });
    for (const pid of childPids(host.pid!)) process.kill(pid, 'SIGKILL');
    await expect.poll(() => destroyed.map((event) => event.reason)).toEqual(['error']);
    await expect(remote`echo fresh`).resolves.toMatchObject({ stdout: 'fresh\n' });
    await remote.closePool();
  });

  it('when sshd itself is killed, the running command rejects with ConnectionError (no hang, no exit 0)', async () => {
    const doomed = await startSshHost();
    const remote = $.ssh(targetOf(doomed), { pool: { retryAttempts: 0 } });
    const sleeper = trackedSleep(dir, 'second.pid');
    onTestFinished(sleeper.kill);
    const running = remote.raw`${sleeper.command}`.catch((error: unknown) => error);
    await expect.poll(() => remote.getPoolStats().active).toBe(1);
    // Every sshd process: the listener and the per-connection ones (which run in sessions of their own,
    // so a signal to the listener's process group does not reach them).
    for (const pid of [...childPids(doomed.pid!), doomed.pid!]) process.kill(pid, 'SIGKILL');
    try {
      expect(await running).toBeInstanceOf(ConnectionError);
      await expect(remote`true`).rejects.toBeInstanceOf(ConnectionError);
    } finally {
      await remote.closePool();
      await doomed.stop();
    }
  });
});

describe('the circuit breaker on a closed port', () => {
  it('opens after `threshold` failed connects; the next command fails fast with CircuitOpenError', async () => {
    const port = await deadPort();
    const dead = $.ssh(targetOf(testHost(), { port }), {
      pool: { retryAttempts: 0, circuitBreaker: { threshold: 2, timeout: 60_000 } },
    });
    const opened = record(dead, 'circuit:open');
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await dead`uptime`.catch((failure: unknown) => failure);
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as ConnectionError).message).toContain(`127.0.0.1:${port}`);
    }
    expect(opened).toEqual([{ target: `${testHost().username}@127.0.0.1:${port}`, failures: 2 }]);
    expect(dead.getPoolStats().circuit).toBe('open');
    const started = performance.now();
    const fast = await dead`uptime`.catch((failure: unknown) => failure);
    expect(fast).toBeInstanceOf(CircuitOpenError);
    expect((fast as CircuitOpenError).retryAfter).toBeGreaterThan(0);
    // "Fast" means no connect attempt: the breaker answers in-process.
    expect(performance.now() - started).toBeLessThan(1_000);
    await dead.closePool();
  });
});
