import { describe, expect, it } from 'vitest';
import { createWaiterQueue, type QueueLinks } from './waiter-queue.js';

interface Named extends QueueLinks<Named> {
  name: string;
}

function waiter(name: string): Named {
  return { name, prev: undefined, next: undefined, queued: false };
}

const names = (list: Array<Named | undefined>): string[] => list.map((w) => w?.name ?? '-');

describe('waiter queue', () => {
  it('serves the oldest first with fifo and the newest first with lifo', () => {
    for (const [priority, order] of [['fifo', ['a', 'b', 'c']], ['lifo', ['c', 'b', 'a']]] as const) {
      const queue = createWaiterQueue<Named>(priority);
      for (const name of ['a', 'b', 'c']) queue.push(waiter(name));
      expect(names([queue.take(), queue.take(), queue.take(), queue.take()])).toEqual([...order, '-']);
    }
  });

  it('removes a waiter from the middle and keeps the count exact', () => {
    const queue = createWaiterQueue<Named>('fifo');
    const [a, b, c] = [waiter('a'), waiter('b'), waiter('c')];
    [a, b, c].forEach((w) => queue.push(w));
    queue.remove(b);
    queue.remove(b);
    expect(queue.size).toBe(2);
    expect(names(queue.takeAll())).toEqual(['a', 'c']);
    expect(queue.size).toBe(0);
  });

  it('puts a waiter back at the front of the line', () => {
    for (const priority of ['fifo', 'lifo'] as const) {
      const queue = createWaiterQueue<Named>(priority);
      queue.push(waiter('a'));
      queue.push(waiter('b'));
      const first = queue.take();
      if (first === undefined) throw new Error('empty');
      queue.pushNext(first);
      expect(queue.take()).toBe(first);
    }
  });
});
