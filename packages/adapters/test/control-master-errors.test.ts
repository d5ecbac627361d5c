import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testHost } from '@rexec/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { AuthenticationError, ConfigError, ConnectionError, ControlMasterAdapter, HostKeyError, PoolClosedError } from '../src/index.js';
import { createSocketDir, failureOf, harnessOptions } from './control-master-helpers.js';

const host = testHost();
const sockets = createSocketDir();
afterAll(() => sockets.cleanup());

describe('ControlMasterAdapter: bad set-ups fail fast with typed errors', () => {
  it('a missing ssh binary is a ConfigError naming it', async () => {
    const { error } = await failureOf(harnessOptions(host, sockets.dir, { sshPath: '/nonexistent/bin/ssh' }));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('/nonexistent/bin/ssh');
    expect((error as ConfigError).option).toBe('sshPath');
  });

  it('a socket directory that cannot be written is a ConfigError', async () => {
    // Root may write anywhere, so use a path below a regular file, which nobody can create.
    const file = join(sockets.dir, 'a-file');
    writeFileSync(file, '');
    const { error } = await failureOf(harnessOptions(host, sockets.dir, { controlPath: join(file, '%C') }));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/not writable/);
    if (process.getuid?.() !== 0) {
      const locked = join(sockets.dir, 'locked');
      mkdirSync(locked, { mode: 0o500 });
      chmodSync(locked, 0o500);
      const again = await failureOf(harnessOptions(host, sockets.dir, { controlPath: join(locked, 'sub', '%C') }));
      expect(again.error).toBeInstanceOf(ConfigError);
    }
  });

  it('a key the host refuses is an AuthenticationError with OpenSSH\'s message, within readyTimeout', async () => {
    const { error, elapsed } = await failureOf(harnessOptions(host, sockets.dir, { privateKey: '/dev/null', readyTimeout: 10_000 }));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).message).toContain('Permission denied (publickey)');
    expect((error as AuthenticationError).methodsTried).toEqual(['publickey']);
    expect(elapsed).toBeLessThan(10_000);
  });

  it('an unknown host key under hostKeyCheck "strict" is a HostKeyError', async () => {
    const empty = join(sockets.dir, 'empty_known_hosts');
    writeFileSync(empty, '');
    const { error } = await failureOf(harnessOptions(host, sockets.dir, { knownHosts: empty }));
    expect(error).toBeInstanceOf(HostKeyError);
    expect((error as HostKeyError).problem).toBe('unknown');
  });

  it('"accept-new" records an unknown host key and connects', async () => {
    const fresh = join(sockets.dir, 'fresh_known_hosts');
    writeFileSync(fresh, '');
    const adapter = new ControlMasterAdapter(harnessOptions(host, sockets.dir, { knownHosts: fresh, hostKeyCheck: 'accept-new', controlPath: join(sockets.dir, 'an-%C') }));
    try {
      expect((await adapter.exec({ command: 'echo in' })).stdout).toBe('in\n');
    } finally {
      await adapter.dispose();
    }
  });

  it('a port nobody listens on is a ConnectionError naming the target', async () => {
    const { error } = await failureOf(harnessOptions(host, sockets.dir, { port: 1 }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).message).toMatch(/Connection refused/);
    expect((error as ConnectionError).target).toBe(`${host.username}@127.0.0.1:1`);
  });

  it('exec after dispose is a PoolClosedError', async () => {
    const adapter = new ControlMasterAdapter(harnessOptions(host, sockets.dir));
    await adapter.dispose();
    await expect(adapter.exec({ command: 'true' })).rejects.toBeInstanceOf(PoolClosedError);
  });
});
