/**
 * Graceful shutdown of every SSH pool on SIGINT/SIGTERM:
 *   signal → drain every pool (no new commands; running and queued ones finish)
 *          → after `gracePeriod` ms, close what is still busy (when `forceAfterGracePeriod`)
 *          → uninstall, then re-raise the signal so the process ends as it would have without us
 *            (unless other listeners for that signal remain: they decide).
 * A second signal while draining closes everything at once. `uninstall()` before the drain ends
 * leaves the process running (the script handles the rest).
 */
import type { ResolvedShutdownOptions } from './shutdown-options.js';

export type ShutdownSignal = 'SIGINT' | 'SIGTERM';

/** The part of `process` the handler uses; injectable for tests. */
export interface ShutdownProcess {
  readonly pid: number;
  on(event: ShutdownSignal, listener: (signal: ShutdownSignal) => void): unknown;
  off(event: ShutdownSignal, listener: (signal: ShutdownSignal) => void): unknown;
  listenerCount(event: ShutdownSignal): number;
  kill(pid: number, signal: ShutdownSignal): unknown;
}

/** What is drained: every registered pool. */
export interface ShutdownPool {
  drainPool(): Promise<void>;
  closePool(): Promise<void>;
}

export interface ShutdownDeps {
  readonly process: ShutdownProcess;
  /** The pools live right now (read when the signal arrives, and again before the end). */
  readonly pools: () => readonly ShutdownPool[];
}

const SIGNALS: readonly ShutdownSignal[] = ['SIGINT', 'SIGTERM'];

/** Installs the listeners; returns the uninstall function (idempotent). */
export function createShutdownHandler(options: ResolvedShutdownOptions, deps: ShutdownDeps): () => void {
  let installed = true;
  let shuttingDown = false;

  const closeAll = async (): Promise<void> => {
    await Promise.allSettled(deps.pools().map((pool) => pool.closePool()));
  };

  const graceElapsed = (): { promise: Promise<'elapsed'>; cancel: () => void } => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const promise = new Promise<'elapsed'>((resolve) => {
      timer = setTimeout(() => resolve('elapsed'), options.gracePeriod);
      // The grace timer alone never keeps the process alive: if nothing else runs, we are done anyway.
      timer.unref();
    });
    return { promise, cancel: () => clearTimeout(timer) };
  };

  const shutdown = async (signal: ShutdownSignal): Promise<void> => {
    const drained = Promise.allSettled(deps.pools().map((pool) => pool.drainPool())).then(() => 'drained' as const);
    const grace = graceElapsed();
    const first = await Promise.race([drained, grace.promise]);
    grace.cancel();
    if (first === 'elapsed') {
      if (options.forceAfterGracePeriod) await closeAll();
      else await drained;
    }
    // Pools opened while draining, or whose drain failed, close now.
    await closeAll();
    if (!installed) return;
    uninstall();
    if (deps.process.listenerCount(signal) === 0) deps.process.kill(deps.process.pid, signal);
  };

  const onSignal = (signal: ShutdownSignal): void => {
    if (shuttingDown) {
      // Asked twice: stop waiting.
      void closeAll();
      return;
    }
    shuttingDown = true;
    void shutdown(signal);
  };

  function uninstall(): void {
    if (!installed) return;
    installed = false;
    for (const signal of SIGNALS) deps.process.off(signal, onSignal);
  }

  for (const signal of SIGNALS) deps.process.on(signal, onSignal);
  return uninstall;
}
