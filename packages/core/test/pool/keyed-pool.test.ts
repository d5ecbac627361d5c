import { ConfigError, PoolClosedError } from '@rexec/adapters';
import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createKeyedPool, type KeyedPool } from '../../src/pool/index.js';
import { flush, outcome } from './fake-factory.js';

const parsePrometheus = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => Array<{ name: string; metrics: Array<{ value: string; labels?: Record<string, string> }> }>;

interface Conn {
  readonly key: string;
  readonly n: number;
  closed: boolean;
}

function keyedFactory() {
  let n = 0;
  const live = new Set<Conn>();
  return {
    live,
    created: [] as string[],
    async create(key: string): Promise<Conn> {
      await Promise.resolve();
      n += 1;
      const conn = { key, n, closed: false };
      live.add(conn);
      this.created.push(key);
      return conn;
    },
    async destroy(conn: Conn, key: string): Promise<void> {
      if (conn.key !== key) throw new Error('destroyed under the wrong key');
      conn.closed = true;
      live.delete(conn);
      await Promise.resolve();
    },
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createKeyedPool', () => {
  it('keeps one pool per key, each capped at maxPerKey, creating with the key', async () => {
    const factory = keyedFactory();
    const pool: KeyedPool<Conn> = createKeyedPool(factory, { maxPerKey: 2 });
    const [a1, a2, b1] = [await pool.acquire('alice'), await pool.acquire('alice'), await pool.acquire('bob')];
    expect([a1.key, a2.key, b1.key]).toEqual(['alice', 'alice', 'bob']);
    const a3 = outcome(pool.acquire('alice'));
    await flush();
    expect(a3.current.status).toBe('pending');
    expect(pool.statsFor('alice')).toMatchObject({ active: 2, waiting: 1, max: 2 });
    await pool.release(a1);
    await flush();
    expect(a3.current.status === 'fulfilled' && a3.current.value).toBe(a1);
    expect(pool.stats()).toMatchObject({ keys: 2, active: 3, total: 3, maxPerKey: 2, maxTotal: Infinity });
    expect(pool.keys().sort()).toEqual(['alice', 'bob']);
    await pool.clear();
    expect(factory.live.size).toBe(0);
  });

  it('caps all keys at maxTotal and hands freed room to waiting keys in turn', async () => {
    const factory = keyedFactory();
    const pool = createKeyedPool(factory, { maxPerKey: 4, maxTotal: 1 });
    const held = await pool.acquire('a');
    const served: string[] = [];
    const borrowers = ['b1', 'b2', 'c1', 'c2'].map((name) => pool.acquire(name.slice(0, 1)).then(async (conn) => {
      served.push(name);
      expect(factory.live.size).toBe(1);
      await Promise.resolve();
      await pool.release(conn);
    }));
    await flush();
    expect(pool.stats()).toMatchObject({ total: 1, waiting: 4 });
    await pool.release(held);
    await Promise.all(borrowers);
    expect(served).toEqual(['b1', 'c1', 'b2', 'c2']);
    expect(factory.created).toEqual(['a', 'b', 'c', 'b', 'c']);
    await pool.clear();
  });

  it('sheds an idle resource of another key when a key needs room', async () => {
    const pool = createKeyedPool(keyedFactory(), { maxPerKey: 2, maxTotal: 2 });
    await pool.release(await pool.acquire('a'));
    await pool.release(await pool.acquire('a'));
    const [x, y] = [await pool.acquire('a'), await pool.acquire('a')];
    await pool.release(x);
    await pool.release(y);
    expect(pool.statsFor('a')).toMatchObject({ idle: 2 });
    const b = await pool.acquire('b');
    expect(b.key).toBe('b');
    expect(pool.statsFor('a')).toMatchObject({ idle: 1 });
    await pool.clear();
  });

  it('forwards events with the key, and exposes Prometheus samples labelled by key', async () => {
    const pool = createKeyedPool(keyedFactory(), { target: 'proxy' });
    const created: unknown[] = [];
    pool.on('connection:create', (event) => created.push(event));
    const conn = await pool.acquire('carol');
    expect(created).toEqual([{ id: 'proxy/carol#1', target: 'proxy/carol', key: 'carol' }]);
    expect(pool.idOf(conn)).toBe('proxy/carol#1');
    const active = parsePrometheus(pool.prometheus()).find((f) => f.name === 'rexec_pool_active');
    expect(active?.metrics).toEqual([{ value: '1', labels: { target: 'proxy', key: 'carol' } }]);
    await pool.clear();
  });

  it('drops the pool of a key that stayed empty for an eviction run', async () => {
    const pool = createKeyedPool(keyedFactory(), { idle: 100, evictionRun: 1000 });
    await pool.release(await pool.acquire('dave'));
    await vi.advanceTimersByTimeAsync(1000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(pool.keys()).toEqual([]);
    await pool.clear();
  });

  it('rejects foreign resources, bad keys, max, and use after close', async () => {
    const pool = createKeyedPool(keyedFactory());
    await expect(pool.release({ key: 'x', n: 0, closed: false })).rejects.toBeInstanceOf(ConfigError);
    await expect(pool.acquire('')).rejects.toBeInstanceOf(ConfigError);
    expect(() => createKeyedPool(keyedFactory(), { max: 2 } as never)).toThrow(/use maxPerKey/);
    await pool.drain();
    await expect(pool.acquire('erin')).rejects.toBeInstanceOf(PoolClosedError);
  });
});
