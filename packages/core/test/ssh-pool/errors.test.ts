/**
 * What a `$.ssh` user sees when something goes wrong: each error class of docs/errors.md, as exported by
 * `@rexec/core`, with its `code` and a message that names the target and how to fix it.
 * Hosts: the harness sshd, a port nothing listens on, a name under `.invalid` (never resolves; no
 * traffic leaves the machine) and a local TCP server that never speaks.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testHost } from '@rexec/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  $,
  AcquireTimeoutError,
  AuthenticationError,
  ConfigError,
  ConnectionError,
  HostKeyError,
  PoolExhaustedError,
  TimeoutError,
} from '../../src/index.js';
import { targetOf } from './support.js';

const host = testHost();
const user = host.username;
const noRetry = { pool: { retryAttempts: 0 } };
let dir: string;
let silent: Server;
let silentPort: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rexec-errors-'));
  silent = createServer((socket) => socket.resume());
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentPort = (silent.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => silent.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

async function failureOf(run: () => PromiseLike<unknown>): Promise<Error> {
  try {
    await run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

/** A port on 127.0.0.1 nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('ConnectionError names user@host:port', () => {
  it('refused', async () => {
    const port = await closedPort();
    const remote = $.ssh(targetOf(host, { port }), noRetry);
    const error = await failureOf(() => remote`true`);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: 'ERR_CONNECTION', target: `${user}@127.0.0.1:${port}` });
    expect(error.message).toContain(`Cannot connect to ${user}@127.0.0.1:${port}: connection refused`);
    await remote.closePool();
  });

  it('DNS failure (a name under .invalid)', async () => {
    const remote = $.ssh(targetOf(host, { host: 'no-such-host.rexec.invalid', port: 2222 }), noRetry);
    const error = await failureOf(() => remote`true`);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toContain(`${user}@no-such-host.rexec.invalid:2222`);
    expect(error.message).toMatch(/does not resolve/);
    await remote.closePool();
  });

  it('handshake timeout (a server that accepts and never speaks)', async () => {
    const remote = $.ssh(targetOf(host, { port: silentPort, readyTimeout: 300 }), noRetry);
    const error = await failureOf(() => remote`true`);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toContain(`Cannot connect to ${user}@127.0.0.1:${silentPort}: no SSH handshake within 300 ms`);
    await remote.closePool();
  });
});

describe('credentials and host keys', () => {
  it('AuthenticationError lists the methods tried', async () => {
    const stranger = join(dir, 'stranger');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
    const remote = $.ssh(targetOf(host, { privateKey: stranger, password: 'not-it' }), noRetry);
    const error = await failureOf(() => remote`true`);
    expect(error).toBeInstanceOf(AuthenticationError);
    // The harness sshd accepts publickey only, so the password is never offered (auth.test.ts covers both).
    expect(error).toMatchObject({ code: 'ERR_AUTHENTICATION', methodsTried: ['publickey'] });
    expect(error.message).toContain(`Authentication failed for ${user}@127.0.0.1:${host.port}`);
    expect(error.message).toContain('methods tried: publickey');
    expect(error.message).toContain('the server accepts: publickey');
    await remote.closePool();
  });

  it('an unreadable key path, or an encrypted key without passphrase: ConfigError from $.ssh(...) itself', () => {
    const missing = join(dir, 'no-such-key');
    const unreadable = (): unknown => $.ssh(targetOf(host, { privateKey: missing }));
    expect(unreadable).toThrowError(ConfigError);
    expect(unreadable).toThrowError(missing);
    const locked = join(dir, 'locked');
    copyFileSync(host.privateKeyPath, locked);
    execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'locked-passphrase', '-f', locked]);
    const encrypted = (): unknown => $.ssh(targetOf(host, { privateKey: locked }));
    expect(encrypted).toThrowError(ConfigError);
    expect(encrypted).toThrowError(/passphrase/);
  });

  it('HostKeyError for a host missing from knownHosts, with its fingerprint and how to trust it', async () => {
    const remote = $.ssh(targetOf(host, { knownHosts: join(dir, 'empty_known_hosts') }), noRetry);
    const error = await failureOf(() => remote`true`);
    expect(error).toBeInstanceOf(HostKeyError);
    expect(error).toMatchObject({ code: 'ERR_HOST_KEY', problem: 'unknown', fingerprint: host.hostKeyFingerprint });
    expect(error.message).toContain('ssh-keyscan');
    await remote.closePool();
  });
});

describe('pool limits and command timeouts', () => {
  it('PoolExhaustedError past queueSize, with the message docs/errors.md gives', async () => {
    const remote = $.ssh(targetOf(host), { pool: { max: 1, maxChannels: 1, queueSize: 1 } });
    const commands = Array.from({ length: 4 }, () => remote`sleep 0.3`.then(() => 'ok', (error: unknown) => error));
    const outcomes = await Promise.all(commands);
    const exhausted = outcomes.filter((outcome): outcome is PoolExhaustedError => outcome instanceof PoolExhaustedError);
    expect(exhausted.length).toBeGreaterThan(0);
    expect(exhausted[0]!.code).toBe('ERR_POOL_EXHAUSTED');
    expect(exhausted[0]!.message).toContain(`Connection pool exhausted for ${user}@127.0.0.1:${host.port} (max: 1)`);
    expect(outcomes).toContain('ok');
    await remote.closePool();
  });

  it('AcquireTimeoutError when a command waits longer than `acquire` for a channel', async () => {
    const remote = $.ssh(targetOf(host), { pool: { max: 1, maxChannels: 1, acquire: 300 } });
    const busy = remote`sleep 1`;
    const error = await failureOf(() => remote`true`);
    expect(error).toBeInstanceOf(AcquireTimeoutError);
    expect(error).toMatchObject({ code: 'ERR_ACQUIRE_TIMEOUT' });
    await busy;
    await remote.closePool();
  });

  it('TimeoutError from .timeout(ms), naming the target', async () => {
    const remote = $.ssh(targetOf(host));
    const error = await failureOf(() => remote.timeout(200)`sleep 5`);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: 'ERR_TIMEOUT' });
    expect(error.message).toContain(`Timed out after 200 ms on ${user}@127.0.0.1:${host.port}`);
    await remote.closePool();
  });
});
