import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startKeepalive } from './keepalive.js';

describe('startKeepalive', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends one request per interval and stays alive while replies come', () => {
    let sent = 0;
    const onDead = vi.fn();
    const keepalive = startKeepalive({ interval: 1000, countMax: 3, onDead, send: (reply) => (sent++, reply(), true) });
    vi.advanceTimersByTime(10_000);
    expect(sent).toBe(10);
    expect(keepalive.stats).toEqual({ sent: 10, answered: 10 });
    expect(onDead).not.toHaveBeenCalled();
    keepalive.stop();
    vi.advanceTimersByTime(5000);
    expect(sent).toBe(10);
  });

  it('declares the peer dead after countMax unanswered requests, once', () => {
    const onDead = vi.fn();
    const keepalive = startKeepalive({ interval: 1000, countMax: 3, onDead, send: () => true });
    vi.advanceTimersByTime(3000);
    expect(onDead).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1000);
    expect(onDead).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10_000);
    expect(onDead).toHaveBeenCalledTimes(1);
    expect(keepalive.stats.sent).toBe(3);
  });

  it('a late reply resets the count', () => {
    const onDead = vi.fn();
    const pending: Array<() => void> = [];
    startKeepalive({ interval: 1000, countMax: 2, onDead, send: (reply) => (pending.push(reply), true) });
    vi.advanceTimersByTime(2000);
    pending.shift()?.();
    vi.advanceTimersByTime(1000);
    expect(onDead).not.toHaveBeenCalled();
  });

  it('does nothing with interval 0, and stops when a request cannot be sent', () => {
    const send = vi.fn(() => false);
    startKeepalive({ interval: 0, countMax: 3, onDead: vi.fn(), send });
    vi.advanceTimersByTime(100_000);
    expect(send).not.toHaveBeenCalled();
    startKeepalive({ interval: 10, countMax: 3, onDead: vi.fn(), send });
    vi.advanceTimersByTime(1000);
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('uses an unref-ed timer, so it never keeps the process alive', () => {
    vi.useRealTimers();
    const spy = vi.spyOn(globalThis, 'setInterval');
    const keepalive = startKeepalive({ interval: 60_000, countMax: 3, onDead: vi.fn(), send: () => true });
    const timer = spy.mock.results[0]?.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    keepalive.stop();
    spy.mockRestore();
  });
});
