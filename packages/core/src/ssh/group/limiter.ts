/**
 * A counting semaphore: at most `limit` tasks run at once, the others wait first in, first out. The group
 * uses one for its handshake budget (`maxConnecting`: a host's first connection is opened through it).
 * It holds no timer and no handle: the tasks it runs hold the process alive, not the limiter.
 */
export interface Limiter {
  /** Runs `task` once a place is free; the place is given back when its promise settles. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Tasks running now. */
  readonly active: number;
  /** Tasks waiting for a place. */
  readonly waiting: number;
  /** The most tasks that ever ran at once. */
  readonly peak: number;
}

export function createLimiter(limit: number): Limiter {
  /** Tasks waiting for a place, each woken when one is handed to it. */
  const line: (() => void)[] = [];
  let active = 0;
  let peak = 0;

  /** A place is given back: handed straight to the first in line, if any. */
  const next = (): void => {
    const wake = line.shift();
    if (wake !== undefined) wake();
    else active -= 1;
  };

  const go = async <T>(task: () => Promise<T>): Promise<T> => {
    try {
      return await task();
    } finally {
      next();
    }
  };

  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      if (active < limit) {
        active += 1;
        peak = Math.max(peak, active);
        return go(task);
      }
      return new Promise<void>((resolve) => line.push(resolve)).then(() => go(task));
    },
    get active() {
      return active;
    },
    get waiting() {
      return line.length;
    },
    get peak() {
      return peak;
    },
  };
}
