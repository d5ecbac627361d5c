import {
  AcquireTimeoutError,
  AuthenticationError,
  CircuitOpenError,
  CommandError,
  ConfigError,
  ConnectionError,
  PoolExhaustedError,
  TimeoutError,
} from '@rexec/adapters';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProcessOutput } from './process-output.js';
import { isRetryableFailure, normalizeRetryOptions, retry, retryDelay } from './retry.js';

const failedOutput = new ProcessOutput({ stdout: '', stderr: 'boom', exitCode: 1, signal: null, duration: 1, command: 'x', target: 'local' });

afterEach(() => {
  vi.useRealTimers();
});

describe('isRetryableFailure (the default `when`)', () => {
  it.each([
    ['a non-zero exit', new CommandError(failedOutput), true],
    ['a canceled command (abort, kill)', new CommandError(failedOutput, { isCanceled: true }), false],
    ['a timeout', new TimeoutError('x', 10, failedOutput), true],
    ['a connection error before the command started', new ConnectionError('lost', 'u@h:22', { started: false }), true],
    ['a connection lost while the command ran (it may have completed)', new ConnectionError('lost', 'u@h:22', { started: true }), false],
    ['a full pool queue', new PoolExhaustedError('u@h:22', 4), true],
    ['a wait for the pool that timed out', new AcquireTimeoutError('u@h:22', 100), true],
    ['an open circuit', new CircuitOpenError('u@h:22', 1000), false],
    ['a ConfigError', new ConfigError('bad', 'x'), false],
    ['an AuthenticationError', new AuthenticationError('no', 'u@h:22', ['publickey']), false],
    ['an error rexec does not know', new Error('mine'), false],
  ])('%s → %s', (_name, error, expected) => {
    expect(isRetryableFailure(error)).toBe(expected);
  });
});

describe('normalizeRetryOptions', () => {
  it('takes a number of retries, or options with defaults', () => {
    expect(normalizeRetryOptions(2)).toMatchObject({ times: 2, delay: 0, backoff: 'constant', jitter: 0, when: isRetryableFailure });
    expect(normalizeRetryOptions({ times: 1, delay: 50, backoff: 'linear', jitter: true })).toMatchObject({ times: 1, delay: 50, backoff: 'linear', jitter: 1 });
    expect(normalizeRetryOptions({ times: 1, jitter: 0.25 }).jitter).toBe(0.25);
  });

  it.each([
    [-1, 'retry.times', /whole number of retries >= 0/],
    [1.5, 'retry.times', /whole number/],
    ['3', 'retry', /number of retries or an options object/],
    [{ delay: 10 }, 'retry.times', /times/],
    [{ times: 1, delay: -5 }, 'retry.delay', /milliseconds >= 0/],
    [{ times: 1, backoff: 'fibonacci' }, 'retry.backoff', /'exponential' or 'linear'/],
    [{ times: 1, jitter: 2 }, 'retry.jitter', /fraction between 0 and 1/],
    [{ times: 1, when: 'always' }, 'retry.when', /function/],
    [{ times: 1, retries: 3 }, 'retry.retries', /not known \(known: times, delay, backoff, jitter, when\)/],
  ])('refuses %j with a ConfigError naming %s', (input, option, message) => {
    let caught: unknown;
    try {
      normalizeRetryOptions(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).option).toBe(option);
    expect((caught as Error).message).toMatch(message);
  });
});

describe('retryDelay', () => {
  const at = (backoff: 'constant' | 'linear' | 'exponential', jitter = 0, random = () => 0.5) =>
    [1, 2, 3, 4].map((attempt) => retryDelay(attempt, { delay: 100, backoff, jitter }, random));

  it('keeps the delay constant, or grows it linearly or exponentially', () => {
    expect(at('constant')).toEqual([100, 100, 100, 100]);
    expect(at('linear')).toEqual([100, 200, 300, 400]);
    expect(at('exponential')).toEqual([100, 200, 400, 800]);
  });

  it('jitter takes up to that fraction off at random (full jitter: anywhere between 0 and the delay)', () => {
    expect(at('exponential', 1, () => 0.5)).toEqual([50, 100, 200, 400]);
    expect(at('constant', 1, () => 0)).toEqual([100, 100, 100, 100]);
    expect(at('constant', 0.2, () => 0.999999).map(Math.round)).toEqual([80, 80, 80, 80]);
  });

  it('never waits longer than a timer can', () => {
    expect(retryDelay(80, { delay: 1000, backoff: 'exponential', jitter: 0 })).toBe(2 ** 31 - 1);
  });
});

describe('retry(options, fn)', () => {
  it('runs fn until it resolves, waiting the backoff between attempts', async () => {
    vi.useFakeTimers();
    const attempts: number[] = [];
    const started = Date.now();
    const waits: number[] = [];
    const pending = retry({ times: 3, delay: 100, backoff: 'exponential' }, (attempt) => {
      attempts.push(attempt);
      waits.push(Date.now() - started);
      if (attempt < 3) throw new CommandError(failedOutput);
      return 'done';
    });
    await vi.runAllTimersAsync();
    expect(await pending).toBe('done');
    expect(attempts).toEqual([1, 2, 3]);
    expect(waits).toEqual([0, 100, 300]);
  });

  it('rejects with the last error, its attempts set, after times + 1 runs', async () => {
    vi.useFakeTimers();
    const fn = vi.fn(() => Promise.reject(new TimeoutError('x', 5, failedOutput)));
    const pending = retry(2, fn).catch((error: unknown) => error);
    await vi.runAllTimersAsync();
    const error = (await pending) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.attempts).toBe(3);
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('does not retry what `when` refuses; by default a ConnectionError that may have run', async () => {
    const lost = new ConnectionError('lost while running', 'u@h:22', { started: true });
    const fn = vi.fn(() => Promise.reject(lost));
    await expect(retry(5, fn)).rejects.toBe(lost);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(lost.attempts).toBe(1);

    const ours = vi.fn().mockRejectedValueOnce(lost).mockResolvedValueOnce('second');
    expect(await retry({ times: 1, when: (error) => error instanceof ConnectionError }, ours)).toBe('second');
  });

  it('needs a function', async () => {
    await expect(retry(1, undefined as never)).rejects.toThrow(TypeError);
  });
});
