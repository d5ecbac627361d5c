import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../test/pool/manual-clock.js';
import { createDeadlineWatch, type Deadlined } from './deadline-watch.js';

interface Named extends Deadlined<Named> {
  name: string;
}

const named = (name: string, deadline: number): Named => ({ name, deadline, watchPrev: undefined, watchNext: undefined, watched: false });

describe('deadline watch', () => {
  it('expires each waiter at its own deadline on a single unref\'d timer', () => {
    const clock = createManualClock(0);
    const expired: string[] = [];
    const watch = createDeadlineWatch<Named>(clock, (w) => expired.push(w.name));
    const late = named('late', 300);
    const early = named('early', 100);
    const gone = named('gone', 200);
    const never = named('never', Infinity);
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

  it('expires waiters due together in the order they were added, and forgets one removed meanwhile', () => {
    const clock = createManualClock(0);
    const expired: string[] = [];
    const watch = createDeadlineWatch<Named>(clock, (w) => expired.push(w.name));
    const all = ['a', 'b', 'c', 'd'].map((name) => named(name, 50));
    all.forEach((w) => watch.add(w));
    watch.delete(all[0]!);
    watch.delete(all[2]!);
    watch.delete(all[2]!);
    watch.add(all[0]!);
    clock.advance(50);
    expect(expired).toEqual(['b', 'd', 'a']);
    expect(all.some((w) => w.watched)).toBe(false);
  });
});
