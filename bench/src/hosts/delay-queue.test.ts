import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pipeWithDelay } from './delay-queue.js';

class FakeSource extends EventEmitter {
  paused = false;
  pause(): this {
    this.paused = true;
    return this;
  }
  resume(): this {
    this.paused = false;
    return this;
  }
}

class FakeSink extends EventEmitter {
  readonly written: string[] = [];
  ended = false;
  destroyed = false;
  accept = true;
  write(chunk: Buffer): boolean {
    this.written.push(chunk.toString());
    return this.accept;
  }
  end(): void {
    this.ended = true;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

const setup = (delayMs: number) => {
  const from = new FakeSource();
  const to = new FakeSink();
  pipeWithDelay(from as unknown as Socket, to as unknown as Socket, delayMs, () => Date.now());
  return { from, to };
};

describe('pipeWithDelay', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('delivers a chunk exactly the delay after it was read, not before', () => {
    const { from, to } = setup(10);
    from.emit('data', Buffer.from('a'));
    vi.advanceTimersByTime(9);
    expect(to.written).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(to.written).toEqual(['a']);
  });

  it('keeps the order of chunks read at different times and forwards the end after them', () => {
    const { from, to } = setup(10);
    from.emit('data', Buffer.from('1'));
    vi.advanceTimersByTime(3);
    from.emit('data', Buffer.from('2'));
    from.emit('data', Buffer.from('3'));
    from.emit('end');
    vi.advanceTimersByTime(7);
    expect(to.written).toEqual(['1']);
    expect(to.ended).toBe(false);
    vi.advanceTimersByTime(3);
    expect(to.written).toEqual(['1', '2', '3']);
    expect(to.ended).toBe(true);
  });

  it('pauses the source while the sink is full and resumes it on drain', () => {
    const { from, to } = setup(5);
    to.accept = false;
    from.emit('data', Buffer.from('x'));
    vi.advanceTimersByTime(5);
    expect(from.paused).toBe(true);
    to.emit('drain');
    expect(from.paused).toBe(false);
  });

  it('destroys the sink once the source closed and what it sent was delivered', () => {
    const { from, to } = setup(10);
    from.emit('data', Buffer.from('last'));
    from.emit('close');
    vi.advanceTimersByTime(10);
    expect(to.written).toEqual(['last']);
    expect(to.destroyed).toBe(false);
    vi.advanceTimersByTime(1);
    expect(to.destroyed).toBe(true);
  });
});
