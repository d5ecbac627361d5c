import { readFileSync } from 'node:fs';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshHosts, type HostLogin, type SshHostSet } from '../src/index.js';

/** Runs `command` over a plain ssh2 client on `login`, checking the host key against its known_hosts. */
function run(login: HostLogin, command: string): Promise<string> {
  const entry = readFileSync(login.knownHosts, 'utf8')
    .split('\n')
    .find((line) => line.startsWith(`[${login.host}]:${login.port} `));
  if (entry === undefined) return Promise.reject(new Error(`no known_hosts entry for [${login.host}]:${login.port}`));
  const knownKey = entry.split(/\s+/)[2];
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.on('error', reject);
    client.on('ready', () => {
      client.exec(command, (error, channel) => {
        if (error) {
          client.end();
          reject(error);
          return;
        }
        let stdout = '';
        channel.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        channel.on('close', () => {
          client.end();
          resolve(stdout);
        });
        channel.end();
      });
    });
    client.connect({
      host: login.host,
      port: login.port,
      username: login.username,
      privateKey: readFileSync(login.privateKey),
      hostVerifier: (key: Buffer) => key.toString('base64') === knownKey,
    });
  });
}

describe('startSshHosts', () => {
  let set: SshHostSet;
  beforeAll(async () => {
    set = await startSshHosts(3);
  });
  afterAll(() => set.stop());

  it('gives n distinct host:port targets', () => {
    expect(set.hosts).toHaveLength(3);
    expect(new Set(set.hosts.map((h) => `${h.host}:${h.port}`)).size).toBe(3);
    // One sshd for all of them with OpenSSH; one server each with the embedded fallback.
    expect(set.servers).toHaveLength(set.kind === 'openssh' ? 1 : 3);
    if (process.env['REXEC_TEST_SSHD'] === 'openssh') expect(set.kind).toBe('openssh');
  });

  it('answers on every address, each trusted by its own known_hosts entry', async () => {
    const seen = await Promise.all(set.hosts.map((login) => run(login, 'echo ok')));
    expect(seen).toEqual(['ok\n', 'ok\n', 'ok\n']);
  });

  it('(OpenSSH) one sshd: the server address differs per host', async () => {
    if (set.kind !== 'openssh') return;
    const connections = await Promise.all(set.hosts.map((login) => run(login, 'echo "$SSH_CONNECTION"')));
    expect(connections.map((line) => line.trim().split(' ')[2])).toEqual(['127.0.0.1', '127.0.0.2', '127.0.0.3']);
  });

  it('past 16 hosts (sshd listens on 16 sockets at most): one more sshd per 16, every host distinct', async () => {
    const many = await startSshHosts(18);
    try {
      expect(many.hosts).toHaveLength(18);
      expect(new Set(many.hosts.map((h) => `${h.host}:${h.port}`)).size).toBe(18);
      expect(many.servers).toHaveLength(many.kind === 'openssh' ? 2 : 18);
      const answers = await Promise.all([many.hosts[0]!, many.hosts[15]!, many.hosts[16]!, many.hosts[17]!].map((login) => run(login, 'echo ok')));
      expect(answers).toEqual(['ok\n', 'ok\n', 'ok\n', 'ok\n']);
    } finally {
      await many.stop();
    }
  });

  it('rejects a bad count', async () => {
    await expect(startSshHosts(0)).rejects.toThrow(RangeError);
    await expect(startSshHosts(1.5)).rejects.toThrow(/integer/);
  });
});
