import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SshHostInfo } from './types.js';

/**
 * Writes a known_hosts file (in the host's temp dir, so `stop()` removes it) that trusts the host's key
 * at another port of 127.0.0.1, e.g. a fault proxy's, and returns its path. OpenSSH, and rexec, look a
 * host key up by `[host]:port`, so a client of the proxy needs this entry rather than the host's own.
 */
export async function knownHostsFor(host: SshHostInfo, port: number): Promise<string> {
  const line = (await readFile(host.knownHostsPath, 'utf8')).trim().split('\n')[0] ?? '';
  const key = line.split(/\s+/).slice(1, 3).join(' ');
  if (!key.includes(' ')) throw new Error(`knownHostsFor: no host key in ${host.knownHostsPath}`);
  const path = join(host.dir, `known_hosts-${port}`);
  await writeFile(path, `[${host.host}]:${port} ${key}\n`, { mode: 0o600 });
  return path;
}
