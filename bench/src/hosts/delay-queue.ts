/**
 * One direction of the delaying proxy: every chunk read from `from` is written to `to` exactly
 * `delayMs` later, in the order it was read. The delay is constant, so a FIFO of due times is
 * already sorted; one timer waits for the head. An end read is forwarded after the data before it.
 */
import type { Socket } from 'node:net';

interface Pending {
  readonly due: number;
  readonly chunk: Buffer | null; // null: the source ended
}

export function pipeWithDelay(from: Socket, to: Socket, delayMs: number, now: () => number = () => performance.now()): void {
  const queue: Pending[] = [];
  let head = 0;
  let timer: NodeJS.Timeout | undefined;

  const flush = (): void => {
    timer = undefined;
    const time = now();
    while (head < queue.length) {
      const next = queue[head];
      if (next === undefined || next.due > time) break;
      head++;
      if (next.chunk === null) to.end();
      else if (!to.write(next.chunk)) {
        from.pause();
        to.once('drain', () => from.resume());
      }
    }
    if (head === queue.length) {
      queue.length = 0;
      head = 0;
    } else schedule();
  };

  const schedule = (): void => {
    const next = queue[head];
    if (timer !== undefined || next === undefined) return;
    timer = setTimeout(flush, Math.max(0, next.due - now()));
  };

  from.on('data', (chunk: Buffer) => {
    queue.push({ due: now() + delayMs, chunk });
    schedule();
  });
  from.on('end', () => {
    queue.push({ due: now() + delayMs, chunk: null });
    schedule();
  });
  from.on('close', () => {
    // The other side goes away once everything queued has been delivered.
    const last = queue[queue.length - 1];
    const wait = last === undefined ? 0 : Math.max(0, last.due - now()) + 1;
    setTimeout(() => to.destroy(), wait).unref();
  });
}
