import type { ExecResult } from '../contract.js';
import { exitCodeForSignal } from '../results.js';
import { ConfigError, ConnectionError } from '../errors/index.js';
import type { WrapperReport } from './marker-filter.js';
import type { RemoteKillOutcome } from './remote-kill.js';
import type { RemoteKillReason, RemoteRunContext } from './remote-run-types.js';
import { sshFailure } from './ssh-failure.js';

export interface RemoteRunEnd {
  readonly context: RemoteRunContext;
  readonly report: WrapperReport;
  readonly reason: RemoteKillReason | undefined;
  readonly killed: RemoteKillOutcome | undefined;
  readonly sshExitCode: number | undefined;
  readonly spawnErrorCode: string | undefined;
  /** What the command printed on stdout, as bytes. */
  readonly stdout: Buffer;
  readonly stderr: string;
  readonly duration: number;
}

/** Exit code and signal from the wrapper's final marker. */
function fromWrapper(exit: NonNullable<WrapperReport['exit']>, normal: boolean): { exitCode: number; signal: string | null } {
  const bySignal = !normal && exit.status > 128 && /^[A-Z0-9+-]+$/.test(exit.signalName);
  return { exitCode: exit.status, signal: bySignal ? `SIG${exit.signalName.replace(/^SIG/, '')}` : null };
}

/**
 * Turns how the local ssh and the remote wrapper ended into the adapter's result:
 * - the wrapper's exit marker is the truth for exit code and signal;
 * - a command we ended (timeout, abort, overflow, dispose) reports the signal we sent;
 * - a session that started but never reported an exit is a lost connection (`ConnectionError`) unless the
 *   master is still fine, in which case ssh's own status is kept (the wrapper was killed from outside);
 * - a session that never started is a transport failure, typed from OpenSSH's message.
 */
export async function settleRemoteRun(end: RemoteRunEnd): Promise<ExecResult> {
  const { context, report, reason } = end;
  const base = { stdout: end.stdout.toString('utf8'), stdoutBytes: end.stdout, duration: end.duration, timedOut: reason === 'timeout', isMaxBuffer: reason === 'maxBuffer' };
  const isCanceled = reason === 'abort' || reason === 'dispose';
  if (end.spawnErrorCode !== undefined) {
    throw new ConfigError(`The OpenSSH client "${context.options.sshPath}" could not be run (${end.spawnErrorCode}); install it or set sshPath`, 'sshPath');
  }
  if (reason !== undefined) {
    const signal = end.killed?.signal ?? 'SIGKILL';
    const natural = report.exit === undefined ? undefined : fromWrapper(report.exit, report.normal);
    let note = '';
    if (end.killed === undefined && report.exit === undefined) note = '\n[rexec] the remote command never reported its pid; only the local ssh was ended';
    else if (end.killed?.failure !== undefined) note = `\n[rexec] could not end the remote process group: ${end.killed.failure}`;
    return { ...base, isCanceled, stderr: end.stderr + note, exitCode: natural?.exitCode ?? exitCodeForSignal(signal), signal: natural?.signal ?? signal };
  }
  if (report.exit !== undefined) {
    context.master.noteActivity();
    return { ...base, isCanceled: false, stderr: end.stderr, ...fromWrapper(report.exit, report.normal) };
  }
  context.master.markSuspect();
  if (report.pid !== undefined) {
    const found = await context.master.check();
    if (found.kind === 'running') return { ...base, isCanceled: false, stderr: end.stderr, exitCode: end.sshExitCode ?? 255, signal: null };
    throw new ConnectionError(
      `The connection to ${context.target} was lost while a command was running (its master ${found.kind === 'stale' ? `is stale: ${found.why}` : 'is gone'}); ` +
        `OpenSSH said: ${end.stderr.trim() || 'nothing'}`,
      context.target,
      // The wrapper had printed its pid: the command had started, and may have run (in part).
      { started: true },
    );
  }
  throw sshFailure(end.stderr, context.target, 'Running a command through the OpenSSH master failed');
}
