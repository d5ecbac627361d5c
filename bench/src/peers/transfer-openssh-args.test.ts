import { describe, expect, it } from 'vitest';
import type { TargetInfo } from '../child/protocol.js';
import { opensshOptions, rsyncArgs, sftpBatch, sftpQuote, sshForwardArgs } from './transfer-openssh-args.js';

const target: TargetInfo = { name: 'loopback', host: '127.0.0.1', port: 2222, username: 'bench', privateKeyPath: '/k/id key', knownHostsPath: '/k/known_hosts' };

const optionValues = (args: readonly string[]): string[] => args.flatMap((arg, i) => (args[i - 1] === '-o' ? [arg] : []));

describe('OpenSSH command lines of the transfer peers', () => {
  it('check the host key strictly against the bench known_hosts only, never prompt, read no user config', () => {
    const args = opensshOptions(target);
    expect(optionValues(args)).toEqual(
      expect.arrayContaining(['Port=2222', 'UserKnownHostsFile=/k/known_hosts', 'GlobalKnownHostsFile=/dev/null', 'StrictHostKeyChecking=yes', 'BatchMode=yes', 'IdentitiesOnly=yes']),
    );
    expect(args.slice(0, 2)).toEqual(['-F', '/dev/null']);
    expect(args[args.indexOf('-i') + 1]).toBe('/k/id key');
  });

  it("quote sftp batch arguments with sftp's own double quotes", () => {
    expect(sftpQuote('/tmp/a b')).toBe('"/tmp/a b"');
    expect(sftpQuote('say "hi"\\now')).toBe('"say \\"hi\\"\\\\now"');
    expect(sftpBatch('put', '/l/big', '/r/big up')).toBe('put "/l/big" "/r/big up"\n');
  });

  it('give rsync one -e value it splits back into the same ssh arguments, and copy the contents of the tree into dest', () => {
    const args = rsyncArgs(target, '/src/tree/', '/dst/tree');
    expect(args[0]).toBe('-rlp');
    expect(args[1]).toBe('-e');
    // The key path has a space: single-quoted, so rsync keeps it one argument.
    expect(args[2]).toContain("'-i' '/k/id key'");
    expect(args[2]?.startsWith("'ssh' '-F' '/dev/null'")).toBe(true);
    expect(args.slice(3)).toEqual(['/src/tree/', 'bench@127.0.0.1:/dst/tree/']);
  });

  it('forward a loopback port with ssh -N -L and fail rather than run without the forward', () => {
    const args = sshForwardArgs(target, 40000, '127.0.0.1', 5000);
    expect(args.slice(0, 5)).toEqual(['-N', '-o', 'ExitOnForwardFailure=yes', '-L', '127.0.0.1:40000:127.0.0.1:5000']);
    expect(args.at(-1)).toBe('bench@127.0.0.1');
  });
});
