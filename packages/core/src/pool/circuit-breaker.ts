/**
 * The circuit breaker: `threshold` consecutive failures open it; while open every caller fails fast;
 * after `timeout` it is half-open and lets exactly one probe through at a time; `successThreshold`
 * successes close it, a failure reopens it. Its state is a discriminated union carrying each state's
 * data, it reads time only from the injected clock, and the state it reports always follows that clock.
 */
import { cancel, schedule } from './clock.js';
import type { CircuitEvent, CircuitStateName, PoolClock, ResolvedCircuitBreakerOptions, TimerHandle } from './types.js';

export type CircuitState =
  | { readonly kind: 'closed'; readonly failures: number; readonly lastFailureAt: number | undefined }
  | { readonly kind: 'open'; readonly failures: number; readonly openedAt: number }
  | { readonly kind: 'half-open'; readonly failures: number; readonly successes: number; readonly probe: number | undefined };

/** Whether a caller may go ahead; a probe carries a token to report how it ended. */
export type Admission = { readonly allowed: true; readonly probe: number | undefined } | { readonly allowed: false; readonly retryAfter: number };

export interface CircuitBreaker {
  /** The state now (an open circuit whose timeout has passed is reported, and becomes, half-open). */
  state(): CircuitState;
  admit(): Admission;
  recordSuccess(): void;
  recordFailure(): void;
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

  const open = (failures: number): void => {
    cancel(clock, timer);
    const openedAt = clock.now();
    timer = schedule(clock, options.timeout, () => {
      timer = undefined;
      state();
    });
    enter({ kind: 'open', failures, openedAt });
  };

  const state = (): CircuitState => {
    const now = clock.now();
    if (current.kind === 'open' && now - current.openedAt >= options.timeout) {
      cancel(clock, timer);
      timer = undefined;
      enter({ kind: 'half-open', failures: current.failures, successes: 0, probe: undefined });
    } else if (current.kind === 'closed' && current.lastFailureAt !== undefined && now - current.lastFailureAt >= options.resetTimeout) {
      current = { kind: 'closed', failures: 0, lastFailureAt: undefined };
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

  return {
    state,
    admit() {
      if (!options.enabled) return ALWAYS;
      const s = state();
      if (s.kind === 'closed') return ALWAYS;
      if (s.kind === 'open') return { allowed: false, retryAfter: Math.max(0, s.openedAt + options.timeout - clock.now()) };
      if (s.probe !== undefined) return { allowed: false, retryAfter: Math.min(options.timeout, PROBE_RETRY_AFTER_MS) };
      nextProbe += 1;
      current = { ...s, probe: nextProbe };
      return { allowed: true, probe: nextProbe };
    },
    recordSuccess,
    recordFailure() {
      if (!options.enabled) return;
      const s = state();
      if (s.kind === 'closed') {
        const failures = s.failures + 1;
        if (failures >= options.threshold) open(failures);
        else current = { kind: 'closed', failures, lastFailureAt: clock.now() };
      } else if (s.kind === 'half-open') {
        open(s.failures + 1);
      }
    },
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
