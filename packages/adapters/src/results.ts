/** Result values every adapter reports the same way. */
import { constants } from 'node:os';
import type { ExecResult } from './contract.js';

/** `128 + n` for a signal name, from this machine's table (rare signals may be numbered differently remotely). */
export function exitCodeForSignal(signal: string): number {
  return 128 + (constants.signals[signal as NodeJS.Signals] ?? 0);
}

/**
 * The result of a command whose AbortSignal was already aborted when it was handed over: it never starts,
 * and settles as canceled, as if ended by SIGTERM.
 */
export function canceledBeforeStart(): ExecResult {
  return { stdout: '', stderr: '', exitCode: exitCodeForSignal('SIGTERM'), signal: 'SIGTERM', timedOut: false, isCanceled: true, isMaxBuffer: false, duration: 0 };
}

/**
 * The result of a command whose timeout ran out before it started (waiting for a connection or a channel):
 * it never runs, and settles as timed out, as if ended by SIGTERM at its deadline.
 */
export function timedOutBeforeStart(duration: number): ExecResult {
  return { stdout: '', stderr: '', exitCode: exitCodeForSignal('SIGTERM'), signal: 'SIGTERM', timedOut: true, isCanceled: false, isMaxBuffer: false, duration };
}
