import { ConfigError } from '@rexec/adapters';
import { thrownBy } from '@rexec/testing';
import { describe, expect, it } from 'vitest';
import { normalizeKeyedPoolOptions } from './normalize-keyed-pool-options.js';
import { CIRCUIT_BREAKER_DEFAULTS, normalizePoolOptions, POOL_DEFAULTS } from './normalize-pool-options.js';
import type { PoolOptions } from './types.js';

const configError = (run: () => unknown): ConfigError => thrownBy(run, ConfigError);

describe('normalizePoolOptions', () => {
  it('applies the documented defaults (docs/pool.md#options) from one frozen object', () => {
    const resolved = normalizePoolOptions(undefined);
    expect(resolved).toMatchObject({ ...POOL_DEFAULTS, queueTimeout: 10_000, circuitBreaker: CIRCUIT_BREAKER_DEFAULTS });
    expect(resolved).toMatchObject({ min: 0, max: 5, idle: 60_000, acquire: 10_000, maxConnecting: 4, queueSize: 100, queuePriority: 'fifo' });
    expect(resolved.circuitBreaker).toEqual({ enabled: true, threshold: 5, timeout: 30_000, resetTimeout: 60_000, successThreshold: 1, probeInterval: 1000 });
    expect(Object.isFrozen(POOL_DEFAULTS)).toBe(true);
    expect(Object.isFrozen(resolved)).toBe(true);
  });

  it('lets explicit options win, and queueTimeout follow acquire', () => {
    const resolved = normalizePoolOptions({ max: 9, acquire: 250, circuitBreaker: { threshold: 2 } });
    expect(resolved).toMatchObject({ max: 9, acquire: 250, queueTimeout: 250 });
    expect(resolved.circuitBreaker).toEqual({ ...CIRCUIT_BREAKER_DEFAULTS, threshold: 2 });
  });

  it('treats undefined values as "use the default"', () => {
    expect(normalizePoolOptions({ max: undefined, min: undefined }).max).toBe(5);
  });

  it('rejects unknown keys, naming each one and suggesting the likely option', () => {
    const error = configError(() => normalizePoolOptions({ maxx: 3, fooBar: 1 } as PoolOptions));
    expect(error.message).toContain('"maxx" (did you mean "max"?)');
    expect(error.message).toContain('"fooBar"');
    expect(error.option).toBe('pool.maxx');
  });

  it('rejects unknown circuitBreaker keys', () => {
    const error = configError(() => normalizePoolOptions({ circuitBreaker: { treshold: 3 } as PoolOptions['circuitBreaker'] }));
    expect(error.message).toContain('"treshold" (did you mean "threshold"?)');
    expect(error.option).toBe('pool.circuitBreaker.treshold');
  });

  it.each([0, -1, Number.NaN, 3_000_000_000])('rejects circuitBreaker.probeInterval = %s, saying what to set', (value) => {
    const error = configError(() => normalizePoolOptions({ circuitBreaker: { probeInterval: value } }));
    expect(error.option).toBe('pool.circuitBreaker.probeInterval');
    expect(error.message).toContain('a number of ms > 0');
    expect(error.message).toContain('Set circuitBreaker.probeInterval to the ms');
  });

  it.each([
    ['min', -1],
    ['max', 0],
    ['max', Number.NaN],
    ['max', 2.5],
    ['idle', -5],
    ['acquire', 0],
    ['evictionRun', Infinity],
    ['retryAttempts', -1],
    ['retryDelay', Number.NaN],
    ['healthCheckRetries', 0],
    ['queueSize', -1],
    ['metricsInterval', 3_000_000_000],
    ['validate', 'yes'],
  ] as const)('rejects %s = %s with a ConfigError naming it', (name, value) => {
    const error = configError(() => normalizePoolOptions({ [name]: value }));
    expect(error.option).toBe(`pool.${name}`);
    expect(error.message).toContain(`"${name}"`);
    expect(error.message).toMatch(/expected .+, got .+\. /);
  });

  it('rejects min > max and says how to fix it', () => {
    const error = configError(() => normalizePoolOptions({ min: 4, max: 2 }));
    expect(error.option).toBe('pool.min');
    expect(error.message).toContain('at most max (2)');
  });

  it('rejects an unknown queuePriority', () => {
    const error = configError(() => normalizePoolOptions({ queuePriority: 'random' as 'fifo' }));
    expect(error.message).toContain('"fifo" or "lifo"');
  });

  it('accepts Infinity where it means "never"', () => {
    const resolved = normalizePoolOptions({ maxLifetime: Infinity, leaseWarning: Infinity, queueSize: Infinity, acquire: Infinity });
    expect(resolved.maxLifetime).toBe(Infinity);
    expect(resolved.queueSize).toBe(Infinity);
  });

  it('rejects a clock without timers, a non-function validator and non-object options', () => {
    expect(configError(() => normalizePoolOptions({ clock: { now: () => 1 } as unknown as PoolOptions['clock'] })).option).toBe('pool.clock');
    expect(configError(() => normalizePoolOptions({ validator: 'echo ok' as unknown as PoolOptions['validator'] })).option).toBe('pool.validator');
    expect(configError(() => normalizePoolOptions(7 as unknown as PoolOptions)).option).toBe('pool');
  });
});

describe('normalizeKeyedPoolOptions', () => {
  it('maps maxPerKey to each key pool\'s max and defaults maxTotal to Infinity', () => {
    const keyed = normalizeKeyedPoolOptions({ maxPerKey: 3 });
    expect(keyed).toMatchObject({ maxPerKey: 3, maxTotal: Infinity });
    expect(keyed.resolved.max).toBe(3);
  });

  it('rejects max (it is maxPerKey here), bad limits, and bad pool options', () => {
    expect(configError(() => normalizeKeyedPoolOptions({ max: 3 } as never)).message).toContain('use maxPerKey');
    expect(configError(() => normalizeKeyedPoolOptions({ maxTotal: 0 })).option).toBe('pool.maxTotal');
    expect(configError(() => normalizeKeyedPoolOptions({ maxPerKey: -1 })).option).toBe('pool.maxPerKey');
    expect(configError(() => normalizeKeyedPoolOptions({ maxPerKey: 2, min: 3 })).option).toBe('pool.min');
  });
});
