import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, open, readFile, writeFile } from 'node:fs/promises';
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

async function startOnce(sshd: string, files: HostFiles, options: ResolvedStartSshHostOptions): Promise<RunningSshd | string> {
  const port = await findFreePort();
  const configPath = join(files.dir, 'sshd_config');
  await writeFile(configPath, buildSshdConfig(files, port, options), { mode: 0o600 });
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
  if (ready && pid !== undefined) {
    const sshdPid = Number((await readFile(join(files.dir, 'sshd.pid'), 'utf8').catch(() => '')).trim());
    return { port, pid: Number.isInteger(sshdPid) && sshdPid > 0 ? sshdPid : pid, groupId: pid, stop: () => stopProcessGroup(child) };
  }
  await stopProcessGroup(child);
  return readFile(files.logPath, 'utf8');
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
