import type { ResolvedControlMasterOptions } from './control-master-options.js';
import { buildKillScript } from './remote-script.js';
import { runSsh } from './run-ssh.js';
import { baseSshArgs } from './ssh-args.js';

export interface RemoteKillOutcome {
  /** The last signal sent to the group: SIGTERM, or SIGKILL when it outlived the grace period. */
  readonly signal: 'SIGTERM' | 'SIGKILL';
  /** OpenSSH's message when the kill could not be delivered (the master and a direct connection failed). */
  readonly failure: string | undefined;
}

/**
 * Ends a remote command's process group through the master: a second, short session runs
 * `kill -- -PID` (SIGTERM, then SIGKILL after `forceKillAfterDelay`). This works where channel signals
 * do not: OpenSSH refuses `signal` requests for root sessions, and closing a session without a pty
 * sends no SIGHUP.
 */
export async function killRemoteGroup(options: ResolvedControlMasterOptions, controlPath: string, pid: number): Promise<RemoteKillOutcome> {
  const args = [...baseSshArgs(options, controlPath), '-o', 'ControlMaster=no', '-o', 'LogLevel=ERROR', '-T', options.host, buildKillScript(pid, options.forceKillAfterDelay)];
  const run = await runSsh(options.sshPath, args, { timeout: options.checkTimeout + options.forceKillAfterDelay + 1000, forceKillAfterDelay: 500 });
  return {
    signal: run.stdout.includes('KILL') ? 'SIGKILL' : 'SIGTERM',
    failure: run.exitCode === 0 ? undefined : run.stderr.trim() || `the kill session ended with ${String(run.exitCode)}`,
  };
}
