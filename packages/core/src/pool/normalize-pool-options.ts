/**
 * The one place pool options get their defaults and are checked. Invalid values and unknown keys
 * throw a `ConfigError` naming the option (`pool.<name>`), at construction.
 */
import { ConfigError } from '@rexec/adapters';
import { MAX_TIMER_MS, systemClock } from './clock.js';
import { invalidOptionMessage, notAnObjectMessage, unknownOptionsMessage } from './pool-messages.js';
import type { PoolClock, PoolOptions, ResolvedCircuitBreakerOptions, ResolvedPoolOptions } from './types.js';

export const CIRCUIT_BREAKER_DEFAULTS: ResolvedCircuitBreakerOptions = Object.freeze({
  enabled: true,
  threshold: 5,
  timeout: 30_000,
  resetTimeout: 60_000,
  successThreshold: 1,
  probeInterval: 1000,
});

export const POOL_DEFAULTS = Object.freeze({
  target: 'pool',
  min: 0,
  max: 5,
  maxLeases: 1,
  idle: 60_000,
  acquire: 10_000,
  evictionRun: 30_000,
  maxLifetime: Number.POSITIVE_INFINITY,
  maxConnecting: 4,
  leaseWarning: 60_000,
  validate: true,
  validateInterval: 30_000,
  validateOnBorrow: true,
  validateOnReturn: false,
  validateAfterIdle: 5000,
  validateTimeout: 2000,
  healthCheckRetries: 1,
  queueSize: 100,
  queuePriority: 'fifo' as const,
  retryFailed: true,
  retryAttempts: 3,
  retryDelay: 1000,
  recreateOnError: true,
  metrics: false,
  metricsInterval: 5000,
});

type Check = (name: string, value: unknown) => void;

const fail = (name: string, expected: string, got: unknown, hint: string): never => {
  throw new ConfigError(invalidOptionMessage(name, expected, got, hint), `pool.${name}`);
};
const isNumber = (value: unknown): value is number => typeof value === 'number' && !Number.isNaN(value);

/** An integer count at least `least` (`Infinity` allowed when `unbounded`). */
const count = (least: number, hint: string, unbounded = false): Check => (name, value) => {
  const ok = isNumber(value) && value >= least && (Number.isInteger(value) || (unbounded && value === Infinity));
  if (!ok) fail(name, `an integer ≥ ${least}${unbounded ? ' (or Infinity)' : ''}`, value, hint);
};
/** A duration in ms: positive (or ≥ 0), `Infinity` allowed when `never` says what it means. */
const ms = (hint: string, options: { zero?: boolean; never?: boolean } = {}): Check => (name, value) => {
  const lowOk = isNumber(value) && (options.zero === true ? value >= 0 : value > 0);
  const ok = lowOk && (value <= MAX_TIMER_MS || (options.never === true && value === Infinity));
  const range = `${options.zero === true ? 'a number of ms ≥ 0' : 'a number of ms > 0'} and ≤ ${MAX_TIMER_MS}`;
  if (!ok) fail(name, `${range}${options.never === true ? ' (or Infinity for never)' : ''}`, value, hint);
};
const bool: Check = (name, value) => {
  if (typeof value !== 'boolean') fail(name, 'true or false', value, `Set ${name} to true or false.`);
};

const CHECKS: Readonly<Record<Exclude<keyof PoolOptions, 'circuitBreaker' | 'clock'>, Check>> = {
  target: (name, value) => {
    if (typeof value !== 'string' || value === '') fail(name, 'a non-empty string', value, 'Name what the pool holds, e.g. "db:5432".');
  },
  min: count(0, 'Set min to how many resources to keep, e.g. 0.'),
  max: count(1, 'Set max to the most resources the pool may hold, e.g. 5.'),
  maxLeases: count(1, 'Set maxLeases to how many holders may share one resource at once, e.g. 1 (exclusive) or 8.'),
  idle: ms('Set idle to the ms a resource above min may stay unused.', { never: true }),
  acquire: ms('Set acquire to the ms an acquire may take in all, e.g. 10000.', { never: true }),
  evictionRun: ms('Set evictionRun to the ms between idle/lifetime sweeps, e.g. 30000.'),
  maxLifetime: ms('Set maxLifetime to the ms after which a resource is retired, or Infinity.', { never: true }),
  maxConnecting: count(1, 'Set maxConnecting to how many creates may run at once, e.g. 4.'),
  leaseWarning: ms('Set leaseWarning to the ms a borrower may hold a resource before pool:leak fires.', { never: true }),
  validate: bool,
  validateInterval: ms('Set validateInterval to the ms between checks of idle resources, e.g. 30000.'),
  validateOnBorrow: bool,
  validateOnReturn: bool,
  validateAfterIdle: ms('Set validateAfterIdle to the ms after its last use that a resource is checked before it is lent, e.g. 5000 (0 checks every time).', { zero: true, never: true }),
  validateTimeout: ms('Set validateTimeout to the ms one check may take, e.g. 2000.'),
  validator: (name, value) => {
    if (value !== undefined && typeof value !== 'function') fail(name, 'a function (resource) => Promise<boolean>', value, 'Pass an async function that resolves true while the resource is usable.');
  },
  healthCheckRetries: count(1, 'Set healthCheckRetries to the failed checks before a resource is destroyed, e.g. 1.'),
  queueSize: count(0, 'Set queueSize to how many acquires may wait, e.g. 100.', true),
  queueTimeout: ms('Set queueTimeout to the ms an acquire may wait in the queue.', { never: true }),
  queuePriority: (name, value) => {
    if (value !== 'fifo' && value !== 'lifo') fail(name, '"fifo" or "lifo"', value, 'Use "fifo" (oldest waiter first) or "lifo" (newest first).');
  },
  retryFailed: bool,
  retryAttempts: count(0, 'Set retryAttempts to how many times a failed create is retried, e.g. 3.'),
  retryDelay: ms('Set retryDelay to the ms before the first retry, e.g. 1000.', { zero: true }),
  recreateOnError: bool,
  metrics: bool,
  metricsInterval: ms('Set metricsInterval to the ms between pool:metrics events, e.g. 5000.'),
};

const BREAKER_CHECKS: Readonly<Record<keyof ResolvedCircuitBreakerOptions, Check>> = {
  enabled: bool,
  threshold: count(1, 'Set circuitBreaker.threshold to the failed connect attempts in sequence that open the circuit, e.g. 5.'),
  timeout: ms('Set circuitBreaker.timeout to the ms within which threshold failures open the circuit, e.g. 30000.'),
  resetTimeout: ms('Set circuitBreaker.resetTimeout to the most ms the circuit stays open between probes, e.g. 60000.'),
  successThreshold: count(1, 'Set circuitBreaker.successThreshold to the probes that close the circuit, e.g. 1.'),
  probeInterval: ms('Set circuitBreaker.probeInterval to the ms the circuit stays open before the first probe, e.g. 1000.'),
};

export const POOL_OPTION_NAMES: readonly string[] = Object.freeze([...Object.keys(CHECKS), 'circuitBreaker', 'clock']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isClock(value: unknown): value is PoolClock {
  return isPlainObject(value) && ['now', 'setTimeout', 'clearTimeout'].every((key) => typeof value[key] === 'function');
}

/** Checks `raw` against `checks`; unknown keys are named in one error. Undefined values mean "default". */
function checkKeys(where: string, prefix: string, raw: Record<string, unknown>, checks: Readonly<Record<string, Check>>, extra: readonly string[]): void {
  const known = [...Object.keys(checks), ...extra];
  const unknown = Object.keys(raw).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw new ConfigError(unknownOptionsMessage(where, unknown, known), `pool.${prefix}${unknown[0] ?? ''}`);
  for (const [key, check] of Object.entries(checks)) {
    if (raw[key] !== undefined) check(`${prefix}${key}`, raw[key]);
  }
}

export function normalizePoolOptions<T>(options: PoolOptions<T> | undefined): ResolvedPoolOptions<T> {
  if (options === undefined) options = {};
  if (!isPlainObject(options)) throw new ConfigError(notAnObjectMessage('Pool options', options), 'pool');
  const raw = options;
  checkKeys('pool', '', raw, CHECKS, ['circuitBreaker', 'clock']);
  const breakerRaw = raw['circuitBreaker'];
  if (breakerRaw !== undefined) {
    if (!isPlainObject(breakerRaw)) throw new ConfigError(notAnObjectMessage('pool.circuitBreaker', breakerRaw), 'pool.circuitBreaker');
    checkKeys('pool.circuitBreaker', 'circuitBreaker.', breakerRaw, BREAKER_CHECKS, []);
  }
  const clock: unknown = raw['clock'];
  if (clock !== undefined && !isClock(clock)) {
    fail('clock', 'an object with now(), setTimeout() and clearTimeout()', clock, 'Omit clock to use the system clock.');
  }
  const defined = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined)) as PoolOptions<T>;
  const merged = { ...POOL_DEFAULTS, ...defined };
  if (merged.min > merged.max) {
    fail('min', `at most max (${merged.max})`, merged.min, 'Lower min or raise max: min resources are kept, max are allowed.');
  }
  const breaker = Object.fromEntries(Object.entries(options.circuitBreaker ?? {}).filter(([, value]) => value !== undefined));
  return Object.freeze({
    ...merged,
    queueTimeout: defined.queueTimeout ?? merged.acquire,
    validator: defined.validator,
    circuitBreaker: Object.freeze({ ...CIRCUIT_BREAKER_DEFAULTS, ...breaker }),
    clock: isClock(clock) ? clock : systemClock,
  });
}
