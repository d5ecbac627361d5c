import {
  acquireTimeoutMessage,
  circuitOpenMessage,
  poolClosedMessage,
  poolExhaustedMessage,
} from './messages.js';
import { RexecError, type RexecErrorOptions } from './rexec-error.js';

/** The acquire queue is full (`queueSize` waiters already). */
export class PoolExhaustedError extends RexecError {
  readonly code = 'ERR_POOL_EXHAUSTED' as const;
  readonly retryable = true;
  readonly target: string;
  readonly max: number;

  constructor(target: string, max: number, options?: RexecErrorOptions) {
    super(poolExhaustedMessage(target, max), options);
    this.target = target;
    this.max = max;
  }
}

/** An acquire waited longer than `acquire`/`queueTimeout`. `cause` is the last creation error, if any. */
export class AcquireTimeoutError extends RexecError {
  readonly code = 'ERR_ACQUIRE_TIMEOUT' as const;
  readonly retryable = true;
  readonly target: string;
  readonly timeout: number;

  constructor(target: string, timeout: number, lastCreateError?: unknown) {
    super(acquireTimeoutMessage(target, timeout, lastCreateError), lastCreateError === undefined ? {} : { cause: lastCreateError });
    this.target = target;
    this.timeout = timeout;
  }
}

/** The pool was drained or closed; it lends nothing more. */
export class PoolClosedError extends RexecError {
  readonly code = 'ERR_POOL_CLOSED' as const;
  readonly retryable = false;
  readonly target: string;

  constructor(target: string, options?: RexecErrorOptions) {
    super(poolClosedMessage(target), options);
    this.target = target;
  }
}

/** The circuit breaker for this target is open: calls fail fast until `retryAfter` ms have passed. */
export class CircuitOpenError extends RexecError {
  readonly code = 'ERR_CIRCUIT_OPEN' as const;
  readonly retryable = true;
  readonly target: string;
  readonly retryAfter: number;

  constructor(target: string, retryAfter: number, options?: RexecErrorOptions) {
    super(circuitOpenMessage(target, retryAfter, options?.cause), options);
    this.target = target;
    this.retryAfter = retryAfter;
  }
}

export function isPoolExhaustedError(value: unknown): value is PoolExhaustedError {
  return value instanceof PoolExhaustedError;
}
export function isAcquireTimeoutError(value: unknown): value is AcquireTimeoutError {
  return value instanceof AcquireTimeoutError;
}
export function isPoolClosedError(value: unknown): value is PoolClosedError {
  return value instanceof PoolClosedError;
}
export function isCircuitOpenError(value: unknown): value is CircuitOpenError {
  return value instanceof CircuitOpenError;
}
