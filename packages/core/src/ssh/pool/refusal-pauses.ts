/**
 * Commands whose channel the server refused while their connection carried nothing else of ours. sshd
 * still counts a session for a moment after its channel closed, so an immediate retry would be refused
 * again: each waits a short, doubling pause (bounded by its own deadline) before going back in line.
 */

/** First pause, then doubling up to the cap. */
const FIRST_PAUSE_MS = 5;
const MAX_PAUSE_MS = 250;

export function refusalPause(refusals: number): number {
  return Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS * 2 ** Math.max(0, refusals - 1));
}

export interface RefusalPauses<W> {
  readonly size: number;
  /** Calls `wake(waiter)` after `ms`. */
  pause(waiter: W, ms: number, wake: (waiter: W) => void): void;
  /** Ends every pause early and returns the waiters, without waking them. */
  takeAll(): W[];
}

export function createRefusalPauses<W>(): RefusalPauses<W> {
  const paused = new Map<W, ReturnType<typeof setTimeout>>();
  return {
    get size() {
      return paused.size;
    },
    pause(waiter, ms, wake) {
      paused.set(
        waiter,
        setTimeout(() => {
          paused.delete(waiter);
          wake(waiter);
        }, ms),
      );
    },
    takeAll() {
      const waiters = [...paused.keys()];
      for (const timer of paused.values()) clearTimeout(timer);
      paused.clear();
      return waiters;
    },
  };
}
