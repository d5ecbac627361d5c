/**
 * Command lines of the OpenSSH peers (sftp, scp, ssh -L) and rsync, as pure functions so they are unit-tested.
 * Every client reads no ~/.ssh/config (`-F /dev/null`: the user's set-up must not change the figures), trusts
 * the bench's known_hosts only, strictly, and never prompts.
 */
import type { TargetInfo } from '../child/protocol.js';
import { shellQuote } from './ssh2-client.js';

/** Options shared by ssh, scp and sftp (`-o Port=` works for all three; their own port flags differ). */
export const opensshOptions = (target: TargetInfo): string[] => [
  '-F',
  '/dev/null',
  '-i',
  target.privateKeyPath,
  '-o',
  `Port=${target.port}`,
  '-o',
  `UserKnownHostsFile=${target.knownHostsPath}`,
  '-o',
  'GlobalKnownHostsFile=/dev/null',
  '-o',
  'StrictHostKeyChecking=yes',
  '-o',
  'BatchMode=yes',
  '-o',
  'IdentitiesOnly=yes',
  '-o',
  'LogLevel=ERROR',
];

export const userAtHost = (target: TargetInfo): string => `${target.username}@${target.host}`;

/** scp's `host:path` (scp ≥ 9.0 speaks SFTP, so the path is not parsed by a remote shell). */
export const scpRemote = (target: TargetInfo, path: string): string => `${userAtHost(target)}:${path}`;

/** One argument of an sftp batch command: double-quoted, `"` and `\` escaped (sftp's own quoting). */
export const sftpQuote = (word: string): string => `"${word.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

/** The batch file of one `sftp -b` transfer. */
export const sftpBatch = (verb: 'put' | 'get', from: string, to: string): string => `${verb} ${sftpQuote(from)} ${sftpQuote(to)}\n`;

/** rsync's `-e` value: rsync splits it itself, honouring single quotes. */
export const rsyncRemoteShell = (target: TargetInfo): string => ['ssh', ...opensshOptions(target)].map(shellQuote).join(' ');

/** rsync of a tree to a remote directory that does not exist yet: recursive, links as links, permissions (what rexec keeps). */
export const rsyncArgs = (target: TargetInfo, localDir: string, remoteDir: string): string[] => [
  '-rlp',
  '-e',
  rsyncRemoteShell(target),
  `${localDir.replace(/\/+$/, '')}/`,
  `${scpRemote(target, remoteDir.replace(/\/+$/, ''))}/`,
];

/** `ssh -N -L`: a local port on 127.0.0.1 to remoteHost:remotePort as the server sees it; it exits if it cannot listen. */
export const sshForwardArgs = (target: TargetInfo, localPort: number, remoteHost: string, remotePort: number): string[] => [
  '-N',
  '-o',
  'ExitOnForwardFailure=yes',
  '-L',
  `127.0.0.1:${localPort}:${remoteHost}:${remotePort}`,
  ...opensshOptions(target),
  userAtHost(target),
];
