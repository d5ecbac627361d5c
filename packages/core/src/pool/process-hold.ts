/**
 * What keeps the process alive while any pool has pending work: one MessagePort for every pool of the
 * process, ref'd while at least one pool holds it. A port per pool cost each of them a MessageChannel (and
 * its close) — ~15 µs, 192 times for a group of 192 hosts. A port, not a timer, so fake timers never spin on it.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';

let port: MessagePort | undefined;
let holders = 0;

/** One more pool has pending work: the process stays alive. Balanced by `release()`. */
export function hold(): void {
  holders += 1;
  if (holders > 1) return;
  if (port === undefined) {
    port = new MessageChannel().port1;
    // A port keeps the loop alive only once it listens; it never receives anything.
    port.on('message', () => undefined);
  }
  port.ref();
}

/** A pool's pending work is over; when it was the last, the process may exit. */
export function release(): void {
  if (holders === 0) return;
  holders -= 1;
  if (holders === 0) port?.unref();
}

/** How many pools hold the process now (for tests). */
export const holdCount = (): number => holders;
