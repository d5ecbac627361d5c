/**
 * An async iterator fed by callbacks: `push` lines as they arrive, then `close` or `fail` once.
 * Lines wait in memory until read (a command's output is already bounded by `maxBuffer`).
 */
export interface LineQueue extends AsyncIterableIterator<string> {
  push(line: string): void;
  close(): void;
  fail(error: unknown): void;
}

type Waiter = { resolve: (result: IteratorResult<string>) => void; reject: (error: unknown) => void };

/** `onReturn` runs when the reader stops early (`break` out of `for await`) before the queue ended. */
export function createLineQueue(onReturn: () => void): LineQueue {
  const lines: string[] = [];
  const waiters: Waiter[] = [];
  let ended: { error: unknown } | 'done' | undefined;

  const settleWaiters = (): void => {
    while (waiters.length > 0 && (lines.length > 0 || ended !== undefined)) {
      const waiter = waiters.shift() as Waiter;
      if (lines.length > 0) waiter.resolve({ value: lines.shift() as string, done: false });
      else if (ended === 'done' || ended === undefined) waiter.resolve({ value: undefined, done: true });
      else {
        waiter.reject(ended.error);
        ended = 'done'; // report an error once, then behave as finished
      }
    }
  };

  const queue: LineQueue = {
    push(line) {
      if (ended !== undefined) return;
      lines.push(line);
      settleWaiters();
    },
    close() {
      ended ??= 'done';
      settleWaiters();
    },
    fail(error) {
      ended ??= { error };
      settleWaiters();
    },
    next() {
      return new Promise<IteratorResult<string>>((resolve, reject) => {
        waiters.push({ resolve, reject });
        settleWaiters();
      });
    },
    return() {
      if (ended === undefined) {
        ended = 'done';
        lines.length = 0;
        onReturn();
      }
      settleWaiters();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return queue;
    },
  };
  return queue;
}
