import type { SshHostInfo } from './types.js';

/** How to log in to a harness host: the fields `$.ssh(...)` and `ControlMasterAdapter` both take, by the same names. */
export interface HostLogin {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  /** Path of the throwaway client key. */
  readonly privateKey: string;
  /** A known_hosts file that trusts exactly this host's throwaway key. */
  readonly knownHosts: string;
}

export function loginOptionsOf(host: SshHostInfo): HostLogin {
  return { host: host.host, port: host.port, username: host.username, privateKey: host.privateKeyPath, knownHosts: host.knownHostsPath };
}
