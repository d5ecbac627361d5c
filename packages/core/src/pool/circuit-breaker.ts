/**
 * The circuit breaker. It counts failed connect attempts in sequence: attempts that ran side by side and
 * failed together (a wave) count once, and a failure more than `timeout` ms after the previous counted one
 * starts the count again. `threshold` counted failures open it; while open every caller fails fast. After
 * the open state's `wait` (`probeInterval` at first, doubled each time a probe fails, at most
 * `resetTimeout`) it is half-open and lets exactly one probe through at a time; `successThreshold`
 * successes close it (and the next opening waits `probeInterval` again), a failure reopens it.
 * Its state is a discriminated union carrying each state's data, it reads time only from the injected
 * clock, and the state it reports always follows that clock.
 */
import { cancel, schedule } from './clock.js';
import type { CircuitEvent, CircuitStateName, PoolClock, ResolvedCircuitBreakerOptions, TimerHandle } from './types.js';

/**
 * `failures` counts the counted failures (one per wave). `lastFailureAt` (for 'open': `openedAt`) is when
 * the last counted failure was recorded: a failed attempt that started before it belongs to its wave.
 * `wait` is how long this opening lasts; half-open keeps it so that a failed probe can double it.
 */
export type CircuitState =
  | { readonly kind: 'closed'; readonly failures: number; readonly lastFailureAt: number | undefined }
  | { readonly kind: 'open'; readonly failures: number; readonly openedAt: number; readonly wait: number }
  | {
      readonly kind: 'half-open';
      readonly failures: number;
      readonly successes: number;
      readonly probe: number | undefined;
      readonly wait: number;
      readonly lastFailureAt: number;
    };

/** Whether a caller may go ahead; a probe carries a token to report how it ended. */
export type Admission = { readonly allowed: true; readonly probe: number | undefined } | { readonly allowed: false; readonly retryAfter: number };

export interface CircuitBreaker {
  /** The state now (an open circuit whose wait has passed is reported, and becomes, half-open). */
  state(): CircuitState;
  admit(): Admission;
  recordSuccess(): void;
  /**
   * A connect attempt failed; `startedAt` is the clock time it started. It is not counted when it started
   * before the last counted failure was recorded: it failed together with that one.
   */
  recordFailure(startedAt: number): void;
  /** A probe ended: `served` counts as a success; otherwise its place is freed for the next caller. */
  settleProbe(token: number, served: boolean): void;
  dispose(): void;
}

export interface CircuitBreakerDeps {
  readonly clock: PoolClock;
  readonly target: string;
  readonly onTransition: (to: CircuitStateName, event: CircuitEvent) => void;
}

const ALWAYS: Admission = Object.freeze({ allowed: true, probe: undefined });
/** How long a caller turned away during a probe is told to wait, at most. */
const PROBE_RETRY_AFTER_MS = 1000;

/** The wait after a failed probe: doubled, at most `resetTimeout` (never shorter than the wait before). */
const nextWait = (wait: number, resetTimeout: number): number => Math.max(wait, Math.min(wait * 2, resetTimeout));

export function createCircuitBreaker(options: ResolvedCircuitBreakerOptions, deps: CircuitBreakerDeps): CircuitBreaker {
  const { clock } = deps;
  let current: CircuitState = { kind: 'closed', failures: 0, lastFailureAt: undefined };
  let timer: TimerHandle | undefined;
  let nextProbe = 0;

  const enter = (next: CircuitState): void => {
    current = next;
    const name: CircuitStateName = next.kind;
    deps.onTransition(name, { target: deps.target, failures: next.failures });
  };

  const open = (failures: number, wait: number): void => {
    cancel(clock, timer);
    const openedAt = clock.now();
    timer = schedule(clock, wait, () => {
      timer = undefined;
      state();
    });
    enter({ kind: 'open', failures, openedAt, wait });
  };

  const state = (): CircuitState => {
    // Closed with nothing counted: nothing can change with time (the hot path: every acquire asks).
    if (current.kind === 'closed' && current.failures === 0) return current;
    const now = clock.now();
    if (current.kind === 'open' && now - current.openedAt >= current.wait) {
      cancel(clock, timer);
      timer = undefined;
      const { failures, wait, openedAt } = current;
      enter({ kind: 'half-open', failures, successes: 0, probe: undefined, wait, lastFailureAt: openedAt });
    } else if (current.kind === 'closed' && current.failures > 0 && current.lastFailureAt !== undefined && now - current.lastFailureAt > options.timeout) {
      // The window has passed: the count starts again, but the wave of the last counted failure is remembered.
      current = { kind: 'closed', failures: 0, lastFailureAt: current.lastFailureAt };
    }
    return current;
  };

  const recordSuccess = (): void => {
    if (!options.enabled) return;
    const s = state();
    if (s.kind === 'closed') {
      if (s.failures > 0) current = { kind: 'closed', failures: 0, lastFailureAt: undefined };
    } else if (s.kind === 'half-open') {
      const successes = s.successes + 1;
      if (successes >= options.successThreshold) enter({ kind: 'closed', failures: 0, lastFailureAt: undefined });
      else current = { ...s, successes, probe: undefined };
    }
  };

  const recordFailure = (startedAt: number): void => {
    if (!options.enabled) return;
    const s = state();
    // While open no attempt starts: a failure now is from the wave that opened it.
    if (s.kind === 'open') return;
    if (s.lastFailureAt !== undefined && startedAt < s.lastFailureAt) return;
    if (s.kind === 'half-open') {
      open(s.failures + 1, nextWait(s.wait, options.resetTimeout));
      return;
    }
    const failures = s.failures + 1;
    if (failures >= options.threshold) open(failures, options.probeInterval);
    else current = { kind: 'closed', failures, lastFailureAt: clock.now() };
  };

  return {
    state,
    admit() {
      if (!options.enabled) return ALWAYS;
      const s = state();
      if (s.kind === 'closed') return ALWAYS;
      if (s.kind === 'open') return { allowed: false, retryAfter: Math.max(0, s.openedAt + s.wait - clock.now()) };
      if (s.probe !== undefined) return { allowed: false, retryAfter: Math.min(s.wait, PROBE_RETRY_AFTER_MS) };
      nextProbe += 1;
      current = { ...s, probe: nextProbe };
      return { allowed: true, probe: nextProbe };
    },
    recordSuccess,
    recordFailure,
    settleProbe(token, served) {
      const s = state();
      if (s.kind !== 'half-open' || s.probe !== token) return;
      if (served) recordSuccess();
      else current = { ...s, probe: undefined };
    },
    dispose() {
      cancel(clock, timer);
      timer = undefined;
    },
  };
}
