import { describe, expect, it } from 'vitest';
import { normalizeControlMasterOptions } from './control-master-options.js';
import { baseSshArgs, commandArgs, controlArgs, masterArgs } from './ssh-args.js';

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

  it.each([
    ['strict', 'StrictHostKeyChecking=yes'],
    ['accept-new', 'StrictHostKeyChecking=accept-new'],
  ] as const)('maps hostKeyCheck %s to %s with the given known_hosts', (hostKeyCheck, expected) => {
    const args = baseSshArgs(normalizeControlMasterOptions({ host: 'h', hostKeyCheck, knownHosts: '/k' }), '/s');
    expect(args).toEqual(expect.arrayContaining(['-o', expected, '-o', 'UserKnownHostsFile=/k']));
    expect(args.filter((arg) => arg.startsWith('StrictHostKeyChecking='))).toHaveLength(1);
  });

  it('leaves known_hosts to ssh when none is given', () => {
    const args = baseSshArgs(normalizeControlMasterOptions({ host: 'h' }), '/s');
    expect(args).toContain('StrictHostKeyChecking=yes');
    expect(args.some((arg) => arg.startsWith('UserKnownHostsFile='))).toBe(false);
  });

  it('passes the key with IdentitiesOnly, and the agent as IdentityAgent', () => {
    const args = baseSshArgs(normalizeControlMasterOptions({ host: 'h', privateKey: '/k/id', agent: '/run/agent.sock' }), '/s');
    expect(args.join(' ')).toContain('-i /k/id -o IdentitiesOnly=yes');
    expect(args).toContain('IdentityAgent=/run/agent.sock');
  });

  it('passes command-valued options as they are (OpenSSH keeps quotes in them)', () => {
    const args = baseSshArgs(normalizeControlMasterOptions({ host: 'h', sshOptions: { ProxyCommand: 'ssh -W %h:%p jump', SetEnv: 'A=b c' } }), '/s');
    expect(args).toContain('ProxyCommand=ssh -W %h:%p jump');
    expect(args).toContain('SetEnv="A=b c"');
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
    expect(args).toEqual(expect.arrayContaining(['ControlMaster=auto', 'ControlPersist=60', 'BatchMode=yes', 'ControlPath=/s/%C', '-p', '2222', '-l', 'deploy']));
  });

  it('asks the master with -O check / -O exit over the same ControlPath', () => {
    for (const operation of ['check', 'exit'] as const) {
      const args = controlArgs(options, '/s/%C', operation);
      expect(args.slice(-3)).toEqual(['-O', operation, 'web1']);
      expect(args).toEqual(expect.arrayContaining(['ControlPath=/s/%C', 'BatchMode=yes']));
    }
  });
});
