import { AcquireTimeoutError, ConnectionError, PoolClosedError, PoolExhaustedError } from '@rexec/adapters';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeSource, type FakeConnection } from './test-support/fake-connections.js';
import { schedulerFor } from './test-support/scheduler-for.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('channel scheduler', () => {
  it('runs 200 commands over max 2 connections when the server allows only 3 sessions each', async () => {
    const source = createFakeSource({ max: 2, maxSessions: 3 });
    const scheduler = schedulerFor(source, { max: 2, maxChannels: 8 });
    const all = Promise.all(Array.from({ length: 200 }, (_, i) => scheduler.run((conn) => conn.exec(10, `r${i}`))));
    await vi.runAllTimersAsync();
    const results = await all;
    expect(results).toEqual(Array.from({ length: 200 }, (_, i) => `r${i}`));
    expect(source.created.length).toBe(2);
    expect(source.peakBorrowed).toBe(2);
    expect(source.overMax).toBe(0);
    for (const conn of source.created) expect(conn.peakOpen).toBe(3);
    expect(source.created.reduce((sum, conn) => sum + conn.commands, 0)).toBe(200);
    expect(scheduler.stats()).toEqual({ running: 0, waiting: 0, connections: 0, connecting: 0 });
    expect(source.borrowed.size).toBe(0);
  });

  it('puts up to maxChannels commands on one connection before borrowing another', async () => {
    const source = createFakeSource({ max: 3 });
    const scheduler = schedulerFor(source, { max: 3, maxChannels: 4 });
    const runs = Array.from({ length: 5 }, () => scheduler.run((conn) => conn.exec(100)));
    await vi.advanceTimersByTimeAsync(20);
    expect(source.created.map((conn) => conn.open)).toEqual([4, 1]);
    await vi.runAllTimersAsync();
    await Promise.all(runs);
  });

  it('serves waiting commands first in, first out', async () => {
    const source = createFakeSource({ max: 1 });
    const scheduler = schedulerFor(source, { max: 1, maxChannels: 1 });
    const order: number[] = [];
    const runs = [0, 1, 2, 3].map((n) => scheduler.run(async (conn) => order.push(n) && conn.exec(10)));
    await vi.runAllTimersAsync();
    await Promise.all(runs);
    expect(order).toEqual([0, 1, 2, 3]);
  });

  it('serves the newest waiter first with lifo', async () => {
    const source = createFakeSource({ max: 1 });
    const scheduler = schedulerFor(source, { max: 1, maxChannels: 1, queuePriority: 'lifo' });
    const order: number[] = [];
    const first = scheduler.run(async (conn) => order.push(0) && conn.exec(10));
    await vi.advanceTimersByTimeAsync(6);
    const rest = [1, 2, 3].map((n) => scheduler.run(async (conn) => order.push(n) && conn.exec(10)));
    await vi.runAllTimersAsync();
    await Promise.all([first, ...rest]);
    expect(order).toEqual([0, 3, 2, 1]);
  });

  it('gives an idle connection back to the pool after the current turn, and reuses it back to back', async () => {
    const source = createFakeSource({ max: 2 });
    const scheduler = schedulerFor(source);
    const first = scheduler.run((conn) => conn.exec(10));
    await vi.advanceTimersByTimeAsync(15);
    await first;
    // Still held during this turn: the next command reuses it without another acquire.
    const second = scheduler.run((conn) => conn.exec(10));
    expect(source.acquires).toBe(1);
    await vi.advanceTimersByTimeAsync(10);
    await second;
    await vi.runAllTimersAsync();
    expect(source.borrowed.size).toBe(0);
    expect(source.idle).toHaveLength(1);
    expect(scheduler.stats().connections).toBe(0);
  });

  it('stops giving commands to a retiring connection and hands it back once empty, even with commands waiting', async () => {
    const old = (conn: FakeConnection): boolean => conn.id === 1 && retire;
    let retire = false;
    const source = createFakeSource({ max: 1, retireOnRelease: old });
    const scheduler = schedulerFor(source, { max: 1, maxChannels: 2, retiring: old });
    const first = Array.from({ length: 2 }, () => scheduler.run((conn) => conn.exec(50, `first on ${conn.id}`)));
    await vi.advanceTimersByTimeAsync(10);
    retire = true;
    const later = Array.from({ length: 3 }, () => scheduler.run((conn) => conn.exec(10, `later on ${conn.id}`)));
    await vi.advanceTimersByTimeAsync(10);
    expect(source.created[0]!.open).toBe(2);
    expect(scheduler.stats().waiting).toBe(3);
    await vi.runAllTimersAsync();
    expect(await Promise.all([...first, ...later])).toEqual([
      'first on 1', 'first on 1', 'later on 2', 'later on 2', 'later on 2',
    ]);
    expect(source.destroyed).toEqual([source.created[0]]);
  });

  it('rejects a command that waited longer than queueTimeout with AcquireTimeoutError', async () => {
    const source = createFakeSource({ max: 1 });
    const scheduler = schedulerFor(source, { max: 1, maxChannels: 1, queueTimeout: 50 });
    const long = scheduler.run((conn) => conn.exec(1_000));
    const waiting = scheduler.run((conn) => conn.exec(1));
    const caught = waiting.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(60);
    expect(await caught).toBeInstanceOf(AcquireTimeoutError);
    await vi.runAllTimersAsync();
    await expect(long).resolves.toBe('ok 1');
  });

  it('fails every waiter with the creation error when nothing is held and nothing is coming', async () => {
    const source = createFakeSource({ max: 2, failWith: () => new ConnectionError('refused', 'me@fake:22') });
    const scheduler = schedulerFor(source);
    const runs = Array.from({ length: 10 }, () => scheduler.run((conn) => conn.exec(1)).catch((error: unknown) => error));
    await vi.advanceTimersByTimeAsync(10);
    const errors = await Promise.all(runs);
    expect(errors.every((error) => error instanceof ConnectionError)).toBe(true);
    expect(source.acquires).toBe(2);
    expect(scheduler.stats()).toEqual({ running: 0, waiting: 0, connections: 0, connecting: 0 });
  });

  it('destroys a connection whose transport dropped and replaces it for the commands still waiting', async () => {
    const source = createFakeSource({ max: 1 });
    const scheduler = schedulerFor(source, { max: 1, maxChannels: 2 });
    const runs = Array.from({ length: 4 }, () => scheduler.run((conn) => conn.exec(100)).catch((error: unknown) => error));
    await vi.advanceTimersByTimeAsync(10);
    source.created[0]!.drop();
    await vi.runAllTimersAsync();
    const results = await Promise.all(runs);
    expect(results.slice(0, 2).every((error) => error instanceof ConnectionError)).toBe(true);
    expect(results.slice(2)).toEqual(['ok 2', 'ok 2']);
    expect(source.destroyed).toEqual([source.created[0]]);
  });

  it('destroys a held connection it is told was lost', async () => {
    const source = createFakeSource({ max: 1 });
    const scheduler = schedulerFor(source);
    const run = scheduler.run((conn) => conn.exec(100)).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(10);
    const conn = source.created[0]!;
    expect(scheduler.connectionLost(conn)).toBe(true);
    expect(scheduler.connectionLost(conn)).toBe(false);
    expect(source.destroyed).toEqual([conn]);
    conn.drop();
    expect(await run).toBeInstanceOf(ConnectionError);
  });

  it('rejects with PoolExhaustedError past maxQueued waiting commands', async () => {
    const source = createFakeSource({ max: 1 });
    const onQueueFull = vi.fn();
    const scheduler = schedulerFor(source, { max: 1, maxChannels: 1, maxQueued: 3, onQueueFull });
    const runs = Array.from({ length: 3 }, () => scheduler.run((conn) => conn.exec(10)));
    await expect(scheduler.run((conn) => conn.exec(10))).rejects.toBeInstanceOf(PoolExhaustedError);
    expect(onQueueFull).toHaveBeenCalledWith(3, 3);
    await vi.runAllTimersAsync();
    await Promise.all(runs);
  });

  it('drains: refuses new commands, finishes running and waiting ones, gives every connection back', async () => {
    const source = createFakeSource({ max: 1 });
    const scheduler = schedulerFor(source, { max: 1, maxChannels: 1 });
    const runs = Array.from({ length: 3 }, () => scheduler.run((conn) => conn.exec(50)));
    let drained = false;
    const draining = scheduler.drain().then(() => (drained = true));
    await expect(scheduler.run((conn) => conn.exec(1))).rejects.toBeInstanceOf(PoolClosedError);
    await vi.advanceTimersByTimeAsync(100);
    expect(drained).toBe(false);
    await vi.runAllTimersAsync();
    await draining;
    await expect(Promise.all(runs)).resolves.toHaveLength(3);
    expect(source.borrowed.size).toBe(0);
  });

  it('closes: rejects waiting commands with PoolClosedError and hands back the held connections', async () => {
    const source = createFakeSource({ max: 1 });
    const scheduler = schedulerFor(source, { max: 1, maxChannels: 1 });
    const running = scheduler.run((conn) => conn.exec(50));
    const waiting = scheduler.run((conn) => conn.exec(50)).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(10);
    const held = scheduler.close();
    expect(held).toEqual([source.created[0]]);
    expect(await waiting).toBeInstanceOf(PoolClosedError);
    await vi.runAllTimersAsync();
    await expect(running).resolves.toBe('ok 1');
  });

  it('passes a command error through and keeps the connection', async () => {
    const source = createFakeSource({ max: 1 });
    const scheduler = schedulerFor(source);
    const failing = scheduler.run(() => Promise.reject(new Error('boom'))).catch((error: unknown) => error);
    await vi.runAllTimersAsync();
    expect((await failing) as Error).toHaveProperty('message', 'boom');
    expect(source.destroyed).toHaveLength(0);
    expect(source.idle).toHaveLength(1);
  });
});
