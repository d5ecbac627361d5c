import type { ResolvedControlMasterOptions } from './control-master-options.js';
import { buildKillScript } from './remote-script.js';
import { runSsh } from './run-ssh.js';
import { baseSshArgs } from './ssh-args.js';

export interface RemoteKillOutcome {
  /** The last signal sent to the group: the one asked for (SIGTERM by default), or SIGKILL when it outlived the grace period. */
  readonly signal: NodeJS.Signals;
  /** OpenSSH's message when the kill could not be delivered (the master and a direct connection failed). */
  readonly failure: string | undefined;
}

/**
 * Ends a remote command's process group through the master: a second, short session runs
 * `kill -- -PID` (`signal`, default SIGTERM, then SIGKILL after `forceKillAfterDelay`). This works where channel signals
 * do not: OpenSSH refuses `signal` requests for root sessions, and closing a session without a pty
 * sends no SIGHUP.
 */
export async function killRemoteGroup(
  options: ResolvedControlMasterOptions,
  controlPath: string,
  pid: number,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<RemoteKillOutcome> {
  const args = [...baseSshArgs(options, controlPath), '-o', 'ControlMaster=no', '-o', 'LogLevel=ERROR', '-T', options.host, buildKillScript(pid, options.forceKillAfterDelay, signal)];
  const run = await runSsh(options.sshPath, args, { timeout: options.checkTimeout + options.forceKillAfterDelay + 1000, forceKillAfterDelay: 500 });
  return {
    signal: run.stdout.includes('KILL') ? 'SIGKILL' : signal,
    failure: run.exitCode === 0 ? undefined : run.stderr.trim() || `the kill session ended with ${String(run.exitCode)}`,
  };
}
