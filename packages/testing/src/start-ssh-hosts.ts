/**
 * N SSH hosts for the price of one: a single OpenSSH sshd listening on 127.0.0.1, 127.0.0.2, … 127.0.0.n
 * (all of 127.0.0.0/8 is loopback on Linux), all on the same port. Each address is a distinct
 * `host:port` target with its own known_hosts entry, so a host group sees N hosts; one sshd process,
 * one key pair, one log. Without sshd (the embedded fallback), N embedded servers on 127.0.0.1 instead.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findSshd } from './find-sshd.js';
import type { HostLogin } from './login-options.js';
import { startSshHost } from './start-ssh-host.js';
import type { SshHost, SshHostKind, StartSshHostOptions } from './types.js';

/** The most addresses one sshd serves here (127.0.0.1 … 127.0.0.254). */
const MAX_HOSTS = 254;

export interface SshHostSet {
  readonly kind: SshHostKind;
  /** One login per host, each a distinct `host:port` (what `$.ssh(...)` and `$.ssh.group([...])` take). */
  readonly hosts: readonly HostLogin[];
  /**
   * The servers behind them: one sshd for every host (OpenSSH), so `servers[0].kill()` takes every host
   * down at once; one server per host with the embedded fallback. For a single host to break, start it
   * apart with `startSshHost()`.
   */
  readonly servers: readonly SshHost[];
  /** Stops every server and removes their temp dirs. Idempotent. */
  stop(): Promise<void>;
}

function wantsOpenSsh(options: StartSshHostOptions): boolean {
  const env = options.env ?? process.env;
  const kind = options.kind !== undefined && options.kind !== 'auto' ? options.kind : (env['REXEC_TEST_SSHD']?.trim() ?? 'auto');
  if (kind === 'embedded') return false;
  if (kind === 'openssh') return true;
  return findSshd(env, options.sshdPath) !== undefined;
}

/** `127.0.0.(index + 1)`. */
function addressOf(index: number): string {
  return `127.0.0.${index + 1}`;
}

/** A known_hosts file (in the host's temp dir) trusting its key at every address of `addresses`, on its port. */
async function knownHostsForAll(host: SshHost, addresses: readonly string[]): Promise<string> {
  const line = (await readFile(host.knownHostsPath, 'utf8')).trim().split('\n')[0] ?? '';
  const key = line.split(/\s+/).slice(1, 3).join(' ');
  if (!key.includes(' ')) throw new Error(`startSshHosts: no host key in ${host.knownHostsPath}`);
  const path = join(host.dir, 'known_hosts-all');
  await writeFile(path, addresses.map((address) => `[${address}]:${host.port} ${key}\n`).join(''), { mode: 0o600 });
  return path;
}

/**
 * Starts `n` SSH hosts (1 ≤ n ≤ 254) as cheaply as possible: one sshd on n loopback addresses. `options`
 * are those of `startSshHost` (`maxSessions`, `maxStartups`, ... apply to the one sshd).
 */
export async function startSshHosts(n: number, options: StartSshHostOptions = {}): Promise<SshHostSet> {
  if (!Number.isInteger(n) || n < 1 || n > MAX_HOSTS) throw new RangeError(`startSshHosts: n must be an integer from 1 to ${MAX_HOSTS}, got ${n}`);
  if (wantsOpenSsh(options)) {
    const addresses = Array.from({ length: n }, (_, i) => addressOf(i));
    const server = await startSshHost({ ...options, kind: 'openssh', extraAddresses: addresses.slice(1) });
    try {
      const knownHosts = await knownHostsForAll(server, addresses);
      const hosts = addresses.map((host) => ({ host, port: server.port, username: server.username, privateKey: server.privateKeyPath, knownHosts }));
      return { kind: 'openssh', hosts, servers: [server], stop: () => server.stop() };
    } catch (error) {
      await server.stop();
      throw error;
    }
  }
  const servers: SshHost[] = [];
  try {
    for (let i = 0; i < n; i++) servers.push(await startSshHost({ ...options, kind: 'embedded' }));
  } catch (error) {
    await Promise.all(servers.map((server) => server.stop()));
    throw error;
  }
  const hosts = servers.map((server) => ({ host: server.host, port: server.port, username: server.username, privateKey: server.privateKeyPath, knownHosts: server.knownHostsPath }));
  let stopping: Promise<void> | undefined;
  return {
    kind: 'embedded',
    hosts,
    servers,
    stop: () => (stopping ??= Promise.all(servers.map((server) => server.stop())).then(() => undefined)),
  };
}
