import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createChannelScheduler } from './channel-scheduler.js';
import { createFakeSource, isFakeRefusal } from './test-support/fake-connections.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('channel scheduler invariants', () => {
  it('every command succeeds, within max connections and each connection within its session limit', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          max: fc.integer({ min: 1, max: 4 }),
          maxChannels: fc.integer({ min: 1, max: 10 }),
          maxSessions: fc.integer({ min: 1, max: 10 }),
          durations: fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 80 }),
          priority: fc.constantFrom('fifo' as const, 'lifo' as const),
          sessionLag: fc.integer({ min: 0, max: 5 }),
        }),
        async ({ max, maxChannels, maxSessions, durations, priority, sessionLag }) => {
          const source = createFakeSource({ max, maxSessions, sessionLag });
          const scheduler = createChannelScheduler(source, {
            target: 'me@fake:22',
            max,
            maxChannels,
            queueTimeout: 1_000_000,
            queuePriority: priority,
            maxQueued: 10_000,
            isChannelRefused: isFakeRefusal,
            now: () => Date.now(),
          });
          const all = Promise.all(durations.map((ms, i) => scheduler.run((conn) => conn.exec(ms, `r${i}`))));
          await vi.runAllTimersAsync();
          expect(await all).toEqual(durations.map((_, i) => `r${i}`));
          expect(source.created.length).toBeLessThanOrEqual(max);
          expect(source.peakBorrowed).toBeLessThanOrEqual(max);
          expect(source.overMax).toBe(0);
          for (const conn of source.created) expect(conn.peakActive).toBeLessThanOrEqual(Math.min(maxChannels, maxSessions));
          expect(source.borrowed.size).toBe(0);
          expect(scheduler.stats()).toEqual({ running: 0, waiting: 0, connections: 0, connecting: 0 });
        },
      ),
      { numRuns: 60 },
    );
  });
});
