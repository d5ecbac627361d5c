import { CommandError, ConnectionError, PoolClosedError } from '@rexec/adapters';

/** How deep a `cause` chain is followed (a script may wrap the error of a command once or twice). */
const MAX_CAUSES = 8;

/**
 * True for an error the shutdown itself brought about, once it has begun: a command it canceled
 * (`CommandError` with `isCanceled`, or killed by the same signal, as a child in the terminal's process group
 * is on Ctrl-C), a connection it closed under a command (`ConnectionError`), or a command it refused
 * because its pool was draining (`PoolClosedError`); also such an error wrapped as the `cause` of another.
 * A process killed by the signal would have printed none of them.
 */
// The signal is spelled out, not imported from create-shutdown-handler.ts (which imports this file): no import cycle.
export function canceledByShutdown(error: unknown, signal: 'SIGINT' | 'SIGTERM'): boolean {
  let current: unknown = error;
  for (let depth = 0; depth <= MAX_CAUSES && current instanceof Error; depth += 1) {
    if (current instanceof PoolClosedError || current instanceof ConnectionError) return true;
    if (current instanceof CommandError && (current.isCanceled || current.result.signal === signal)) return true;
    current = current.cause;
  }
  return false;
}
