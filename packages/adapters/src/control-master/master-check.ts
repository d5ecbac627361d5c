import type { ResolvedControlMasterOptions } from './control-master-options.js';
import { runSsh } from './run-ssh.js';
import { controlArgs } from './ssh-args.js';

/** What `ssh -O check` found at the socket path. */
export type MasterCheck =
  | { readonly kind: 'running'; readonly pid: number | undefined }
  | { readonly kind: 'absent' }
  /** A socket nobody answers on (refused), or one that does not answer in time (hung): must be replaced. */
  | { readonly kind: 'stale'; readonly why: string };

/** `ssh -O check`, bounded by `checkTimeout`: a hung socket counts as stale, never as a wait. */
export async function checkMaster(options: ResolvedControlMasterOptions, controlPath: string): Promise<MasterCheck> {
  const run = await runSsh(options.sshPath, controlArgs(options, controlPath, 'check'), { timeout: options.checkTimeout, forceKillAfterDelay: 500 });
  if (run.exitCode === 0) {
    const pid = /pid=(\d+)/.exec(run.stderr)?.[1];
    return { kind: 'running', pid: pid === undefined ? undefined : Number(pid) };
  }
  if (run.timedOut) return { kind: 'stale', why: `no answer on the control socket within ${options.checkTimeout} ms (checkTimeout)` };
  if (/No such file or directory/.test(run.stderr)) return { kind: 'absent' };
  return { kind: 'stale', why: run.stderr.trim() || `ssh -O check exited with ${String(run.exitCode)}` };
}

/** `ssh -O exit`: the master ends its connection and removes its socket. Bounded; failures are ignored. */
export async function exitMaster(options: ResolvedControlMasterOptions, controlPath: string): Promise<boolean> {
  const run = await runSsh(options.sshPath, controlArgs(options, controlPath, 'exit'), { timeout: options.checkTimeout, forceKillAfterDelay: 500 });
  return run.exitCode === 0;
}
