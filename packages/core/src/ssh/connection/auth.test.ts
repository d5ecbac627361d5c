import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, ConfigError } from '@rexec/adapters';
import { startSshHost, type SshHost } from '@rexec/testing';
import { normalizeSshOptions } from '../options/normalize-ssh-options.js';
import type { SshOptions } from '../options/ssh-options.js';
import { generateKey } from '../../../test/support/generate-key.js';
import { startPasswordSshServer, type PasswordSshServer } from '../../../test/support/password-ssh-server.js';
import { waitUntil } from '../../../test/support/process-probe.js';
import { tempDir } from '../../../test/support/temp-dir.js';
import { connectSsh } from './connect-ssh.js';

const home = tempDir();
const sshDir = join(home, '.ssh');
mkdirSync(sshDir, { mode: 0o700 });
const plain = generateKey(sshDir, 'id_plain');
const encrypted = generateKey(sshDir, 'id_locked', { passphrase: 'the passphrase' });
const agentOnly = generateKey(sshDir, 'id_agent');
const authorizedKeys = join(home, 'authorized_keys');
writeFileSync(authorizedKeys, [plain.publicKey, encrypted.publicKey, agentOnly.publicKey].join(''));

let sshd: SshHost;
let agent: ChildProcess | undefined;
const agentSocket = join(home, 'agent.sock');

beforeAll(async () => {
  sshd = await startSshHost({ extraConfig: [`AuthorizedKeysFile ${authorizedKeys}`, 'PasswordAuthentication yes', 'PermitRootLogin yes'] });
});
afterAll(async () => {
  agent?.kill('SIGTERM');
  await sshd.stop();
});

function resolve(options: SshOptions, env: Record<string, string> = {}) {
  return normalizeSshOptions(
    { host: sshd.host, port: sshd.port, username: sshd.username, knownHosts: sshd.knownHostsPath, ...options },
    {},
    { HOME: home, ...env },
    { sshConfigPath: join(home, 'none') },
  );
}

async function whoami(options: SshOptions, env?: Record<string, string>): Promise<string> {
  const conn = await connectSsh(resolve(options, env));
  try {
    return (await conn.exec({ command: 'id -un' })).stdout.trim();
  } finally {
    await conn.close();
  }
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('authentication against OpenSSH sshd', () => {
  it('private key by path, with ~ expanded', async () => {
    expect(await whoami({ privateKey: '~/.ssh/id_plain' })).toBe(sshd.username);
  });

  it('private key as text and as a Buffer', async () => {
    expect(await whoami({ privateKey: plain.text })).toBe(sshd.username);
    expect(await whoami({ privateKey: Buffer.from(plain.text) })).toBe(sshd.username);
  });

  it('encrypted key with its passphrase', async () => {
    expect(await whoami({ privateKey: encrypted.path, passphrase: 'the passphrase' })).toBe(sshd.username);
  });

  it('encrypted key without passphrase, or an unreadable key path: ConfigError', () => {
    expect(() => resolve({ privateKey: encrypted.path })).toThrowError(ConfigError);
    expect(() => resolve({ privateKey: encrypted.path })).toThrowError(/passphrase/);
    expect(() => resolve({ privateKey: '~/.ssh/id_missing' })).toThrowError(ConfigError);
    expect(() => resolve({ privateKey: '~/.ssh/id_missing' })).toThrowError(`Cannot read the private key file "${join(sshDir, 'id_missing')}"`);
    // Unreadable rather than missing (tests run as root, so permissions cannot make a file unreadable).
    expect(() => resolve({ privateKey: '~/.ssh' })).toThrowError(ConfigError);
    expect(() => resolve({ privateKey: '~/.ssh' })).toThrowError(/EISDIR/);
  });

  it('ssh-agent (a real ssh-agent holding a key given nowhere else), taken from SSH_AUTH_SOCK by default', async () => {
    agent = spawn('ssh-agent', ['-D', '-a', agentSocket], { stdio: 'ignore' });
    expect(await waitUntil(() => {
      try {
        execFileSync('ssh-add', ['-l'], { env: { SSH_AUTH_SOCK: agentSocket }, stdio: 'ignore' });
        return true;
      } catch (error) {
        return (error as { status?: number }).status === 1; // 1 = agent up, no identities yet
      }
    })).toBe(true);
    execFileSync('ssh-add', [agentOnly.path], { env: { SSH_AUTH_SOCK: agentSocket }, stdio: 'ignore' });
    expect(await whoami({}, { SSH_AUTH_SOCK: agentSocket })).toBe(sshd.username);
    expect(await whoami({ agent: agentSocket })).toBe(sshd.username);
  });

  it('a missing agent socket is skipped, and the next method is tried', async () => {
    expect(await whoami({ agent: join(home, 'no-agent.sock'), privateKey: plain.path })).toBe(sshd.username);
  });

  it('password: offered to sshd and refused (root password is locked here); the error lists the methods, not the password', async () => {
    const stranger = generateKey(home, 'stranger');
    const password = 'wrong-password-xyz';
    const error = await failure(connectSsh(resolve({ privateKey: stranger.path, password })));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).methodsTried).toEqual(['publickey', 'password']);
    expect(error.message).toContain('methods tried: publickey, password');
    expect(`${error.message}${inspect(error, { depth: Infinity, showHidden: true })}`).not.toContain(password);
    const log = (await import('node:fs')).readFileSync(sshd.logPath, 'utf8');
    expect(log).toMatch(/Failed password for root/);
  });
});

describe('password authentication that succeeds (in-process ssh2 server)', () => {
  let server: PasswordSshServer;
  beforeAll(async () => {
    server = await startPasswordSshServer(home, 'alice', 'alice-password');
  });
  afterAll(async () => {
    await server.stop();
  });

  it('logs in with the password and never exposes it on the connection', async () => {
    const resolved = normalizeSshOptions({ host: '127.0.0.1', port: server.port, username: 'alice', password: 'alice-password', knownHosts: server.knownHosts }, {}, { HOME: home }, {
      sshConfigPath: join(home, 'none'),
    });
    const conn = await connectSsh(resolved);
    try {
      expect((await conn.exec({ command: 'anything' })).stdout).toBe('ok\n');
      expect(server.attempts).toEqual(['alice-password']);
      for (const text of [inspect(conn, { depth: Infinity, showHidden: true }), JSON.stringify(conn), inspect(conn.client, { depth: 6, showHidden: true })]) {
        expect(text).not.toContain('alice-password');
      }
    } finally {
      await conn.close();
    }
  });
});
