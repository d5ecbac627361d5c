/**
 * N SSH hosts for the price of one: a single OpenSSH sshd listening on 127.0.0.1, 127.0.0.2, … 127.0.0.n
 * (all of 127.0.0.0/8 is loopback on Linux), all on the same port. Each address is a distinct
 * `host:port` target with its own known_hosts entry, so a host group sees N hosts; one sshd process,
 * one key pair, one log. sshd listens on 16 sockets at most (MAX_LISTEN_SOCKS): past 16 hosts, one more
 * sshd per 16 (its first host is 127.0.0.1 on its own port, the others the next unused addresses).
 * Without sshd (the embedded fallback), N embedded servers on 127.0.0.1 instead.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findSshd } from './find-sshd.js';
import type { HostLogin } from './login-options.js';
import { startSshHost } from './start-ssh-host.js';
import type { SshHost, SshHostKind, StartSshHostOptions } from './types.js';

/** The most hosts a set has (addresses 127.0.0.2 … 127.0.0.254 beside each sshd's 127.0.0.1). */
const MAX_HOSTS = 200;
/** OpenSSH's MAX_LISTEN_SOCKS: the most addresses one sshd listens on. */
const PER_SSHD = 16;

export interface SshHostSet {
  readonly kind: SshHostKind;
  /** One login per host, each a distinct `host:port` (what `$.ssh(...)` and `$.ssh.group([...])` take). */
  readonly hosts: readonly HostLogin[];
  /**
   * The servers behind them: one sshd per 16 hosts (OpenSSH), so `servers[0].kill()` takes all of its hosts
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
 * Starts `n` SSH hosts (1 ≤ n ≤ 200) as cheaply as possible: one sshd on up to 16 loopback addresses (one
 * more per 16 hosts). `options` are those of `startSshHost` (`maxSessions`, `maxStartups`, ... apply to each sshd).
 */
export async function startSshHosts(n: number, options: StartSshHostOptions = {}): Promise<SshHostSet> {
  if (!Number.isInteger(n) || n < 1 || n > MAX_HOSTS) throw new RangeError(`startSshHosts: n must be an integer from 1 to ${MAX_HOSTS}, got ${n}`);
  if (wantsOpenSsh(options)) {
    const servers: SshHost[] = [];
    const hosts: HostLogin[] = [];
    try {
      let nextAddress = 2;
      for (let first = 0; first < n; first += PER_SSHD) {
        const count = Math.min(PER_SSHD, n - first);
        const extra = Array.from({ length: count - 1 }, () => `127.0.0.${nextAddress++}`);
        const server = await startSshHost({ ...options, kind: 'openssh', extraAddresses: extra });
        servers.push(server);
        const addresses = ['127.0.0.1', ...extra];
        const knownHosts = await knownHostsForAll(server, addresses);
        for (const host of addresses) hosts.push({ host, port: server.port, username: server.username, privateKey: server.privateKeyPath, knownHosts });
      }
    } catch (error) {
      await Promise.all(servers.map((server) => server.stop()));
      throw error;
    }
    let stopping: Promise<void> | undefined;
    return {
      kind: 'openssh',
      hosts,
      servers,
      stop: () => (stopping ??= Promise.all(servers.map((server) => server.stop())).then(() => undefined)),
    };
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
