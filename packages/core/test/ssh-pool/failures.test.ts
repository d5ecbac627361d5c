import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
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
function trackedSleep(dir: string, name: string): { command: string; kill: () => void; started: () => boolean } {
  const pidFile = join(dir, name);
  return {
    command: `echo $$ > ${pidFile}; exec sleep 30`,
    // Once the pid is written the command runs remotely: a connection lost after that is lost mid-command.
    started: () => existsSync(pidFile),
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
    await expect.poll(sleeper.started).toBe(true);
    // Kill the per-connection sshd processes (children of the sshd we started): the TCP connection drops.
    const sessions = childPids(host.pid!);
    expect(sessions.length).toBeGreaterThan(0);
    for (const pid of sessions) process.kill(pid, 'SIGKILL');
    const error = await running;
    expect(error).toBeInstanceOf(ConnectionError);
    // It had started: it is not run again, and the error says so.
    expect((error as ConnectionError).started).toBe(true);
    await expect.poll(() => destroyed).toContainEqual({ id: created[0]!.id, reason: 'error' });
    // The next command runs on a new connection.
    await expect(remote`echo again`).resolves.toMatchObject({ stdout: 'again\n' });
    expect(created.length).toBeGreaterThanOrEqual(2);
    expect(remote.getPoolStats().connectionsDestroyed).toBeGreaterThanOrEqual(1);
    await remote.closePool();
  });

  it('a connection reset (TCP RST, ECONNRESET) mid-command: ConnectionError, no crash, replaced', async () => {
    // A loopback relay in front of sshd whose client-side sockets the test can reset.
    const relayed: Socket[] = [];
    const relay = createServer((client) => {
      relayed.push(client);
      const upstream = connect(host.port, '127.0.0.1');
      for (const socket of [client, upstream]) socket.on('error', () => undefined);
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => relay.close(() => resolve())));
    const { port } = relay.address() as AddressInfo;
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown): number => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    onTestFinished(() => void process.off('uncaughtException', onUncaught));

    // The host key, recorded for the relay's port.
    const knownHosts = join(dir, 'relay_known_hosts');
    writeFileSync(knownHosts, readFileSync(host.knownHostsPath, 'utf8').replace(`]:${host.port} `, `]:${port} `));
    const remote = $.ssh(targetOf(host, { port, knownHosts }), { pool: { max: 1 } });
    const destroyed = record(remote, 'connection:destroy');
    const sleeper = trackedSleep(dir, 'reset.pid');
    onTestFinished(sleeper.kill);
    const running = remote.raw`${sleeper.command}`.catch((error: unknown) => error);
    await expect.poll(sleeper.started).toBe(true);
    for (const socket of relayed) socket.resetAndDestroy();
    const error = await running;
    expect(error).toBeInstanceOf(ConnectionError);
    // The command's error says the connection was lost (not that the server refused the command) and, with
    // its cause, how.
    expect((error as Error).message).toContain(`The SSH connection to ${host.username}@127.0.0.1:${port} was lost`);
    expect(`${(error as Error).message} ${String(((error as Error).cause as Error | undefined)?.message)}`).toMatch(/ECONNRESET/);
    await expect.poll(() => destroyed.map((event) => event.reason)).toEqual(['error']);
    await expect(remote`echo after-reset`).resolves.toMatchObject({ stdout: 'after-reset\n' });
    expect(uncaught).toEqual([]);
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
    await expect.poll(sleeper.started).toBe(true);
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
    // A new `$.ssh(...)` for the same target and options shares the pool, so it fails fast too.
    const again = $.ssh(targetOf(testHost(), { port }), {
      pool: { retryAttempts: 0, circuitBreaker: { threshold: 2, timeout: 60_000 } },
    });
    await expect(again`uptime`).rejects.toBeInstanceOf(CircuitOpenError);
    await dead.closePool();
  });

  it('an unreachable host (accepts TCP, never answers) feeds it too: handshake timeouts open it', async () => {
    let accepted = 0;
    const silent = createServer((socket) => {
      accepted++;
      socket.resume();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => silent.close(() => resolve())));
    const { port } = silent.address() as AddressInfo;
    const options = { pool: { retryAttempts: 0, circuitBreaker: { threshold: 2, timeout: 60_000 } } };
    const target = targetOf(testHost(), { port, readyTimeout: 300 });
    const opened = record($.ssh(target, options), 'circuit:open');
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await $.ssh(target, options)`true`.catch((failure: unknown) => failure);
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as Error).message).toContain(`${testHost().username}@127.0.0.1:${port}: no SSH handshake within 300 ms`);
    }
    expect(opened).toHaveLength(1);
    const started = performance.now();
    await expect($.ssh(target, options)`true`).rejects.toBeInstanceOf(CircuitOpenError);
    // Fast: no connection attempt, so no wait for readyTimeout.
    expect(performance.now() - started).toBeLessThan(300);
    expect(accepted).toBe(2);
    await $.ssh(target, options).closePool();
  });
});
