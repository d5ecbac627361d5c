/**
 * `$.ssh('alias')` end to end against the harness sshd: the alias is resolved through `~/.ssh/config`
 * (HostName, User, Port, IdentityFile, wildcard `Host` blocks) and the host key is checked against the
 * default `~/.ssh/known_hosts`. HOME points at a temp dir for this file, so the real ~/.ssh is never read.
 */
import { copyFileSync, chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testHost } from '@rexec/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { $, ConfigError, ConnectionError, HostKeyError } from '../../src/index.js';
import type { SshShell } from '../../src/ssh/pool/create-ssh-shell.js';
import { tempDir } from '../support/temp-dir.js';

const host = testHost();
const home = tempDir();
const opened: SshShell[] = [];

/** `$.ssh(...)`, remembered so that its pool is closed after the test. */
function ssh(...args: Parameters<typeof $.ssh>): SshShell {
  const remote = $.ssh(...args);
  opened.push(remote);
  return remote;
}

beforeAll(() => {
  const sshDir = join(home, '.ssh');
  mkdirSync(sshDir, { mode: 0o700 });
  copyFileSync(host.privateKeyPath, join(sshDir, 'id_fleet'));
  chmodSync(join(sshDir, 'id_fleet'), 0o600);
  copyFileSync(host.knownHostsPath, join(sshDir, 'known_hosts'));
  // ssh_config semantics: the first value of a keyword wins, so specific blocks come first and `Host *` last.
  writeFileSync(
    join(sshDir, 'config'),
    [
      'Host rexec-web',
      `  Port ${host.port}`,
      'Host rexec-*',
      '  HostName 127.0.0.1',
      `  User ${host.username}`,
      '  IdentityFile ~/.ssh/id_fleet',
      'Host *',
      '  Port 1',
      '  User nobody-from-star',
      '',
    ].join('\n'),
  );
  vi.stubEnv('HOME', home);
  vi.stubEnv('SSH_AUTH_SOCK', ''); // no agent: the key must come from the config
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((remote) => remote.closePool()));
});
afterAll(() => {
  vi.unstubAllEnvs();
});

describe("$.ssh through ~/.ssh/config (HOME is a temp dir)", () => {
  it('an alias takes Port from its own block and HostName, User and IdentityFile from a wildcard block', async () => {
    const result = await ssh('rexec-web')`id -un`;
    expect(result.stdout.trim()).toBe(host.username);
    // Not `nobody-from-star@...:1`: `Host *` comes last, so it only fills what nothing before it set.
    expect(result.target).toBe(`${host.username}@127.0.0.1:${host.port}`);
  });

  it('`Host *` supplies what the other blocks leave unset (here a Port nothing listens on)', async () => {
    const error = await ssh('rexec-db', { pool: { retryAttempts: 0 } })`true`.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).message).toContain(`${host.username}@127.0.0.1:1`);
  });

  it("'user@alias' and 'user@host:port' strings parse; the string's parts beat the config", async () => {
    await expect(ssh(`${host.username}@rexec-web`)`echo via-alias`).resolves.toMatchObject({ stdout: 'via-alias\n' });
    // No block but `Host *` matches 127.0.0.1: the string's user and port win over it; the key path expands ~.
    const direct = await ssh(`${host.username}@127.0.0.1:${host.port}`, { privateKey: '~/.ssh/id_fleet' })`echo direct`;
    expect(direct).toMatchObject({ stdout: 'direct\n', target: `${host.username}@127.0.0.1:${host.port}` });
  });

  it('bad target strings are a ConfigError at $.ssh(...), before anything connects', () => {
    for (const bad of ['', 'deploy@', '@web', 'web:ssh', 'web:70000', '-oProxyCommand=x']) {
      expect(() => $.ssh(bad)).toThrowError(ConfigError);
    }
  });

  it('the default known_hosts is ~/.ssh/known_hosts; another file (with ~) that lacks the host refuses it', async () => {
    const error = await ssh('rexec-web', { knownHosts: '~/.ssh/other_known_hosts', pool: { retryAttempts: 0 } })`true`.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HostKeyError);
    expect((error as HostKeyError).message).toContain(join(home, '.ssh/other_known_hosts'));
  });
});
