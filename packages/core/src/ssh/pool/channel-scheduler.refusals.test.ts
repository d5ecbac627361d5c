import { AcquireTimeoutError } from '@rexec/adapters';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeSource, isFakeRefusal } from './test-support/fake-connections.js';
import { schedulerFor } from './test-support/scheduler-for.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('channel scheduler: channels the server refuses', () => {
  it('lowers a connection limit to the channels it carried when the server refuses one', async () => {
    const source = createFakeSource({ max: 1, maxSessions: 2 });
    const scheduler = schedulerFor(source, { max: 1, maxChannels: 4 });
    const runs = Array.from({ length: 4 }, () => scheduler.run((conn) => conn.exec(100)));
    await vi.advanceTimersByTimeAsync(10);
    const conn = source.created[0]!;
    expect(scheduler.limitOf(conn)).toBe(2);
    expect(conn.open).toBe(2);
    expect(scheduler.stats().waiting).toBe(2);
    await vi.runAllTimersAsync();
    await expect(Promise.all(runs)).resolves.toHaveLength(4);
  });

  it('retries, after a pause, a command refused while its connection carried nothing else', async () => {
    // MaxSessions 1 and a server that frees a session 3 ms after the command ended: back-to-back commands
    // are refused at first, and must still all succeed.
    const source = createFakeSource({ max: 1, maxSessions: 1, sessionLag: 3 });
    const scheduler = schedulerFor(source, { max: 1 });
    const results: string[] = [];
    const loop = (async () => {
      for (let i = 0; i < 20; i++) results.push(await scheduler.run((conn) => conn.exec(1, `r${i}`)));
    })();
    await vi.runAllTimersAsync();
    await loop;
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => `r${i}`));
    expect(source.created).toHaveLength(1);
  });

  it('fails a command the server never gives a channel with AcquireTimeoutError caused by the refusal', async () => {
    const source = createFakeSource({ max: 1, maxSessions: 0 });
    const scheduler = schedulerFor(source, { queueTimeout: 1_000 });
    const run = scheduler.run((conn) => conn.exec(1)).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(1_100);
    const error = await run;
    expect(error).toBeInstanceOf(AcquireTimeoutError);
    expect(isFakeRefusal((error as Error).cause)).toBe(true);
    expect(source.created).toHaveLength(1);
    await vi.runAllTimersAsync();
    expect(scheduler.stats()).toEqual({ running: 0, waiting: 0, connections: 0, connecting: 0 });
  });
});
