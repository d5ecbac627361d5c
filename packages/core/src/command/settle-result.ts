import { CommandError, TimeoutError, type ExecResult } from '@rexec/adapters';
import { ProcessOutput } from './process-output.js';

/**
 * How one run of a command ended: its output when it succeeded; otherwise the error it rejects with,
 * and its output when it ran to an exit (which `.nothrow()` resolves with instead).
 */
export type Settlement = (
  | { readonly ok: true; readonly output: ProcessOutput }
  | { readonly ok: false; readonly error: Error; readonly output?: ProcessOutput | undefined }
) & {
  /** Where it ran; undefined when no adapter could be had. */
  readonly target?: string | undefined;
};

export interface SettleContext {
  /** The command with secrets masked: what results and errors show. */
  readonly display: string;
  readonly target: string;
  readonly timeout: number;
  /** Which run this is (1, or more after retries). */
  readonly attempt: number;
  /** The command was ended by `command.kill()`. */
  readonly killed: boolean;
}

/**
 * Decides how a command that ran settles: its `ProcessOutput` when it succeeded; otherwise
 * `TimeoutError` when its timeout killed it, else `CommandError` (non-zero exit, signal, abort, kill,
 * output over maxBuffer) — both carry the output.
 */
export function settleResult(result: ExecResult, context: SettleContext): Settlement {
  const output = ProcessOutput.from(result, { command: context.display, target: context.target, attempts: context.attempt });
  const { target } = context;
  if (output.ok) return { ok: true, output, target };
  if (result.timedOut) return { ok: false, output, target, error: new TimeoutError(context.display, context.timeout, output) };
  return {
    ok: false,
    output,
    target,
    error: new CommandError(output, { isCanceled: result.isCanceled, isMaxBuffer: result.isMaxBuffer, killed: context.killed && result.isCanceled }),
  };
}
