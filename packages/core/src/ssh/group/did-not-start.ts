/**
 * Whether a failed command never started on its host, so that running it on another host cannot run it
 * twice: a connection that failed before the command's channel opened (`ConnectionError` with `started`
 * false), an open circuit, a full or slow queue, a closed pool, or credentials / a host key the host refused.
 * A `ConnectionError` with `started: true` may have run (in part): it is never run again elsewhere.
 */
import {
  isAcquireTimeoutError,
  isAuthenticationError,
  isCircuitOpenError,
  isConnectionError,
  isHostKeyError,
  isPoolClosedError,
  isPoolExhaustedError,
} from '@rexec/adapters';

export function didNotStart(error: unknown): boolean {
  if (isConnectionError(error)) return !error.started;
  return (
    isCircuitOpenError(error) ||
    isAcquireTimeoutError(error) ||
    isPoolExhaustedError(error) ||
    isPoolClosedError(error) ||
    isAuthenticationError(error) ||
    isHostKeyError(error)
  );
}

/** A failure that says the host is unwell: it did not start there, or its connection was lost under it. */
export function isHostFailure(error: unknown): boolean {
  return didNotStart(error) || isConnectionError(error);
}
