import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, HostKeyError } from '@rexec/adapters';
import { startSshHost, testHost, type SshHost } from '@rexec/testing';
import { generateKey } from '../../../test/support/generate-key.js';
import { waitUntil } from '../../../test/support/process-probe.js';
import { resolveTestHost } from '../../../test/support/resolve-test-host.js';
import { tempDir } from '../../../test/support/temp-dir.js';
import { connectSsh } from './connect-ssh.js';

const host = testHost();
const home = tempDir();

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the connect to fail');
}

async function connectAndRun(options: Parameters<typeof resolveTestHost>[1]): Promise<string> {
  const conn = await connectSsh(resolveTestHost(host, options));
  try {
    return (await conn.exec({ command: 'echo connected' })).stdout;
  } finally {
    await conn.close();
  }
}

describe('host keys against OpenSSH sshd', () => {
  it('strict: an unknown host is refused with its fingerprint, and the suggested ssh-keyscan line really trusts it', async () => {
    const knownHosts = join(home, 'kh-keyscan');
    const error = await failure(connectSsh(resolveTestHost(host, { knownHosts })));
    expect(error).toBeInstanceOf(HostKeyError);
    expect((error as HostKeyError).problem).toBe('unknown');
    expect((error as HostKeyError).fingerprint).toBe(host.hostKeyFingerprint);
    const line = error.message.split('\n').find((text) => text.trim().startsWith('ssh-keyscan'))!.trim();
    expect(line).toBe(`ssh-keyscan -p ${host.port} 127.0.0.1 >> ${knownHosts}`);
    execFileSync('sh', ['-c', `${line} 2>/dev/null`]);
    expect(await connectAndRun({ knownHosts })).toBe('connected\n');
  });

  it('accepts hashed known_hosts entries (ssh-keygen -H)', async () => {
    const knownHosts = join(home, 'kh-hashed');
    copyFileSync(host.knownHostsPath, knownHosts);
    execFileSync('ssh-keygen', ['-H', '-f', knownHosts], { stdio: 'ignore' });
    expect(readFileSync(knownHosts, 'utf8')).toMatch(/^\|1\|/);
    expect(await connectAndRun({ knownHosts })).toBe('connected\n');
  });

  it('accept-new: records the key on first connect; strict trusts it afterwards', async () => {
    const knownHosts = join(home, 'kh-accept-new');
    expect(await connectAndRun({ knownHosts, hostKeyCheck: 'accept-new' })).toBe('connected\n');
    expect(readFileSync(knownHosts, 'utf8')).toMatch(new RegExp(`^\\[127\\.0\\.0\\.1\\]:${host.port} ssh-ed25519 `));
    expect(await connectAndRun({ knownHosts })).toBe('connected\n');
  });

  it("off: connects to an unknown host without recording it", async () => {
    const knownHosts = join(home, 'kh-off');
    expect(await connectAndRun({ knownHosts, hostKeyCheck: 'off' })).toBe('connected\n');
    expect(existsSync(knownHosts)).toBe(false);
  });

  it('a changed key is refused under every policy, naming both fingerprints', async () => {
    const impostor = generateKey(home, 'impostor_host_key');
    const knownHosts = join(home, 'kh-changed');
    writeFileSync(knownHosts, `[127.0.0.1]:${host.port} ${impostor.publicKey}`);
    const recorded = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${impostor.path}.pub`], { encoding: 'utf8' }).split(' ')[1]!;
    for (const hostKeyCheck of ['strict', 'accept-new', 'off'] as const) {
      const error = await failure(connectSsh(resolveTestHost(host, { knownHosts, hostKeyCheck })));
      expect(error).toBeInstanceOf(HostKeyError);
      expect((error as HostKeyError).problem).toBe('changed');
      expect(error.message).toContain(host.hostKeyFingerprint);
      expect(error.message).toContain(recorded);
      expect((error as HostKeyError).expectedFingerprints).toEqual([recorded]);
    }
  });

  it('verification completes before any credential is sent (ssh2 protocol trace)', async () => {
    const refused: string[] = [];
    await failure(connectSsh(resolveTestHost(host, { knownHosts: join(home, 'kh-trace'), password: 'pw-trace' }), { debug: (line) => refused.push(line) }));
    expect(refused.some((line) => line.includes('Host denied'))).toBe(true);
    expect(refused.some((line) => line.includes('USERAUTH_REQUEST'))).toBe(false);

    const accepted: string[] = [];
    const conn = await connectSsh(resolveTestHost(host), { debug: (line) => accepted.push(line) });
    await conn.close();
    const verified = accepted.findIndex((line) => line.includes('Host accepted'));
    const firstAuth = accepted.findIndex((line) => line.includes('USERAUTH_REQUEST'));
    expect(verified).toBeGreaterThanOrEqual(0);
    expect(firstAuth).toBeGreaterThan(verified);
    expect(accepted.join('\n')).not.toContain('pw-trace');
  });
});

describe('host key refusal as seen by sshd', () => {
  let own: SshHost;
  beforeAll(async () => {
    own = await startSshHost();
  });
  afterAll(async () => {
    await own.stop();
  });

  it('sshd logs no authentication attempt for a connection refused on its host key', async () => {
    const stranger = generateKey(home, 'stranger');
    const hostInfo = { ...own, privateKeyPath: stranger.path };
    const unknownHost = await failure(connectSsh(resolveTestHost(hostInfo, { knownHosts: join(home, 'kh-own') })));
    expect(unknownHost).toBeInstanceOf(HostKeyError);
    // Control: the same stranger key with the right known_hosts does reach authentication, and sshd logs it.
    const wrongKey = await failure(connectSsh(resolveTestHost(hostInfo)));
    expect(wrongKey).toBeInstanceOf(AuthenticationError);
    // sshd's per-connection processes write to one log, interleaved: group the lines by client port.
    const linesOf = (port: string): string[] =>
      readFileSync(own.logPath, 'utf8').split('\n').filter((line) => line.includes(`port ${port}`) && !line.startsWith('Connection from'));
    const clientPorts = (): string[] => [...readFileSync(own.logPath, 'utf8').matchAll(/Connection from 127\.0\.0\.1 port (\d+)/g)].map((m) => m[1]!);
    const settled = await waitUntil(() => {
      const ports = clientPorts();
      return ports.length >= 2 && linesOf(ports.at(-1)!).some((l) => /Failed publickey/.test(l)) && linesOf(ports.at(-2)!).length > 0;
    });
    expect(settled).toBe(true);
    const [refusedPort, authPort] = clientPorts().slice(-2) as [string, string];
    expect(linesOf(authPort).join('\n')).toMatch(/Failed publickey for root/);
    const refused = linesOf(refusedPort).join('\n');
    expect(refused).toMatch(/Received disconnect from 127\.0\.0\.1 port \d+:3:/); // 3 = key exchange failed
    expect(refused).not.toMatch(/publickey|password|authenticating user|Accepted|Failed/);
  });
});
