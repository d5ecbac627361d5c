import type { CommandOutput } from './command-output.js';
import { commandFailedMessage, timeoutMessage } from './messages.js';
import { RexecError, type RexecErrorOptions } from './rexec-error.js';

export interface CommandErrorDetails {
  readonly isCanceled?: boolean;
  readonly isMaxBuffer?: boolean;
}

/** A command ran and failed: non-zero exit, killed by a signal, aborted, or output over `maxBuffer`. */
export class CommandError extends RexecError {
  readonly code = 'ERR_COMMAND_FAILED' as const;
  readonly retryable = false;
  readonly result: CommandOutput;
  readonly exitCode: number;
  readonly isCanceled: boolean;
  readonly isMaxBuffer: boolean;

  constructor(result: CommandOutput, details: CommandErrorDetails = {}, options?: RexecErrorOptions) {
    super(commandFailedMessage(result, details), options);
    this.result = result;
    this.exitCode = result.exitCode;
    this.isCanceled = details.isCanceled ?? false;
    this.isMaxBuffer = details.isMaxBuffer ?? false;
  }
}

/** A command (or a connect) took longer than its timeout and was killed. */
export class TimeoutError extends RexecError {
  readonly code = 'ERR_TIMEOUT' as const;
  readonly retryable = true;
  readonly timeout: number;
  /** What the command had printed when it was killed; absent when it never started. */
  readonly result: CommandOutput | undefined;

  constructor(what: string, timeout: number, result?: CommandOutput, options?: RexecErrorOptions) {
    super(timeoutMessage(what, timeout, result), options);
    this.timeout = timeout;
    this.result = result;
  }
}

export function isCommandError(value: unknown): value is CommandError {
  return value instanceof CommandError;
}

export function isTimeoutError(value: unknown): value is TimeoutError {
  return value instanceof TimeoutError;
}
