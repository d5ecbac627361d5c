import { describe, expect, it } from 'vitest';
import { ConfigError } from '@rexec/adapters';
import { parseSshTarget } from './parse-target.js';
import { formatTarget } from './format-target.js';

describe('parseSshTarget', () => {
  it.each([
    ['web1', { host: 'web1', port: undefined, username: undefined }],
    ['deploy@web1', { host: 'web1', port: undefined, username: 'deploy' }],
    ['web1:2222', { host: 'web1', port: 2222, username: undefined }],
    ['deploy@10.0.0.1:2222', { host: '10.0.0.1', port: 2222, username: 'deploy' }],
    ['me@corp@bastion:22', { host: 'bastion', port: 22, username: 'me@corp' }],
    ['[::1]:2222', { host: '::1', port: 2222, username: undefined }],
    ['root@[fe80::1%eth0]', { host: 'fe80::1%eth0', port: undefined, username: 'root' }],
    ['::1', { host: '::1', port: undefined, username: undefined }],
    ['ssh://deploy@web1:2200', { host: 'web1', port: 2200, username: 'deploy' }],
    ['  web1  ', { host: 'web1', port: undefined, username: undefined }],
  ])('parses %j', (text, expected) => {
    expect({ ...parseSshTarget(text) }).toEqual(expected);
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['web 1', 'whitespace'],
    ['web1:', 'not a number'],
    ['web1:ssh', 'not a number'],
    ['web1:0', 'from 1 to 65535'],
    ['web1:70000', 'from 1 to 65535'],
    ['@web1', 'user name is empty'],
    ['deploy@', 'host is empty'],
    ['-oProxyCommand=x', 'starts with "-"'],
    ['deploy@web1/x', 'characters a host name cannot have'],
    ['[::1', 'no closing'],
    ['[::1]x', 'unexpected text'],
  ])('rejects %j with a ConfigError saying why and how to write it', (text, why) => {
    let caught: unknown;
    try {
      parseSshTarget(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).message).toContain(why);
    expect((caught as ConfigError).message).toContain("'user@host:port'");
  });
});

describe('formatTarget', () => {
  it('writes user@host:port and brackets IPv6 addresses', () => {
    expect(formatTarget('deploy', 'web1', 22)).toBe('deploy@web1:22');
    expect(formatTarget('root', '::1', 2222)).toBe('root@[::1]:2222');
  });
});
