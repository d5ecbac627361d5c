/**
 * Watches what a peer does to the process it runs in: listeners it adds to process-wide events
 * (signals, exit, uncaught errors), and promise rejections nobody handled.
 */
import type { ProcessObservations } from './protocol.js';

const WATCHED = ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'uncaughtException', 'unhandledRejection', 'warning'] as const;

export interface ProcessObserver {
  /** Records the handlers present now (a peer may remove its own when disposed; the most seen is kept). */
  sample(): void;
  observations(): ProcessObservations;
}

/**
 * Call before the peer's library is imported; `observations()` reports the difference since.
 * `onExit` is our own 'exit' listener (installed here so it runs before any a peer adds, and is not counted).
 */
export function observeProcess(onExit: (code: number) => void): ProcessObserver {
  const baseline = new Map(WATCHED.map((event) => [event, process.listenerCount(event)]));
  process.on('exit', onExit);
  let unhandledRejections = 0;
  let firstUnhandledRejection: string | undefined;
  // Counting instead of crashing lets the run go on and report how many a peer leaves behind.
  const onUnhandled = (reason: unknown): void => {
    unhandledRejections++;
    firstUnhandledRejection ??= (reason instanceof Error ? reason.message : String(reason)).slice(0, 200);
  };
  process.on('unhandledRejection', onUnhandled);
  const handlersAdded: Record<string, number> = {};
  const sample = (): void => {
    for (const event of WATCHED) {
      const ours = event === 'unhandledRejection' || event === 'exit' ? 1 : 0;
      const added = process.listenerCount(event) - (baseline.get(event) ?? 0) - ours;
      if (added > (handlersAdded[event] ?? 0)) handlersAdded[event] = added;
    }
  };
  return {
    sample,
    observations: () => {
      sample();
      return { handlersAdded: { ...handlersAdded }, unhandledRejections, firstUnhandledRejection };
    },
  };
}
