import { thrownBy } from '@rexec/testing';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/index.js';
import { ControlMasterAdapter } from './control-master-adapter.js';
import { normalizeControlMasterOptions } from './control-master-options.js';

const configErrorOf = (run: () => unknown): ConfigError => thrownBy(run, ConfigError);

describe('normalizeControlMasterOptions', () => {
  it('applies the defaults', () => {
    expect(normalizeControlMasterOptions({ host: 'example.com' })).toMatchObject({
      host: 'example.com',
      port: undefined,
      username: undefined,
      hostKeyCheck: 'strict',
      controlPersist: '60',
      controlPersistMs: 60_000,
      readyTimeout: 5000,
      checkTimeout: 3000,
      sshPath: 'ssh',
      sshOptions: {},
    });
  });

  it('takes controlPersist as seconds, an OpenSSH time, or true', () => {
    expect(normalizeControlMasterOptions({ host: 'h', controlPersist: '1h30m' })).toMatchObject({ controlPersist: '1h30m', controlPersistMs: 5_400_000 });
    expect(normalizeControlMasterOptions({ host: 'h', controlPersist: true })).toMatchObject({ controlPersist: 'yes', controlPersistMs: undefined });
    expect(configErrorOf(() => normalizeControlMasterOptions({ host: 'h', controlPersist: 0 })).option).toBe('controlPersist');
    expect(configErrorOf(() => normalizeControlMasterOptions({ host: 'h', controlPersist: 'no' })).option).toBe('controlPersist');
  });

  it('expands ~ in paths', () => {
    const resolved = normalizeControlMasterOptions({ host: 'h', privateKey: '~/.ssh/id_ed25519', controlPath: '~/.ssh/cm-%C' });
    expect(resolved.privateKey).not.toContain('~');
    expect(resolved.controlPath).toMatch(/\/\.ssh\/cm-%C$/);
  });

  it.each([
    [{ host: 'h', colour: 'red' }, 'colour', /not a known option/],
    [{ host: '-oProxyCommand=x' }, 'host', /start with "-"/],
    [{ host: 'a b' }, 'host', /without spaces/],
    [{ host: 'h', port: 70000 }, 'port', /1 to 65535/],
    [{ host: 'h', hostKeyCheck: 'maybe' }, 'hostKeyCheck', /strict/],
    [{ host: 'h', readyTimeout: -1 }, 'readyTimeout', /whole number/],
    [{ host: 'h', privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nsecret' }, 'privateKey', /path of a key file/],
    [{ host: 'h', password: 'hunter2' }, 'password', /BatchMode/],
    [{ host: 'h', sshOptions: { ControlPath: '/x' } }, 'sshOptions', /controlPath/],
    [{ host: 'h', sshOptions: { 'Bad Key': 'x' } }, 'sshOptions', /option name/],
  ])('rejects %j naming %s', (options, option, message) => {
    const error = configErrorOf(() => normalizeControlMasterOptions(options));
    expect(error.option).toBe(option);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('hunter2');
    expect(error.message).not.toContain('secret');
  });

  it('refuses native Windows with a ConfigError instead of hanging', () => {
    const error = configErrorOf(() => new ControlMasterAdapter({ host: 'h' }, { platform: 'win32' }));
    expect(error.message).toMatch(/Windows/);
  });
});
