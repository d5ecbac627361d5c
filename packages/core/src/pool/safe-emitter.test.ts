import { describe, expect, it } from 'vitest';
import { createSafeEmitter } from './safe-emitter.js';

interface Events {
  tick: { n: number };
  other: string;
}

describe('safe emitter', () => {
  it('keeps calling listeners after one throws, and reports the error', async () => {
    const reported: unknown[] = [];
    const emitter = createSafeEmitter<Events>((error) => reported.push(error));
    const seen: number[] = [];
    emitter.on('tick', () => {
      throw new Error('boom');
    });
    emitter.on('tick', async () => Promise.reject(new Error('async boom')));
    emitter.on('tick', ({ n }) => seen.push(n));
    expect(() => emitter.emit('tick', { n: 1 })).not.toThrow();
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual([1]);
    expect(reported.map((e) => (e as Error).message).sort()).toEqual(['async boom', 'boom']);
  });

  it('supports once and off with the original listener', () => {
    const emitter = createSafeEmitter<Events>(() => undefined);
    const seen: string[] = [];
    const listener = (value: string): void => void seen.push(value);
    emitter.once('other', (value) => seen.push(`once:${value}`));
    emitter.on('other', listener);
    emitter.emit('other', 'a');
    emitter.off('other', listener);
    emitter.emit('other', 'b');
    expect(seen).toEqual(['once:a', 'a']);
    expect(emitter.has('other')).toBe(false);
  });

  it('tells when listeners come and go, a once listener included', () => {
    let changes = 0;
    const emitter = createSafeEmitter<Events>(() => undefined, () => (changes += 1));
    const listener = (): void => undefined;
    emitter.on('other', listener);
    expect([changes, emitter.has('other')]).toEqual([1, true]);
    emitter.off('other', listener);
    expect([changes, emitter.has('other')]).toEqual([2, false]);
    emitter.once('tick', () => undefined);
    emitter.emit('tick', { n: 1 });
    expect([changes, emitter.has('tick')]).toEqual([4, false]);
    emitter.on('tick', listener);
    emitter.off('tick');
    emitter.removeAll();
    expect(changes).toBe(7);
  });
});
