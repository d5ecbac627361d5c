import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { isAlive, testHost } from '@rexec/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { ControlMasterAdapter } from '../src/index.js';
import { createSocketDir, harnessOptions } from './control-master-helpers.js';

const host = testHost();
const sockets = createSocketDir();
const adapters: ControlMasterAdapter[] = [];
afterAll(async () => {
  await Promise.all(adapters.map((adapter) => adapter.dispose()));
  sockets.cleanup();
});

function track(adapter: ControlMasterAdapter): ControlMasterAdapter {
  adapters.push(adapter);
  return adapter;
}

describe('ControlMasterAdapter: the master and its socket', () => {
  it('by default keeps the socket in a private 0700 directory, named with %C, and dispose removes it', async () => {
    // A config file of its own gives this adapter its own credential tag, hence its own default socket.
    const configFile = join(sockets.dir, 'empty-config');
    writeFileSync(configFile, '');
    const adapter = track(new ControlMasterAdapter({ ...harnessOptions(host, sockets.dir), controlPath: undefined, configFile }));
    expect((await adapter.exec({ command: 'echo ok' })).stdout).toBe('ok\n');
    const { controlPath, pid } = adapter.stats();
    expect(controlPath).toMatch(/\/rexec-cm-\d+\/[0-9a-f]{8}-[0-9a-f]{40}$/);
    expect(statSync(controlPath!).isSocket()).toBe(true);
    expect(statSync(join(controlPath!, '..')).mode & 0o777).toBe(0o700);
    await adapter.dispose();
    expect(existsSync(controlPath!)).toBe(false);
    expect(await isAlive(pid!)).toBe(false);
  });

  it('accepts a user-given %r@%h:%p path', async () => {
    const adapter = track(new ControlMasterAdapter(harnessOptions(host, sockets.dir, { controlPath: join(sockets.dir, '%r@%h:%p') })));
    expect((await adapter.exec({ command: 'echo ok' })).stdout).toBe('ok\n');
    expect(adapter.stats().controlPath).toBe(join(sockets.dir, `${host.username}@127.0.0.1:${host.port}`));
    expect(statSync(adapter.stats().controlPath!).isSocket()).toBe(true);
  });

  it('replaces a master that died and left its socket behind (stale, refused)', async () => {
    let now = 0;
    const adapter = track(new ControlMasterAdapter(harnessOptions(host, sockets.dir, { controlPath: join(sockets.dir, 's-%C') }), { now: () => now }));
    await adapter.exec({ command: 'true' });
    const { pid, controlPath } = adapter.stats();
    process.kill(pid!, 'SIGKILL');
    for (let i = 0; i < 50 && (await isAlive(pid!)); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(existsSync(controlPath!)).toBe(true); // stale: nobody listens on it any more
    now += 60_000; // past the window in which a recently used master is trusted without a check
    expect((await adapter.exec({ command: 'echo again' })).stdout).toBe('again\n');
    expect(adapter.stats()).toMatchObject({ state: 'ready', starts: 2, restarts: 1 });
    expect(adapter.stats().pid).not.toBe(pid);
  });

  it('does not hang on a socket that accepts but never answers', async () => {
    const controlPath = join(sockets.dir, 'hung');
    const held: Socket[] = [];
    const server = createServer((socket) => held.push(socket)); // accepts, never replies
    await new Promise<void>((resolve) => server.listen(controlPath, resolve));
    try {
      const adapter = track(new ControlMasterAdapter(harnessOptions(host, sockets.dir, { controlPath, checkTimeout: 1000 })));
      expect((await adapter.exec({ command: 'echo fresh' })).stdout).toBe('fresh\n');
      expect(held.length).toBeGreaterThan(0); // the check did reach the hung socket
      expect(adapter.stats()).toMatchObject({ state: 'ready', starts: 1 });
      await adapter.dispose(); // before server.close(): node unlinks the path it listened on
    } finally {
      for (const socket of held) socket.destroy();
      server.close();
    }
  });

  it('starts a new master when the old one was ended from outside', async () => {
    let now = 0;
    const options = harnessOptions(host, sockets.dir, { controlPath: join(sockets.dir, 'x-%C') });
    const adapter = track(new ControlMasterAdapter(options, { now: () => now }));
    await adapter.exec({ command: 'true' });
    const outsider = new ControlMasterAdapter(options);
    expect((await outsider.exec({ command: 'true' })).exitCode).toBe(0);
    expect(outsider.stats().adopted).toBe(true); // it found the running master
    await outsider.dispose(); // adopted: leaves it running
    expect(await adapter.exec({ command: 'true' })).toMatchObject({ exitCode: 0 });
    const killed = adapter.stats().pid!;
    process.kill(killed, 'SIGTERM'); // a clean master exit removes its socket
    for (let i = 0; i < 50 && (await isAlive(killed)); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    now += 60_000;
    expect((await adapter.exec({ command: 'echo back' })).stdout).toBe('back\n');
    expect(adapter.stats()).toMatchObject({ starts: 2, restarts: 1 });
  });

  it('dispose still ends a master whose socket was removed', async () => {
    const adapter = track(new ControlMasterAdapter(harnessOptions(host, sockets.dir, { controlPath: join(sockets.dir, 'r-%C') })));
    await adapter.exec({ command: 'true' });
    const { pid, controlPath } = adapter.stats();
    rmSync(controlPath!);
    await adapter.dispose();
    for (let i = 0; i < 50 && (await isAlive(pid!)); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await isAlive(pid!)).toBe(false);
  });

  it('a command right after the master died still runs: with ControlMaster=auto its ssh becomes the new master', async () => {
    const adapter = track(new ControlMasterAdapter(harnessOptions(host, sockets.dir, { controlPath: join(sockets.dir, 'a-%C') })));
    await adapter.exec({ command: 'true' });
    const { pid, controlPath } = adapter.stats();
    process.kill(pid!, 'SIGKILL');
    for (let i = 0; i < 50 && (await isAlive(pid!)); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    // Still inside the window where a recently used master is trusted: no check runs first.
    expect(await adapter.exec({ command: 'echo through-auto' })).toMatchObject({ stdout: 'through-auto\n', exitCode: 0 });
    expect(statSync(controlPath!).isSocket()).toBe(true); // a new master listens there now
    expect((await adapter.exec({ command: 'echo again' })).stdout).toBe('again\n');
    await adapter.dispose();
    expect(existsSync(controlPath!)).toBe(false);
  });
});
