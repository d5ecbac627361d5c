import type { CommandOutput } from './command-output.js';
import { commandFailedMessage, timeoutMessage } from './messages.js';
import { RexecError, type RexecErrorOptions } from './rexec-error.js';

export interface CommandErrorDetails {
  readonly isCanceled?: boolean;
  readonly isMaxBuffer?: boolean;
  /** Canceled by `command.kill()` (the message says so), not by an AbortSignal. */
  readonly killed?: boolean;
}

/**
 * A command ran and failed: non-zero exit, killed by a signal, aborted, or output over `maxBuffer`.
 * The fields of its result are copied onto it (`error.stderr` is `error.result.stderr`).
 */
export class CommandError extends RexecError {
  readonly code = 'ERR_COMMAND_FAILED' as const;
  readonly retryable = false;
  readonly result: CommandOutput;
  readonly stdout: string;
  readonly stderr: string;
  /** The exit status; `128 + n` when killed by signal n. */
  readonly exitCode: number;
  /** The signal that killed the command (`'SIGTERM'`), or null. */
  readonly signal: string | null;
  /** Milliseconds from start to end (of the last attempt). */
  readonly duration: number;
  /** The command as run, with secrets shown as `***`. */
  readonly command: string;
  /** `'local'` or `user@host:port`. */
  readonly target: string;
  readonly isCanceled: boolean;
  readonly isMaxBuffer: boolean;

  constructor(result: CommandOutput, details: CommandErrorDetails = {}, options?: RexecErrorOptions) {
    super(commandFailedMessage(result, details), options);
    this.result = result;
    this.stdout = result.stdout;
    this.stderr = result.stderr;
    this.exitCode = result.exitCode;
    this.signal = result.signal;
    this.duration = result.duration;
    this.command = result.command;
    this.target = result.target;
    this.attempts = result.attempts ?? 1;
    this.isCanceled = details.isCanceled ?? false;
    this.isMaxBuffer = details.isMaxBuffer ?? false;
  }
}

/**
 * A command (or a connect) took longer than its timeout and was killed. For a command, the fields of what
 * it printed are copied onto it (`error.stdout`, …); a timeout with no command run (a connect, waiting for
 * the pool) has empty output, `exitCode` and `signal` null, and no `command` or `target`.
 */
export class TimeoutError extends RexecError {
  readonly code = 'ERR_TIMEOUT' as const;
  readonly retryable = true;
  readonly timeout: number;
  /** What the command had printed when it was killed; absent when it never started. */
  readonly result: CommandOutput | undefined;
  readonly stdout: string;
  readonly stderr: string;
  /** `128 + n` for the signal that ended it (143 for SIGTERM); null when no command ran. */
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Milliseconds the command ran (of the last attempt); `timeout` when no command ran. */
  readonly duration: number;
  /** The command as run, with secrets shown as `***`; undefined when no command ran. */
  readonly command: string | undefined;
  readonly target: string | undefined;

  constructor(what: string, timeout: number, result?: CommandOutput, options?: RexecErrorOptions) {
    super(timeoutMessage(what, timeout, result), options);
    this.timeout = timeout;
    this.result = result;
    this.stdout = result?.stdout ?? '';
    this.stderr = result?.stderr ?? '';
    this.exitCode = result?.exitCode ?? null;
    this.signal = result?.signal ?? null;
    this.duration = result?.duration ?? timeout;
    this.command = result?.command;
    this.target = result?.target;
    this.attempts = result?.attempts ?? 1;
  }
}

export function isCommandError(value: unknown): value is CommandError {
  return value instanceof CommandError;
}

export function isTimeoutError(value: unknown): value is TimeoutError {
  return value instanceof TimeoutError;
}
