import { CommandError, TimeoutError, type ExecResult } from '@rexec/adapters';
import { ProcessOutput } from './process-output.js';

export type Settlement = { readonly ok: true; readonly output: ProcessOutput } | { readonly ok: false; readonly error: Error };

export interface SettleContext {
  /** The command with secrets masked: what results and errors show. */
  readonly display: string;
  readonly target: string;
  readonly nothrow: boolean;
  readonly timeout: number;
}

/**
 * Decides how a command that ran settles: its `ProcessOutput` when it succeeded or `nothrow` is set;
 * otherwise `TimeoutError` when its timeout killed it, else `CommandError` (non-zero exit, signal,
 * abort, output over maxBuffer) — both carry the output.
 */
export function settleResult(result: ExecResult, context: SettleContext): Settlement {
  const output = ProcessOutput.from(result, { command: context.display, target: context.target });
  if (output.ok || context.nothrow) return { ok: true, output };
  if (result.timedOut) return { ok: false, error: new TimeoutError(context.display, context.timeout, output) };
  return {
    ok: false,
    error: new CommandError(output, { isCanceled: result.isCanceled, isMaxBuffer: result.isMaxBuffer }),
  };
}
