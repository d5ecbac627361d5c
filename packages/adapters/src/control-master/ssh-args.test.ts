import { describe, expect, it } from 'vitest';
import { normalizeControlMasterOptions } from './control-master-options.js';
import { baseSshArgs, commandArgs, masterArgs } from './ssh-args.js';

describe('ssh arguments', () => {
  const options = normalizeControlMasterOptions({
    host: 'web1',
    port: 2222,
    username: 'deploy',
    privateKey: '/keys/id ed25519',
    knownHosts: '/etc/my hosts',
    sshOptions: { ServerAliveCountMax: '5', ProxyJump: 'bastion' },
    keepaliveInterval: 7500,
  });

  it('puts the user\'s -o options first (ssh keeps the first value) and quotes values with spaces', () => {
    const args = baseSshArgs(options, '/s/%C');
    expect(args.slice(0, 4)).toEqual(['-o', 'ServerAliveCountMax=5', '-o', 'ProxyJump=bastion']);
    expect(args).toEqual(expect.arrayContaining(['-p', '2222', '-l', 'deploy', '-i', '/keys/id ed25519']));
    expect(args).toContain('UserKnownHostsFile="/etc/my hosts"');
    expect(args).toContain('BatchMode=yes');
    expect(args).toContain('StrictHostKeyChecking=yes');
    expect(args).toContain('ControlPath=/s/%C');
  });

  it('maps hostKeyCheck off to no host key checking at all', () => {
    const args = baseSshArgs(normalizeControlMasterOptions({ host: 'h', hostKeyCheck: 'off', knownHosts: '/k' }), '/s');
    expect(args).toEqual(expect.arrayContaining(['StrictHostKeyChecking=no', 'UserKnownHostsFile=/dev/null']));
    expect(args).not.toContain('UserKnownHostsFile=/k');
  });

  it('starts the master in the foreground (-N, no -f) with ControlPersist and keepalive', () => {
    const args = masterArgs(options, '/s/%C');
    expect(args).toEqual(expect.arrayContaining(['ControlMaster=yes', 'ControlPersist=60', 'ServerAliveInterval=8', '-N']));
    expect(args).not.toContain('-f');
    expect(args.at(-1)).toBe('web1');
  });

  it('ends a command line with the host and the remote command as one argument', () => {
    const args = commandArgs(options, '/s/%C', "echo 'a b'");
    expect(args.slice(-3)).toEqual(['-T', 'web1', "echo 'a b'"]);
    expect(args).toContain('ControlMaster=auto');
  });
});
