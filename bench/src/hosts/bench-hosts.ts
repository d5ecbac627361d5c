/**
 * The hosts one bench run uses, all on 127.0.0.1: a real OpenSSH sshd with OpenSSH's default
 * limits (MaxSessions 10, MaxStartups 10:30:100), and the same sshd behind the delaying proxy
 * (10 ms each way: 20 ms round trip). One known_hosts file names the host key under both ports,
 * so `$.ssh` and the OpenSSH client keep strict host-key checking through the proxy.
 *
 * `SetEnv SHLVL=1` keeps the remote shell lean: Debian's bash sources ~/.bashrc for commands run
 * by sshd when it is a top-level shell (SHLVL < 2), and a ~/.bashrc that initialises tool managers
 * (pyenv here: ~100 ms) would dominate every figure. The bench measures clients, not ~/.bashrc.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshHost, type SshHost } from '@rexec/testing';
import type { ServerInfo, TargetInfo } from '../child/protocol.js';
import { startDelayProxy, type DelayProxy } from './delay-proxy.js';

export const RTT_HOST_ONE_WAY_MS = 10;
const LEAN_SHELL = 'SetEnv SHLVL=1';

export interface BenchHosts {
  readonly loopback: TargetInfo;
  readonly rtt20: TargetInfo;
  /** `OpenSSH_9.2p1 ...` as sshd -V reports it, for the results. */
  readonly sshdKind: string;
  /** The listening sshd's pid and log, for the throughput section's server figures (undefined: embedded server). */
  readonly server: ServerInfo | undefined;
  stop(): Promise<void>;
}

/** Writes a known_hosts holding the host key of `[127.0.0.1]:port` for every port given. */
async function writeBenchKnownHosts(host: SshHost, ports: readonly number[], dir: string): Promise<string> {
  const original = await readFile(host.knownHostsPath, 'utf8');
  const entry = original.split('\n').find((line) => line.startsWith(`[127.0.0.1]:${host.port} `));
  if (entry === undefined) throw new Error(`no [127.0.0.1]:${host.port} entry in ${host.knownHostsPath}`);
  const key = entry.slice(entry.indexOf(' ') + 1);
  const path = join(dir, 'known_hosts');
  await writeFile(path, ports.map((port) => `[127.0.0.1]:${port} ${key}\n`).join(''), { mode: 0o600 });
  return path;
}

export async function startBenchHosts(): Promise<BenchHosts> {
  const sshd = await startSshHost({ kind: 'openssh', maxSessions: 10, maxStartups: '10:30:100', extraConfig: [LEAN_SHELL] });
  let proxy: DelayProxy | undefined;
  let dir: string | undefined;
  try {
    proxy = await startDelayProxy({ targetPort: sshd.port, oneWayDelayMs: RTT_HOST_ONE_WAY_MS });
    dir = await mkdtemp(join(tmpdir(), 'rexec-bench-'));
    const knownHostsPath = await writeBenchKnownHosts(sshd, [sshd.port, proxy.port], dir);
    const common = { host: '127.0.0.1', username: sshd.username, privateKeyPath: sshd.privateKeyPath, knownHostsPath };
    const stopProxy = proxy;
    const stopDir = dir;
    return {
      loopback: { name: 'loopback', port: sshd.port, ...common },
      rtt20: { name: 'rtt20', port: proxy.port, ...common },
      sshdKind: sshd.kind,
      server: sshd.pid === undefined ? undefined : { pid: sshd.pid, logPath: sshd.logPath },
      stop: async () => {
        await stopProxy.close();
        await sshd.stop();
        await rm(stopDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await proxy?.close();
    await sshd.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
