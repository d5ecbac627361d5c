import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../test/pool/manual-clock.js';
import { createCircuitBreaker } from './circuit-breaker.js';
import { CIRCUIT_BREAKER_DEFAULTS } from './normalize-pool-options.js';
import type { CircuitStateName, ResolvedCircuitBreakerOptions } from './types.js';

function setup(overrides: Partial<ResolvedCircuitBreakerOptions> = {}) {
  const clock = createManualClock();
  const transitions: Array<{ to: CircuitStateName; failures: number }> = [];
  const options = { ...CIRCUIT_BREAKER_DEFAULTS, threshold: 3, timeout: 1000, resetTimeout: 5000, probeInterval: 1000, ...overrides };
  const breaker = createCircuitBreaker(options, {
    clock,
    target: 'db',
    onTransition: (to, event) => transitions.push({ to, failures: event.failures }),
  });
  /** `n` attempts in sequence: each starts (now) after the one before failed. */
  const fail = (n: number): void => {
    for (let i = 0; i < n; i += 1) breaker.recordFailure(clock.now());
  };
  /** `n` attempts that start together and, `took` ms later, fail together. */
  const wave = (n: number, took = 50): void => {
    const startedAt = clock.now();
    clock.advance(took);
    for (let i = 0; i < n; i += 1) breaker.recordFailure(startedAt);
  };
  /** Takes the probe place of a half-open circuit; returns its token. */
  const probe = (): number => {
    const admission = breaker.admit();
    if (!admission.allowed || admission.probe === undefined) throw new Error('expected a probe');
    return admission.probe;
  };
  return { clock, breaker, transitions, fail, wave, probe };
}

describe('circuit breaker', () => {
  it('opens after `threshold` failures in sequence, once', () => {
    const { breaker, transitions, fail } = setup();
    fail(2);
    expect(breaker.state().kind).toBe('closed');
    fail(1);
    expect(breaker.state().kind).toBe('open');
    fail(5);
    expect(transitions).toEqual([{ to: 'open', failures: 3 }]);
  });

  it('counts attempts that ran in parallel and failed together once', () => {
    const { breaker, transitions, wave } = setup();
    wave(4);
    expect(breaker.state()).toMatchObject({ kind: 'closed', failures: 1 });
    wave(4);
    expect(breaker.state()).toMatchObject({ kind: 'closed', failures: 2 });
    wave(100);
    expect(breaker.state()).toMatchObject({ kind: 'open', failures: 3 });
    expect(transitions).toEqual([{ to: 'open', failures: 3 }]);
  });

  it('counts each failure of attempts in sequence, each started once the one before had failed', () => {
    const { breaker, clock } = setup();
    for (let i = 0; i < 2; i += 1) {
      const startedAt = clock.now();
      clock.advance(20);
      breaker.recordFailure(startedAt);
    }
    expect(breaker.state()).toMatchObject({ kind: 'closed', failures: 2 });
    const late = clock.now() - 1;
    breaker.recordFailure(late);
    expect(breaker.state()).toMatchObject({ kind: 'closed', failures: 2 });
    breaker.recordFailure(clock.now());
    expect(breaker.state().kind).toBe('open');
  });

  it('counts only consecutive failures: a success starts again from zero', () => {
    const { breaker, fail } = setup();
    fail(2);
    breaker.recordSuccess();
    fail(2);
    expect(breaker.state()).toMatchObject({ kind: 'closed', failures: 2 });
  });

  it('starts the count again at 1 for a failure more than `timeout` after the previous counted one', () => {
    const { breaker, clock, fail } = setup();
    fail(1);
    clock.advance(1000);
    fail(1);
    expect(breaker.state()).toMatchObject({ kind: 'closed', failures: 2 });
    clock.advance(1001);
    expect(breaker.state()).toMatchObject({ kind: 'closed', failures: 0 });
    fail(1);
    expect(breaker.state()).toMatchObject({ kind: 'closed', failures: 1 });
    clock.advance(1001);
    fail(1);
    clock.advance(1001);
    fail(1);
    expect(breaker.state()).toMatchObject({ kind: 'closed', failures: 1 });
  });

  it('still treats a late failure of the last counted wave as part of it once the window has passed', () => {
    const { breaker, clock } = setup();
    const startedAt = clock.now();
    clock.advance(10);
    breaker.recordFailure(startedAt);
    clock.advance(5000);
    breaker.recordFailure(startedAt);
    expect(breaker.state()).toMatchObject({ kind: 'closed', failures: 0 });
  });

  it('stays open `probeInterval` ms after the first opening, failing fast with the ms left', () => {
    const { breaker, clock, fail } = setup({ probeInterval: 300 });
    fail(3);
    expect(breaker.state()).toMatchObject({ kind: 'open', wait: 300 });
    clock.advance(100);
    expect(breaker.admit()).toEqual({ allowed: false, retryAfter: 200 });
    clock.advance(199);
    expect(breaker.state().kind).toBe('open');
    clock.advance(1);
    expect(breaker.state().kind).toBe('half-open');
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
    const breaker = createCircuitBreaker({ ...CIRCUIT_BREAKER_DEFAULTS, threshold: 1, probeInterval: 1000 }, { clock: frozenTimers, target: 't', onTransition: () => undefined });
    breaker.recordFailure(0);
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
    for (let i = 0; i < 10; i += 1) expect(breaker.admit()).toEqual({ allowed: false, retryAfter: 1000 });
  });

  it('closes after `successThreshold` successes and emits close once', () => {
    const { breaker, clock, transitions, fail, probe } = setup({ successThreshold: 2 });
    fail(3);
    clock.advance(1000);
    breaker.settleProbe(probe(), true);
    expect(breaker.state().kind).toBe('half-open');
    const second = probe();
    breaker.recordSuccess();
    breaker.settleProbe(second, true);
    expect(breaker.state()).toMatchObject({ kind: 'closed', failures: 0 });
    expect(transitions.map((t) => t.to)).toEqual(['open', 'half-open', 'closed']);
  });

  it('reopens when a probe fails, doubling the wait up to `resetTimeout`; retryAfter follows the wait', () => {
    const { breaker, clock, transitions, fail, probe } = setup();
    fail(3);
    const waits: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const s = breaker.state();
      if (s.kind !== 'open') throw new Error('expected open');
      waits.push(s.wait);
      expect(breaker.admit()).toEqual({ allowed: false, retryAfter: s.wait });
      clock.advance(s.wait - 1);
      expect(breaker.state().kind).toBe('open');
      clock.advance(1);
      expect(breaker.state().kind).toBe('half-open');
      probe();
      breaker.recordFailure(clock.now());
    }
    expect(waits).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(breaker.state()).toMatchObject({ kind: 'open', wait: 5000, failures: 8 });
    expect(transitions.map((t) => t.to)).toEqual(['open', ...Array.from({ length: 5 }, () => ['half-open', 'open']).flat()]);
  });

  it('a success closes it and the next opening waits `probeInterval` again', () => {
    const { breaker, clock, fail, probe } = setup();
    fail(3);
    clock.advance(1000);
    probe();
    breaker.recordFailure(clock.now());
    clock.advance(2000);
    probe();
    breaker.recordFailure(clock.now());
    expect(breaker.state()).toMatchObject({ kind: 'open', wait: 4000 });
    clock.advance(4000);
    breaker.settleProbe(probe(), true);
    expect(breaker.state()).toMatchObject({ kind: 'closed', failures: 0 });
    fail(3);
    expect(breaker.state()).toMatchObject({ kind: 'open', wait: 1000 });
    expect(breaker.admit()).toEqual({ allowed: false, retryAfter: 1000 });
  });

  it('never waits less than `probeInterval`, even above `resetTimeout`', () => {
    const { breaker, clock, fail, probe } = setup({ probeInterval: 8000, resetTimeout: 5000 });
    fail(3);
    clock.advance(8000);
    probe();
    breaker.recordFailure(clock.now());
    expect(breaker.state()).toMatchObject({ kind: 'open', wait: 8000 });
  });

  it('does not reopen for a failure of the wave that opened it, arriving while half-open', () => {
    const { breaker, clock, fail } = setup();
    const before = clock.now();
    clock.advance(10);
    fail(3);
    clock.advance(1000);
    breaker.recordFailure(before);
    expect(breaker.state().kind).toBe('half-open');
  });

  it('frees the probe place when the probe gives up, and ignores a stale probe', () => {
    const { breaker, clock, fail, probe } = setup();
    fail(3);
    clock.advance(1000);
    const stale = probe();
    breaker.settleProbe(stale, false);
    const next = breaker.admit();
    expect(next.allowed).toBe(true);
    breaker.settleProbe(stale, true);
    expect(breaker.state().kind).toBe('half-open');
  });

  it('is never left stuck open by a burst of concurrent failures', () => {
    const { breaker, clock, transitions, fail, wave } = setup();
    fail(3);
    wave(200, 999);
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
