/**
 * The acquire queue: a doubly linked list so a waiter that times out or is aborted leaves in O(1).
 * `fifo` serves the oldest waiter first, `lifo` the newest.
 */
import type { QueuePriority } from './types.js';

export interface Waiter<T> {
  readonly startedAt: number;
  /** The pool's creation count when this acquire began: a resource made later was made for it (a miss). */
  readonly createdBefore: number;
  /** The circuit breaker's probe token when this acquire is the half-open probe. */
  readonly probe: number | undefined;
  readonly resolve: (resource: T) => void;
  readonly reject: (error: unknown) => void;
  /** Clock time at which this acquire times out (`Infinity` for never), and the timeout it had. */
  readonly deadline: number;
  readonly timeout: number;
  settled: boolean;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  /** Links, owned by the queue. */
  prev: Waiter<T> | undefined;
  next: Waiter<T> | undefined;
  queued: boolean;
}

export interface WaiterQueue<T> {
  readonly size: number;
  /** Adds a new waiter. */
  push(waiter: Waiter<T>): void;
  /** Puts a waiter back so it is the next one served (after a resource failed validation for it). */
  pushNext(waiter: Waiter<T>): void;
  /** Takes the next waiter to serve. */
  take(): Waiter<T> | undefined;
  remove(waiter: Waiter<T>): void;
  /** Removes and returns every waiter. */
  takeAll(): Array<Waiter<T>>;
}

export function createWaiterQueue<T>(priority: QueuePriority): WaiterQueue<T> {
  let head: Waiter<T> | undefined;
  let tail: Waiter<T> | undefined;
  let size = 0;

  const linkTail = (waiter: Waiter<T>): void => {
    waiter.prev = tail;
    waiter.next = undefined;
    if (tail === undefined) head = waiter;
    else tail.next = waiter;
    tail = waiter;
    waiter.queued = true;
    size += 1;
  };
  const linkHead = (waiter: Waiter<T>): void => {
    waiter.next = head;
    waiter.prev = undefined;
    if (head === undefined) tail = waiter;
    else head.prev = waiter;
    head = waiter;
    waiter.queued = true;
    size += 1;
  };
  const remove = (waiter: Waiter<T>): void => {
    if (!waiter.queued) return;
    if (waiter.prev === undefined) head = waiter.next;
    else waiter.prev.next = waiter.next;
    if (waiter.next === undefined) tail = waiter.prev;
    else waiter.next.prev = waiter.prev;
    waiter.prev = undefined;
    waiter.next = undefined;
    waiter.queued = false;
    size -= 1;
  };

  return {
    get size() {
      return size;
    },
    push: linkTail,
    pushNext: (waiter) => (priority === 'fifo' ? linkHead(waiter) : linkTail(waiter)),
    take() {
      const waiter = priority === 'fifo' ? head : tail;
      if (waiter !== undefined) remove(waiter);
      return waiter;
    },
    remove,
    takeAll() {
      const all: Array<Waiter<T>> = [];
      for (let waiter = head; waiter !== undefined; waiter = head) {
        remove(waiter);
        all.push(waiter);
      }
      return all;
    },
  };
}
