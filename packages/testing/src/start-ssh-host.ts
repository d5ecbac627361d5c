import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { startEmbeddedServer } from './embedded-server/start-embedded.js';
import { findSshd } from './find-sshd.js';
import { createHostFiles, writeKnownHosts, type HostFiles } from './host-files.js';
import { normalizeStartSshHostOptions } from './normalize-options.js';
import { startOpenSshd } from './openssh/start-openssh.js';
import type { SshHost, SshHostKind, StartSshHostOptions } from './types.js';

interface RunningServer {
  readonly kind: SshHostKind;
  readonly port: number;
  readonly pid: number | undefined;
  readonly groupId: number | undefined;
  stop(): Promise<void>;
}

async function startServer(files: HostFiles, options: ReturnType<typeof normalizeStartSshHostOptions>): Promise<RunningServer> {
  const sshd = options.kind === 'embedded' ? undefined : findSshd(options.env, options.sshdPath);
  if (sshd !== undefined) return { kind: 'openssh', ...(await startOpenSshd(sshd, files, options)) };
  if (options.requireOpenSsh) {
    const where = options.sshdPath ?? 'on PATH or at /usr/sbin/sshd';
    throw new Error(`OpenSSH sshd is required (REXEC_TEST_SSHD=openssh or kind: openssh) but was not found ${where}; install openssh-server`);
  }
  if (options.kind === 'auto') {
    console.warn(`[@rexec/testing] OpenSSH sshd not found (${options.sshdPath ?? 'PATH, /usr/sbin/sshd'}): using the embedded ssh2-based server instead`);
  }
  const embedded = await startEmbeddedServer(files, userInfo().username);
  return { kind: 'embedded', port: embedded.port, pid: undefined, groupId: undefined, stop: () => embedded.stop() };
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
    pid: server.pid,
    stop: () => {
      stopping ??= (async () => {
        process.removeListener('exit', onExit);
        await server.stop();
        await rm(files.dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
