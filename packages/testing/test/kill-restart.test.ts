import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { findSshd, isAlive, startSshHost, waitUntilGone, type SshHost, type SshHostKind } from '../src/index.js';
import { connectSsh2, waitFor, within, type Ssh2Connection } from './ssh2-connection.js';

const run = promisify(execFile);
const kinds: SshHostKind[] = findSshd() === undefined ? ['embedded'] : ['openssh', 'embedded'];
const hosts: SshHost[] = [];
const connections: Ssh2Connection[] = [];

afterAll(async () => {
  for (const connection of connections) connection.client.destroy();
  await Promise.all(hosts.map((host) => host.stop()));
});

async function hostOf(kind: SshHostKind): Promise<SshHost> {
  const host = await startSshHost({ kind });
  hosts.push(host);
  return host;
}

async function connected(host: SshHost): Promise<Ssh2Connection> {
  const connection = await connectSsh2(host);
  connections.push(connection);
  return connection;
}

/** Starts `sleep 30` on the connection; resolves with its pid once the remote shell wrote it. */
async function sleeper(host: SshHost, connection: Ssh2Connection, name: string): Promise<number> {
  const pidFile = join(host.dir, `${name}.pid`);
  void connection.exec(`echo $$ > ${pidFile}.tmp && mv ${pidFile}.tmp ${pidFile}; exec sleep 30`).catch(() => undefined);
  expect(await waitFor(() => existsSync(pidFile), 5000)).toBe(true);
  return Number(readFileSync(pidFile, 'utf8').trim());
}

/** The error code of a connection attempt, or 'ready' if it got through. */
async function attempt(host: SshHost): Promise<string> {
  try {
    (await connected(host)).end();
    return 'ready';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  }
}

/** `ssh` (OpenSSH's client) with strict host key checking against the host's own known_hosts file. */
async function opensshClientRuns(host: SshHost, command: string): Promise<string> {
  const { stdout } = await run(
    'ssh',
    [
      '-F', '/dev/null',
      '-o', 'BatchMode=yes',
      '-o', 'StrictHostKeyChecking=yes',
      '-o', `UserKnownHostsFile=${host.knownHostsPath}`,
      '-o', 'GlobalKnownHostsFile=/dev/null',
      '-o', 'IdentitiesOnly=yes',
      '-o', 'ConnectTimeout=5',
      '-i', host.privateKeyPath,
      '-p', String(host.port),
      `${host.username}@127.0.0.1`,
      command,
    ],
    { timeout: 10_000 },
  );
  return stdout;
}

const hasSshClient = await run('ssh', ['-V']).then(
  () => true,
  () => false,
);

describe.each(kinds)('host.kill() and host.restart() (%s)', (kind) => {
  it('kill() drops established connections and ends their commands; connecting fails until restart()', async () => {
    const host = await hostOf(kind);
    const ssh = await connected(host);
    expect((await ssh.exec('echo before')).stdout).toBe('before\n');
    const sleeping = await sleeper(host, ssh, 'kill');
    const firstPid = host.pid;

    const started = performance.now();
    await host.kill();
    await within(2000, ssh.closed, 'the client close after kill()');
    expect(performance.now() - started).toBeLessThan(5000);
    expect(host.running).toBe(false);
    expect(await waitUntilGone([sleeping], 2000)).toEqual([]);
    if (kind === 'openssh') expect(await isAlive(firstPid!)).toBe(false);
    expect(await attempt(host)).toBe('ECONNREFUSED');
    expect(await attempt(host)).toBe('ECONNREFUSED');
    await host.kill(); // no-op while down

    await host.restart();
    expect(host.running).toBe(true);
    // Same port, same host key (the known_hosts entry checked strictly), same client key.
    const again = await connected(host);
    expect((await again.exec('echo after')).stdout).toBe('after\n');
    if (kind === 'openssh') expect(host.pid).not.toBe(firstPid);
    if (hasSshClient) expect(await opensshClientRuns(host, 'echo via-ssh')).toBe('via-ssh\n');
    again.end();
  });

  it('kill("SIGTERM") does the same with a gentler signal', async () => {
    const host = await hostOf(kind);
    const ssh = await connected(host);
    const sleeping = await sleeper(host, ssh, 'term');
    await host.kill('SIGTERM');
    await within(2000, ssh.closed, 'the client close after kill(SIGTERM)');
    expect(await waitUntilGone([sleeping], 2000)).toEqual([]);
    expect(await attempt(host)).toBe('ECONNREFUSED');
    await host.restart();
    expect(await attempt(host)).toBe('ready');
  });

  it('killSessions() drops the connections but the host keeps accepting', async () => {
    const host = await hostOf(kind);
    const first = await connected(host);
    const second = await connected(host);
    const sleeping = await sleeper(host, first, 'sessions');
    const pid = host.pid;
    await host.killSessions();
    await within(2000, first.closed, 'the first close after killSessions()');
    await within(2000, second.closed, 'the second close after killSessions()');
    expect(await waitUntilGone([sleeping], 2000)).toEqual([]);
    expect(host.running).toBe(true);
    expect(host.pid).toBe(pid);
    const third = await connected(host);
    expect((await third.exec('echo still')).stdout).toBe('still\n');
    third.end();
  });

  it('restart() of a running host kills it first', async () => {
    const host = await hostOf(kind);
    const ssh = await connected(host);
    await host.restart();
    await within(2000, ssh.closed, 'the client close after restart()');
    expect(await attempt(host)).toBe('ready');
  });

  it('stop() after kill() cleans up; then kill and restart reject', async () => {
    const host = await startSshHost({ kind });
    await host.kill();
    await host.stop();
    expect(existsSync(host.dir)).toBe(false);
    expect(host.running).toBe(false);
    await expect(host.restart()).rejects.toThrow(/stopped/);
    await expect(host.kill()).rejects.toThrow(/stopped/);
  });

  it('takes SIGKILL or SIGTERM only', async () => {
    const host = await hostOf(kind);
    await expect(host.kill('SIGHUP' as 'SIGKILL')).rejects.toThrow(TypeError);
    await expect(host.killSessions('SIGINT' as 'SIGKILL')).rejects.toThrow(/SIGKILL or SIGTERM/);
    expect(host.running).toBe(true);
  });
});
