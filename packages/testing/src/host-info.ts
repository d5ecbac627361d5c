import type { SshHost, SshHostInfo } from './types.js';

/** The plain-data part of a host (no `stop`), safe to pass between vitest's processes. */
export function toHostInfo(host: SshHost): SshHostInfo {
  const { kind, host: address, port, username, privateKeyPath, privateKey, knownHostsPath, hostKeyFingerprint, logPath, dir, pid } = host;
  return { kind, host: address, port, username, privateKeyPath, privateKey, knownHostsPath, hostKeyFingerprint, logPath, dir, pid };
}
