/**
 * Running a command (or any async block) again when it fails: how many times, how long to wait between
 * attempts, and which failures are worth another try (docs/commands.md#retry).
 */
import {
  AcquireTimeoutError,
  CommandError,
  ConfigError,
  ConnectionError,
  PoolExhaustedError,
  TimeoutError,
} from '@rexec/adapters';

export interface RetryOptions {
  /** How many times to run it again after the first failure (`retry(2)`: at most 3 runs). */
  readonly times: number;
  /** Milliseconds before the first retry. Default 0. */
  readonly delay?: number;
  /** How the delay grows: `'linear'` (delay × n), `'exponential'` (delay × 2ⁿ⁻¹). Default: it stays `delay`. */
  readonly backoff?: 'exponential' | 'linear';
  /** Randomize each delay: `true` picks it between 0 and the computed delay; a fraction `f` between (1 − f) and 1 of it. Default false. */
  readonly jitter?: boolean | number;
  /** Whether this failure is worth another run. Default `isRetryableFailure`. */
  readonly when?: (error: unknown) => boolean;
}

export interface ResolvedRetryOptions {
  readonly times: number;
  readonly delay: number;
  readonly backoff: 'exponential' | 'linear' | 'constant';
  /** Fraction of each delay taken off at random (0: none, 1: full jitter). */
  readonly jitter: number;
  readonly when: (error: unknown) => boolean;
}

/**
 * The default `when`: failures where running again can help and cannot run anything twice by surprise.
 * - `CommandError` (non-zero exit, killed by a signal, output over maxBuffer), except a canceled one;
 * - `TimeoutError`;
 * - `ConnectionError` with `started: false` (the command never started), and the pool's own refusals
 *   (`PoolExhaustedError`, `AcquireTimeoutError`): nothing ran.
 * Not: a `ConnectionError` with `started: true` — the connection was lost while the command ran, so it may
 * have completed, even successfully; running it again must be your decision (`when`). Nor `ConfigError`,
 * `AuthenticationError`, `HostKeyError`, `PoolClosedError`, `CircuitOpenError` or errors rexec does not know.
 */
export function isRetryableFailure(error: unknown): boolean {
  if (error instanceof CommandError) return !error.isCanceled;
  if (error instanceof ConnectionError) return !error.started;
  return error instanceof TimeoutError || error instanceof PoolExhaustedError || error instanceof AcquireTimeoutError;
}

const RETRY_KEYS: ReadonlySet<string> = new Set(['times', 'delay', 'backoff', 'jitter', 'when']);

function fail(option: string, problem: string): never {
  throw new ConfigError(`retry ${option === 'retry' ? '' : `option "${option.replace(/^retry\./, '')}" `}${problem}`, option);
}

/** Validates `retry(times)` or `retry({ times, delay, backoff, jitter, when })`; throws `ConfigError` naming the option. */
export function normalizeRetryOptions(input: unknown): ResolvedRetryOptions {
  const options: Partial<Record<keyof RetryOptions, unknown>> =
    typeof input === 'number' ? { times: input } : typeof input === 'object' && input !== null && !Array.isArray(input) ? input : fail('retry', `takes a number of retries or an options object { times, delay, backoff, jitter, when }, got ${String(input)}`);
  const unknown = Object.keys(options).filter((key) => !RETRY_KEYS.has(key));
  if (unknown.length > 0) fail(`retry.${unknown[0] ?? ''}`, `is not known (known: ${[...RETRY_KEYS].join(', ')}); remove it`);
  const { times, delay = 0, backoff, jitter = false, when = isRetryableFailure } = options;
  if (typeof times !== 'number' || !Number.isSafeInteger(times) || times < 0) {
    fail('retry.times', `must be a whole number of retries >= 0 (retry(2) runs a command at most 3 times), got ${String(times)}`);
  }
  if (typeof delay !== 'number' || !Number.isFinite(delay) || delay < 0) fail('retry.delay', `must be a finite number of milliseconds >= 0, got ${String(delay)}`);
  if (backoff !== undefined && backoff !== 'exponential' && backoff !== 'linear') {
    fail('retry.backoff', `must be 'exponential' or 'linear' (or left out for a constant delay), got ${JSON.stringify(backoff) ?? typeof backoff}`);
  }
  const jitterFraction = jitter === true ? 1 : jitter === false ? 0 : jitter;
  if (typeof jitterFraction !== 'number' || !(jitterFraction >= 0 && jitterFraction <= 1)) {
    fail('retry.jitter', `must be true, false or a fraction between 0 and 1, got ${String(jitter)}`);
  }
  if (typeof when !== 'function') fail('retry.when', `must be a function (error) => boolean, got ${typeof when}`);
  return Object.freeze({ times, delay, backoff: backoff ?? 'constant', jitter: jitterFraction, when: when as (error: unknown) => boolean });
}

/** Milliseconds to wait after failed attempt `attempt` (1 for the first run), before the next one. `random` returns [0, 1). */
export function retryDelay(attempt: number, options: Pick<ResolvedRetryOptions, 'delay' | 'backoff' | 'jitter'>, random: () => number = Math.random): number {
  const base =
    options.backoff === 'exponential' ? options.delay * 2 ** (attempt - 1) : options.backoff === 'linear' ? options.delay * attempt : options.delay;
  const capped = Math.min(base, MAX_DELAY_MS);
  return options.jitter === 0 ? capped : capped * (1 - options.jitter * random());
}

/** No wait is longer than this (a timer cannot be; 2³¹ − 1 ms is about 24.8 days). */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** Records on `error` how many attempts were made (`error.attempts`), when it is an object that can take it. */
export function recordAttempts(error: unknown, attempts: number): void {
  if (typeof error !== 'object' || error === null || !Object.isExtensible(error)) return;
  try {
    Object.defineProperty(error, 'attempts', { value: attempts, enumerable: true, configurable: true, writable: true });
  } catch {
    // A frozen or exotic error keeps what it had.
  }
}

/**
 * Runs `fn` (given the attempt number, from 1) until it resolves, or until it has failed `times + 1` times
 * or with an error `when` rejects: then rejects with that last error, its `attempts` set. Waits between
 * attempts as `delay`, `backoff` and `jitter` say. For one command, `$\`...\`.retry(options)` does the same.
 */
export async function retry<T>(options: number | RetryOptions, fn: (attempt: number) => T | PromiseLike<T>): Promise<Awaited<T>> {
  const resolved = normalizeRetryOptions(options);
  if (typeof fn !== 'function') throw new TypeError('retry(options, fn) needs a function to run, e.g. retry(3, () => $`curl -fsS ${url}`)');
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt > resolved.times || !resolved.when(error)) {
        if (attempt > 1) recordAttempts(error, attempt);
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, retryDelay(attempt, resolved)));
    }
  }
}
