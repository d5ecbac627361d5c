/**
 * The simulated fleet of the fleet section: N distinct SSH hosts on this machine, from `@rexec/testing`'s
 * `startSshHosts` — OpenSSH sshd listening on 127.0.0.1, 127.0.0.2, … (all of 127.0.0.0/8 is loopback on
 * Linux), one sshd per 16 addresses (OpenSSH listens on 16 sockets at most; binding 0.0.0.0 instead would
 * put a throwaway sshd on the network). So 64 hosts are 4 sshds, 192 are 12; each sshd has its own host
 * key and client key, as hosts of a fleet do. `MaxStartups 100:30:200` (OpenSSH's default is 10:30:100)
 * so that no sshd drops a handshake at 32 in flight: the bench measures clients, not drops (any drop is
 * still counted from the logs).
 *
 * Every client gets the same view: one known_hosts listing each host's key under its `[address]:port`,
 * and for the OpenSSH-based tools an ssh_config naming the hosts `h001` … (HostName, Port, IdentityFile),
 * a host list for pdsh / pssh and an inventory for Ansible, all in one temp dir.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshHosts, type SshHostSet } from '@rexec/testing';
import type { ServerInfo } from '../child/protocol.js';

export const FLEET_MAX_STARTUPS = '100:30:200';

/** One simulated host as every client reaches it. */
export interface FleetHost {
  /** `h001`, …: its name in the ssh_config, the pdsh / pssh host lists and the Ansible inventory. */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly privateKeyPath: string;
}

export interface FleetHosts {
  readonly hosts: readonly FleetHost[];
  /** Every host's key under `[address]:port`. */
  readonly knownHostsPath: string;
  /** `Host h001` … blocks and a `Host *` block (known_hosts, BatchMode, no ControlMaster). */
  readonly sshConfigPath: string;
  /** One name a line. */
  readonly hostListPath: string;
  readonly inventoryPath: string;
  /** A private temp dir for the peers' own files (Ansible's temp dir and config). */
  readonly dir: string;
  /** What `hostname` prints on every host (they are all this machine). */
  readonly expectedHostname: string;
  readonly servers: readonly ServerInfo[];
  stop(): Promise<void>;
}

export const fleetName = (index: number): string => `h${String(index + 1).padStart(3, '0')}`;

/** The ssh_config of the OpenSSH-based peers: the hosts by name, strict host-key checking, no agent, no multiplexing. */
export function fleetSshConfig(hosts: readonly FleetHost[], knownHostsPath: string): string {
  const blocks = hosts.map((h) => `Host ${h.name}\n  HostName ${h.host}\n  Port ${h.port}\n  User ${h.username}\n  IdentityFile ${h.privateKeyPath}\n`);
  const all = [
    'Host *',
    '  IdentitiesOnly yes',
    '  IdentityAgent none',
    '  BatchMode yes',
    '  StrictHostKeyChecking yes',
    `  UserKnownHostsFile ${knownHostsPath}`,
    '  GlobalKnownHostsFile /dev/null',
    '  ControlMaster no',
    '  ControlPath none',
    '  ConnectTimeout 30',
    '  LogLevel ERROR',
  ];
  return `${blocks.join('')}${all.join('\n')}\n`;
}

/** The key line (`type base64`) of a known_hosts file written by startSshHosts. */
const keyOf = (text: string): string => (text.trim().split('\n')[0] ?? '').split(/\s+/).slice(1, 3).join(' ');

/** OpenSSH listens on 16 sockets at most: startSshHosts starts one sshd per 16 hosts. */
const HOSTS_PER_SSHD = 16;

export async function startFleetHosts(count: number): Promise<FleetHosts> {
  // Each sshd of @rexec/testing adds one 'exit' listener (to kill it if this process dies); 12 of them for 192
  // hosts, beside the bench's own host, would trip Node's MaxListenersExceededWarning for no leak.
  const listeners = Math.ceil(count / HOSTS_PER_SSHD) + 10;
  if (process.getMaxListeners() < listeners) process.setMaxListeners(listeners);
  const set: SshHostSet = await startSshHosts(count, { kind: 'openssh', maxStartups: FLEET_MAX_STARTUPS });
  let dir: string | undefined;
  try {
    dir = await mkdtemp(join(tmpdir(), 'rexec-fleet-'));
    const keys = new Map<string, string>();
    for (const login of set.hosts) if (!keys.has(login.knownHosts)) keys.set(login.knownHosts, keyOf(await readFile(login.knownHosts, 'utf8')));
    const hosts: FleetHost[] = set.hosts.map((login, index) => ({
      name: fleetName(index),
      host: login.host,
      port: login.port,
      username: login.username,
      privateKeyPath: login.privateKey,
    }));
    const knownHostsPath = join(dir, 'known_hosts');
    await writeFile(knownHostsPath, set.hosts.map((login) => `[${login.host}]:${login.port} ${keys.get(login.knownHosts) ?? ''}\n`).join(''), { mode: 0o600 });
    const sshConfigPath = join(dir, 'ssh_config');
    await writeFile(sshConfigPath, fleetSshConfig(hosts, knownHostsPath), { mode: 0o600 });
    const hostListPath = join(dir, 'hosts');
    await writeFile(hostListPath, hosts.map((h) => `${h.name}\n`).join(''));
    const inventoryPath = join(dir, 'inventory.ini');
    await writeFile(inventoryPath, `[fleet]\n${hosts.map((h) => `${h.name}\n`).join('')}`);
    // Ansible reads ANSIBLE_CONFIG (empty: its defaults, not a stray ./ansible.cfg) and writes in its own dirs.
    await mkdir(join(dir, 'ansible'), { mode: 0o700 });
    await writeFile(join(dir, 'ansible', 'ansible.cfg'), '');
    const removeDir = dir;
    return {
      hosts,
      knownHostsPath,
      sshConfigPath,
      hostListPath,
      inventoryPath,
      dir,
      expectedHostname: hostname(),
      servers: set.servers.flatMap((server) => (server.pid === undefined ? [] : [{ pid: server.pid, logPath: server.logPath }])),
      stop: async () => {
        await set.stop();
        await rm(removeDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await set.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
