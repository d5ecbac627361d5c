import { existsSync, readFileSync } from 'node:fs';
import type { ClientChannel } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { fingerprintOf, testHost } from '../src/index.js';
import { ssh2Exec } from './ssh2-exec.js';

describe('the shared test host (globalSetup)', () => {
  const host = testHost();

  it('runs `echo ok` over a plain ssh2 client', async () => {
    const result = await ssh2Exec(host, 'echo ok');
    expect(result).toMatchObject({ stdout: 'ok\n', code: 0, signal: null });
  });

  it('is OpenSSH when REXEC_TEST_SSHD=openssh', () => {
    if (process.env['REXEC_TEST_SSHD'] === 'openssh') expect(host.kind).toBe('openssh');
    expect(['openssh', 'embedded']).toContain(host.kind);
  });

  it('describes itself with files that exist and a matching fingerprint', () => {
    expect(host.host).toBe('127.0.0.1');
    expect(existsSync(host.privateKeyPath)).toBe(true);
    const knownHosts = readFileSync(host.knownHostsPath, 'utf8');
    expect(knownHosts.startsWith(`[127.0.0.1]:${host.port} ssh-ed25519 `)).toBe(true);
    expect(fingerprintOf(knownHosts.split(' ').slice(1).join(' '))).toBe(host.hostKeyFingerprint);
    expect(host.privateKey).toContain('BEGIN OPENSSH PRIVATE KEY');
  });

  it('returns exit codes and stdin', async () => {
    expect((await ssh2Exec(host, 'exit 7')).code).toBe(7);
    expect((await ssh2Exec(host, 'cat', { stdin: 'piped\n' })).stdout).toBe('piped\n');
  });

  it('reports the signal that killed a command', async () => {
    expect((await ssh2Exec(host, 'kill -TERM $$')).signal).toBe('SIGTERM');
  });

  // OpenSSH drops privilege separation after a root login, and then refuses `signal` requests
  // ("session signalling requires privilege separation"): as root (CI), signalling a channel does nothing.
  it('delivers a signal request to the running command, except for root on OpenSSH', async () => {
    const onStdout = (_chunk: string, channel: ClientChannel): void => {
      channel.signal('KILL');
      channel.end();
    };
    const result = await ssh2Exec(host, 'echo started; exec sleep 2', { onStdout });
    const refused = host.kind === 'openssh' && process.getuid?.() === 0;
    expect(result).toMatchObject(refused ? { code: 0, signal: null } : { signal: 'SIGKILL' });
  });
});
