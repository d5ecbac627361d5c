import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../test/pool/manual-clock.js';
import { createCircuitBreaker } from './circuit-breaker.js';
import { CIRCUIT_BREAKER_DEFAULTS } from './normalize-pool-options.js';
import type { CircuitStateName, ResolvedCircuitBreakerOptions } from './types.js';

function setup(overrides: Partial<ResolvedCircuitBreakerOptions> = {}) {
  const clock = createManualClock();
  const transitions: Array<{ to: CircuitStateName; failures: number }> = [];
  const options = { ...CIRCUIT_BREAKER_DEFAULTS, threshold: 3, timeout: 1000, resetTimeout: 5000, ...overrides };
  const breaker = createCircuitBreaker(options, {
    clock,
    target: 'db',
    onTransition: (to, event) => transitions.push({ to, failures: event.failures }),
  });
  const fail = (n: number): void => {
    for (let i = 0; i < n; i += 1) breaker.recordFailure();
  };
  return { clock, breaker, transitions, fail };
}

describe('circuit breaker', () => {
  it('opens after `threshold` consecutive failures, once', () => {
    const { breaker, transitions, fail } = setup();
    fail(2);
    expect(breaker.state().kind).toBe('closed');
    fail(1);
    expect(breaker.state().kind).toBe('open');
    fail(5);
    expect(transitions).toEqual([{ to: 'open', failures: 3 }]);
  });

  it('counts only consecutive failures: a success starts again from zero', () => {
    const { breaker, fail } = setup();
    fail(2);
    breaker.recordSuccess();
    fail(2);
    expect(breaker.state()).toMatchObject({ kind: 'closed', failures: 2 });
  });

  it('forgets failures after `resetTimeout` without one', () => {
    const { breaker, clock, fail } = setup();
    fail(2);
    clock.advance(5000);
    expect(breaker.state()).toMatchObject({ kind: 'closed', failures: 0 });
    fail(2);
    expect(breaker.state().kind).toBe('closed');
  });

  it('fails fast while open, with the ms left until the probe', () => {
    const { breaker, clock, fail } = setup();
    fail(3);
    clock.advance(400);
    expect(breaker.admit()).toEqual({ allowed: false, retryAfter: 600 });
  });

  it('reports half-open as soon as the clock says so, and emits it once', () => {
    const { breaker, clock, transitions, fail } = setup();
    fail(3);
    clock.advance(1000);
    expect(transitions.map((t) => t.to)).toEqual(['open', 'half-open']);
    expect(breaker.state().kind).toBe('half-open');
    expect(breaker.state().kind).toBe('half-open');
    expect(transitions.map((t) => t.to)).toEqual(['open', 'half-open']);
  });

  it('reads half-open from the clock even when no timer fired', () => {
    let now = 0;
    const frozenTimers = { now: () => now, setTimeout: () => ({}), clearTimeout: () => undefined };
    const breaker = createCircuitBreaker({ ...CIRCUIT_BREAKER_DEFAULTS, threshold: 1, timeout: 1000 }, { clock: frozenTimers, target: 't', onTransition: () => undefined });
    breaker.recordFailure();
    now = 999;
    expect(breaker.state().kind).toBe('open');
    now = 1000;
    expect(breaker.state().kind).toBe('half-open');
  });

  it('lets exactly one probe through when half-open; the others fail fast', () => {
    const { breaker, clock, fail } = setup();
    fail(3);
    clock.advance(1000);
    const probe = breaker.admit();
    expect(probe).toEqual({ allowed: true, probe: expect.any(Number) as number });
    for (let i = 0; i < 10; i += 1) expect(breaker.admit().allowed).toBe(false);
  });

  it('closes after `successThreshold` successes and emits close once', () => {
    const { breaker, clock, transitions, fail } = setup({ successThreshold: 2 });
    fail(3);
    clock.advance(1000);
    const first = breaker.admit();
    if (!first.allowed || first.probe === undefined) throw new Error('expected a probe');
    breaker.settleProbe(first.probe, true);
    expect(breaker.state().kind).toBe('half-open');
    const second = breaker.admit();
    if (!second.allowed || second.probe === undefined) throw new Error('expected a second probe');
    breaker.recordSuccess();
    breaker.settleProbe(second.probe, true);
    expect(breaker.state()).toMatchObject({ kind: 'closed', failures: 0 });
    expect(transitions.map((t) => t.to)).toEqual(['open', 'half-open', 'closed']);
  });

  it('reopens on a failure while half-open, for a full timeout', () => {
    const { breaker, clock, transitions, fail } = setup();
    fail(3);
    clock.advance(1000);
    breaker.admit();
    breaker.recordFailure();
    expect(breaker.state().kind).toBe('open');
    expect(breaker.admit()).toEqual({ allowed: false, retryAfter: 1000 });
    expect(transitions.map((t) => t.to)).toEqual(['open', 'half-open', 'open']);
  });

  it('frees the probe place when the probe gives up, and ignores a stale probe', () => {
    const { breaker, clock, fail } = setup();
    fail(3);
    clock.advance(1000);
    const stale = breaker.admit();
    if (!stale.allowed || stale.probe === undefined) throw new Error('expected a probe');
    breaker.settleProbe(stale.probe, false);
    const next = breaker.admit();
    expect(next.allowed).toBe(true);
    breaker.settleProbe(stale.probe, true);
    expect(breaker.state().kind).toBe('half-open');
  });

  it('is never left stuck open by a burst of concurrent failures', () => {
    const { breaker, clock, transitions, fail } = setup();
    fail(200);
    clock.advance(999);
    fail(200);
    clock.advance(1);
    expect(breaker.state().kind).toBe('half-open');
    expect(transitions.filter((t) => t.to === 'open')).toHaveLength(1);
  });

  it('does nothing when disabled', () => {
    const { breaker, transitions, fail } = setup({ enabled: false });
    fail(100);
    expect(breaker.admit()).toEqual({ allowed: true, probe: undefined });
    expect(transitions).toEqual([]);
  });

  it('unrefs its timer and cancels it on dispose', () => {
    const { breaker, clock, fail } = setup();
    fail(3);
    expect(clock.timers.every((t) => t.unrefed)).toBe(true);
    expect(clock.pendingTimers()).toBe(1);
    breaker.dispose();
    expect(clock.pendingTimers()).toBe(0);
  });
});
