import { join } from 'node:path';
import type { SshHostInfo } from '@rexec/testing';
import { normalizeSshOptions } from '../../src/ssh/options/normalize-ssh-options.js';
import type { ResolvedSshOptions, SshEnv, SshOptions } from '../../src/ssh/options/ssh-options.js';

/** A HOME that does not exist, so no default identity, config or known_hosts of the machine leaks into a test. */
const NO_HOME = '/nonexistent/rexec-test-home';

/**
 * Resolved options for a harness host: its client key by path and its known_hosts file, an empty HOME and
 * no agent unless the test passes one. Extra options override.
 */
export function resolveTestHost(host: SshHostInfo, options: SshOptions = {}, env: SshEnv = {}): ResolvedSshOptions {
  const home = NO_HOME;
  return normalizeSshOptions(
    { host: host.host, port: host.port, username: host.username, privateKey: host.privateKeyPath, knownHosts: host.knownHostsPath, ...options },
    {},
    { HOME: home, USER: host.username, ...env },
    { sshConfigPath: join(home, 'no-such-config') },
  );
}
