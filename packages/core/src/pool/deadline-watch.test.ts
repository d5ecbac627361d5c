import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../test/pool/manual-clock.js';
import { createDeadlineWatch } from './deadline-watch.js';

describe('deadline watch', () => {
  it('expires each waiter at its own deadline on a single unref\'d timer', () => {
    const clock = createManualClock(0);
    const expired: string[] = [];
    const watch = createDeadlineWatch<{ name: string; deadline: number }>(clock, (w) => expired.push(w.name));
    const late = { name: 'late', deadline: 300 };
    const early = { name: 'early', deadline: 100 };
    const gone = { name: 'gone', deadline: 200 };
    const never = { name: 'never', deadline: Infinity };
    [late, early, gone, never].forEach((w) => watch.add(w));
    watch.delete(gone);
    expect(clock.pendingTimers()).toBe(1);
    clock.advance(99);
    expect(expired).toEqual([]);
    clock.advance(1);
    expect(expired).toEqual(['early']);
    clock.advance(200);
    expect(expired).toEqual(['early', 'late']);
    clock.advance(1_000_000);
    expect(expired).toEqual(['early', 'late']);
    expect(clock.timers.every((t) => t.unrefed)).toBe(true);
    watch.stop();
    expect(clock.pendingTimers()).toBe(0);
  });
});
