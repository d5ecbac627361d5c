import { ConfigError } from '@rexec/adapters';
import { thrownBy } from '@rexec/testing';
import { describe, expect, it } from 'vitest';
import { normalizeSshPoolOptions } from './normalize-ssh-pool-options.js';
import { poolKey } from './pool-key.js';
import { createPoolRegistry } from './pool-registry.js';

const TARGET = 'me@db:22';

const configError = (run: () => unknown): ConfigError => thrownBy(run, ConfigError);

describe('SSH pool options', () => {
  it('applies the documented defaults (docs/ssh.md#options) when neither options nor environment say otherwise', () => {
    const { pool, maxChannels, validator } = normalizeSshPoolOptions(undefined, TARGET, {});
    expect(pool).toMatchObject({
      target: TARGET, min: 0, max: 5, idle: 60_000, acquire: 10_000, queueTimeout: 10_000, maxConnecting: 4,
      validate: true, validateInterval: 30_000, validateOnBorrow: true, validateOnReturn: false, queueSize: 100,
      queuePriority: 'fifo', retryAttempts: 3, retryDelay: 1000, recreateOnError: true, leaseWarning: 60_000,
      circuitBreaker: { enabled: true, threshold: 5, timeout: 30_000, resetTimeout: 60_000, successThreshold: 1, probeInterval: 1000 },
    });
    expect(maxChannels).toBe(8);
    expect(validator).toBeUndefined();
  });

  it('takes max, idle, validate and validateInterval from SSH_POOL_* variables, read at call time', () => {
    const env = {
      SSH_POOL_MAX_CONNECTIONS: '9',
      SSH_POOL_IDLE_TIMEOUT_MS: '1500',
      SSH_POOL_HEALTH_CHECKS: 'false',
      SSH_POOL_HEALTH_CHECK_INTERVAL_MS: '2500',
    };
    expect(normalizeSshPoolOptions({}, TARGET, env).pool).toMatchObject({ max: 9, idle: 1500, validate: false, validateInterval: 2500 });
    expect(normalizeSshPoolOptions({}, TARGET, { SSH_POOL_HEALTH_CHECKS: '1' }).pool.validate).toBe(true);
  });

  it('lets explicit options win over the environment', () => {
    const env = { SSH_POOL_MAX_CONNECTIONS: '9', SSH_POOL_HEALTH_CHECKS: 'false' };
    expect(normalizeSshPoolOptions({ max: 2, validate: true }, TARGET, env).pool).toMatchObject({ max: 2, validate: true });
  });

  it('rejects a malformed variable with ConfigError naming it', () => {
    for (const [name, value] of [
      ['SSH_POOL_MAX_CONNECTIONS', 'lots'],
      ['SSH_POOL_MAX_CONNECTIONS', '0'],
      ['SSH_POOL_IDLE_TIMEOUT_MS', '-5'],
      ['SSH_POOL_HEALTH_CHECKS', 'maybe'],
      ['SSH_POOL_HEALTH_CHECK_INTERVAL_MS', '1e3'],
    ] as const) {
      const error = configError(() => normalizeSshPoolOptions({}, TARGET, { [name]: value }));
      expect(error.option).toBe(name);
      expect(error.message).toContain(name);
      expect(error.message).toContain(JSON.stringify(value));
    }
  });

  it('rejects bad options and unknown keys, naming them', () => {
    expect(configError(() => normalizeSshPoolOptions({ maxChannels: 0 }, TARGET, {})).option).toBe('pool.maxChannels');
    expect(configError(() => normalizeSshPoolOptions({ min: 6, max: 5 }, TARGET, {})).option).toBe('pool.min');
    expect(configError(() => normalizeSshPoolOptions({ queuePriority: 'random' as 'fifo' }, TARGET, {})).option).toBe('pool.queuePriority');
    expect(configError(() => normalizeSshPoolOptions({ max: Number.NaN }, TARGET, {})).option).toBe('pool.max');
    expect(configError(() => normalizeSshPoolOptions({ validator: 'yes' as never }, TARGET, {})).option).toBe('pool.validator');
    const unknown = configError(() => normalizeSshPoolOptions({ maxChanels: 4 } as never, TARGET, {}));
    expect(unknown.option).toBe('pool.maxChanels');
    expect(unknown.message).toContain('maxChannels');
    expect(configError(() => normalizeSshPoolOptions({ target: 'x' } as never, TARGET, {})).option).toBe('pool.target');
    // An env maximum below an explicit minimum is caught like the options themselves.
    expect(configError(() => normalizeSshPoolOptions({ min: 3 }, TARGET, { SSH_POOL_MAX_CONNECTIONS: '2' })).option).toBe('pool.min');
  });

  it('takes channelOpenTimeout (default 5000) and turns maxLeases away towards maxChannels', () => {
    expect(normalizeSshPoolOptions({}, TARGET, {}).channelOpenTimeout).toBe(5000);
    expect(normalizeSshPoolOptions({ channelOpenTimeout: 800 }, TARGET, {}).channelOpenTimeout).toBe(800);
    expect(configError(() => normalizeSshPoolOptions({ channelOpenTimeout: 0 }, TARGET, {})).option).toBe('pool.channelOpenTimeout');
    const leases = configError(() => normalizeSshPoolOptions({ maxLeases: 4 }, TARGET, {}));
    expect(leases.option).toBe('pool.maxLeases');
    expect(leases.message).toContain('maxChannels');
  });

  it('keys pools by identity and resolved options, functions by identity', () => {
    const registry = createPoolRegistry<{ drainPool: () => Promise<void>; closePool: () => Promise<void> }>();
    const idOf = (value: object) => registry.idOf(value);
    const key = (options: object, env = {}) => poolKey('me@db:22#abc', normalizeSshPoolOptions(options, TARGET, env), idOf);
    expect(key({})).toBe(key({ max: 5, maxChannels: 8 }));
    expect(key({})).toBe(key({}, { SSH_POOL_MAX_CONNECTIONS: '5' }));
    expect(key({})).not.toBe(key({ max: 2 }));
    expect(key({})).not.toBe(key({ maxChannels: 4 }));
    const validator = () => true;
    expect(key({ validator })).toBe(key({ validator }));
    expect(key({ validator })).not.toBe(key({ validator: () => true }));
    expect(poolKey('other#def', normalizeSshPoolOptions({}, TARGET, {}), idOf)).not.toBe(key({}));
  });
});
