/**
 * The pool's one queue of waiters: a doubly linked list, so a waiter that times out or is aborted leaves
 * in O(1). `fifo` serves the oldest waiter first, `lifo` the newest. The links live on the waiter itself.
 */
import type { QueuePriority } from './types.js';

/** What the queue needs on each waiter; owned by the queue. */
export interface QueueLinks<W> {
  prev: W | undefined;
  next: W | undefined;
  queued: boolean;
}

export interface WaiterQueue<W extends QueueLinks<W>> {
  readonly size: number;
  /** Waiters in the queue for which `marked` (given at creation) is true. */
  readonly marked: number;
  push(waiter: W): void;
  /** Puts a waiter back so it is the next one served (its resource failed a check, or its channel was refused). */
  pushNext(waiter: W): void;
  /** The next waiter to serve, left in the queue. */
  peek(): W | undefined;
  /** The waiter served after `waiter`, in serving order. */
  after(waiter: W): W | undefined;
  take(): W | undefined;
  remove(waiter: W): void;
  takeAll(): W[];
}

export function createWaiterQueue<W extends QueueLinks<W>>(priority: QueuePriority, isMarked: (waiter: W) => boolean = () => false): WaiterQueue<W> {
  let head: W | undefined;
  let tail: W | undefined;
  let size = 0;
  let marked = 0;

  const linkTail = (waiter: W): void => {
    waiter.prev = tail;
    waiter.next = undefined;
    if (tail === undefined) head = waiter;
    else tail.next = waiter;
    tail = waiter;
    waiter.queued = true;
    size += 1;
    if (isMarked(waiter)) marked += 1;
  };
  const linkHead = (waiter: W): void => {
    waiter.next = head;
    waiter.prev = undefined;
    if (head === undefined) tail = waiter;
    else head.prev = waiter;
    head = waiter;
    waiter.queued = true;
    size += 1;
    if (isMarked(waiter)) marked += 1;
  };
  const remove = (waiter: W): void => {
    if (!waiter.queued) return;
    if (waiter.prev === undefined) head = waiter.next;
    else waiter.prev.next = waiter.next;
    if (waiter.next === undefined) tail = waiter.prev;
    else waiter.next.prev = waiter.prev;
    waiter.prev = undefined;
    waiter.next = undefined;
    waiter.queued = false;
    size -= 1;
    if (isMarked(waiter)) marked -= 1;
  };

  return {
    get size() {
      return size;
    },
    get marked() {
      return marked;
    },
    push: linkTail,
    pushNext: (waiter) => (priority === 'fifo' ? linkHead(waiter) : linkTail(waiter)),
    peek: () => (priority === 'fifo' ? head : tail),
    after: (waiter) => (priority === 'fifo' ? waiter.next : waiter.prev),
    take() {
      const waiter = priority === 'fifo' ? head : tail;
      if (waiter !== undefined) remove(waiter);
      return waiter;
    },
    remove,
    takeAll() {
      const all: W[] = [];
      for (let waiter = head; waiter !== undefined; waiter = head) {
        remove(waiter);
        all.push(waiter);
      }
      return all;
    },
  };
}
