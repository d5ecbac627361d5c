import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '@rexec/adapters';
import { generateKey, type GeneratedKey } from '../../../test/support/generate-key.js';
import { tempDir } from '../../../test/support/temp-dir.js';
import { normalizeSshOptions, SSH_DEFAULTS } from './normalize-ssh-options.js';

const home = tempDir();
const sshDir = join(home, '.ssh');
mkdirSync(sshDir, { mode: 0o700 });
const fleetKey: GeneratedKey = generateKey(sshDir, 'fleet');
const encryptedKey: GeneratedKey = generateKey(sshDir, 'locked', { passphrase: 'open sesame' });
const env = { HOME: home, USER: 'localme' };

beforeAll(() => {
  writeFileSync(
    join(sshDir, 'config'),
    ['Host web1', '  HostName 10.1.2.3', '  Port 2222', '  IdentityFile ~/.ssh/fleet', 'Host web*', '  User deploy', 'Host *', '  User fallback', ''].join('\n'),
  );
});

describe('normalizeSshOptions', () => {
  it('resolves an alias through ~/.ssh/config (HostName, User, Port, IdentityFile) and applies the defaults', () => {
    const resolved = normalizeSshOptions('web1', {}, env);
    expect(resolved).toMatchObject({
      host: '10.1.2.3', port: 2222, username: 'deploy', target: 'deploy@10.1.2.3:2222', alias: 'web1',
      privateKeySource: `"${fleetKey.path}"`, agent: undefined, readyTimeout: 5000, keepaliveInterval: 15000,
      knownHosts: join(home, '.ssh/known_hosts'), hostKeyCheck: 'strict',
    });
    expect(resolved.privateKey?.reveal().toString()).toBe(fleetKey.text);
    expect(Object.isFrozen(resolved)).toBe(true);
  });

  it('lets the target string and options beat the config, and uses the local user when nothing names one', () => {
    expect(normalizeSshOptions('ops@web1:2200', {}, env)).toMatchObject({ username: 'ops', port: 2200, host: '10.1.2.3' });
    expect(normalizeSshOptions('other', { port: 2022 }, env)).toMatchObject({ username: 'fallback', port: 2022 });
    expect(normalizeSshOptions('other', {}, { HOME: home, USER: 'localme' }, { sshConfigPath: join(home, 'none') })).toMatchObject({
      username: 'localme', port: SSH_DEFAULTS.port,
    });
  });

  it('accepts an options object as the target', () => {
    const resolved = normalizeSshOptions({ host: 'db', username: 'pg', port: 5022, privateKey: fleetKey.text }, {}, env);
    expect(resolved).toMatchObject({ target: 'pg@db:5022', privateKeySource: '(given as text)' });
  });

  it('reads SSH_AUTH_SOCK and SSH_POOL_CONNECTION_TIMEOUT_MS from the env it is given, explicit options winning', () => {
    const withEnv = { ...env, SSH_AUTH_SOCK: '/tmp/agent.sock', SSH_POOL_CONNECTION_TIMEOUT_MS: '1234' };
    expect(normalizeSshOptions('other', {}, withEnv)).toMatchObject({ agent: '/tmp/agent.sock', readyTimeout: 1234 });
    expect(normalizeSshOptions('other', { agent: false, readyTimeout: 99 }, withEnv)).toMatchObject({ agent: undefined, readyTimeout: 99 });
    expect(() => normalizeSshOptions('other', {}, { ...env, SSH_POOL_CONNECTION_TIMEOUT_MS: 'soon' })).toThrowError(/SSH_POOL_CONNECTION_TIMEOUT_MS/);
  });

  it('expands ~ in knownHosts, privateKey and controlPath, and passes pool/controlMaster options through', () => {
    const resolved = normalizeSshOptions('other', {
      knownHosts: '~/kh', privateKey: '~/.ssh/fleet', controlMaster: true, controlPath: '~/cm-%C', controlPersist: '10m', pool: { max: 2 },
    }, env);
    expect(resolved).toMatchObject({
      knownHosts: join(home, 'kh'), privateKeySource: `"${fleetKey.path}"`, controlMaster: true,
      controlPath: join(home, 'cm-%C'), controlPersist: '10m', pool: { max: 2 },
    });
  });

  it.each([
    [{ colour: 'red' }, /Unknown SSH option "colour"/, 'colour'],
    [{ port: 0 }, /port/, 'port'],
    [{ port: '22' }, /port/, 'port'],
    [{ readyTimeout: -1 }, /readyTimeout.*positive integer/, 'readyTimeout'],
    [{ keepaliveInterval: 1.5 }, /keepaliveInterval/, 'keepaliveInterval'],
    [{ hostKeyCheck: 'yes' }, /'strict', 'accept-new' or 'off'/, 'hostKeyCheck'],
    [{ password: 42 }, /password.*expected a string/, 'password'],
    [{ pool: [] }, /pool/, 'pool'],
    [{ privateKey: encryptedKey.path }, /encrypted; pass its passphrase/, 'passphrase'],
    [{ privateKey: '/no/such/key' }, /Cannot read the private key file "\/no\/such\/key" \(ENOENT\)/, 'privateKey'],
    [{ username: 'a b' }, /user name/, 'username'],
  ])('rejects %j with a ConfigError naming the option', (options, message, option) => {
    let caught: unknown;
    try {
      normalizeSshOptions('other', options as never, env);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).message).toMatch(message);
    expect((caught as ConfigError).option).toBe(option);
  });

  it('rejects a target without host and conflicting target parts', () => {
    expect(() => normalizeSshOptions({ port: 22 }, {}, env)).toThrowError(/no host/);
    expect(() => normalizeSshOptions('a@h', { username: 'b' }, env)).toThrowError(/Conflicting SSH username/);
    expect(() => normalizeSshOptions({ host: 'h', port: 1 }, { port: 2 }, env)).toThrowError(/Conflicting SSH port/);
    expect(() => normalizeSshOptions(42 as never, {}, env)).toThrowError(ConfigError);
  });

  it('never shows a credential in inspect, JSON or string output', () => {
    const password = 'pw-very-secret-123';
    const passphrase = 'open sesame';
    const resolved = normalizeSshOptions('other', { privateKey: encryptedKey.path, passphrase, password }, env);
    const keyBody = encryptedKey.text.split('\n')[1]!;
    for (const text of [
      inspect(resolved, { depth: Infinity, showHidden: true }),
      JSON.stringify(resolved),
      String(resolved.password),
      `${String(resolved.passphrase)}`,
      [resolved.passphrase].join(''),
      inspect(Object.entries(resolved), { depth: Infinity }),
    ]) {
      expect(text).not.toContain(password);
      expect(text).not.toContain(passphrase);
      expect(text).not.toContain(keyBody);
    }
    expect(JSON.stringify(resolved)).toContain('"password":"[redacted]"');
    expect(resolved.password?.reveal()).toBe(password);
  });
});
