/**
 * A connection that goes silent while a command's channel opens (through a frozen proxy, against the real
 * sshd): past `openTimeout` the connection is closed and the command rejects with a ConnectionError that says
 * whether its exec request had gone out; its own timeout and abort hold during the open too.
 */
import { ConnectionError } from '@rexec/adapters';
import { knownHostsFor, startFaultProxy, testHost, type FaultProxy } from '@rexec/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveTestHost } from '../../../test/support/resolve-test-host.js';
import { connectSsh } from './connect-ssh.js';
import type { SshConnection } from './ssh-connection.js';

const host = testHost();
let proxy: FaultProxy;
let conn: SshConnection;

beforeEach(async () => {
  proxy = await startFaultProxy({ targetHost: '127.0.0.1', targetPort: host.port });
  conn = await connectSsh(resolveTestHost(host, { port: proxy.port, knownHosts: await knownHostsFor(host, proxy.port) }));
  await conn.exec({ command: 'true' });
});
afterEach(async () => {
  await conn.close();
  await proxy.close();
});

describe('opening a channel on a connection gone silent', () => {
  it('past openTimeout: ConnectionError (not started), and the connection is closed', async () => {
    proxy.freeze();
    const started = performance.now();
    const error = await conn.exec({ command: 'echo never' }, { openTimeout: 300 }).then(() => undefined, (caught: unknown) => caught);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).started).toBe(false);
    expect((error as Error).message).toContain('channelOpenTimeout');
    await expect.poll(() => conn.isOpen).toBe(false);
  });

  it("the command's own timeout holds during the open: a timed-out result at its deadline, not the open timeout's error", async () => {
    proxy.freeze();
    const started = performance.now();
    const result = await conn.exec({ command: 'echo never', timeout: 200 }, { openTimeout: 5_000 });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(result).toMatchObject({ timedOut: true, stdout: '' });
  });

  it('an abort during the open settles at once as canceled', async () => {
    proxy.freeze();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const started = performance.now();
    const result = await conn.exec({ command: 'echo never', signal: controller.signal }, { openTimeout: 5_000 });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(result).toMatchObject({ isCanceled: true, stdout: '' });
  });
});
