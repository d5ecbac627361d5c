/**
 * Acquire timeouts on one unref'd timer instead of one per waiter: it is armed for the earliest
 * deadline; when it fires it rejects every waiter past its deadline and re-arms for the next.
 */
import { cancel, schedule } from './clock.js';
import type { PoolClock, TimerHandle } from './types.js';

export interface Deadlined {
  /** Clock time at which the wait ends (`Infinity` for never). */
  readonly deadline: number;
}

export interface DeadlineWatch<W extends Deadlined> {
  add(waiter: W): void;
  delete(waiter: W): void;
  stop(): void;
}

export function createDeadlineWatch<W extends Deadlined>(clock: PoolClock, onExpire: (waiter: W) => void): DeadlineWatch<W> {
  const waiting = new Set<W>();
  let timer: TimerHandle | undefined;
  let armedFor = Infinity;

  const arm = (deadline: number): void => {
    cancel(clock, timer);
    armedFor = deadline;
    timer = schedule(clock, deadline - clock.now(), fire);
  };

  function fire(): void {
    timer = undefined;
    armedFor = Infinity;
    const now = clock.now();
    const expired: W[] = [];
    let next = Infinity;
    for (const waiter of waiting) {
      if (waiter.deadline <= now) expired.push(waiter);
      else if (waiter.deadline < next) next = waiter.deadline;
    }
    for (const waiter of expired) {
      waiting.delete(waiter);
      onExpire(waiter);
    }
    if (next < armedFor) arm(next);
  }

  return {
    add(waiter) {
      waiting.add(waiter);
      if (waiter.deadline < armedFor) arm(waiter.deadline);
    },
    delete(waiter) {
      waiting.delete(waiter);
    },
    stop() {
      cancel(clock, timer);
      timer = undefined;
      armedFor = Infinity;
      waiting.clear();
    },
  };
}
