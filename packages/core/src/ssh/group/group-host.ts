/**
 * One host of a group: its pool (the registry's, as `$.ssh` would get it), the commands the group has in
 * flight there, and its health as the group sees it. It owns that state; the strategy only reads it.
 *
 * Health: a failure before a command started (connect, circuit, queue) puts the host aside for a while
 * (1 s, doubling per failure in a row, at most 30 s; an open circuit's own `retryAfter` when longer). Then one
 * command probes it (the others still skip it); a command that runs there clears the failures.
 * Failures that happened together (every command waiting for one failed connect) count once.
 * An open circuit is found by the first command sent there: it fails in-process at once (CircuitOpenError,
 * not started) and moves on. No listener is added to the host's pool, which may outlive the group.
 *
 * Handshake budget: a host without a connection opens its first one through the group's limiter
 * (`maxConnecting`), and every command for it waits for that one connect, so a thousand cold hosts never
 * start a thousand handshakes at once.
 */
import {
  canceledBeforeStart,
  isCircuitOpenError,
  timedOutBeforeStart,
  type ExecResult,
  type ExecSpec,
} from '@rexec/adapters';
import type { OpenedSshTarget } from '../pool/create-ssh-shell.js';
import { didNotStart, isHostFailure } from './did-not-start.js';
import type { GroupHostEvents, GroupHostStats } from './group-types.js';
import type { Limiter } from './limiter.js';
import type { StrategyHost } from './strategies.js';

/** Prints one line of a host's output (verbose): already prefixed with the host. */
export type LinePrinter = (stream: 'stdout' | 'stderr', line: string) => void;

const FIRST_PAUSE_MS = 1000;
const LONGEST_PAUSE_MS = 30_000;

export interface GroupHostDeps {
  readonly limiter: Limiter;
  readonly emit: <E extends keyof GroupHostEvents>(event: E, payload: GroupHostEvents[E]) => void;
  readonly now: () => number;
}

export interface RunContext {
  /** When the group got the command (`performance.now()`): its timeout counts from here, across failovers. */
  readonly startedAt: number;
  readonly print?: LinePrinter | undefined;
}

export interface GroupHost extends StrategyHost {
  readonly target: string;
  readonly opened: OpenedSshTarget;
  /** The strategy may pick it now. */
  available(now: number): boolean;
  /** True when the next command there is a probe (the host failed before). */
  readonly suspect: boolean;
  /** Its last failure, if any (for `NoHealthyHostError`). */
  readonly lastError: Error | undefined;
  /** This command probes the host: others skip it until the probe ends. */
  claimProbe(): void;
  /** Runs one command there: its first connection through the limiter, then on a channel of its pool. */
  run(spec: ExecSpec, context: RunContext): Promise<ExecResult>;
  /** Opens `n` connections, through the limiter. */
  warm(n: number): Promise<void>;
  stats(): GroupHostStats;
}

type ReadyOutcome = 'ready' | 'timeout' | 'aborted';

function firstLine(error: Error): string {
  return error.message.split('\n')[0] ?? error.message;
}

export function createGroupHost(index: number, opened: OpenedSshTarget, weight: number, deps: GroupHostDeps): GroupHost {
  const { target, adapter, handle } = opened;
  let inFlight = 0;
  let commands = 0;
  let succeeded = 0;
  let failed = 0;
  let failures = 0;
  let lastFailure: Error | undefined;
  let lastFailureAt = -Infinity;
  let downUntil = 0;
  let probing = false;
  let warming: Promise<void> | undefined;

  const markHealthy = (): void => {
    failures = 0;
    probing = false;
  };

  /** A failure of the host; one that began before the last counted one belongs to the same incident. */
  const markDown = (error: Error, attemptStartedAt: number): void => {
    lastFailure = error;
    probing = false;
    if (attemptStartedAt < lastFailureAt) return;
    failures += 1;
    lastFailureAt = deps.now();
    const pause = Math.min(LONGEST_PAUSE_MS, FIRST_PAUSE_MS * 2 ** (failures - 1));
    downUntil = lastFailureAt + Math.max(pause, isCircuitOpenError(error) ? error.retryAfter : 0);
  };

  /** The shared first connect of a host with no connection (nor one being opened), through the limiter. */
  const connecting = (): Promise<void> | undefined => {
    if (warming !== undefined) return warming;
    const stats = handle.getPoolStats();
    if (stats.total - stats.closing > 0 || stats.pending > 0) return undefined;
    const started = deps.limiter.run(() => handle.warmPool(1));
    warming = started.finally(() => {
      warming = undefined;
    });
    return warming;
  };

  /** Waits for the host's first connection, within the command's time left and until its signal aborts. */
  const ready = (spec: ExecSpec, startedAt: number): Promise<ReadyOutcome> => {
    const connect = connecting();
    if (connect === undefined) return Promise.resolve('ready');
    const { signal, timeout } = spec;
    if (signal?.aborted === true) return Promise.resolve('aborted');
    const outcomes: Promise<ReadyOutcome>[] = [connect.then(() => 'ready' as const)];
    const cleanups: (() => void)[] = [];
    if (signal !== undefined) {
      outcomes.push(
        new Promise<ReadyOutcome>((resolve) => {
          const onAbort = (): void => resolve('aborted');
          signal.addEventListener('abort', onAbort, { once: true });
          cleanups.push(() => signal.removeEventListener('abort', onAbort));
        }),
      );
    }
    if (timeout !== undefined) {
      outcomes.push(
        new Promise<ReadyOutcome>((resolve) => {
          // Unref'd: the connect this waits for holds the process while it runs.
          const timer = setTimeout(() => resolve('timeout'), Math.max(0, timeout - (deps.now() - startedAt)));
          timer.unref();
          cleanups.push(() => clearTimeout(timer));
        }),
      );
    }
    return Promise.race(outcomes).finally(() => cleanups.forEach((cleanup) => cleanup()));
  };

  /** The spec as the host runs it: the time left of its timeout, and its lines printed with the host's name. */
  const specFor = (spec: ExecSpec, context: RunContext): ExecSpec => {
    const { print } = context;
    const timeout = spec.timeout === undefined ? undefined : Math.max(1, spec.timeout - (deps.now() - context.startedAt));
    if (print === undefined) return timeout === spec.timeout ? spec : { ...spec, timeout };
    return {
      ...spec,
      timeout,
      onStdoutLine: (line) => {
        print('stdout', `[${target}] ${line}`);
        spec.onStdoutLine?.(line);
      },
      onStderrLine: (line) => {
        print('stderr', `[${target}] ${line}`);
        spec.onStderrLine?.(line);
      },
    };
  };

  const settleRan = (result: ExecResult, began: number): ExecResult => {
    commands += 1;
    markHealthy();
    const duration = deps.now() - began;
    if (result.exitCode === 0 && !result.timedOut && !result.isCanceled) {
      succeeded += 1;
      deps.emit('host:done', { target, duration, exitCode: 0 });
    } else {
      failed += 1;
      deps.emit('host:failed', { target, duration, error: undefined, exitCode: result.exitCode, timedOut: result.timedOut, started: true });
    }
    return result;
  };

  const settleFailed = (error: unknown, began: number): never => {
    const failure = error instanceof Error ? error : new Error(String(error));
    const started = !didNotStart(failure);
    if (isHostFailure(failure)) markDown(failure, began);
    else if (probing) probing = false;
    if (started) {
      commands += 1;
      failed += 1;
    }
    deps.emit('host:failed', { target, duration: deps.now() - began, error: failure, exitCode: undefined, timedOut: false, started });
    throw failure;
  };

  const notRun = (result: ExecResult, began: number): ExecResult => {
    if (probing) probing = false;
    deps.emit('host:failed', { target, duration: deps.now() - began, error: undefined, exitCode: undefined, timedOut: result.timedOut, started: false });
    return result;
  };

  const run = async (spec: ExecSpec, context: RunContext): Promise<ExecResult> => {
    const began = deps.now();
    inFlight += 1;
    deps.emit('host:start', { target });
    try {
      let outcome: ReadyOutcome;
      try {
        outcome = await ready(spec, context.startedAt);
      } catch (error) {
        return settleFailed(error, began);
      }
      if (outcome === 'aborted') return notRun(canceledBeforeStart(), began);
      if (outcome === 'timeout') return notRun(timedOutBeforeStart(deps.now() - context.startedAt), began);
      let result: ExecResult;
      try {
        result = await adapter.exec(specFor(spec, context));
      } catch (error) {
        return settleFailed(error, began);
      }
      return settleRan(result, began);
    } finally {
      inFlight -= 1;
    }
  };

  return {
    index,
    weight,
    target,
    opened,
    get inFlight() {
      return inFlight;
    },
    get suspect() {
      return failures > 0;
    },
    get lastError() {
      return lastFailure;
    },
    available(now) {
      return failures === 0 || (!probing && now >= downUntil);
    },
    claimProbe() {
      probing = true;
    },
    run,
    warm: (n) => deps.limiter.run(() => handle.warmPool(n)),
    stats() {
      const pool = handle.getPoolStats();
      return {
        target,
        weight,
        healthy: pool.circuit !== 'open' && (failures === 0 || (!probing && deps.now() >= downUntil)),
        inFlight,
        commands,
        succeeded,
        failed,
        consecutiveFailures: failures,
        lastFailure: lastFailure === undefined ? undefined : firstLine(lastFailure),
        pool,
      };
    },
  };
}
