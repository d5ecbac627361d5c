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

/**
 * A class with plain `size` and `marked` fields, not closures behind getters: the pool reads them several
 * times per acquire and release.
 */
class LinkedWaiterQueue<W extends QueueLinks<W>> implements WaiterQueue<W> {
  size = 0;
  marked = 0;
  private head: W | undefined = undefined;
  private tail: W | undefined = undefined;
  private readonly fifo: boolean;

  constructor(
    priority: QueuePriority,
    private readonly isMarked: (waiter: W) => boolean,
  ) {
    this.fifo = priority === 'fifo';
  }

  push(waiter: W): void {
    waiter.prev = this.tail;
    waiter.next = undefined;
    if (this.tail === undefined) this.head = waiter;
    else this.tail.next = waiter;
    this.tail = waiter;
    this.linked(waiter);
  }

  pushNext(waiter: W): void {
    if (!this.fifo) {
      this.push(waiter);
      return;
    }
    waiter.next = this.head;
    waiter.prev = undefined;
    if (this.head === undefined) this.tail = waiter;
    else this.head.prev = waiter;
    this.head = waiter;
    this.linked(waiter);
  }

  peek(): W | undefined {
    return this.fifo ? this.head : this.tail;
  }

  after(waiter: W): W | undefined {
    return this.fifo ? waiter.next : waiter.prev;
  }

  take(): W | undefined {
    const waiter = this.fifo ? this.head : this.tail;
    if (waiter !== undefined) this.remove(waiter);
    return waiter;
  }

  remove(waiter: W): void {
    if (!waiter.queued) return;
    if (waiter.prev === undefined) this.head = waiter.next;
    else waiter.prev.next = waiter.next;
    if (waiter.next === undefined) this.tail = waiter.prev;
    else waiter.next.prev = waiter.prev;
    waiter.prev = undefined;
    waiter.next = undefined;
    waiter.queued = false;
    this.size -= 1;
    if (this.isMarked(waiter)) this.marked -= 1;
  }

  takeAll(): W[] {
    const all: W[] = [];
    for (let waiter = this.head; waiter !== undefined; waiter = this.head) {
      this.remove(waiter);
      all.push(waiter);
    }
    return all;
  }

  private linked(waiter: W): void {
    waiter.queued = true;
    this.size += 1;
    if (this.isMarked(waiter)) this.marked += 1;
  }
}

export function createWaiterQueue<W extends QueueLinks<W>>(priority: QueuePriority, isMarked: (waiter: W) => boolean = () => false): WaiterQueue<W> {
  return new LinkedWaiterQueue(priority, isMarked);
}
