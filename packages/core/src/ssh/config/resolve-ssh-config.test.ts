import { writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@rexec/adapters';
import { tempDir } from '../../../test/support/temp-dir.js';
import { resolveSshConfig } from './resolve-ssh-config.js';
import { expandHostName, expandSshPath } from './expand-tokens.js';

const CONFIG = `
# a comment
Host web1
  HostName 10.0.0.1
  Port 2222
  IdentityFile ~/.ssh/web1_key

host web*
  user deploy
  IdentityFile ~/.ssh/fleet

Host db
  HostName %h.internal
  IdentityFile none

Host *
  User nobody
  Port 2200
`;

function writeConfig(text: string): string {
  const dir = tempDir();
  const path = join(dir, 'config');
  writeFileSync(path, text);
  return path;
}

describe('resolveSshConfig', () => {
  const path = writeConfig(CONFIG);

  it('takes HostName, Port and the first User from matching blocks, case-insensitively', () => {
    expect(resolveSshConfig('web1', path)).toEqual({
      hostName: '10.0.0.1', port: 2222, user: 'deploy', identityFiles: ['~/.ssh/web1_key', '~/.ssh/fleet'],
    });
  });

  it('applies wildcard blocks to other names', () => {
    expect(resolveSshConfig('web7', path)).toEqual({ hostName: undefined, port: 2200, user: 'deploy', identityFiles: ['~/.ssh/fleet'] });
    expect(resolveSshConfig('other', path)).toEqual({ hostName: undefined, port: 2200, user: 'nobody', identityFiles: [] });
  });

  it('drops IdentityFile none and keeps %h for the caller to expand', () => {
    const entry = resolveSshConfig('db', path);
    expect(entry.identityFiles).toEqual([]);
    expect(expandHostName(entry.hostName!, 'db')).toBe('db.internal');
  });

  it('treats a missing file as empty', () => {
    expect(resolveSshConfig('web1', join(tmpdir(), 'rexec-no-such-dir', 'config'))).toEqual({
      hostName: undefined, port: undefined, user: undefined, identityFiles: [],
    });
  });

  it('rejects an invalid Port with a ConfigError naming the file', () => {
    const bad = writeConfig('Host x\n  Port abc\n');
    expect(() => resolveSshConfig('x', bad)).toThrowError(ConfigError);
    expect(() => resolveSshConfig('x', bad)).toThrowError(bad);
  });

  it('rejects an unreadable file with a ConfigError', () => {
    const unreadable = writeConfig('Host x\n');
    chmodSync(unreadable, 0o000);
    const read = (): string => {
      throw Object.assign(new Error('denied'), { code: 'EACCES' });
    };
    expect(() => resolveSshConfig('x', unreadable, read)).toThrowError(/EACCES/);
  });
});

describe('expandSshPath', () => {
  const context = { home: '/home/me', localUser: 'me', remoteUser: 'deploy', host: '10.0.0.1', alias: 'web1', port: 2222 };

  it('expands ~ and the OpenSSH tokens', () => {
    expect(expandSshPath('~/.ssh/id_%r@%h-%p', context)).toBe('/home/me/.ssh/id_deploy@10.0.0.1-2222');
    expect(expandSshPath('%d/keys/%u_%n%%', context)).toBe('/home/me/keys/me_web1%');
  });

  it('takes relative paths from the home directory', () => {
    expect(expandSshPath('.ssh/key', context)).toBe('/home/me/.ssh/key');
    expect(expandSshPath('/etc/key', context)).toBe('/etc/key');
  });
});
