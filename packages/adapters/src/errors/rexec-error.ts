/** Every code a rexec error can carry. Stable: scripts may switch on it. */
export type RexecErrorCode =
  | 'ERR_COMMAND_FAILED'
  | 'ERR_TIMEOUT'
  | 'ERR_CONFIG'
  | 'ERR_CONNECTION'
  | 'ERR_AUTHENTICATION'
  | 'ERR_HOST_KEY'
  | 'ERR_POOL_EXHAUSTED'
  | 'ERR_ACQUIRE_TIMEOUT'
  | 'ERR_POOL_CLOSED'
  | 'ERR_CIRCUIT_OPEN'
  | 'ERR_NO_HEALTHY_HOST'
  | 'ERR_HOST_NOT_RUN'
  | 'ERR_TRANSFER'
  | 'ERR_TUNNEL';

export interface RexecErrorOptions {
  readonly cause?: unknown;
}

/** The base of every error rexec throws: a stable `code`, an optional `cause`, and whether retrying can help. */
export abstract class RexecError extends Error {
  abstract readonly code: RexecErrorCode;
  /** True when the same call may succeed if tried again (a dropped connection, a full queue). */
  abstract readonly retryable: boolean;
  /** How many times the call that failed was tried: 1, or more when `retry()` ran it again (docs/commands.md#retry). */
  attempts = 1;

  constructor(message: string, options: RexecErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }
}

/** True for any error thrown by rexec. */
export function isRexecError(value: unknown): value is RexecError {
  return value instanceof RexecError;
}
