/**
 * OpenSSH's clients (and rsync over ssh) as transfer peers: each run is one process, timed from spawn to exit
 * (its connect and authentication included, as a script running it pays them). A binary not on PATH makes the
 * peer unavailable. Processes are tracked so that a run over its time is killed, never left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { access, constants, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import type { TargetInfo } from '../child/protocol.js';
import { PeerUnavailableError } from './peer.js';
import type { TransferPeer } from './transfer-peer.js';
import { opensshOptions, rsyncArgs, scpRemote, sftpBatch, sshForwardArgs, userAtHost } from './transfer-openssh-args.js';

const STDERR_TAIL = 400;
const USER_HZ = 100;

/** The binary's path on PATH, or PeerUnavailableError. */
async function findBinary(name: string): Promise<string> {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const path = join(dir, name);
    try {
      await access(path, constants.X_OK);
      return path;
    } catch {
      // not in this directory
    }
  }
  throw new PeerUnavailableError(`${name} not found on PATH`);
}

/** Starts processes and kills them all on abort. */
function processes() {
  const live = new Set<ChildProcess>();
  const start = (binary: string, args: readonly string[]): ChildProcess => {
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    live.add(child);
    child.once('close', () => live.delete(child));
    return child;
  };
  /** Runs to exit; rejects with the exit code and the end of stderr unless it exits 0. */
  const run = (binary: string, args: readonly string[]): Promise<void> =>
    new Promise((resolve, reject) => {
      const child = start(binary, args);
      let stderr = '';
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-STDERR_TAIL)));
      child.once('error', reject);
      child.once('close', (code, signal) =>
        code === 0 ? resolve() : reject(new Error(`${binary} exited ${signal ?? String(code)}: ${stderr.trim()}`)),
      );
    });
  const killAll = (): void => {
    for (const child of live) child.kill('SIGKILL');
  };
  /** utime + stime of the live processes, from /proc (10 ms ticks; 0 where there is no /proc). */
  const liveCpuMicros = (): number => {
    let ticks = 0;
    for (const child of live) {
      try {
        const stat = readFileSync(`/proc/${child.pid ?? 0}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        ticks += Number(fields[11]) + Number(fields[12]);
      } catch {
        // gone meanwhile: its CPU is in our reaped children's
      }
    }
    return Number.isFinite(ticks) ? (ticks * 1_000_000) / USER_HZ : 0;
  };
  return { start, run, killAll, liveCpuMicros };
}

/** A port free on 127.0.0.1 now (ssh -L needs a number; ExitOnForwardFailure catches a race). */
const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

export type OpensshPeerName = 'openssh-sftp' | 'openssh-scp' | 'rsync' | 'openssh-ssh-l';

export async function loadOpensshPeer(name: OpensshPeerName, target: TargetInfo, workDir: string): Promise<TransferPeer> {
  const procs = processes();
  const base = { cleanup: () => Promise.resolve(), abort: procs.killAll, liveCpuMicros: procs.liveCpuMicros };
  const ssh = opensshOptions(target);
  switch (name) {
    case 'openssh-sftp': {
      const sftp = await findBinary('sftp');
      const batch = join(workDir, 'sftp-batch');
      const viaBatch = async (text: string): Promise<void> => {
        await writeFile(batch, text);
        await procs.run(sftp, ['-q', '-b', batch, ...ssh, userAtHost(target)]);
      };
      return { ...base, putFile: (local, remote) => viaBatch(sftpBatch('put', local, remote)), getFile: (remote, local) => viaBatch(sftpBatch('get', remote, local)) };
    }
    case 'openssh-scp': {
      const scp = await findBinary('scp');
      return {
        ...base,
        putFile: (local, remote) => procs.run(scp, ['-q', ...ssh, local, scpRemote(target, remote)]),
        getFile: (remote, local) => procs.run(scp, ['-q', ...ssh, scpRemote(target, remote), local]),
        putTree: (local, remote) => procs.run(scp, ['-q', '-r', ...ssh, local, scpRemote(target, remote)]),
      };
    }
    case 'rsync': {
      const rsync = await findBinary('rsync');
      await findBinary('ssh');
      return { ...base, putTree: (local, remote) => procs.run(rsync, rsyncArgs(target, local, remote)) };
    }
    case 'openssh-ssh-l': {
      const sshBinary = await findBinary('ssh');
      return {
        ...base,
        openTunnel: async (remoteHost, remotePort) => {
          const port = await freePort();
          const child = procs.start(sshBinary, sshForwardArgs(target, port, remoteHost, remotePort));
          // Its end is noticed by the traffic failing; the tunnel's close kills it.
          child.on('error', () => undefined);
          return {
            port,
            close: () =>
              new Promise<void>((resolve) => {
                if (child.exitCode !== null || child.signalCode !== null) return resolve();
                child.once('close', () => resolve());
                child.kill('SIGTERM');
              }),
          };
        },
      };
    }
  }
}
