import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPool } from '../../src/pool/index.js';
import { fakeFactory, flush, type Res } from './fake-factory.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('validation', () => {
  it('validateOnBorrow checks a reused resource (not a fresh one) and replaces an invalid one', async () => {
    const bad = new Set<number>();
    const checked: number[] = [];
    const factory = fakeFactory({
      validate: (resource: Res) => {
        checked.push(resource.n);
        return Promise.resolve(!bad.has(resource.n));
      },
    });
    const pool = createPool(factory, { max: 2, validateAfterIdle: 0 });
    const first = await pool.acquire();
    expect(checked).toEqual([]);
    await pool.release(first);
    bad.add(first.n);
    const second = await pool.acquire();
    expect(checked).toEqual([1]);
    expect(second.n).toBe(2);
    expect(first.destroyed).toBe(true);
    expect(pool.stats()).toMatchObject({ healthCheckFailures: 1, healthChecksPassed: 0, total: 1 });
    await pool.release(second);
    expect(await pool.acquire()).toBe(second);
    expect(pool.stats().healthChecksPassed).toBe(1);
    await pool.clear();
  });

  it('the validator option wins over factory.validate, and validate: false turns checks off', async () => {
    const factoryCheck = vi.fn(() => Promise.resolve(true));
    const optionCheck = vi.fn(() => Promise.resolve(true));
    const pool = createPool(fakeFactory({ validate: factoryCheck }), { validator: optionCheck, validateAfterIdle: 0 });
    await pool.release(await pool.acquire());
    await pool.release(await pool.acquire());
    expect(optionCheck).toHaveBeenCalledTimes(1);
    expect(factoryCheck).not.toHaveBeenCalled();
    await pool.clear();
    const off = createPool(fakeFactory({ validate: factoryCheck }), { validate: false, validateAfterIdle: 0 });
    await off.release(await off.acquire());
    await off.release(await off.acquire());
    expect(factoryCheck).not.toHaveBeenCalled();
    await off.clear();
  });

  it('validateOnReturn destroys a resource that fails its check on release', async () => {
    let healthy = true;
    const pool = createPool(fakeFactory({ validate: () => Promise.resolve(healthy) }), { validateOnReturn: true, validateOnBorrow: false });
    const reasons: string[] = [];
    pool.on('connection:destroy', ({ reason }) => reasons.push(reason));
    const resource = await pool.acquire();
    await pool.release(resource);
    expect(pool.stats()).toMatchObject({ idle: 1, healthChecksPassed: 1 });
    const again = await pool.acquire();
    healthy = false;
    await pool.release(again);
    await flush();
    expect(reasons).toEqual(['validation']);
    expect(pool.stats()).toMatchObject({ idle: 0, total: 0, healthCheckFailures: 1 });
    await pool.clear();
  });

  it('checks idle resources every validateInterval, destroying one after healthCheckRetries failures', async () => {
    let healthy = true;
    const pool = createPool(fakeFactory({ validate: () => Promise.resolve(healthy) }), {
      validateInterval: 1000, healthCheckRetries: 2, validateOnBorrow: false, evictionRun: 60_000,
    });
    await pool.warm(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(pool.stats()).toMatchObject({ healthChecksPassed: 2, healthCheckFailures: 0, idle: 2 });
    healthy = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(pool.stats()).toMatchObject({ healthCheckFailures: 2, idle: 2 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(pool.stats()).toMatchObject({ healthCheckFailures: 4, idle: 0, total: 0 });
    await pool.clear();
  });

  it('a resource that passes a check between failures starts its count again', async () => {
    const answers = [false, true, false];
    const pool = createPool(fakeFactory({ validate: () => Promise.resolve(answers.shift() ?? true) }), {
      validateInterval: 1000, healthCheckRetries: 2, validateOnBorrow: false,
    });
    await pool.warm(1);
    await vi.advanceTimersByTimeAsync(3000);
    expect(pool.stats()).toMatchObject({ healthCheckFailures: 2, healthChecksPassed: 1, idle: 1 });
    await pool.clear();
  });
});
