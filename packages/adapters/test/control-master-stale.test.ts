/**
 * What must never hang: a master start that stalls (a server or ProxyCommand that never finishes the
 * handshake) and a socket path holding something other than a live master.
 */
import { existsSync, linkSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { isAlive, testHost } from '@rexec/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, ConnectionError, ControlMasterAdapter } from '../src/index.js';
import { createSocketDir, failureOf, harnessOptions } from './control-master-helpers.js';

const host = testHost();
const sockets = createSocketDir();
afterAll(() => sockets.cleanup());

const BANNER = 'SSH-2.0-OpenSSH_9.2\r\n';

/** A TCP server on 127.0.0.1 that sends an SSH banner and then nothing: ssh waits in the key exchange. */
async function startStallingServer(): Promise<{ server: Server; port: number; held: Socket[] }> {
  const held: Socket[] = [];
  const server = createServer((socket) => {
    held.push(socket);
    socket.write(BANNER);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port, held };
}

async function waitUntilGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && (await isAlive(pid)); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  return !(await isAlive(pid));
}

describe('ControlMasterAdapter: a master start that stalls is bounded by readyTimeout', () => {
  it('a server that stops after its banner (OpenSSH ConnectTimeout does not cover this) → ConnectionError in time', async () => {
    const stalling = await startStallingServer();
    try {
      const options = harnessOptions(host, sockets.dir, { port: stalling.port, hostKeyCheck: 'off', readyTimeout: 1500, controlPath: join(sockets.dir, 'k-%C') });
      const { error, elapsed } = await failureOf(options);
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as ConnectionError).message).toMatch(/within 1500 ms \(readyTimeout\)/);
      expect((error as ConnectionError).target).toBe(`${host.username}@127.0.0.1:${stalling.port}`);
      expect(stalling.held.length).toBe(1); // ssh did connect and wait
      expect(elapsed).toBeLessThan(1500 + 3000);
    } finally {
      for (const socket of stalling.held) socket.destroy();
      stalling.server.close();
    }
  });

  it('a ProxyCommand that hangs is ended with the ssh that started it', async () => {
    const pidFile = join(sockets.dir, 'proxy.pid');
    const script = join(sockets.dir, 'stalling-proxy.sh');
    writeFileSync(script, `echo $$ > ${pidFile}\nprintf 'SSH-2.0-OpenSSH_9.2\\r\\n'\nexec sleep 300\n`);
    const options = harnessOptions(host, sockets.dir, { readyTimeout: 1500, controlPath: join(sockets.dir, 'pc-%C'), sshOptions: { ProxyCommand: `/bin/sh ${script}` } });
    const { error, elapsed } = await failureOf(options);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).message).toMatch(/readyTimeout/);
    expect(elapsed).toBeLessThan(1500 + 3000);
    const proxy = Number(readFileSync(pidFile, 'utf8'));
    expect(proxy).toBeGreaterThan(0);
    expect(await waitUntilGone(proxy)).toBe(true);
  });

  it('a working ProxyCommand (with spaces, like `ssh -W %h:%p jump`) carries the master', async () => {
    const jump = `ssh -F /dev/null -o BatchMode=yes -i ${host.privateKeyPath} -o UserKnownHostsFile=${host.knownHostsPath} -p ${host.port} -W %h:%p ${host.username}@127.0.0.1`;
    const adapter = new ControlMasterAdapter(harnessOptions(host, sockets.dir, { controlPath: join(sockets.dir, 'j-%C'), sshOptions: { ProxyCommand: jump } }));
    try {
      expect((await adapter.exec({ command: 'echo via-jump' })).stdout).toBe('via-jump\n');
      expect(adapter.stats()).toMatchObject({ state: 'ready', starts: 1 });
    } finally {
      await adapter.dispose();
    }
  });
});

describe('ControlMasterAdapter: whatever is left at the socket path, nothing hangs', () => {
  it('a leftover socket that nobody listens on is replaced on first use', async () => {
    const controlPath = join(sockets.dir, 'leftover');
    // Node unlinks the path it listened on when closed, so keep a second link: a socket file with no listener.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(`${controlPath}.live`, resolve));
    linkSync(`${controlPath}.live`, controlPath);
    await new Promise((resolve) => server.close(resolve));
    expect(statSync(controlPath).isSocket()).toBe(true);
    const adapter = new ControlMasterAdapter(harnessOptions(host, sockets.dir, { controlPath, checkTimeout: 2000 }));
    try {
      const started = Date.now();
      expect((await adapter.exec({ command: 'echo replaced' })).stdout).toBe('replaced\n');
      expect(Date.now() - started).toBeLessThan(2000 + 5000);
      expect(adapter.stats()).toMatchObject({ state: 'ready', starts: 1, adopted: false });
      expect(statSync(controlPath).isSocket()).toBe(true); // a live master now
    } finally {
      await adapter.dispose();
    }
    expect(existsSync(controlPath)).toBe(false);
  });

  it('a regular file at the path is a ConfigError naming it, and is kept', async () => {
    const controlPath = join(sockets.dir, 'not-a-socket');
    writeFileSync(controlPath, 'important');
    const { error, elapsed } = await failureOf(harnessOptions(host, sockets.dir, { controlPath }));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(controlPath);
    expect((error as ConfigError).option).toBe('controlPath');
    expect(elapsed).toBeLessThan(5000);
    expect(readFileSync(controlPath, 'utf8')).toBe('important');
  });
});
