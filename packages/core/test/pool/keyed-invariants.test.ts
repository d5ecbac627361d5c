/**
 * A seeded random walk over a keyed pool (4 keys, maxPerKey 3, maxTotal 4): never more than maxTotal
 * resources in all nor maxPerKey for one key, no resource lent twice, every acquire settles, no permit
 * of the shared limit is lost (each key can still be served at the end), nothing left after close.
 */
import { AcquireTimeoutError, PoolExhaustedError } from '@rexec/adapters';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createKeyedPool } from '../../src/pool/index.js';
import { flush, outcome } from './fake-factory.js';
import { seededRandom } from './seeded-random.js';

afterEach(() => {
  vi.useRealTimers();
});

interface Conn {
  readonly key: string;
  readonly n: number;
}

const KEYS = ['a', 'b', 'c', 'd'];
const STEPS = 5000;

describe('keyed pool invariants', () => {
  it(`hold over a ${STEPS}-step random walk`, async () => {
    vi.useFakeTimers();
    const rnd = seededRandom(42);
    const live = new Map<Conn, string>();
    let n = 0;
    const pool = createKeyedPool<Conn>(
      {
        create: async (key) => {
          await new Promise((resolve) => setTimeout(resolve, Math.floor(rnd() * 30)));
          n += 1;
          const conn = { key, n };
          live.set(conn, key);
          return conn;
        },
        destroy: async (conn) => {
          await Promise.resolve();
          live.delete(conn);
        },
      },
      { maxPerKey: 3, maxTotal: 4, acquire: 500, idle: 200, evictionRun: 100, queueSize: 8 },
    );
    const held = new Set<Conn>();
    const settled: Array<Promise<unknown>> = [];
    const problems: string[] = [];
    let served = 0;
    for (let step = 0; step < STEPS && problems.length === 0; step += 1) {
      const r = rnd();
      if (r < 0.4) {
        const key = KEYS[Math.floor(rnd() * KEYS.length)] ?? 'a';
        settled.push(pool.acquire(key, { timeout: 50 + Math.floor(rnd() * 400) }).then(
          (conn) => {
            if (held.has(conn)) problems.push(`conn ${conn.n} lent twice`);
            if (conn.key !== key) problems.push(`asked ${key}, got ${conn.key}`);
            held.add(conn);
            served += 1;
          },
          (error: unknown) => {
            if (!(error instanceof AcquireTimeoutError || error instanceof PoolExhaustedError)) problems.push(String(error));
          },
        ));
      } else if (r < 0.7) {
        const conn = [...held][Math.floor(rnd() * held.size)];
        if (conn !== undefined) {
          held.delete(conn);
          settled.push(rnd() < 0.8 ? pool.release(conn) : pool.destroy(conn, 'error'));
        }
      } else {
        await vi.advanceTimersByTimeAsync(Math.floor(rnd() * 40));
      }
      await flush();
      const perKey = new Map<string, number>();
      for (const key of live.values()) perKey.set(key, (perKey.get(key) ?? 0) + 1);
      if (live.size > 4) problems.push(`step ${step}: ${live.size} resources > maxTotal`);
      for (const [key, count] of perKey) if (count > 3) problems.push(`step ${step}: key ${key} holds ${count} > maxPerKey`);
      if (pool.stats().active !== held.size) problems.push(`step ${step}: active ${pool.stats().active}, held ${held.size}`);
    }
    // Acquires still waiting may be served while the others are given back: repeat until none is left.
    for (let round = 0; round < 10 && (held.size > 0 || round === 0); round += 1) {
      for (const conn of held) settled.push(pool.release(conn));
      held.clear();
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(pool.stats()).toMatchObject({ active: 0, waiting: 0 });
    // No permit of the shared limit leaked: every key can still be served, one after another.
    for (const key of KEYS) {
      const acquired = outcome(pool.acquire(key, { timeout: 5000 }));
      await vi.advanceTimersByTimeAsync(100);
      if (acquired.current.status !== 'fulfilled') {
        problems.push(`key ${key} not served at the end: ${JSON.stringify(pool.stats())}`);
        break;
      }
      await pool.release(acquired.current.value);
    }
    await pool.clear();
    await vi.advanceTimersByTimeAsync(1000);
    const all = await Promise.race([Promise.allSettled(settled).then(() => 'settled'), flush().then(() => 'stuck')]);
    expect(problems).toEqual([]);
    expect(all).toBe('settled');
    expect(live.size).toBe(0);
    expect(served).toBeGreaterThan(500);
  }, 60_000);
});
