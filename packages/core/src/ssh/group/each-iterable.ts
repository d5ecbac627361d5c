/**
 * `group.each`: the records of a run as an async iterable, in the order hosts finish. The run starts at the
 * first `next()`; leaving the loop early (`break`, `return`, a throw) starts no more hosts (the running ones
 * finish on their own). Under `failFast` the failing host's record is yielded, then its error is thrown.
 */
import type { HostResult } from './group-types.js';
import type { RunHandle } from './run-all.js';

type Waiter = { resolve: (result: IteratorResult<HostResult>) => void; reject: (error: Error) => void };

export function iterateRun(begin: (onRecord: (record: HostResult) => void) => Promise<RunHandle>): AsyncIterable<HostResult> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<HostResult> {
      const queue: HostResult[] = [];
      let waiter: Waiter | undefined;
      let ended = false;
      let failure: Error | undefined;
      let handle: RunHandle | undefined;
      let started = false;

      const settle = (): void => {
        if (waiter === undefined) return;
        const current = waiter;
        const record = queue.shift();
        if (record !== undefined) current.resolve({ value: record, done: false });
        else if (failure !== undefined) {
          current.reject(failure);
          failure = undefined;
          ended = true;
        } else if (ended) current.resolve({ value: undefined, done: true });
        else return;
        waiter = undefined;
      };

      const start = (): void => {
        if (started) return;
        started = true;
        begin((record) => {
          if (ended) return;
          queue.push(record);
          settle();
        }).then(
          (run) => {
            handle = run;
            if (ended) run.stop();
            run.done.then(
              () => {
                ended = true;
                settle();
              },
              (error: unknown) => {
                failure = error as Error;
                settle();
              },
            );
          },
          (error: unknown) => {
            failure = error as Error;
            settle();
          },
        );
      };

      return {
        next() {
          start();
          return new Promise<IteratorResult<HostResult>>((resolve, reject) => {
            waiter = { resolve, reject };
            settle();
          });
        },
        return() {
          ended = true;
          queue.length = 0;
          handle?.stop();
          return Promise.resolve({ value: undefined, done: true });
        },
      };
    },
  };
}
