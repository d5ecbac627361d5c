/**
 * Acquire timeouts on one unref'd timer instead of one per waiter: it is armed for the earliest
 * deadline; when it fires it rejects every waiter past its deadline and re-arms for the next.
 * Waiters are kept in a list linked through the waiters themselves (in the order they were added), so
 * adding and removing one, once per acquire that waits, is a few writes: no hashing, no table to grow.
 */
import { cancel, schedule } from './clock.js';
import type { PoolClock, TimerHandle } from './types.js';

/** What the watch needs on each waiter; the links are owned by the watch. */
export interface Deadlined<W> {
  /** Clock time at which the wait ends (`Infinity` for never). */
  readonly deadline: number;
  watchPrev: W | undefined;
  watchNext: W | undefined;
  watched: boolean;
}

export interface DeadlineWatch<W extends Deadlined<W>> {
  add(waiter: W): void;
  delete(waiter: W): void;
  stop(): void;
}

export function createDeadlineWatch<W extends Deadlined<W>>(clock: PoolClock, onExpire: (waiter: W) => void): DeadlineWatch<W> {
  let head: W | undefined;
  let tail: W | undefined;
  let timer: TimerHandle | undefined;
  let armedFor = Infinity;

  const unlink = (waiter: W): void => {
    if (!waiter.watched) return;
    if (waiter.watchPrev === undefined) head = waiter.watchNext;
    else waiter.watchPrev.watchNext = waiter.watchNext;
    if (waiter.watchNext === undefined) tail = waiter.watchPrev;
    else waiter.watchNext.watchPrev = waiter.watchPrev;
    waiter.watchPrev = undefined;
    waiter.watchNext = undefined;
    waiter.watched = false;
  };

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
    for (let waiter = head; waiter !== undefined; waiter = waiter.watchNext) {
      if (waiter.deadline <= now) expired.push(waiter);
      else if (waiter.deadline < next) next = waiter.deadline;
    }
    for (const waiter of expired) {
      unlink(waiter);
      onExpire(waiter);
    }
    if (next < armedFor) arm(next);
  }

  return {
    add(waiter) {
      if (waiter.watched) return;
      waiter.watchPrev = tail;
      waiter.watchNext = undefined;
      if (tail === undefined) head = waiter;
      else tail.watchNext = waiter;
      tail = waiter;
      waiter.watched = true;
      if (waiter.deadline < armedFor) arm(waiter.deadline);
    },
    delete: unlink,
    stop() {
      cancel(clock, timer);
      timer = undefined;
      armedFor = Infinity;
      while (head !== undefined) unlink(head);
    },
  };
}
