/**
 * Commands waiting for a free channel, in `fifo` (default) or `lifo` order, each with its own deadline.
 * A waiter leaves the queue exactly once: started, timed out, or rejected.
 */

export type QueuePriority = 'fifo' | 'lifo';

export interface Waiter<C> {
  /** Runs the command on the channel slot it was given. */
  readonly start: (conn: C) => void;
  readonly reject: (error: unknown) => void;
  /** Monotonic ms after which the waiter gives up. */
  readonly deadline: number;
  /** Times the server refused a channel for this command while nothing else ran on that connection. */
  refusals: number;
  /** The last refusal, reported as the cause if the waiter times out. */
  lastError: unknown;
}

export interface CommandQueue<C> {
  readonly size: number;
  /** Adds a waiter; `front` puts it first in line (a command whose channel was refused keeps its place). */
  push(waiter: Waiter<C>, front?: boolean): void;
  /** Removes and returns the next waiter in priority order. */
  take(): Waiter<C> | undefined;
  /** Removes every waiter and returns them, in line order. */
  takeAll(): Waiter<C>[];
}

export interface CommandQueueOptions<C> {
  readonly priority: QueuePriority;
  readonly now: () => number;
  /** Called (once per waiter) when a waiter's deadline passes while it is still queued. */
  readonly onExpired: (waiter: Waiter<C>) => void;
}

export function createCommandQueue<C>(options: CommandQueueOptions<C>): CommandQueue<C> {
  // Kept in line order: index 0 is served first.
  const line: Waiter<C>[] = [];
  const timers = new Map<Waiter<C>, ReturnType<typeof setTimeout>>();

  const arm = (waiter: Waiter<C>): void => {
    const delay = Math.max(0, waiter.deadline - options.now());
    timers.set(
      waiter,
      setTimeout(() => {
        timers.delete(waiter);
        const index = line.indexOf(waiter);
        if (index === -1) return;
        line.splice(index, 1);
        options.onExpired(waiter);
      }, delay),
    );
  };
  const disarm = (waiter: Waiter<C>): void => {
    clearTimeout(timers.get(waiter));
    timers.delete(waiter);
  };

  return {
    get size() {
      return line.length;
    },
    push(waiter, front = false) {
      if (front) line.unshift(waiter);
      else if (options.priority === 'fifo') line.push(waiter);
      else line.unshift(waiter);
      arm(waiter);
    },
    take() {
      const waiter = line.shift();
      if (waiter !== undefined) disarm(waiter);
      return waiter;
    },
    takeAll() {
      const all = line.splice(0, line.length);
      for (const waiter of all) disarm(waiter);
      return all;
    },
  };
}
