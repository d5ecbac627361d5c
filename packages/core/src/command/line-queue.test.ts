import { describe, expect, it } from 'vitest';
import { createLineQueue } from './line-queue.js';

describe('createLineQueue', () => {
  it('hands lines to waiting and later readers, in order, then ends', async () => {
    const queue = createLineQueue(() => undefined);
    const first = queue.next();
    queue.push('a');
    queue.push('b');
    queue.close();
    expect(await first).toEqual({ value: 'a', done: false });
    expect(await queue.next()).toEqual({ value: 'b', done: false });
    expect(await queue.next()).toEqual({ value: undefined, done: true });
  });

  it('reports a failure once, after the lines already queued', async () => {
    const queue = createLineQueue(() => undefined);
    queue.push('a');
    queue.fail(new Error('boom'));
    expect(await queue.next()).toEqual({ value: 'a', done: false });
    await expect(queue.next()).rejects.toThrow('boom');
    expect(await queue.next()).toEqual({ value: undefined, done: true });
  });

  it('calls onReturn when the reader stops before the end, and not after it', async () => {
    let stops = 0;
    const early = createLineQueue(() => stops++);
    await early.return?.();
    early.push('ignored');
    expect(await early.next()).toEqual({ value: undefined, done: true });
    const late = createLineQueue(() => stops++);
    late.close();
    await late.return?.();
    expect(stops).toBe(1);
  });
});
