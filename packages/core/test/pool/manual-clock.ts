/** A clock whose time moves only when told: for logic that must not depend on the machine's speed. */
import type { PoolClock, TimerHandle } from '../../src/pool/index.js';

interface ManualTimer extends TimerHandle {
  at: number;
  callback: () => void;
  unrefed: boolean;
  cleared: boolean;
}

export interface ManualClock extends PoolClock {
  advance(ms: number): void;
  readonly timers: readonly ManualTimer[];
  pendingTimers(): number;
}

export function createManualClock(start = 1_000_000): ManualClock {
  let now = start;
  const timers: ManualTimer[] = [];
  return {
    now: () => now,
    setTimeout(callback, ms) {
      const timer: ManualTimer = {
        at: now + ms,
        callback,
        unrefed: false,
        cleared: false,
        unref() {
          timer.unrefed = true;
        },
      };
      timers.push(timer);
      return timer;
    },
    clearTimeout(handle) {
      (handle as ManualTimer).cleared = true;
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = timers.filter((t) => !t.cleared && t.at <= until).sort((a, b) => a.at - b.at)[0];
        if (due === undefined) break;
        now = Math.max(now, due.at);
        due.cleared = true;
        due.callback();
      }
      now = until;
    },
    timers,
    pendingTimers: () => timers.filter((t) => !t.cleared).length,
  };
}
