import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, open, readFile, stat, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { findFreePort } from '../free-port.js';
import type { HostFiles } from '../host-files.js';
import type { ResolvedStartSshHostOptions } from '../normalize-options.js';
import { waitForSshBanner } from '../wait-for-banner.js';
import { buildSshdConfig } from './sshd-config.js';
import { stopProcessGroup } from './stop-process.js';
import { watchdogArgs } from './watchdog.js';

const READY_TIMEOUT = 15_000;
const ATTEMPTS = 3;
/** A restart retries while its port is still taken (by a socket in the way, or a sshd not quite gone). */
const RESTART_ATTEMPTS = 5;
const RESTART_PAUSE = 200;

export interface RunningSshd {
  readonly port: number;
  /** sshd's own pid. */
  readonly pid: number;
  /** The process group (the watchdog's pid): signalling it ends sshd, its sessions' parents and the watchdog. */
  readonly groupId: number;
  stop(): Promise<void>;
}

/** sshd refuses to start as root without its privilege separation dir (e.g. /run/sshd in a container). */
async function createPrivsepDirIfMissing(log: string): Promise<boolean> {
  const match = /Missing privilege separation directory: (\S+)/.exec(log);
  if (match?.[1] === undefined || process.getuid?.() !== 0) return false;
  await mkdir(match[1], { recursive: true, mode: 0o755 });
  return true;
}

/**
 * Runs `sshd -D -e -f <configPath>` under the watchdog and waits for its banner on `port`. Returns the
 * running sshd, or what sshd logged during this attempt when it did not become ready.
 */
async function launch(sshd: string, files: HostFiles, configPath: string, port: number): Promise<RunningSshd | string> {
  const logStart = (await stat(files.logPath).catch(() => undefined))?.size ?? 0;
  const log = await open(files.logPath, 'a');
  let child: ChildProcess;
  try {
    // Its own process group (led by the watchdog), so stop() also ends the per-connection sshd processes.
    child = spawn('/bin/sh', watchdogArgs(files.dir, [sshd, '-D', '-e', '-f', configPath]), { stdio: ['ignore', log.fd, log.fd], detached: true });
  } finally {
    await log.close();
  }
  let exited = false;
  child.once('exit', () => (exited = true));
  const spawnError = new Promise<void>((resolve) => child.once('error', () => resolve()));
  const ready = await Promise.race([waitForSshBanner(port, READY_TIMEOUT, () => !exited), spawnError.then(() => false)]);
  const pid = child.pid;
  // A banner alone could come from another server that took the port: sshd says it listens first.
  const logged = (await readFile(files.logPath)).subarray(logStart).toString('utf8');
  if (ready && pid !== undefined && logged.includes(`Server listening on 127.0.0.1 port ${port}.`)) {
    const sshdPid = Number((await readFile(join(files.dir, 'sshd.pid'), 'utf8').catch(() => '')).trim());
    return { port, pid: Number.isInteger(sshdPid) && sshdPid > 0 ? sshdPid : pid, groupId: pid, stop: () => stopProcessGroup(child) };
  }
  await stopProcessGroup(child);
  return (await readFile(files.logPath)).subarray(logStart).toString('utf8');
}

function configPathOf(files: HostFiles): string {
  return join(files.dir, 'sshd_config');
}

async function startOnce(sshd: string, files: HostFiles, options: ResolvedStartSshHostOptions): Promise<RunningSshd | string> {
  const port = await findFreePort();
  await writeFile(configPathOf(files), buildSshdConfig(files, port, options), { mode: 0o600 });
  return launch(sshd, files, configPathOf(files), port);
}

/** Starts `sshd -D -e -f <config>` on a free port; retries when the port was taken or a privsep dir was missing. */
export async function startOpenSshd(sshd: string, files: HostFiles, options: ResolvedStartSshHostOptions): Promise<RunningSshd> {
  let lastLog = '';
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const result = await startOnce(sshd, files, options);
    if (typeof result !== 'string') return result;
    lastLog = result;
    const retryable = /Address already in use|Cannot bind/.test(result) || (await createPrivsepDirIfMissing(result));
    if (!retryable) break;
  }
  throw new Error(`OpenSSH sshd (${sshd}) did not become ready on 127.0.0.1; its log:\n${lastLog.trim() || '(empty)'}`);
}

/**
 * Starts sshd again with the config a previous `startOpenSshd` wrote for `files`: same port, host key,
 * authorized_keys and settings, so clients reconnect with the same known_hosts entry. The port must be
 * free again (the previous sshd killed); retries for a while when it is not.
 */
export async function restartOpenSshd(sshd: string, files: HostFiles, port: number): Promise<RunningSshd> {
  let lastLog = '';
  for (let attempt = 1; attempt <= RESTART_ATTEMPTS; attempt++) {
    const result = await launch(sshd, files, configPathOf(files), port);
    if (typeof result !== 'string') return result;
    lastLog = result;
    if (!/Address already in use|Cannot bind/.test(result)) break;
    await sleep(RESTART_PAUSE);
  }
  throw new Error(`OpenSSH sshd (${sshd}) did not start again on 127.0.0.1:${port}; its log:\n${lastLog.trim() || '(empty)'}`);
}
