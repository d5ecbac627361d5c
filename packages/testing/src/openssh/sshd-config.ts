import type { HostFiles } from '../host-files.js';
import type { ResolvedStartSshHostOptions } from '../normalize-options.js';

/**
 * sshd_config for a throwaway host that runs as the current user (root in CI, anyone on a laptop):
 * no PAM, no strict modes, keys and log in the temp dir, key-only auth, no environment accepted.
 * `extraConfig` comes first because sshd keeps the first value it reads for a keyword.
 * `SetEnv SHLVL=1` keeps the remote shell lean: Debian's bash sources ~/.bashrc for commands sshd runs
 * when it is a top-level shell, and a ~/.bashrc that starts tool managers (pyenv, nvm) costs ~100 ms of
 * CPU per command, which would swamp every timing the tests, the demo and the examples show.
 */
export function buildSshdConfig(files: HostFiles, port: number, options: ResolvedStartSshHostOptions): string {
  const lines = [
    ...options.extraConfig,
    'SetEnv SHLVL=1',
    `ListenAddress 127.0.0.1:${port}`,
    ...options.extraAddresses.map((address) => `ListenAddress ${address}:${port}`),
    `HostKey ${files.hostKey.privateKeyPath}`,
    `AuthorizedKeysFile ${files.authorizedKeysPath}`,
    'PidFile none',
    'UsePAM no',
    'StrictModes no',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    `MaxSessions ${options.maxSessions}`,
    `MaxStartups ${options.maxStartups}`,
    'LoginGraceTime 30',
    'UseDNS no',
    'PrintMotd no',
    'PrintLastLog no',
    'X11Forwarding no',
    'PermitUserEnvironment no',
    'AllowTcpForwarding yes',
    'Subsystem sftp internal-sftp',
    'LogLevel VERBOSE',
  ];
  return `${lines.join('\n')}\n`;
}
