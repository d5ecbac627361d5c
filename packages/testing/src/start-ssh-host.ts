import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { startEmbeddedServer, type RunningEmbeddedServer } from './embedded-server/start-embedded.js';
import { findSshd } from './find-sshd.js';
import { createHostFiles, writeKnownHosts, type HostFiles } from './host-files.js';
import { normalizeStartSshHostOptions } from './normalize-options.js';
import { killSshdTree, type KillSignal } from './openssh/kill-sshd.js';
import { restartOpenSshd, startOpenSshd, type RunningSshd } from './openssh/start-openssh.js';
import type { SshHost, SshHostKind, StartSshHostOptions } from './types.js';

/** The server behind a host, across kills and restarts. */
interface RunningServer {
  readonly kind: SshHostKind;
  readonly port: number;
  /** The current sshd's pid (the last one's while killed); undefined for the embedded server. */
  readonly pid: number | undefined;
  /** The current watchdog's process group; undefined while killed, and for the embedded server. */
  readonly groupId: number | undefined;
  /** False between a kill and a restart. */
  readonly up: boolean;
  stop(): Promise<void>;
  kill(signal: KillSignal): Promise<void>;
  killSessions(signal: KillSignal): Promise<void>;
  /** Starts the server again on the same port; only while it is down. */
  restart(): Promise<void>;
}

function openSshServer(sshd: string, files: HostFiles, first: RunningSshd): RunningServer {
  let current: RunningSshd | undefined = first;
  let lastPid = first.pid;
  return {
    kind: 'openssh',
    port: first.port,
    get pid() {
      return lastPid;
    },
    get groupId() {
      return current?.groupId;
    },
    get up() {
      return current !== undefined;
    },
    stop: async () => {
      const running = current;
      current = undefined;
      await running?.stop();
    },
    kill: async (signal) => {
      const running = current;
      if (running === undefined) return;
      current = undefined;
      try {
        await killSshdTree(running.pid, signal, true);
      } finally {
        await running.stop(); // the watchdog (and anything left in its group)
      }
    },
    killSessions: async (signal) => {
      if (current !== undefined) await killSshdTree(current.pid, signal, false);
    },
    restart: async () => {
      if (current !== undefined) throw new Error('sshd is already running');
      current = await restartOpenSshd(sshd, files, first.port);
      lastPid = current.pid;
    },
  };
}

function embeddedServer(embedded: RunningEmbeddedServer): RunningServer {
  let up = true;
  return {
    kind: 'embedded',
    port: embedded.port,
    pid: undefined,
    groupId: undefined,
    get up() {
      return up;
    },
    stop: () => embedded.stop(),
    kill: async (signal) => {
      if (!up) return;
      up = false;
      await embedded.kill(signal);
    },
    killSessions: (signal) => (up ? embedded.killSessions(signal) : Promise.resolve()),
    restart: async () => {
      await embedded.restart();
      up = true;
    },
  };
}

async function startServer(files: HostFiles, options: ReturnType<typeof normalizeStartSshHostOptions>): Promise<RunningServer> {
  const sshd = options.kind === 'embedded' ? undefined : findSshd(options.env, options.sshdPath);
  if (sshd !== undefined) return openSshServer(sshd, files, await startOpenSshd(sshd, files, options));
  if (options.requireOpenSsh) {
    const where = options.sshdPath ?? 'on PATH or at /usr/sbin/sshd';
    throw new Error(`OpenSSH sshd is required (REXEC_TEST_SSHD=openssh or kind: openssh) but was not found ${where}; install openssh-server`);
  }
  if (options.extraAddresses.length > 0) throw new Error('startSshHost: extraAddresses needs OpenSSH sshd, which was not found; install openssh-server');
  if (options.kind === 'auto') {
    console.warn(`[@rexec/testing] OpenSSH sshd not found (${options.sshdPath ?? 'PATH, /usr/sbin/sshd'}): using the embedded ssh2-based server instead`);
  }
  return embeddedServer(await startEmbeddedServer(files, userInfo().username));
}

function checkSignal(method: string, signal: unknown): KillSignal {
  if (signal === 'SIGKILL' || signal === 'SIGTERM') return signal;
  throw new TypeError(`host.${method}: signal must be SIGKILL or SIGTERM, got ${String(signal)}`);
}

/**
 * Starts an SSH host on 127.0.0.1 with throwaway keys: OpenSSH `sshd` when installed (or required),
 * else the embedded ssh2 server. `stop()` ends it and removes its temp dir; a process exit ends it too.
 */
export async function startSshHost(options?: StartSshHostOptions): Promise<SshHost> {
  const resolved = normalizeStartSshHostOptions(options);
  const files = await createHostFiles('rexec-sshd-');
  let server: RunningServer;
  try {
    server = await startServer(files, resolved);
  } catch (error) {
    await rm(files.dir, { recursive: true, force: true });
    throw error;
  }
  const knownHostsPath = await writeKnownHosts(files, server.port);
  // A host never stopped (or a run that exits early) must not leave sshd or keys behind. A run killed by
  // a signal emits no 'exit': then sshd's watchdog notices within a second.
  const onExit = (): void => {
    try {
      if (server.groupId !== undefined) process.kill(-server.groupId, 'SIGKILL');
    } catch {
      // already gone
    }
    rmSync(files.dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  let stopping: Promise<void> | undefined;
  // kill, killSessions, restart and stop run one at a time, in call order.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(method: string, run: () => Promise<T>): Promise<T> => {
    if (stopping !== undefined) return Promise.reject(new Error(`host.${method}: the host is stopped`));
    const next = queue.then(run);
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    kind: server.kind,
    host: '127.0.0.1',
    port: server.port,
    username: userInfo().username,
    privateKeyPath: files.client.privateKeyPath,
    privateKey: files.client.privateKey,
    knownHostsPath,
    hostKeyFingerprint: files.hostKeyFingerprint,
    logPath: files.logPath,
    dir: files.dir,
    get pid() {
      return server.pid;
    },
    get running() {
      return stopping === undefined && server.up;
    },
    kill: async (signal = 'SIGKILL') => {
      const checked = checkSignal('kill', signal);
      return serial('kill', () => server.kill(checked));
    },
    killSessions: async (signal = 'SIGKILL') => {
      const checked = checkSignal('killSessions', signal);
      return serial('killSessions', () => server.killSessions(checked));
    },
    restart: () =>
      serial('restart', async () => {
        if (server.up) await server.kill('SIGKILL');
        await server.restart();
      }),
    stop: () => {
      stopping ??= queue.then(async () => {
        process.removeListener('exit', onExit);
        await server.stop();
        await rm(files.dir, { recursive: true, force: true });
      });
      return stopping;
    },
  };
}
