/**
 * Graceful shutdown of every SSH pool on SIGINT/SIGTERM:
 *   signal n → the exit code becomes 128 + n at once, and errors the shutdown brings about are silenced
 *          → drain every pool (no new commands; running and queued ones finish)
 *          → after `gracePeriod` ms, close what is still busy (when `forceAfterGracePeriod`)
 *          → uninstall, then end the process as the signal would have: `exit` listeners run (local commands'
 *            process groups are killed there), then the signal is re-raised, so the process dies of it and a
 *            shell sees 128 + n (unless other listeners for that signal remain: they decide).
 * A second signal while draining closes everything at once. `uninstall()` before the drain ends
 * leaves the process running (the script handles the rest) and gives back its exit code.
 *
 * Any other uncaught error after the signal is still printed, and the process then ends at once with 128 + n.
 *
 * Why the exit code and the guard: a top-level `await` on a command the shutdown cancels rejects before the
 * drain ends; without them Node prints that `CommandError` and exits with 1, where a script killed by Ctrl-C
 * should end with 130 and print nothing.
 */
import { inspect } from 'node:util';
import { canceledByShutdown } from './canceled-by-shutdown.js';
import type { ResolvedShutdownOptions } from './shutdown-options.js';

export type ShutdownSignal = 'SIGINT' | 'SIGTERM';

type SignalListener = (signal: ShutdownSignal) => void;
type ErrorListener = (error: unknown) => void;

/** The part of `process` the handler uses; injectable for tests. */
export interface ShutdownProcess {
  readonly pid: number;
  readonly platform: string;
  exitCode: number | string | undefined;
  readonly stderr: { write(text: string): unknown };
  on(event: ShutdownSignal, listener: SignalListener): unknown;
  on(event: 'uncaughtException', listener: ErrorListener): unknown;
  on(event: 'exit', listener: () => void): unknown;
  off(event: ShutdownSignal, listener: SignalListener): unknown;
  off(event: 'uncaughtException', listener: ErrorListener): unknown;
  listenerCount(event: ShutdownSignal | 'uncaughtException'): number;
  kill(pid: number, signal: ShutdownSignal): unknown;
  exit(code: number): unknown;
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

/** The POSIX numbers of the signals handled (the same on every platform Node runs on). */
const SIGNAL_NUMBERS: Readonly<Record<ShutdownSignal, number>> = { SIGINT: 2, SIGTERM: 15 };

/** The exit status of a process killed by `signal`, as shells report it: 130 for SIGINT, 143 for SIGTERM. */
export function signalExitCode(signal: ShutdownSignal): number {
  return 128 + SIGNAL_NUMBERS[signal];
}

/** What Node would have printed for an uncaught error (the error with its stack). */
function uncaughtText(error: unknown): string {
  return `${error instanceof Error ? '' : 'Uncaught '}${inspect(error)}\n`;
}

/** Installs the listeners; returns the uninstall function (idempotent). */
export function createShutdownHandler(options: ResolvedShutdownOptions, deps: ShutdownDeps): () => void {
  const proc = deps.process;
  /** The user called uninstall(): leave the process alone from now on. */
  let released = false;
  let listening = false;
  let guarding = false;
  /** The signal being handled, from the first one on. */
  let shuttingDown: ShutdownSignal | undefined;
  /** The exit code before the signal, given back by uninstall(). */
  let exitCodeBefore: number | string | undefined;

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

  const stopListening = (): void => {
    if (!listening) return;
    listening = false;
    for (const [signal, listener] of listeners) proc.off(signal, listener);
  };

  const stopGuarding = (): void => {
    if (!guarding) return;
    guarding = false;
    proc.off('uncaughtException', onUncaught);
  };

  /**
   * Ends the process as `signal` would have, once our listeners are gone and no other listener for it remains:
   * `exit(128 + n)` runs the `exit` listeners (the local adapter kills its commands' process groups there,
   * which a death by signal would skip), then the last of them re-raises the signal with its default action,
   * so the process dies of it. Should that not kill (a listener we cannot see), the exit goes on with 128 + n.
   * Not on Windows, where raising a signal at oneself terminates with exit code 1.
   */
  const endProcess = (signal: ShutdownSignal): void => {
    if (proc.platform !== 'win32') {
      proc.on('exit', () => {
        proc.kill(proc.pid, signal);
      });
    }
    proc.exit(signalExitCode(signal));
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
    if (released) return;
    stopListening();
    // Another listener for this signal decides when the process ends (its exit code is already 128 + n).
    if (proc.listenerCount(signal) > 0) return;
    endProcess(signal);
  };

  /**
   * From the first signal on: an uncaught error (or unhandled rejection, or top-level await that rejects) the
   * shutdown brought about is silenced, and the shutdown ends the process when its drain is over. Any other
   * error is printed as Node would have, and the process ends at once, with 128 + n.
   * When the script has its own `uncaughtException` listener, that one decides and this one does nothing.
   */
  function onUncaught(error: unknown): void {
    const signal = shuttingDown;
    if (signal === undefined || proc.listenerCount('uncaughtException') > 1) return;
    if (canceledByShutdown(error, signal)) return;
    proc.stderr.write(uncaughtText(error));
    stopListening();
    stopGuarding();
    if (proc.listenerCount(signal) > 0) proc.exit(signalExitCode(signal));
    else endProcess(signal);
  }

  // One listener per signal, which knows its signal: `process.emit('SIGINT')` passes no name to listeners.
  const listeners = new Map<ShutdownSignal, () => void>(SIGNALS.map((signal) => [signal, () => onSignal(signal)]));

  function onSignal(signal: ShutdownSignal): void {
    if (shuttingDown !== undefined) {
      // Asked twice: stop waiting.
      void closeAll();
      return;
    }
    shuttingDown = signal;
    // Whatever happens next (the script's natural end included), the process ends as one killed by the signal.
    exitCodeBefore = proc.exitCode;
    proc.exitCode = signalExitCode(signal);
    proc.on('uncaughtException', onUncaught);
    guarding = true;
    void shutdown(signal);
  }

  function uninstall(): void {
    if (released) return;
    released = true;
    stopListening();
    stopGuarding();
    if (shuttingDown !== undefined && proc.exitCode === signalExitCode(shuttingDown)) proc.exitCode = exitCodeBefore;
  }

  for (const [signal, listener] of listeners) proc.on(signal, listener);
  listening = true;
  return uninstall;
}
